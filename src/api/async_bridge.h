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
#include "storage/group_commit.h"

namespace vaxreg::api {

namespace asio = boost::asio;

// Submits `fn` to the writer and resumes the calling coroutine, on its own executor, once the
// batch holding the write is durable (or failed). `fn` runs on the writer thread; it may capture
// the caller's locals by reference because the caller is suspended until it has run.
inline asio::awaitable<Status> AwaitWrite(storage::GroupCommitWriter& writer, storage::WriteFn fn) {
  co_return co_await asio::async_initiate<decltype(asio::use_awaitable), void(Status)>(
      [&writer, fn = std::move(fn)](auto handler) mutable {
        auto executor = asio::get_associated_executor(handler);
        auto shared = std::make_shared<decltype(handler)>(std::move(handler));
        writer.Submit(std::move(fn), [shared, executor](Status status) {
          asio::post(executor, [shared, status = std::move(status)]() mutable {
            (*shared)(std::move(status));
          });
        });
      },
      asio::use_awaitable);
}

// Runs `fn()` on `pool` and resumes the caller on its own executor with the result.
template <typename Fn>
asio::awaitable<std::invoke_result_t<Fn>> RunBlocking(asio::thread_pool& pool, Fn fn) {
  using R = std::invoke_result_t<Fn>;
  co_return co_await asio::async_initiate<decltype(asio::use_awaitable), void(R)>(
      [&pool, fn = std::move(fn)](auto handler) mutable {
        auto executor = asio::get_associated_executor(handler);
        asio::post(pool, [fn = std::move(fn), handler = std::move(handler), executor]() mutable {
          R result = fn();
          asio::post(executor, [handler = std::move(handler), result = std::move(result)]() mutable {
            handler(std::move(result));
          });
        });
      },
      asio::use_awaitable);
}

}  // namespace vaxreg::api
