// Logging setup: spdlog to the journal (with syslog priorities) when run by systemd, else to
// stderr (stdout is reserved for reports); level from --log-level.
#pragma once

#include <optional>
#include <string>
#include <sys/types.h>

namespace irqd {

// Where stderr points, as JOURNAL_STREAM spells it ("<device>:<inode>").
struct StreamId {
  dev_t dev = 0;
  ino_t ino = 0;
};

// Whether to log to the journal: JOURNAL_STREAM names the stream stderr is connected to (systemd
// connected it to the journal and nobody redirected it since), or the process runs as a systemd
// unit (INVOCATION_ID) whose stderr does not go to the journal at all.
bool should_log_to_journal(const char* journal_stream, const char* invocation_id,
                           std::optional<StreamId> stderr_id);

// Throws std::invalid_argument for an unknown level name.
void setup_logging(const std::string& level);

}  // namespace irqd
