// Logging setup: the journal-or-terminal decision (the JOURNAL_STREAM protocol of systemd.exec(5))
// and the spdlog logger for each.
#include "irqd/daemon/logging.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <cstdio>
#include <stdexcept>

#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/sinks/systemd_sink.h>
#include <spdlog/spdlog.h>

namespace irqd {

bool should_log_to_journal(const char* journal_stream, const char* invocation_id,
                           std::optional<StreamId> stderr_id) {
  if (journal_stream != nullptr && *journal_stream != '\0') {
    unsigned long long dev = 0, ino = 0;
    char extra = 0;
    if (std::sscanf(journal_stream, "%llu:%llu%c", &dev, &ino, &extra) != 2 || !stderr_id) return false;
    return stderr_id->dev == static_cast<dev_t>(dev) && stderr_id->ino == static_cast<ino_t>(ino);
  }
  return invocation_id != nullptr && *invocation_id != '\0';
}

void setup_logging(const std::string& level) {
  auto lvl = spdlog::level::from_str(level);
  if (lvl == spdlog::level::off && level != "off")
    throw std::invalid_argument("unknown log level '" + level + "' (trace, debug, info, warn, error, off)");
  std::optional<StreamId> err;
  struct stat st{};
  if (::fstat(STDERR_FILENO, &st) == 0) err = StreamId{st.st_dev, st.st_ino};
  std::shared_ptr<spdlog::logger> logger;
  if (should_log_to_journal(std::getenv("JOURNAL_STREAM"), std::getenv("INVOCATION_ID"), err)) {
    // Priorities map from spdlog levels (error -> LOG_ERR, warn -> LOG_WARNING, ...); the journal
    // adds time and identifier itself.
    logger = spdlog::systemd_logger_st("irqd", "irqd");
    logger->set_pattern("%v");
  } else {
    // A terminal or a file has no clock of its own: each line says when (local time, ISO 8601).
    logger = spdlog::stderr_color_st("irqd");
    logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e%z irqd: %^%l%$: %v");
  }
  logger->set_level(lvl);
  spdlog::set_default_logger(logger);
}

}  // namespace irqd
