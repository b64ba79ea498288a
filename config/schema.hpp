// The keys irqd's TOML files may hold: one table that the reader validates against, that error
// messages take their "expected ..." text from, and that tests compare with the example file and
// the man page so no key goes undocumented.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace irqd::config {

struct KeyInfo {
  std::string_view section;   // "daemon", "balance", "device" ([[device]]), "irq" ([[irq]])
  std::string_view key;
  std::string_view expected;  // what a valid value looks like, for messages
};

// Every key, grouped by section in file order.
const std::vector<KeyInfo>& known_keys();
// The sections: tables [daemon], [balance]; arrays of tables [[device]], [[irq]].
const std::vector<std::string_view>& known_sections();
bool is_array_section(std::string_view section);
// The entry for section.key, or nullptr.
const KeyInfo* find_key(std::string_view section, std::string_view key);

// The candidate closest to `word` by edit distance when it is close enough to be a likely typo
// (at most 2 edits, and fewer than half of the word); "" otherwise.
std::string suggest(std::string_view word, const std::vector<std::string_view>& candidates);
// Levenshtein distance (insert, delete, substitute), for suggest().
std::size_t edit_distance(std::string_view a, std::string_view b);

}  // namespace irqd::config
