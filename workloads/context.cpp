// workloads/context.cpp — context (CONTRACT.md): a root cancellable context; n tasks each derive
// a child (with_cancel of the root), count themselves in on a WaitGroup and wait on the child's
// done; when all n are in, the root is cancelled and a second WaitGroup counts the waiters out.
// Mirrors workloads/go/context.go. ops = n. The measured section runs from cancel() to the last
// waiter having observed it; starting the waiters is set-up.
// Check (checks::check_context): all n observed the cancellation and every child's err() is
// "context canceled".
// Latency: per waiter, from cancel() being called to that waiter having observed it. Waiter i with
// i % latency::kEveryContext == 0 reads the clock once after observing and stores now − cancel_at
// in its own slot of a preallocated vector (cancel_at is written before cancel(), which
// happens-before every observation); the slots become RunResult::latency after the join.
// Impls:
//  - "ccbench": ccb::with_cancel / ctx.done().recv() / ctx.err(), ccb::WaitGroup in and out.
//  - "threads": one std::thread per waiter (n > kMaxThreads is NotApplicable) and ThreadCtx
//    below, the OS-thread equivalent of Go's cancelCtx tree: each node is a cancellation flag
//    with its own std::mutex and std::condition_variable (the done channel); a parent holds its
//    live children; cancel() sets the flag once, wakes the node's waiters and then cancels the
//    children it took out of the parent, iteratively; a child of a cancelled parent starts
//    cancelled, and a child's own cancel unlinks it from its parent. std::latch in and out.
#include <ccb/runtime.hpp>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <latch>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "workloads/ccb_run.hpp"
#include "workloads/registry.hpp"
#include "workloads/threads/checks.hpp"
#include "workloads/threads/latency_sampling.hpp"
#include "workloads/threads/thread_util.hpp"

namespace ccb::workloads {
namespace {

using Clock = std::chrono::steady_clock;

// ThreadCtx: a cancellable context node for OS threads (see the file comment). Thread-safe; a
// node's m_ guards its flag and children, and at most one node lock is held at a time.
class ThreadCtx : public std::enable_shared_from_this<ThreadCtx> {
 public:
  // with_cancel() derives a child of parent (null: a root). A cancelled parent gives a cancelled
  // child.
  static std::shared_ptr<ThreadCtx> with_cancel(const std::shared_ptr<ThreadCtx>& parent) {
    auto c = std::make_shared<ThreadCtx>();
    c->parent_ = parent;
    if (parent) {
      std::unique_lock<std::mutex> lock(parent->m_);
      if (parent->cancelled_) {
        lock.unlock();
        c->cancel();
      } else {
        parent->children_.emplace(c.get(), c);
      }
    }
    return c;
  }

  // cancel() cancels this node and its descendants and unlinks it from its parent; a node
  // already cancelled returns at once, touching no other node and allocating nothing (Go's
  // cancelCtx.cancel: a waiter's stop() after the root's cancel takes only its own lock, as in Go
  // and ccb; it runs inside the measured section).
  void cancel() {
    std::unordered_map<ThreadCtx*, std::shared_ptr<ThreadCtx>> kids;
    if (!mark_cancelled(kids)) return;
    std::vector<std::shared_ptr<ThreadCtx>> todo;
    for (auto& [ptr, kid] : kids) todo.push_back(std::move(kid));
    while (!todo.empty()) {
      auto n = std::move(todo.back());
      todo.pop_back();
      kids.clear();
      if (!n->mark_cancelled(kids)) continue;
      for (auto& [ptr, kid] : kids) todo.push_back(std::move(kid));
    }
    if (parent_) {
      std::lock_guard<std::mutex> lock(parent_->m_);
      parent_->children_.erase(this);
    }
  }

  // wait() blocks until the node is cancelled (Go: <-ctx.Done()).
  void wait() {
    std::unique_lock<std::mutex> lock(m_);
    cv_.wait(lock, [this] { return cancelled_; });
  }

  // err() is "" until cancelled, then "context canceled" (the only cause this tree has); a
  // static string, so that the waiters' check allocates nothing inside the measured section.
  std::string_view err() {
    std::lock_guard<std::mutex> lock(m_);
    return cancelled_ ? "context canceled" : "";
  }

 private:
  // mark_cancelled() sets this node's flag and moves its children into kids, then wakes its
  // waiters; false (nothing done) when it was already cancelled.
  bool mark_cancelled(std::unordered_map<ThreadCtx*, std::shared_ptr<ThreadCtx>>& kids) {
    {
      std::lock_guard<std::mutex> lock(m_);
      if (cancelled_) return false;
      cancelled_ = true;
      kids.swap(children_);
    }
    cv_.notify_all();
    return true;
  }

  std::shared_ptr<ThreadCtx> parent_;  // immutable after with_cancel()
  std::mutex m_;
  std::condition_variable cv_;
  bool cancelled_ = false;                                              // guarded by m_
  std::unordered_map<ThreadCtx*, std::shared_ptr<ThreadCtx>> children_;  // guarded by m_
};

// WaiterLatency: the sampled waiters' cancel-to-observed times (see the file comment).
struct WaiterLatency {
  explicit WaiterLatency(int64_t n)
      : slots(static_cast<std::size_t>((n + latency::kEveryContext - 1) / latency::kEveryContext), 0) {}
  static bool sampled(int64_t i) { return i % latency::kEveryContext == 0; }
  void observed(int64_t i) {
    slots[static_cast<std::size_t>(i / latency::kEveryContext)] = latency::now_ns() - cancel_at;
  }
  RunResult result(int64_t n, double elapsed) const {
    RunResult r{static_cast<uint64_t>(n), elapsed, {}, {}};
    LatencyHistogram h;
    for (uint64_t v : slots) h.record(v);
    latency::attach(r, std::move(h), latency::kEveryContext);
    return r;
  }
  uint64_t cancel_at = 0;       // written by the canceller before cancel()
  std::vector<uint64_t> slots;  // slot i/K written only by waiter i
};

RunResult run_ccbench(const Params& p, int procs) {
  const int64_t n = p.get_int("n");
  std::atomic<int64_t> observed{0}, wrong{0};
  WaiterLatency lat(n);
  double elapsed = 0;
  run_checked(procs, [&] {
    auto [root, cancel] = ccb::with_cancel(ccb::background());
    ccb::WaitGroup in, out;
    in.add(n);
    out.add(n);
    for (int64_t i = 0; i < n; ++i) {
      // root by reference, as Go's closure shares it: it outlives every waiter (out.wait()), and a
      // copy would add a reference-count increment and a decrement (at the task's exit, timed) per
      // waiter that Go does not pay.
      ccb::go([&in, &out, &observed, &wrong, &lat, i, &root = root] {
        auto [ctx, stop] = ccb::with_cancel(root);
        in.done();
        (void)ctx.done().recv();
        if (WaiterLatency::sampled(i)) lat.observed(i);
        observed.fetch_add(1, std::memory_order_relaxed);
        // A view, as Go compares err.Error()'s constant: "context canceled" is 16 bytes, one past
        // libstdc++'s short-string buffer, so a std::string here cost a malloc and a free per
        // waiter inside the timing (fairness audit, session 35).
        if (std::string_view(ccb::message(ctx.err())) != "context canceled")
          wrong.fetch_add(1, std::memory_order_relaxed);
        stop();
        out.done();
      });
    }
    in.wait();
    const auto t0 = Clock::now();
    lat.cancel_at = latency::now_ns();
    cancel();
    out.wait();
    elapsed = checks::elapsed_ns_since(t0);
  });
  checks::check_context(n, observed.load(), wrong.load());
  return lat.result(n, elapsed);
}

// threads_needed(): the OS threads run_threads starts at point p (Workload::threads_needed).
int64_t threads_needed(const Params& p) { return p.get_int("n"); }

RunResult run_threads(const Params& p, int procs) {
  const int64_t n = p.get_int("n");
  threads::require_threads("context", threads_needed(p));
  threads::ThreadsScope affinity(procs);
  auto root = ThreadCtx::with_cancel(nullptr);
  std::latch in(n), out(n);
  std::atomic<int64_t> observed{0}, wrong{0};
  WaiterLatency lat(n);
  threads::ThreadGroup g;
  g.reserve(static_cast<std::size_t>(n));
  for (int64_t i = 0; i < n; ++i) {
    if (!g.try_spawn([&, i] {
          auto ctx = ThreadCtx::with_cancel(root);
          in.count_down();
          ctx->wait();
          if (WaiterLatency::sampled(i)) lat.observed(i);
          observed.fetch_add(1, std::memory_order_relaxed);
          if (ctx->err() != "context canceled") wrong.fetch_add(1, std::memory_order_relaxed);
          ctx->cancel();
          out.count_down();
        })) {
      root->cancel();  // releases the waiters already started
      g.throw_not_applicable("context");
    }
  }
  in.wait();
  const auto t0 = Clock::now();
  lat.cancel_at = latency::now_ns();
  root->cancel();
  out.wait();
  const double elapsed = checks::elapsed_ns_since(t0);
  g.join();
  checks::check_context(n, observed.load(), wrong.load());
  return lat.result(n, elapsed);
}

const bool registered = register_workload(Workload{
    .name = "context",
    .description = "n tasks wait on children of one context, then the root is cancelled; ns per waiter",
    .unit = "waiter",
    .params = {
        ParamSpec{.name = "n", .help = "waiting tasks (threads: at most 20000)", .min = 1,
                  .max = 1000000, .choices = {}, .quick = {"40000"}, .full = {"400000"}},
    },
    .impls = {{"ccbench", run_ccbench}, {"threads", run_threads}},
    // The Go child held 1.17 GB after n=400000 (procs 8): ~3 KiB a waiter.
    .resident_hint = [](const Params& p) { return 3072.0 * static_cast<double>(p.get_int("n")); },
    .ops = [](const Params& p) { return static_cast<uint64_t>(p.get_int("n")); },
    .threads_needed = threads_needed,
});

}  // namespace
}  // namespace ccb::workloads
