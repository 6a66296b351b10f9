// workloads/threads/checks.hpp — the self-checks of CONTRACT.md as small pure functions, shared
// by the `ccbench` and `threads` implementations of each workload and called directly by
// tests/workloads (which feed them wrong results to prove that a failure is detected).
// It sits in threads/ because the top level of workloads/ holds only workload .cpp files.
//
// Guarantees: each check_*() returns normally iff the observed result is exactly what the
// contract demands; otherwise it throws WorkloadFailed whose message names the workload, the
// observed value and the wanted value. Helpers: elapsed_ns_since() (steady_clock) and
// resident_bytes() (/proc/self/statm resident pages × page size; -1 when unreadable).
#pragma once

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

#include "workloads/registry.hpp"

namespace ccb::workloads::checks {

inline void fail(const std::string& msg) { throw WorkloadFailed(msg); }
inline std::string s(int64_t v) { return std::to_string(v); }

// pingpong: bad_index is the first round trip whose reply was wrong (-1: none).
// `extra`: the replies received after the last round trip (a duplicated last reply; none are due).
inline void check_pingpong(int64_t n, int64_t bad_index, int64_t bad_reply, int64_t sum, int64_t extra) {
  if (bad_index >= 0)
    fail("pingpong: sent " + s(bad_index) + ", got reply " + s(bad_reply) + ", want " +
         s(bad_index + 1));
  if (extra != 0) fail("pingpong: " + s(extra) + " replies came after the last round trip, want 0");
  if (sum != n * (n + 1) / 2) fail("pingpong: replies sum to " + s(sum) + ", want " + s(n * (n + 1) / 2));
}

// fanin: disorder counts values that did not increase within their producer's sequence.
inline void check_fanin(int64_t ops, int64_t count, int64_t disorder, int64_t sum) {
  if (count != ops) fail("fanin: received " + s(count) + " values, want " + s(ops));
  if (disorder != 0) fail("fanin: " + s(disorder) + " values arrived out of their producer's order");
  if (sum != ops * (ops - 1) / 2) fail("fanin: values sum to " + s(sum) + ", want " + s(ops * (ops - 1) / 2));
}

// sum_of_squares() is the sum of i*i for i = 0..n-1, mod 2^64 (the value fanout and select's
// receivers must reach when they add v*v, wrapping, over every value they got). Each factor of
// n(n-1)(2n-1)/6 is divided exactly before the wrapping product.
inline uint64_t sum_of_squares(int64_t n) {
  if (n <= 0) return 0;
  uint64_t a = static_cast<uint64_t>(n), b = a - 1, c = 2 * a - 1;
  (a % 2 == 0 ? a : b) /= 2;
  (a % 3 == 0 ? a : b % 3 == 0 ? b : c) /= 3;
  return a * b * c;
}

// square() is v*v mod 2^64, what a receiver adds per value.
inline uint64_t square(int64_t v) { return static_cast<uint64_t>(v) * static_cast<uint64_t>(v); }

// check_values(): the values received (count, sum, sum of squares mod 2^64) are exactly 0..ops-1,
// each once: with the squares, a lost value made up by a duplicated one ({0,1,2,3} received as
// {0,2,2,2}: count and sum still right) fails, as does any two lost for two duplicated.
inline void check_values(const std::string& workload, const std::string& who, int64_t ops, int64_t count,
                         int64_t sum, uint64_t sumsq) {
  if (count != ops) fail(workload + ": " + who + " received " + s(count) + " values, want " + s(ops));
  if (sum != ops * (ops - 1) / 2) fail(workload + ": values sum to " + s(sum) + ", want " + s(ops * (ops - 1) / 2));
  if (sumsq != sum_of_squares(ops))
    fail(workload + ": the squares of the values sum to " + std::to_string(sumsq) + " (mod 2^64), want " +
         std::to_string(sum_of_squares(ops)) + ": a value was lost and another received twice");
}

inline void check_fanout(int64_t n, int64_t count, int64_t sum, uint64_t sumsq) {
  check_values("fanout", "workers", n, count, sum, sumsq);
}

// pipeline: bad_index is the first item that was not index+stages (-1: none).
inline void check_pipeline(int64_t n, int64_t stages, int64_t got, int64_t bad_index, int64_t bad_value) {
  if (bad_index >= 0)
    fail("pipeline: item " + s(bad_index) + " is " + s(bad_value) + ", want " + s(bad_index + stages));
  if (got != n) fail("pipeline: sink received " + s(got) + " items, want " + s(n));
}

// counter: want is tasks*k, or tasks*ceil(k/10) for the read-mostly rwmutex mode, whose `torn`
// (nonzero when a read saw a write half done) must be 0.
inline void check_counter(const std::string& mode, int64_t tasks, int64_t k, int64_t got, int64_t torn = 0) {
  const int64_t want = mode == "rwmutex" ? tasks * ((k + 9) / 10) : tasks * k;
  if (got != want) fail("counter (" + mode + "): final count " + s(got) + ", want " + s(want));
  if (torn != 0) fail("counter (" + mode + "): a read saw a write half done (the write lock did not exclude readers)");
}

// select: disorder counts values that did not increase within their channel's sequence (each
// consumer's receives from one channel must come in that channel's FIFO order).
inline void check_select(int64_t ops, int64_t count, int64_t sum, uint64_t sumsq, int64_t disorder) {
  check_values("select", "consumers", ops, count, sum, sumsq);
  if (disorder != 0) fail("select: " + s(disorder) + " values arrived out of their channel's order");
}

// skynet: every inner node checks that its 10 replies are exactly its 10 children's sums, each
// once (child i of node (num, size) replies child*num_i + child(child-1)/2 with child = size/10
// and num_i = num + i*child, i.e. base + i*child^2), and sends up kSkynetPoison instead of its
// sum when they are not; a parent receiving the poison is itself wrong, so the root's sum is the
// poison. SkynetReplies is that per-node check (add() each reply, then up()).
inline constexpr int64_t kSkynetPoison = -1;
struct SkynetReplies {
  int64_t child, base, step;  // child's size, child 0's sum, the difference between children's sums
  int64_t sum = 0;
  unsigned seen = 0;  // bit i: child i's sum arrived; bit 10: a reply that is no child's
  SkynetReplies(int64_t num, int64_t size)
      : child(size / 10), base(child * num + child * (child - 1) / 2), step(child * child) {}
  void add(int64_t r) {
    sum += r;
    int64_t off = r - base;
    if (step != 1 && off >= 0) off = off % step == 0 ? off / step : -1;
    seen |= off >= 0 && off < 10 && !(seen >> off & 1) ? 1u << off : 1u << 10;
  }
  int64_t up() const { return seen == 0x3FF ? sum : kSkynetPoison; }
};

inline void check_skynet(int64_t size, int64_t sum) {
  if (sum == kSkynetPoison)
    fail("skynet: a node received other replies than its 10 children's sums, each once");
  if (sum != size * (size - 1) / 2) fail("skynet: sum " + s(sum) + ", want " + s(size * (size - 1) / 2));
}

// spawn: task i adds spawn_key(i) = 1 + (mix(i) >> 32 << 32) to the shared atomic, so its low 32 bits
// count the tasks (n <= 10^7 < 2^32) and its high 32 bits sum a hash of each task's index: a task
// that ran twice while another did not run keeps the count but changes the hash sum. mix() is
// splitmix64's finaliser (a sum of plain indices or of squares would let some swaps cancel out).
inline uint64_t spawn_key(int64_t i) {
  uint64_t x = static_cast<uint64_t>(i);
  x ^= x >> 30;
  x *= 0xbf58476d1ce4e5b9ULL;
  x ^= x >> 27;
  x *= 0x94d049bb133111ebULL;
  x ^= x >> 31;
  return 1 + (x >> 32 << 32);
}

// check_spawn(): got is the shared atomic after n tasks each added their spawn_key.
inline void check_spawn(int64_t n, uint64_t got) {
  const auto ran = static_cast<int64_t>(got & 0xFFFFFFFFULL);
  if (ran != n) fail("spawn: " + s(ran) + " of " + s(n) + " tasks ran");
  uint64_t want = 0;
  for (int64_t i = 0; i < n; ++i) want += spawn_key(i);
  if (got != want) fail("spawn: " + s(n) + " tasks ran but not each exactly once (one ran twice, another not at all)");
}

// timers: ops is the count of timer operations that ran, bad the count that failed their check
// (startstop: stop() reported an inactive timer; sleep: returned earlier than 20 µs).
inline void check_timers(const std::string& mode, int64_t tasks, int64_t k, int64_t ops, int64_t bad) {
  if (ops != tasks * k) fail("timers (" + mode + "): " + s(ops) + " operations ran, want " + s(tasks * k));
  if (bad != 0)
    fail("timers (" + mode + "): " + s(bad) + " of " + s(ops) +
         (mode == "sleep" ? " sleeps returned earlier than 20us" : " stop calls reported an inactive timer"));
}

// context: observed counts waiters that saw done; wrong counts children whose err() was not
// "context canceled".
inline void check_context(int64_t n, int64_t observed, int64_t wrong) {
  if (observed != n) fail("context: " + s(observed) + " of " + s(n) + " waiters observed the cancellation");
  if (wrong != 0)
    fail("context: " + s(wrong) + " of " + s(n) + " children have err() other than \"context canceled\"");
}

// elapsed_ns_since() is the steady_clock time from t0 to now, in ns.
inline double elapsed_ns_since(std::chrono::steady_clock::time_point t0) {
  return static_cast<double>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now() - t0).count());
}

// ratelimit: min(calls, burst) <= allowed <= burst + rate * elapsed_seconds + 1. The bucket starts
// full, so its first min(calls, burst) calls cannot be refused (a limiter that admits too few
// fails), and it cannot admit more than it held plus what it refilled. At 1e8 tokens/s the
// measured calls rarely empty the bucket, so probe_ratelimit() below checks limiting and
// refilling after the measured time. `what` names the bucket in the message.
inline void check_ratelimit(int64_t allowed, int64_t calls, double rate, int64_t burst, double elapsed_ns,
                            const std::string& what = "ratelimit") {
  const double limit = static_cast<double>(burst) + rate * elapsed_ns / 1e9 + 1;
  const int64_t least = std::min(calls, burst);
  if (allowed < least || static_cast<double>(allowed) > limit)
    fail(what + ": " + s(allowed) + " of " + s(calls) + " calls allowed, want " + s(least) + ".." +
         s(static_cast<int64_t>(limit)) + " (the first min(calls, burst " + s(burst) +
         ") pass; at most burst + rate x elapsed + 1)");
}

// ratelimit's probe (CONTRACT.md), run after the measured time on the implementation's own
// bucket type, so that a bucket that never refills or never limits fails the workload:
//  - refill: after `pause` (at least kProbePause, i.e. >= 10x burst/rate of the run's bucket),
//    the run's bucket must admit `burst` calls in a row;
//  - limit: a fresh bucket from make_slow() (rate kProbeRate, burst kProbeBurst) called
//    kProbeCalls times in a row must pass check_ratelimit with those figures (the calls take
//    microseconds, so about kProbeBurst + 1 may pass, not kProbeCalls).
// Bucket has bool allow(); make_slow() returns a pointer-like owner of a Bucket-like object;
// pause() sleeps at least kProbePause (the caller's sleep: a task's or a thread's).
constexpr std::chrono::microseconds kProbePause{100};
constexpr double kProbeRate = 1000;  // tokens per second
constexpr int kProbeBurst = 10;
constexpr int64_t kProbeCalls = 1000;

inline void check_ratelimit_refill(int64_t allowed, int64_t burst) {
  if (allowed != burst)
    fail("ratelimit: the bucket admitted " + s(allowed) + " of " + s(burst) + " calls after a pause of " +
         s(kProbePause.count()) + "us, want all (it must refill to its burst in burst/rate)");
}

template <class Bucket, class MakeSlow, class Pause>
void probe_ratelimit(Bucket& bucket, int64_t burst, MakeSlow make_slow, Pause pause) {
  pause();
  int64_t refilled = 0;
  for (int64_t i = 0; i < burst; ++i)
    if (bucket.allow()) ++refilled;
  check_ratelimit_refill(refilled, burst);
  const auto t0 = std::chrono::steady_clock::now();
  auto slow = make_slow();
  int64_t allowed = 0;
  for (int64_t i = 0; i < kProbeCalls; ++i)
    if (slow->allow()) ++allowed;
  check_ratelimit(allowed, kProbeCalls, kProbeRate, kProbeBurst, elapsed_ns_since(t0),
                  "ratelimit (probe: a fresh bucket of rate " + s(static_cast<int64_t>(kProbeRate)) + "/s, burst " +
                      s(kProbeBurst) + ")");
}

// resident_bytes() reads the resident set size from /proc/self/statm; -1 if it cannot.
inline int64_t resident_bytes() {
  std::FILE* f = std::fopen("/proc/self/statm", "r");
  if (f == nullptr) return -1;
  long long size = 0, resident = 0;
  const int got = std::fscanf(f, "%lld %lld", &size, &resident);
  std::fclose(f);
  if (got != 2) return -1;
  return static_cast<int64_t>(resident) * static_cast<int64_t>(sysconf(_SC_PAGESIZE));
}

}  // namespace ccb::workloads::checks
