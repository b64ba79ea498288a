// Driver naming conventions for IRQ action names: which NIC queue, misc vector, block-layer queue
// or virtio virtqueue a /proc/interrupts name stands for (see irq_names.hpp for the contract).
#include "sysfs/irq_names.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include "sysfs/text_scan.hpp"

namespace irqd::sysfs {

namespace {

using namespace text_scan;  // NOLINT: the shared scanning helpers


bool starts_with(std::string_view s, std::string_view p) { return s.substr(0, p.size()) == p; }
bool ends_with(std::string_view s, std::string_view p) {
  return s.size() >= p.size() && s.substr(s.size() - p.size()) == p;
}

// A queue or device index: plain decimal digits that fit an int.
bool parse_index(std::string_view s, int& out) {
  if (s.empty() || s.size() > 9 || !std::all_of(s.begin(), s.end(), is_digit)) return false;
  std::from_chars(s.data(), s.data() + s.size(), out);
  return true;
}

// True when s is exactly a PCI address "DDDD:BB:DD.F" (longer domains such as VMD's allowed).
bool is_bdf(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size() && is_hex(s[i])) ++i;
  if (i < 4 || i > 8 || s.size() != i + 8) return false;
  return s[i] == ':' && is_hex(s[i + 1]) && is_hex(s[i + 2]) && s[i + 3] == ':' &&
         is_hex(s[i + 4]) && is_hex(s[i + 5]) && s[i + 6] == '.' && s[i + 7] >= '0' &&
         s[i + 7] <= '7';
}

// Length of the PCI address at the start of s, or 0.
std::size_t bdf_prefix(std::string_view s) {
  std::size_t colon = s.find(':');
  if (colon == std::string_view::npos) return 0;
  std::size_t len = colon + 8;
  return len <= s.size() && is_bdf(s.substr(0, len)) ? len : 0;
}

// What the kernel's dev_valid_name() accepts (at most IFNAMSIZ-1 characters, no '/', ':' or
// blanks), further narrowed by characters that never occur in the names drivers give interfaces
// but do separate the parts of IRQ names.
bool valid_iface(std::string_view s) {
  if (s.empty() || s.size() > 15 || s == "." || s == "..") return false;
  return std::none_of(s.begin(), s.end(), [](char c) {
    return c == '/' || c == ':' || c == ' ' || c == '\t' || c == ',' || c == '@' || c == '[' ||
           c == ']' || c == '(' || c == ')';
  });
}

// Names udev and the kernel give NICs (eth0, eno1, ens3f0, enp3s0, em1, ib0, wlan0, bond0, p1p1).
// A digit is required so that words such as "ena" or "enic" never look like interfaces, and an
// alphanumeric end so that a truncated "eth0-" does not either.
bool iface_heuristic(std::string_view s) {
  if (!valid_iface(s) || std::none_of(s.begin(), s.end(), is_digit)) return false;
  if (!is_digit(s.back()) && !std::isalpha(static_cast<unsigned char>(s.back()))) return false;
  for (std::string_view p : {"eth", "en", "em", "ib", "wl", "bond"})
    if (starts_with(s, p) && s.size() > p.size()) return true;
  // Biosdevname add-in card ports: p<slot>p<port>.
  std::size_t i = 1;
  while (i < s.size() && is_digit(s[i])) ++i;
  return s[0] == 'p' && i > 1 && i + 1 < s.size() && s[i] == 'p';
}

bool known_iface(std::string_view s, const std::function<bool(std::string_view)>& is_iface) {
  if (!valid_iface(s)) return false;
  return is_iface ? is_iface(s) : iface_heuristic(s);
}

IrqNameInfo make(NameKind kind, std::string_view convention) {
  IrqNameInfo info;
  info.kind = kind;
  info.convention = std::string(convention);
  return info;
}

IrqNameInfo make_queue(QueueRole role, int queue, std::string_view iface,
                       std::string_view convention) {
  IrqNameInfo info = make(NameKind::kQueue, convention);
  info.role = role;
  info.queue = queue;
  info.iface = std::string(iface);
  return info;
}

// "<what>@pci:<bdf>": Mellanox EQs, Azure MANA queues and the ENA management vector.
bool classify_at_pci(std::string_view name, IrqNameInfo& out) {
  std::size_t at = name.find("@pci:");
  if (at == std::string_view::npos) return false;
  std::string_view what = name.substr(0, at);
  std::string_view bdf = name.substr(at + 5);
  if (!is_bdf(bdf)) return false;
  int n = -1;
  if (starts_with(what, "mlx5_comp") && parse_index(what.substr(9), n)) {
    out = make_queue(QueueRole::kCombined, n, "", "mlx5");
  } else if (starts_with(what, "mlx5_")) {  // mlx5_async<N>, mlx5_pages_eq, mlx5_cmd_eq, ...
    out = make(NameKind::kNetMisc, "mlx5");
  } else if (starts_with(what, "mlx4-comp-") && parse_index(what.substr(10), n)) {
    out = make_queue(QueueRole::kCombined, n, "", "mlx4");
  } else if (starts_with(what, "mlx4-")) {  // mlx4-async
    out = make(NameKind::kNetMisc, "mlx4");
  } else if (what == "ena-mgmnt") {
    out = make(NameKind::kNetMisc, "ena");
  } else if (starts_with(what, "mana_q") && parse_index(what.substr(6), n)) {  // Azure MANA
    out = make_queue(QueueRole::kCombined, n, "", "mana");
  } else if (what == "mana_hwc") {  // MANA hardware channel
    out = make(NameKind::kNetMisc, "mana");
  } else {
    return false;
  }
  out.pci = std::string(bdf);
  return true;
}

// "virtio<N>" or "virtio<N>-<virtqueue>": the name of the virtqueue tells the device class.
bool classify_virtio(std::string_view name, IrqNameInfo& out) {
  if (!starts_with(name, "virtio")) return false;
  std::size_t i = 6;
  while (i < name.size() && is_digit(name[i])) ++i;
  if (i == 6 || (i < name.size() && name[i] != '-')) return false;
  std::string_view dev = name.substr(0, i);
  std::string_view vq = i < name.size() ? name.substr(i + 1) : std::string_view();
  int n = -1;
  if (starts_with(vq, "input.") && parse_index(vq.substr(6), n)) {  // virtio-net RX queue
    out = make_queue(QueueRole::kRx, n, "", "virtio");
  } else if (starts_with(vq, "output.") && parse_index(vq.substr(7), n)) {  // virtio-net TX
    out = make_queue(QueueRole::kTx, n, "", "virtio");
  } else if (vq == "config" || vq == "control" || vq == "virtqueues") {
    // Config change, control virtqueue, or one vector shared by every virtqueue.
    out = make(NameKind::kNetMisc, "virtio");
  } else if ((starts_with(vq, "req.") && parse_index(vq.substr(4), n)) || vq == "request") {
    // virtio-blk / virtio-scsi request queues: blk-mq managed vectors.
    out = make(NameKind::kManaged, "virtio");
  } else {
    // Legacy INTx line, virtio-rng "input", virtio-scsi "event", virtio-gpu "cursor", ...
    out = make(NameKind::kOther, "virtio");
  }
  out.virtio = std::string(dev);
  return true;
}

// "nvme<N>q<M>": NVMe admin (q0) and I/O queues, all kernel-managed.
bool classify_nvme(std::string_view name, IrqNameInfo& out) {
  if (!starts_with(name, "nvme")) return false;
  std::size_t q = name.find('q', 4);
  int ctrl = -1;
  int queue = -1;
  if (q == std::string_view::npos || !parse_index(name.substr(4, q - 4), ctrl) ||
      !parse_index(name.substr(q + 1), queue))
    return false;
  out = make(NameKind::kManaged, "nvme");
  return true;
}

// Intel drivers that prefix vector names with the driver name.
constexpr std::array<std::string_view, 3> kIntelPrefixed = {"i40e", "ice", "iavf"};

// "<driver>-<bdf>:<what>": i40e/ice/iavf per-function vectors that serve no netdev queue
// (":misc" admin queue and link, ":fdir-TxRx-0" flow director, ":ctrl-TxRx-0" control VSI,
// ":ll_ts" timestamps, ":mbx" mailbox).
bool classify_intel_function(std::string_view name, IrqNameInfo& out) {
  for (std::string_view drv : kIntelPrefixed) {
    if (name.size() <= drv.size() + 1 || !starts_with(name, drv) || name[drv.size()] != '-')
      continue;
    std::string_view rest = name.substr(drv.size() + 1);
    std::size_t len = bdf_prefix(rest);
    if (len == 0 || len + 1 >= rest.size() || rest[len] != ':') return false;
    out = make(NameKind::kNetMisc, drv);
    out.pci = std::string(rest.substr(0, len));
    return true;
  }
  return false;
}

// Netdev queue vectors named "<if>-<tag>-<N>", parsed from the end since interface names may hold
// '-' and '.'. Tags: "TxRx"/"txrx" (ixgbe, igb, i40e, ice, bnxt, tg3), "Tx-Rx" (ena), "rx"/"tx"
// (split vectors), "tx-<N>-rx" (one vector for TX queue N and RX queue M: QLogic), "fp" (bnx2x),
// none (bnx2, mlx4_en, sfc: "<if>-<N>", only for known interfaces).
bool classify_queue(std::string_view name, const std::function<bool(std::string_view)>& is_iface,
                    IrqNameInfo& out) {
  std::size_t dash = name.rfind('-');
  int n = -1;
  if (dash == std::string_view::npos || !parse_index(name.substr(dash + 1), n)) return false;
  std::string_view head = name.substr(0, dash);
  std::size_t d2 = head.rfind('-');
  std::string_view tag = d2 == std::string_view::npos ? std::string_view() : head.substr(d2 + 1);
  std::string_view before = d2 == std::string_view::npos ? head : head.substr(0, d2);

  QueueRole role = QueueRole::kCombined;
  std::string_view iface = before;
  std::string_view convention = "intel";
  if (tag == "TxRx" || tag == "txrx") {
    convention = "intel";
  } else if (tag == "Rx" && ends_with(before, "-Tx")) {
    iface = before.substr(0, before.size() - 3);
    convention = "ena";
  } else if (tag == "rx" || tag == "tx") {
    convention = "split";
    role = tag == "rx" ? QueueRole::kRx : QueueRole::kTx;
    std::size_t d3 = before.rfind('-');
    int tx = -1;
    if (tag == "rx" && d3 != std::string_view::npos && parse_index(before.substr(d3 + 1), tx) &&
        ends_with(before.substr(0, d3), "-tx")) {
      // "eth0-tx-0-rx-3": RX queue 3 and TX queue 0 on one vector; RSS spreads by RX queue.
      role = QueueRole::kCombined;
      iface = before.substr(0, d3 - 3);
    }
  } else if (tag == "fp") {
    convention = "bnx2";
  } else {
    if (!known_iface(head, is_iface)) return false;
    out = make_queue(QueueRole::kCombined, n, head, "bnx2");
    return true;
  }

  // i40e/ice/iavf put the driver name in front: "i40e-eno1-TxRx-0" (unless the interface itself
  // is known by the prefixed name).
  if (convention == "intel" || convention == "split") {
    for (std::string_view drv : kIntelPrefixed) {
      if (iface.size() > drv.size() + 1 && starts_with(iface, drv) && iface[drv.size()] == '-' &&
          !(is_iface && is_iface(iface))) {
        iface = iface.substr(drv.size() + 1);
        convention = drv;
        break;
      }
    }
  }
  if (!valid_iface(iface)) return false;
  out = make_queue(role, n, iface, convention);
  return true;
}

}  // namespace

IrqNameInfo classify_irq_name(std::string_view name,
                              const std::function<bool(std::string_view)>& is_iface) {
  while (!name.empty() && (name.front() == ' ' || name.front() == '\t')) name.remove_prefix(1);
  while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
  IrqNameInfo info;
  // Shared lines ("PCIe PME, pciehp") serve several devices: nothing to steer.
  if (name.empty() || name.find(',') != std::string_view::npos) return info;
  if (classify_at_pci(name, info) || classify_virtio(name, info) || classify_nvme(name, info) ||
      classify_intel_function(name, info) || classify_queue(name, is_iface, info))
    return info;
  // The bare interface name: ixgbe/igb/e1000e link ("other") vector, or a legacy INTx line.
  if (known_iface(name, is_iface)) {
    info = make(NameKind::kNetMisc, "intel");
    info.iface = std::string(name);
  }
  return info;
}

const char* to_string(NameKind k) {
  switch (k) {
    case NameKind::kQueue:
      return "queue";
    case NameKind::kNetMisc:
      return "net-misc";
    case NameKind::kManaged:
      return "managed";
    case NameKind::kOther:
      return "other";
  }
  return "?";
}

const char* to_string(QueueRole r) {
  switch (r) {
    case QueueRole::kNone:
      return "none";
    case QueueRole::kCombined:
      return "combined";
    case QueueRole::kRx:
      return "rx";
    case QueueRole::kTx:
      return "tx";
  }
  return "?";
}

}  // namespace irqd::sysfs
