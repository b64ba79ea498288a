// Writes one of the benchmarks' synthetic machines to a directory, for measuring the real daemon
// by hand (heaptrack, perf, /proc/PID/status):
//   make_scale_tree DIR NCPUS NIRQS NICS PACKAGES
//   irqd --foreground --dry-run --no-netlink --root DIR --topology-xml DIR/topology.xml ...
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>

#include "tests/bench/scale_tree.hpp"

int main(int argc, char** argv) {
  if (argc != 6) {
    std::fprintf(stderr, "usage: %s DIR NCPUS NIRQS NICS PACKAGES\n", argv[0]);
    return 2;
  }
  namespace fs = std::filesystem;
  const fs::path dir = argv[1];
  if (fs::exists(dir) && !fs::is_empty(dir)) {
    std::fprintf(stderr, "%s: %s exists and is not empty\n", argv[0], argv[1]);
    return 1;
  }
  irqd::bench::ScaleSpec spec{std::atoi(argv[2]), std::atoi(argv[3]), std::atoi(argv[4]), std::atoi(argv[5])};
  irqd::bench::ScaleTree tree(spec);
  fs::create_directories(dir);
  fs::copy(tree.root(), dir, fs::copy_options::recursive | fs::copy_options::copy_symlinks);
  std::printf("%s\n", dir.c_str());
  return 0;
}
