#include "core/football/alert_revisions.hpp"

#include <algorithm>

namespace phoenix::core {

alert_revisions::alert_revisions(std::size_t keep_keys)
    : keep_keys_(std::max<std::size_t>(1, keep_keys)) {}

alert_revisions::entry& alert_revisions::text_of(const std::string& key, std::string text) {
  auto [it, added] = texts_.try_emplace(key);
  it->second.text = std::move(text);
  it->second.current.clear();
  if (added) {
    order_.push_back(key);
    if (order_.size() > keep_keys_) {
      texts_.erase(order_.front());
      order_.pop_front();
    }
  }
  return texts_.at(key);
}

void alert_revisions::sent(const std::string& key, std::string text) {
  text_of(key, std::move(text)).revising = false;
}

void alert_revisions::revised(const std::string& key, std::string text) {
  text_of(key, std::move(text)).revising = true;
}

const std::string* alert_revisions::newest(const std::string& key) const {
  auto it = texts_.find(key);
  return it == texts_.end() ? nullptr : &it->second.text;
}

std::optional<std::string> alert_revisions::accepted(const std::string& key, int64_t chat,
                                                     const std::string& text) {
  auto it = texts_.find(key);
  if (it == texts_.end())
    return std::nullopt;
  if (it->second.revising) // only the database's edit asks, and only until it is done
    it->second.current.insert(chat);
  if (it->second.text == text)
    return std::nullopt;
  return it->second.text;
}

bool alert_revisions::current(const std::string& key, int64_t chat) const {
  auto it = texts_.find(key);
  return it != texts_.end() && it->second.current.count(chat) > 0;
}

void alert_revisions::edited(const std::string& key) {
  if (auto it = texts_.find(key); it != texts_.end()) {
    std::unordered_set<int64_t>{}.swap(it->second.current); // its memory goes too
    it->second.revising = false;
  }
}

uint64_t alert_revisions::record_started() {
  unfinished_.insert(next_record_);
  return next_record_++;
}

void alert_revisions::record_finished(uint64_t number) {
  unfinished_.erase(number);
}

bool alert_revisions::finished_through(uint64_t number) const {
  return unfinished_.empty() || *unfinished_.begin() > number;
}

} // namespace phoenix::core
