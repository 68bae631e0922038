#pragma once
// Helpers for throughput benchmarks: run a workload on N threads for a time and count calls.

#include <atomic>
#include <chrono>
#include <cstdio>
#include <utility>
#include <thread>
#include <vector>

namespace vaxreg::bench {

// Runs `body.Run(state)` on `threads` threads (each with its own `body.MakeState()`) for
// `seconds`; returns the number of calls completed.
template <typename Body>
long CountCalls(int threads, double seconds, const Body& body) {
  std::atomic<bool> stop{false};
  std::atomic<long> total{0};
  std::vector<std::thread> pool;
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      auto state = body.MakeState();
      long n = 0;
      while (!stop.load(std::memory_order_relaxed)) {
        for (int i = 0; i < 16; ++i) body.Run(state);
        n += 16;
      }
      total += n;
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& th : pool) th.join();
  return total.load();
}

inline void PrintAlternationMethod(int threads, double seconds, int rounds) {
  std::printf("threads: %d, %.1f s per workload in %d alternating rounds\n", threads, seconds,
              rounds);
}

// Rates (calls/s) of workloads `a` and `b`, measured in `rounds` alternating short rounds of
// `seconds / rounds` each, so that load from other processes on the machine hits both alike.
// Prints one line about the method.
template <typename A, typename B>
std::pair<double, double> AlternatingRates(int threads, double seconds, const A& a, const B& b,
                                           int rounds = 6) {
  long a_calls = 0, b_calls = 0;
  for (int round = 0; round < rounds; ++round) {
    a_calls += CountCalls(threads, seconds / rounds, a);
    b_calls += CountCalls(threads, seconds / rounds, b);
  }
  PrintAlternationMethod(threads, seconds, rounds);
  return {static_cast<double>(a_calls) / seconds, static_cast<double>(b_calls) / seconds};
}

// Calls/s of `body.Run(state)` on `threads` threads for about `seconds`, for calls that take
// milliseconds: the stop flag is checked after every call and the rate divides by the time until
// the last thread finished, so the calls running at the deadline do not inflate it.
template <typename Body>
double CallsPerSecond(int threads, double seconds, const Body& body) {
  std::atomic<bool> stop{false};
  std::atomic<long> total{0};
  std::vector<std::thread> pool;
  const auto start = std::chrono::steady_clock::now();
  for (int t = 0; t < threads; ++t) {
    pool.emplace_back([&] {
      auto state = body.MakeState();
      long n = 0;
      while (!stop.load(std::memory_order_relaxed)) {
        body.Run(state);
        ++n;
      }
      total += n;
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& th : pool) th.join();
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;
  return static_cast<double>(total.load()) / elapsed.count();
}

// AlternatingRates for calls of milliseconds (CallsPerSecond per round): the mean rates of `a`
// and `b` over `rounds` alternating rounds of `seconds / rounds` each.
template <typename A, typename B>
std::pair<double, double> AlternatingCallRates(int threads, double seconds, const A& a, const B& b,
                                               int rounds = 6) {
  std::pair<double, double> mean{0, 0};
  const double round_seconds = seconds / rounds;
  for (int round = 0; round < rounds; ++round) {
    mean.first += CallsPerSecond(threads, round_seconds, a) / rounds;
    mean.second += CallsPerSecond(threads, round_seconds, b) / rounds;
  }
  PrintAlternationMethod(threads, seconds, rounds);
  return mean;
}

// Single-thread cost of `f`, in microseconds per call.
template <typename F>
double MicrosPerCall(F f, int n = 20000) {
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < n; ++i) f();
  return std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start)
             .count() /
         n;
}

}  // namespace vaxreg::bench
