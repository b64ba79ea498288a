// A stand-in polkit authority for tests: owns org.freedesktop.PolicyKit1 on the system bus
// (DBUS_SYSTEM_BUS_ADDRESS) and answers CheckAuthorization from its command line:
//   fake_polkit LOG ACTION...   authorizes exactly the ACTIONs named, for any subject.
// Each request is appended to LOG as "<action> <subject kind> <subject name>"; "ready" is written
// once the name is owned.
#include <sdbus-c++/sdbus-c++.h>

#include <cstdint>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <string>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: fake_polkit LOG [ACTION...]\n");
    return 2;
  }
  const std::string log = argv[1];
  const std::set<std::string> allowed(argv + 2, argv + argc);
  using Subject = sdbus::Struct<std::string, std::map<std::string, sdbus::Variant>>;
  using Result = sdbus::Struct<bool, bool, std::map<std::string, std::string>>;
  try {
    auto connection = sdbus::createSystemBusConnection("org.freedesktop.PolicyKit1");
    auto object = sdbus::createObject(*connection, "/org/freedesktop/PolicyKit1/Authority");
    object->registerMethod("CheckAuthorization")
        .onInterface("org.freedesktop.PolicyKit1.Authority")
        .implementedAs([&](const Subject& subject, const std::string& action,
                           const std::map<std::string, std::string>&, const std::uint32_t&,
                           const std::string&) -> Result {
          std::string name;
          const auto& details = std::get<1>(subject);
          if (auto it = details.find("name"); it != details.end()) name = it->second.get<std::string>();
          std::ofstream(log, std::ios::app) << action << ' ' << std::get<0>(subject) << ' ' << name << '\n';
          return Result{allowed.count(action) > 0, false, {}};
        });
    object->finishRegistration();
    std::ofstream(log, std::ios::app) << "ready\n";
    connection->enterEventLoop();
  } catch (const sdbus::Error& e) {
    std::fprintf(stderr, "fake polkit: %s\n", e.what());
    return 1;
  }
  return 0;
}
