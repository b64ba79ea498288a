// Durable replacement of a small file: temp file beside it, fsync, rename, fsync the directory.
// Shared by the files irqd keeps across runs (original.json, overrides.json), so a crash or
// kill -9 at any moment leaves either the old file or the new one, never a torn one.
#pragma once

#include <filesystem>
#include <string>

namespace irqd {

// Writes `text` to `file` atomically, creating its directory. Throws std::runtime_error naming the
// file and the reason; the old file (if any) is then left as it was.
void write_file_atomic(const std::filesystem::path& file, const std::string& text);

}  // namespace irqd
