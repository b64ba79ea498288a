// Checks shared by the topology tests: element access by the model's int indexes, the message a
// call throws, and what must hold for any Machine the loader builds.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "topology/machine.hpp"

namespace irqd::topology::checks {

// Element i of a Machine vector (the model indexes with int).
template <class T>
const T& at(const std::vector<T>& v, int i) {
  return v.at(static_cast<std::size_t>(i));
}

// The message of the E that f throws ("" and a failure when it throws nothing).
template <class E, class F>
std::string thrown(F f) {
  try {
    f();
  } catch (const E& e) {
    return e.what();
  }
  ADD_FAILURE() << "nothing thrown";
  return "";
}

inline bool contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

// What must hold for any machine the loader builds, whatever the source (topology_test.cpp).
void expect_consistent(const Machine& m);

}  // namespace irqd::topology::checks
