#pragma once
// Admission to a bounded amount of queued CPU work (QR image decoding for public verification):
// at most `capacity` jobs are queued or running at once; a caller that finds it full answers
// 503 with Retry-After instead of adding to a queue that would delay everyone.
// Thread-safe.

#include <atomic>
#include <cstddef>
#include <optional>

namespace vaxreg::api {

class WorkAdmission {
 public:
  explicit WorkAdmission(size_t capacity) : capacity_(capacity) {}
  WorkAdmission(const WorkAdmission&) = delete;
  WorkAdmission& operator=(const WorkAdmission&) = delete;

  // Holds one place until destroyed.
  class Ticket {
   public:
    explicit Ticket(WorkAdmission* owner) : owner_(owner) {}
    Ticket(Ticket&& o) noexcept : owner_(o.owner_) { o.owner_ = nullptr; }
    Ticket& operator=(Ticket&&) = delete;
    Ticket(const Ticket&) = delete;
    ~Ticket() {
      if (owner_ != nullptr) owner_->in_use_.fetch_sub(1);
    }

   private:
    WorkAdmission* owner_;
  };

  // A place, or nullopt when all `capacity` places are taken.
  std::optional<Ticket> TryEnter() {
    if (in_use_.fetch_add(1) >= capacity_) {
      in_use_.fetch_sub(1);
      return std::nullopt;
    }
    return std::optional<Ticket>(std::in_place, this);
  }

  size_t in_use() const { return in_use_.load(); }
  size_t capacity() const { return capacity_; }

 private:
  const size_t capacity_;
  std::atomic<size_t> in_use_{0};
};

}  // namespace vaxreg::api
