#pragma once
// Where delivery workers hand outbound messages: an SMS or e-mail provider behind an interface,
// so the worker (delivery_worker.h) is tested against a real HTTP gateway and anything else
// (another provider, a test double) can take its place.

#include <cstdint>
#include <string>

#include "common/status.h"

namespace vaxreg::notify {

// One message as the provider gets it.
struct OutgoingMessage {
  int64_t id = 0;         // outbox id: stable across attempts, so a provider may drop repeats of it
  std::string channel;    // "sms", "email"
  std::string recipient;  // phone number or address
  std::string subject;
  std::string body;  // the text to deliver, with any secret in it revealed
};

class DeliveryChannel {
 public:
  virtual ~DeliveryChannel() = default;
  // Hands `m` to the provider and waits for its answer, bounded by the channel's timeout.
  //   OK: accepted; the message is sent.
  //   kUnavailable, kDeadlineExceeded, kResourceExhausted, kAborted: not now (provider down,
  //     overloaded or slow, network trouble); the worker tries again later (IsRetryable).
  //   any other code: refused for good; the message is dead.
  // The status message is stored as the message's last_error, which admins read: it must never
  // quote the body (it may hold a one-time code) or any credential. Called by one thread at a
  // time.
  virtual Status Deliver(const OutgoingMessage& m) = 0;
};

// True for the codes above that mean "try again later".
inline bool IsRetryable(const Status& s) {
  switch (s.code()) {
    case StatusCode::kUnavailable:
    case StatusCode::kDeadlineExceeded:
    case StatusCode::kResourceExhausted:
    case StatusCode::kAborted:
      return true;
    default:
      return false;
  }
}

}  // namespace vaxreg::notify
