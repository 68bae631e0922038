#include "app/background_verifier.h"

#include <algorithm>

#include "common/logging.h"

namespace vaxreg::app {

BackgroundVerifier::BackgroundVerifier(storage::Database& db, storage::GroupCommitWriter& writer,
                                       const Clock& clock, BackgroundVerifierOptions options)
    : options_(options),
      verifier_(db, writer, clock, options.match, "system:verify-on-create"),
      thread_([this] { Run(); }) {}

BackgroundVerifier::~BackgroundVerifier() { Stop(); }

void BackgroundVerifier::Enqueue(std::span<const int64_t> person_ids) {
  if (person_ids.empty()) return;
  size_t dropped = 0;
  {
    std::lock_guard lock(mu_);
    if (stopping_) return;
    const size_t room = options_.max_queue - std::min(options_.max_queue, queue_.size());
    const size_t take = std::min(room, person_ids.size());
    queue_.insert(queue_.end(), person_ids.begin(), person_ids.begin() + static_cast<std::ptrdiff_t>(take));
    dropped = person_ids.size() - take;
  }
  cv_.notify_one();
  if (dropped > 0) {
    spdlog::warn("identity verification queue full: {} new people left unverified", dropped);
  }
}

void BackgroundVerifier::Stop() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable()) thread_.join();
}

void BackgroundVerifier::Run() {
  size_t logged_entries = 0;
  std::vector<int64_t> batch;
  for (;;) {
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping
      // With the register in memory what is queued takes moments: finish it. Loading the
      // register could take minutes, which shutdown should not wait for.
      if (stopping_ && verifier_.register_entries() == 0) {
        spdlog::info("identity verification stopped: {} new people left unverified",
                     queue_.size());
        queue_.clear();
        return;
      }
      const size_t n = std::min(options_.max_batch, queue_.size());
      batch.assign(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
      queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
    }
    Result<identity::VerifyReport> report = verifier_.Verify(batch, nullptr);
    if (!report.ok()) {
      spdlog::warn("identity verification of {} new people failed: {}", batch.size(),
                   report.status().ToString());
      continue;
    }
    if (verifier_.register_entries() != logged_entries) {
      logged_entries = verifier_.register_entries();
      spdlog::info("identity: population register loaded for verification on creation: {} "
                   "entries, about {} MB",
                   logged_entries, verifier_.memory_bytes() >> 20);
    }
    if (!report->warning.empty()) spdlog::warn("identity: {}", report->warning);
    if (report->model_trained) {
      spdlog::info("identity: no stored matching model; estimated one from the register and "
                   "the person records (EM {} iterations, lambda {})",
                   report->em.iterations, report->em.lambda);
    }
    spdlog::debug("identity: verified {} new people: {} verified, {} proposed, {} not found",
                  report->people, report->verified, report->proposed, report->not_found);
  }
}

}  // namespace vaxreg::app
