// Test helpers for fixture files: where they are, reading them, and unpacking a sysfs tarball
// into a private temporary root that is removed when the test ends.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace irqd::testing {

// tests/fixtures (from IRQD_FIXTURES, set by meson for every test).
std::filesystem::path fixtures_dir();
std::filesystem::path fixture(const std::string& rel);
std::string read_fixture(const std::string& rel);
// Any file's whole content; "" when it cannot be read (e.g. a daemon log not written yet).
std::string read_text(const std::filesystem::path& path);
// Sorted file names (not paths) in a fixture sub-directory, optionally filtered by suffix.
std::vector<std::string> fixture_files(const std::string& subdir, const std::string& suffix = "");

// A fresh temporary directory, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir();
  ~TempDir();
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  const std::filesystem::path& path() const { return path_; }
  // Writes a file (creating parent directories) relative to this directory.
  void write(const std::string& rel, const std::string& content) const;

 private:
  std::filesystem::path path_;
};

// Extracts tests/fixtures/sysfs/<name>.tar.gz; root() is the tree's top directory, to be used as
// a --root.
class ExtractedTree {
 public:
  explicit ExtractedTree(const std::string& tarball_name);
  std::filesystem::path root() const;

 private:
  TempDir dir_;
  std::string name_;
};

}  // namespace irqd::testing
