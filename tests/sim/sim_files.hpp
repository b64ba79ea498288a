// How the simulated kernel writes its files and notices irqd's writes: every file is replaced
// atomically (temp file + rename: no torn reads) and then stamped with a fixed modification time,
// so "someone wrote it since" is one stat(2) (any write, even of the same text, moves the mtime
// to now) instead of reading and comparing thousands of files every step.
#pragma once

#include <filesystem>
#include <string>

namespace irqd::sim {

// Writes root/rel (creating directories) atomically; `stamp`: then set the sentinel mtime.
void write_file(const std::filesystem::path& root, const std::string& rel, const std::string& text,
                bool stamp = true);
// Whether root/rel was written since write_file() stamped it (or does not exist any more).
bool written_since_stamp(const std::filesystem::path& root, const std::string& rel);
// The file's content without trailing newlines, blanks and NULs; "" when it cannot be read.
std::string read_trimmed(const std::filesystem::path& root, const std::string& rel);

}  // namespace irqd::sim
