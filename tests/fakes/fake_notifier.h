#pragma once
// Captures outbound messages instead of sending them. Thread-safe.

#include <mutex>
#include <vector>

#include "accounts/notifier.h"

namespace vaxreg::testing {

class FakeNotifier final : public accounts::Notifier {
 public:
  Status Send(storage::Connection&, const accounts::Message& message) override {
    std::lock_guard lock(mu_);
    sent_.push_back(message);
    return Status::Ok();
  }
  std::vector<accounts::Message> sent() const {
    std::lock_guard lock(mu_);
    return sent_;
  }
  // The 6-digit code in the newest message, or "" if none.
  std::string LastCode() const {
    std::lock_guard lock(mu_);
    if (sent_.empty()) return "";
    const std::string& body = sent_.back().body;
    for (size_t i = 0; i + 6 <= body.size(); ++i) {
      if (body.find_first_not_of("0123456789", i) >= i + 6 &&
          (i + 6 == body.size() || !isdigit(static_cast<unsigned char>(body[i + 6])))) {
        return body.substr(i, 6);
      }
    }
    return "";
  }

 private:
  mutable std::mutex mu_;
  std::vector<accounts::Message> sent_;
};

}  // namespace vaxreg::testing
