#!/usr/bin/env python3
"""Checks of what `meson install` ships: every installed file lands in a --destdir tree (the
contrib/ files included, each optional one once it exists), the systemd unit passes
`systemd-analyze verify` and runs the installed binary, and irqd.8 describes every option that
`irqd --help` lists. Usage: contrib_test.py MESON BUILD_DIR SOURCE_DIR IRQD."""
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

MESON, BUILD, SOURCE, IRQD = sys.argv[1:5]
CONTRIB = os.path.join(SOURCE, "contrib")
results = []


def check(name, fn):
    try:
        fn()
        results.append((name, None))
        print(f"PASS {name}")
    except AssertionError as e:
        results.append((name, str(e)))
        print(f"FAIL {name}: {e}")


def run(args, **kw):
    return subprocess.run(args, capture_output=True, text=True, **kw)


dest = tempfile.mkdtemp(prefix="irqd-destdir-")
inst = run([MESON, "install", "-C", BUILD, "--no-rebuild", "--quiet", "--destdir", dest])
if inst.returncode != 0:
    print(f"FAIL meson install: {inst.stdout}{inst.stderr}")
    print("0 passed, 1 failed")
    sys.exit(1)
installed = json.loads(run([MESON, "introspect", BUILD, "--installed"]).stdout)
prefix = next(o["value"] for o in json.loads(run([MESON, "introspect", BUILD, "--buildoptions"]).stdout)
              if o["name"] == "prefix")


def under_dest(path):
    return os.path.join(dest, path.lstrip("/"))


def find_installed(suffix):
    hits = [p for p in installed.values() if p.endswith(suffix)]
    assert hits, f"nothing installed ends with {suffix}; installed: {sorted(installed.values())}"
    return hits[0]


def every_installed_file_is_in_the_tree():
    missing = [p for p in installed.values() if not os.path.exists(under_dest(p))]
    assert not missing, f"listed by meson but not in the destdir tree: {missing}"


def contrib_files_are_installed():
    expected = {
        "irqd.8": "/man8/irqd.8",
        "irqctl.8": "/man8/irqctl.8",
        "irqd.toml.5": "/man5/irqd.toml.5",
        "io.github.irqd.Irqd1.conf": "/dbus-1/system.d/io.github.irqd.Irqd1.conf",
        "io.github.irqd.policy": "/polkit-1/actions/io.github.irqd.policy",
        "irqd.toml.example": "/doc/irqd/irqd.toml.example",
        "irqctl.bash": "/bash-completion/completions/irqctl",
        "irqctl.zsh": "/zsh/vendor-completions/_irqctl",
        "irqctl.fish": "/fish/vendor_completions.d/irqctl.fish",
    }
    # The unit and the daemon's own page always exist; the others once their work lands.
    assert os.path.exists(os.path.join(CONTRIB, "irqd.8"))
    for src, suffix in expected.items():
        if os.path.exists(os.path.join(CONTRIB, src)):
            assert os.path.exists(under_dest(find_installed(suffix))), f"{src} not installed"
    assert os.path.exists(under_dest(find_installed("/systemd/system/irqd.service")))
    assert os.access(under_dest(os.path.join(prefix, "sbin", "irqd")), os.X_OK), "sbin/irqd missing"


def unit_text():
    with open(under_dest(find_installed("/systemd/system/irqd.service"))) as f:
        return f.read()


def unit_runs_the_installed_daemon():
    text = unit_text()
    m = re.search(r"^ExecStart=(\S+)", text, re.M)
    assert m, "no ExecStart="
    assert m.group(1) == os.path.join(prefix, "sbin", "irqd"), f"ExecStart runs {m.group(1)}"
    for line in ("Type=notify", "ExecReload=/bin/kill -HUP $MAINPID", "Conflicts=irqbalance.service",
                 "ProtectSystem=strict", "NoNewPrivileges=yes", "RestrictAddressFamilies=AF_UNIX AF_NETLINK"):
        assert re.search("^" + re.escape(line) + "$", text, re.M), f"unit lacks {line}"
    assert re.search(r"^WatchdogSec=\S+", text, re.M), "unit lacks WatchdogSec="
    assert "BusName=" not in text, "BusName= is not used with Type=notify"


def unit_passes_systemd_analyze_verify():
    # verify wants ExecStart's binary to exist: point it at the destdir copy.
    d = os.path.join(dest, "verify")
    os.makedirs(d, exist_ok=True)
    unit = os.path.join(d, "irqd.service")
    with open(unit, "w") as f:
        f.write(unit_text().replace("ExecStart=" + os.path.join(prefix, "sbin", "irqd"),
                                    "ExecStart=" + under_dest(os.path.join(prefix, "sbin", "irqd"))))
    r = run(["systemd-analyze", "verify", "--man=no", unit])
    # Warnings (unknown keys, bad values) only go to stderr; any of them is a failure here.
    noise = [l for l in r.stderr.splitlines() if "Failed to parse system call" not in l]
    assert r.returncode == 0 and not noise, f"systemd-analyze verify: rc {r.returncode}\n{r.stderr}"
    # Documentation= pages that this tree installs must resolve.
    env = dict(os.environ, MANPATH=under_dest(os.path.join(prefix, "share", "man")))
    for page in re.findall(r"man:(\S+)", unit_text()):
        name = page.split("(")[0]
        if os.path.exists(os.path.join(CONTRIB, name + "." + page.split("(")[1].rstrip(")"))):
            assert run(["man", "-w", page], env=env).returncode == 0, f"{page} not found in the tree"


def man_page_lists_every_option():
    help_text = run([IRQD, "--help"]).stdout
    options = sorted(set(re.findall(r"^\s+(?:-\w,)?(--[\w-]+)", help_text, re.M)))
    assert "--foreground" in options, f"could not read options from --help:\n{help_text}"
    with open(os.path.join(CONTRIB, "irqd.8")) as f:
        page = f.read().replace("\\-", "-")
    missing = [o for o in options if o not in page]
    assert not missing, f"irqd.8 does not describe {missing}"


def polkit_actions_are_the_daemons():
    import xml.etree.ElementTree as ET
    shipped = {a.get("id") for a in ET.parse(os.path.join(CONTRIB, "io.github.irqd.policy")).getroot()
               .iter("action")}
    with open(os.path.join(SOURCE, "irqd", "dbus", "authority.hpp")) as f:
        asked = set(re.findall(r'"(io\.github\.irqd\.[a-z-]+)"', f.read()))
    assert asked, "no action ids found in irqd/dbus/authority.hpp"
    assert shipped == asked, f"io.github.irqd.policy ships {sorted(shipped)}, irqd asks for {sorted(asked)}"


check("every installed file is in the destdir tree", every_installed_file_is_in_the_tree)
check("contrib files are installed", contrib_files_are_installed)
check("the unit runs the installed daemon", unit_runs_the_installed_daemon)
check("the unit passes systemd-analyze verify", unit_passes_systemd_analyze_verify)
check("irqd.8 describes every --help option", man_page_lists_every_option)
check("the polkit actions are the ones irqd asks for", polkit_actions_are_the_daemons)
shutil.rmtree(dest, ignore_errors=True)
failed = sum(1 for _, e in results if e)
print(f"{len(results) - failed} passed, {failed} failed")
sys.exit(1 if failed else 0)
