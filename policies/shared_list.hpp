// SharedList: a vector whose copies share one buffer until one of them is changed (copy on
// write). A plan copies its RPS/XPS placements from the previous one every cycle whose IRQs kept
// their CPUs: thousands of placements, each with CPU sets and a reason, shared instead of copied.
#pragma once

#include <cstddef>
#include <memory>
#include <utility>
#include <vector>

namespace irqd::policies {

template <typename T>
class SharedList {
 public:
  using value_type = T;
  using iterator = typename std::vector<T>::iterator;
  using const_iterator = typename std::vector<T>::const_iterator;

  SharedList() = default;
  SharedList(std::vector<T> v) : items_(std::make_shared<std::vector<T>>(std::move(v))) {}  // NOLINT

  std::size_t size() const { return items_ ? items_->size() : 0; }
  bool empty() const { return size() == 0; }
  const_iterator begin() const { return view().begin(); }
  const_iterator end() const { return view().end(); }
  const T& operator[](std::size_t i) const { return view()[i]; }
  const T& back() const { return view().back(); }

  // Changing access: the buffer is copied first when another list shares it.
  iterator begin() { return own().begin(); }
  iterator end() { return own().end(); }
  T& operator[](std::size_t i) { return own()[i]; }
  T& back() { return own().back(); }
  iterator insert(iterator at, T v) { return own().insert(at, std::move(v)); }
  void push_back(T v) { own().push_back(std::move(v)); }
  void reserve(std::size_t n) { own().reserve(n); }
  void clear() { items_.reset(); }

  friend bool operator==(const SharedList& a, const SharedList& b) {
    return a.items_ == b.items_ || a.view() == b.view();
  }

 private:
  const std::vector<T>& view() const {
    static const std::vector<T> kEmpty;
    return items_ ? *items_ : kEmpty;
  }
  std::vector<T>& own() {
    if (!items_) items_ = std::make_shared<std::vector<T>>();
    else if (items_.use_count() > 1) items_ = std::make_shared<std::vector<T>>(*items_);
    return *items_;
  }

  std::shared_ptr<std::vector<T>> items_;
};

}  // namespace irqd::policies
