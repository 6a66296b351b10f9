// workloads/skynet.cpp — skynet (CONTRACT.md; github.com/atemerev/skynet): a task of size 1 sends
// its number up; a larger one spawns 10 children, child i with number num + i*(size/10) and size
// size/10, and sums their replies from its own unbuffered channel (as the original Go version and
// workloads/go/skynet.go do). ops = 1: ns_per_op is the time of the whole tree.
// Impls: "ccbench" (one task per node) and "threads" (one std::thread per node, each node joins
// its children after their replies). The threads impl attempts sizes whose tree fits kMaxThreads
// (size <= 10000: 11111 threads); larger sizes are NotApplicable. If the OS still refuses a thread,
// the node records it, collects its started children's replies, and the point is NotApplicable.
// Check (checks::check_skynet): the root's sum = size(size-1)/2, and every inner node got exactly
// its 10 children's sums, each once (checks::SkynetReplies; a node that did not sends a poison up).
#include <ccb/runtime.hpp>

#include <atomic>

#include "workloads/ccb_run.hpp"
#include "workloads/registry.hpp"
#include "workloads/threads/checks.hpp"
#include "workloads/threads/thread_chan.hpp"
#include "workloads/threads/thread_util.hpp"

namespace ccb::workloads {
namespace {

using Clock = std::chrono::steady_clock;

void skynet(ccb::Chan<int64_t> up, int64_t num, int64_t size) {
  if (size == 1) {
    up.send(num);
    return;
  }
  ccb::Chan<int64_t> replies(0);
  for (int64_t i = 0; i < 10; ++i) ccb::go(skynet, replies, num + i * (size / 10), size / 10);
  checks::SkynetReplies got(num, size);
  for (int i = 0; i < 10; ++i) got.add(replies.recv().value_or(checks::kSkynetPoison));
  up.send(got.up());
}

// is_power_of_ten() — the contract's size values are 10, 100, ... 10^7.
bool is_power_of_ten(int64_t v) {
  while (v >= 10 && v % 10 == 0) v /= 10;
  return v == 1;
}

// size_problem() is the registry's check_params: "" or why `size` cannot run.
std::string size_problem(const Params& p) {
  const int64_t size = p.get_int("size");
  if (is_power_of_ten(size) && size >= 10) return {};
  return "size=" + std::to_string(size) + " is not a power of 10 (10, 100, ... 10000000)";
}

void require_size(int64_t size) {
  if (!is_power_of_ten(size) || size < 10)
    throw WorkloadFailed("skynet: size " + std::to_string(size) + " is not a power of 10 >= 10");
}

RunResult run_ccbench(const Params& p, int procs) {
  const int64_t size = p.get_int("size");
  require_size(size);
  int64_t sum = -1;
  double elapsed = 0;
  run_checked(procs, [&] {
    ccb::Chan<int64_t> root(0);
    const auto t0 = Clock::now();
    ccb::go(skynet, root, int64_t{0}, size);
    sum = root.recv().value_or(-1);
    elapsed = checks::elapsed_ns_since(t0);
  });
  checks::check_skynet(size, sum);
  return RunResult{1, elapsed, {}};
}

// thread_node() is one node of the threads tree; `failed` records a refused thread.
void thread_node(threads::ThreadChan<int64_t>* up, int64_t num, int64_t size, std::atomic<bool>* failed) {
  if (size == 1) {
    up->send(num);
    return;
  }
  threads::ThreadChan<int64_t> replies(0);
  threads::ThreadGroup children;
  children.reserve(10);
  int started = 0;
  for (int64_t i = 0; i < 10; ++i) {
    if (!children.try_spawn([&replies, num, i, size, failed] {
          thread_node(&replies, num + i * (size / 10), size / 10, failed);
        })) {
      failed->store(true);
      break;
    }
    ++started;
  }
  checks::SkynetReplies got(num, size);
  for (int i = 0; i < started; ++i) got.add(replies.recv().value_or(checks::kSkynetPoison));
  children.join();
  up->send(got.up());
}

// threads_needed(): the OS threads run_threads starts at point p (Workload::threads_needed).
int64_t threads_needed(const Params& p) { return (10 * p.get_int("size") - 1) / 9; }

RunResult run_threads(const Params& p, int procs) {
  const int64_t size = p.get_int("size");
  require_size(size);
  threads::require_threads("skynet", threads_needed(p));
  threads::ThreadsScope affinity(procs);
  threads::ThreadChan<int64_t> root(0);
  std::atomic<bool> failed{false};
  const auto t0 = Clock::now();
  threads::ThreadGroup g;
  if (!g.try_spawn([&] { thread_node(&root, 0, size, &failed); })) g.throw_not_applicable("skynet");
  const int64_t sum = root.recv().value_or(-1);
  const double elapsed = checks::elapsed_ns_since(t0);
  g.join();
  if (failed.load())
    throw NotApplicable("skynet (threads): the OS refused a thread for size " + std::to_string(size));
  checks::check_skynet(size, sum);
  return RunResult{1, elapsed, {}};
}

const bool registered = register_workload(Workload{
    .name = "skynet",
    .description = "the skynet tree: 10-ary task tree summing its leaves; ns per whole tree",
    .unit = "run",
    .params = {
        ParamSpec{.name = "size", .help = "leaves, a power of 10 (threads: at most 10000)",
                  .min = 10, .max = 10000000, .choices = {}, .quick = {"100000"},
                  .full = {"1000000"}},
    },
    .impls = {{"ccbench", run_ccbench}, {"threads", run_threads}},
    .check_params = size_problem,
    .ops = [](const Params&) -> uint64_t { return 1; },
    .threads_needed = threads_needed,
});

}  // namespace
}  // namespace ccb::workloads
