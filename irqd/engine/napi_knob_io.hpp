// NapiKnobIo: the knob I/O of a cycle that also sets NAPIs. Paths are kernel files under the root
// (SysRootIo), except two kinds that are no file:
//   "netdev/napi/<id>/<attribute>"  defer-hard-irqs, gro-flush-timeout, irq-suspend-timeout,
//                                   threaded: napi-set to write, napi-get to read back;
//   "task/<pid>/cpus"               a threaded NAPI's kthread: sched_setaffinity to write,
//                                   proc/<pid>/status to read (sysfs/task_cpus.hpp).
// So apply, originals and restore treat NAPI settings and kthread CPUs like every other knob:
// each written only when it differs, read back, its original recorded and restored.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "netlink/netdev_source.hpp"
#include "sysfs/knob_io.hpp"
#include "sysfs/sys_root.hpp"

namespace irqd {

class NapiKnobIo final : public sysfs::KnobIo {
 public:
  // `netdev` may be null (no netdev family): NAPI paths then fail with EOPNOTSUPP.
  NapiKnobIo(const sysfs::SysRoot& root, netlink::NetdevSource* netdev) : root_(root), files_(root), netdev_(netdev) {}
  void write(std::string_view rel, std::string_view value) override;
  std::optional<std::string> read_line(std::string_view rel) override;
  std::string display(std::string_view rel) const override;

 private:
  const sysfs::SysRoot& root_;
  sysfs::SysRootIo files_;
  netlink::NetdevSource* netdev_;
  std::optional<std::vector<netlink::NapiInfo>> napis_;  // napi-get, until the next write
};

}  // namespace irqd
