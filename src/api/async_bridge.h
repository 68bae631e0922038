#pragma once
// Bridges from HTTP coroutines to the two places where request handling must not block an I/O
// thread: the group-commit writer (wait for durability) and slow CPU work (Argon2id).

#include <boost/asio/associated_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <memory>
#include <type_traits>

#include "common/status.h"
#include "registry/dose_group.h"
#include "storage/group_commit.h"

namespace vaxreg::api {

namespace asio = boost::asio;

// Both functions below are plain functions returning an awaitable, not coroutines: GCC 12
// miscompiles copies of lambdas with non-trivial captures made inside coroutine bodies (double
// destruction), so the lambdas that carry handlers live outside any coroutine frame. For the
// same reason callers pass named function objects that capture by reference:
//   storage::WriteFn write = [&](storage::Connection& c) { ... };
//   Status st = co_await AwaitWrite(writer, write);

// Submits `fn` to the writer and resumes the calling coroutine, on its own executor, once the
// batch holding the write is durable (or failed). `fn` runs on the writer thread; it may use the
// caller's locals by reference because the caller is suspended until it has run.
inline asio::awaitable<Status> AwaitWrite(storage::GroupCommitWriter& writer,
                                          const storage::WriteFn& fn) {
  return asio::async_initiate<decltype(asio::use_awaitable), void(Status)>(
      [&writer, &fn](auto handler) {
        auto executor = asio::get_associated_executor(handler);
        auto shared = std::make_shared<decltype(handler)>(std::move(handler));
        writer.Submit(fn, [shared, executor](Status status) {
          asio::post(executor, [shared, status = std::move(status)]() mutable {
            (*shared)(std::move(status));
          });
        });
      },
      asio::use_awaitable);
}

// Submits a groupable dose (registry::DoseGroupWriter::Groupable) and resumes the caller on its
// own executor once its group is durable, with the dose's outcome in `outcome` (the caller's
// local: the caller is suspended until it is set).
inline asio::awaitable<Status> AwaitGroupedDose(registry::DoseGroupWriter& groups,
                                                const registry::NewDose& dose,
                                                const registry::DoseWriter& writer,
                                                const registry::VaccineCatalogueCache::Snapshot& catalogue,
                                                Result<registry::RecordOutcome>& outcome) {
  return asio::async_initiate<decltype(asio::use_awaitable), void(Status)>(
      [&groups, &dose, &writer, &catalogue, &outcome](auto handler) {
        auto executor = asio::get_associated_executor(handler);
        auto shared = std::make_shared<decltype(handler)>(std::move(handler));
        groups.Submit(dose, writer, catalogue,
                      [shared, executor, &outcome](Result<registry::RecordOutcome> result) {
                        Status status = result.status();
                        outcome = std::move(result);
                        asio::post(executor, [shared, status = std::move(status)]() mutable {
                          (*shared)(std::move(status));
                        });
                      });
      },
      asio::use_awaitable);
}

// Runs `fn()` on `pool` and resumes the caller on its own executor with the result. `fn` must
// stay alive until then (a named local of the awaiting coroutine does).
template <typename Fn>
asio::awaitable<std::invoke_result_t<const Fn&>> RunBlocking(asio::thread_pool& pool,
                                                             const Fn& fn) {
  using R = std::invoke_result_t<const Fn&>;
  return asio::async_initiate<decltype(asio::use_awaitable), void(R)>(
      [&pool, &fn](auto handler) {
        auto executor = asio::get_associated_executor(handler);
        auto shared = std::make_shared<decltype(handler)>(std::move(handler));
        asio::post(pool, [&fn, shared, executor] {
          auto result = std::make_shared<R>(fn());
          asio::post(executor, [shared, result] { (*shared)(std::move(*result)); });
        });
      },
      asio::use_awaitable);
}

}  // namespace vaxreg::api
