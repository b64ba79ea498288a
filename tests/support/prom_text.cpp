// Prometheus text format reader for tests.
#include "tests/support/prom_text.hpp"

#include <cstdlib>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace irqd::testing {

namespace {
bool name_ok(const std::string& n) {
  if (n.empty() || std::isdigit(static_cast<unsigned char>(n[0]))) return false;
  for (char c : n)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != ':') return false;
  return true;
}
// Checks {a="x",b="y\"z"} and returns the label set's end.
std::size_t labels_end(const std::string& s, std::size_t at, const std::string& line) {
  std::size_t i = at + 1;
  while (i < s.size() && s[i] != '}') {
    std::size_t eq = s.find('=', i);
    if (eq == std::string::npos || !name_ok(s.substr(i, eq - i)) || eq + 1 >= s.size() || s[eq + 1] != '"')
      throw std::runtime_error("bad label in: " + line);
    i = eq + 2;
    while (i < s.size() && s[i] != '"') i += s[i] == '\\' ? 2u : 1u;
    if (i >= s.size()) throw std::runtime_error("unterminated label value in: " + line);
    ++i;
    if (i < s.size() && s[i] == ',') ++i;
  }
  if (i >= s.size()) throw std::runtime_error("unterminated labels in: " + line);
  return i + 1;
}
}  // namespace

PromText parse_prom_text(const std::string& text) {
  PromText out;
  std::istringstream in(text);
  std::string line;
  std::map<std::string, std::vector<double>> buckets;  // histogram -> cumulative counts in order
  while (std::getline(in, line)) {
    if (line.empty()) continue;
    if (line.starts_with("# HELP ")) continue;
    if (line.starts_with("# TYPE ")) {
      std::istringstream t(line.substr(7));
      std::string name, type;
      t >> name >> type;
      if (!name_ok(name) || type.empty()) throw std::runtime_error("bad TYPE line: " + line);
      if (out.types.contains(name)) throw std::runtime_error("TYPE given twice: " + line);
      if (type == "counter" && !name.ends_with("_total")) throw std::runtime_error("counter not named *_total: " + line);
      out.types[name] = type;
      continue;
    }
    if (line[0] == '#') continue;
    std::size_t end = line.find_first_of("{ ");
    if (end == std::string::npos) throw std::runtime_error("no value: " + line);
    const std::string name = line.substr(0, end);
    if (!name_ok(name)) throw std::runtime_error("bad metric name: " + line);
    if (line[end] == '{') end = labels_end(line, end, line);
    if (end >= line.size() || line[end] != ' ') throw std::runtime_error("no value: " + line);
    const std::string key = line.substr(0, end), value = line.substr(end + 1);
    char* stop = nullptr;
    const double v = value == "+Inf" ? 1e308 : value == "-Inf" ? -1e308 : std::strtod(value.c_str(), &stop);
    if (value != "+Inf" && value != "-Inf" && value != "NaN" && (stop == value.c_str() || *stop != '\0'))
      throw std::runtime_error("bad value: " + line);
    std::string family = name;
    for (const char* suffix : {"_bucket", "_sum", "_count"})
      if (name.ends_with(suffix) && out.types.contains(name.substr(0, name.size() - std::char_traits<char>::length(suffix))))
        family = name.substr(0, name.size() - std::char_traits<char>::length(suffix));
    if (!out.types.contains(family)) throw std::runtime_error("sample before its TYPE: " + line);
    if (out.samples.contains(key)) throw std::runtime_error("sample given twice: " + line);
    out.samples[key] = v;
    if (out.types[family] == "histogram" && name.ends_with("_bucket")) {
      auto& b = buckets[family];
      if (!b.empty() && v < b.back()) throw std::runtime_error("histogram buckets not cumulative: " + line);
      b.push_back(v);
      if (key.find("le=\"+Inf\"") != std::string::npos && out.samples.contains(family + "_count") &&
          out.samples[family + "_count"] != v)
        throw std::runtime_error("+Inf bucket differs from _count: " + line);
    }
  }
  return out;
}

}  // namespace irqd::testing
