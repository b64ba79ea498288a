#!/usr/bin/env bash
# Runs every libFuzzer target of a fuzz build for a fixed time each.
#
#   tests/fuzz/run.sh BUILD_DIR SECONDS_PER_TARGET [TARGET...]
#
# BUILD_DIR was configured with
#   CXX=clang++ meson setup BUILD_DIR -Dfuzz=true -Db_sanitize=address,undefined \
#     -Db_lundef=false -Dtests=disabled -Dbenchmarks=disabled
# and built (ninja -C BUILD_DIR). TARGETs are names such as fuzz_cpuset (default: all).
#
# Each target runs on BUILD_DIR/fuzz-corpus/<target>/, seeded from tests/fuzz/corpus/<target>/
# (inputs found in earlier runs are kept there). Crashing inputs (crash-*, leak-*, timeout-*,
# oom-*) go to BUILD_DIR/fuzz-artifacts/<target>/, full logs to BUILD_DIR/fuzz-logs/<target>.log.
# Reproduce one with: BUILD_DIR/tests/fuzz/<target> BUILD_DIR/fuzz-artifacts/<target>/crash-...
# Exit status: 0 when no target crashed, 1 when one did (or is missing), 2 on bad usage.
set -u

usage() {
  echo "usage: $0 BUILD_DIR SECONDS_PER_TARGET [TARGET...]" >&2
  exit 2
}

[ $# -ge 2 ] || usage
build_dir=$1
seconds=$2
shift 2
case $seconds in '' | *[!0-9]* | 0) usage ;; esac
[ -d "$build_dir" ] || { echo "$0: no build directory '$build_dir'" >&2; exit 2; }
build_dir=$(cd "$build_dir" && pwd)
src_dir=$(cd "$(dirname "$0")" && pwd)

if [ $# -gt 0 ]; then
  targets=("$@")
else
  targets=()
  for f in "$src_dir"/fuzz_*.cpp; do
    t=$(basename "$f" .cpp)
    targets+=("$t")
  done
fi

# Largest input per target: big enough for every real format it parses, small enough to stay fast.
max_len_of() {
  case $1 in
    fuzz_proc_interrupts) echo 16384 ;;  # header + rows of a 100+ CPU machine
    fuzz_cpuset) echo 4096 ;;            # an 8192-CPU mask is 2303 bytes
    fuzz_knob_io) echo 4096 ;;           # two knob values
    fuzz_irq_names) echo 256 ;;          # action names are short
    fuzz_irq_files) echo 4096 ;;         # four one-line files and a debugfs page
    fuzz_originals) echo 8192 ;;         # JSON of a few dozen knobs
    fuzz_proc_stat) echo 16384 ;;        # cpu lines of a 256-CPU machine (intr line cut)
    fuzz_proc_softirqs) echo 16384 ;;    # a 112-CPU capture is 13.7 kB
    fuzz_softnet_stat) echo 8192 ;;      # ~100-135 bytes per CPU
    fuzz_overrides) echo 8192 ;;         # JSON of a few dozen pins
    fuzz_dbus_args) echo 4200 ;;         # arguments are refused past 4096 bytes
    fuzz_config) echo 8192 ;;            # a full example config is 4 kB
    *) echo 16384 ;;
  esac
}

# UBSan only prints unless told to halt; without halt_on_error a UB report is not a crash.
export ASAN_OPTIONS="abort_on_error=1:detect_leaks=1:symbolize=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="halt_on_error=1:print_stacktrace=1:symbolize=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"
if [ -z "${ASAN_SYMBOLIZER_PATH:-}" ] && command -v llvm-symbolizer >/dev/null 2>&1; then
  export ASAN_SYMBOLIZER_PATH=$(command -v llvm-symbolizer)
fi

# Scratch trees of fuzz_irq_files / fuzz_originals (irqd-fuzz-<name>.<pid>.XXXXXX) that a crash or
# an interrupt left behind; a clean exit has removed them already.
remove_scratch() {
  local d s
  for d in /dev/shm "${TMPDIR:-/tmp}"; do
    for s in "$d"/irqd-fuzz-*."$1".*; do
      if [ -d "$s" ] && [ -O "$s" ]; then rm -rf -- "$s"; fi
    done
  done
}
pid=
# A background fuzzer ignores the terminal's SIGINT: stop it ourselves.
trap 'if [ -n "$pid" ]; then kill -TERM "$pid" 2>/dev/null; wait "$pid" 2>/dev/null; remove_scratch "$pid"; fi; exit 130' INT TERM

mkdir -p "$build_dir/fuzz-corpus" "$build_dir/fuzz-artifacts" "$build_dir/fuzz-logs"
failed=0
summary=()

for t in "${targets[@]}"; do
  exe=$build_dir/tests/fuzz/$t
  corpus=$build_dir/fuzz-corpus/$t
  artifacts=$build_dir/fuzz-artifacts/$t
  log=$build_dir/fuzz-logs/$t.log
  if [ ! -x "$exe" ]; then
    echo "== $t: NOT BUILT ($exe missing; configure with -Dfuzz=true and run ninja)"
    summary+=("$(printf '%-24s %12s  %s' "$t" "-" "NOT BUILT")")
    failed=1
    continue
  fi
  mkdir -p "$corpus" "$artifacts"
  if [ -d "$src_dir/corpus/$t" ]; then
    cp -n "$src_dir/corpus/$t"/* "$corpus"/ 2>/dev/null || true
  fi
  max_len=$(max_len_of "$t")
  echo "== $t: ${seconds}s, max_len $max_len, corpus $(ls -1 "$corpus" | wc -l) files"
  # Started in the background and waited for, so that bash prints no "Aborted" notice for a
  # crashing fuzzer and we know its pid.
  (exec "$exe" -max_total_time="$seconds" -max_len="$max_len" -timeout=25 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="$artifacts/" "$corpus") >"$log" 2>&1 &
  pid=$!
  wait "$pid" 2>/dev/null
  rc=$?
  remove_scratch "$pid"
  pid=
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  [ -n "$execs" ] || execs=$(sed -n 's/^Done \([0-9]*\) runs.*/\1/p' "$log" | tail -1)
  [ -n "$execs" ] || execs="?"
  new=$(sed -n 's/.*Test unit written to //p' "$log" | sort -u)
  if [ $rc -eq 0 ] && [ -z "$new" ]; then
    result="ok"
  else
    failed=1
    kind=$(grep -m1 -oE 'ERROR: (AddressSanitizer|LeakSanitizer|UndefinedBehaviorSanitizer|libFuzzer): [a-zA-Z -]+|runtime error: .*|property violated: .*|terminate called .*' "$log" |
      head -1 | sed 's/ on address *$//; s/ *$//')
    result="CRASH (exit $rc${kind:+: $kind})"
    for a in $new; do result="$result"$'\n'"    input: $a ($(stat -c %s "$a") bytes)"; done
    echo "   log tail ($log):"
    grep -E '^ *#[0-9]+ |ERROR|runtime error|property violated|terminate called|what\(\)|SUMMARY' "$log" |
      sed 's/ (BuildId: [0-9a-f]*)//; s/^/   | /' | head -40
  fi
  echo "   $execs executions: $result"
  summary+=("$(printf '%-24s %12s  %s' "$t" "$execs" "$result")")
done

echo
echo "== summary (${seconds}s per target; logs in $build_dir/fuzz-logs)"
printf '%-24s %12s  %s\n' target executions result
printf '%s\n' "${summary[@]}"
exit $failed
