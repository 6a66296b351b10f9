// workloads/threads/spawn_extras.hpp — the seeds' table measured by the `spawn` workload besides
// creation cost and RSS per task: switch cost and the largest task count reached in 1 GiB. This
// header holds what the `ccbench` and `threads` impls share (the codes, the RSS budget) and the
// measurements of both C++ impls; workloads/go/spawn_extras.go holds Go's.
//
// switch_ns: two tasks alternate strictly, each hand-off waking the other, on ONE CPU (ccbench
// procs 1, GOMAXPROCS 1, threads pinned to one CPU), kSwitchRounds round trips = 2 × kSwitchRounds
// switches; switch_ns = elapsed / switches. ccbench/Go: two unbuffered channels (A sends on one,
// B replies on the other). threads: a mutex + one condition variable per thread and a `turn`
// word (a condition-variable hand-off; futex wait/wake underneath).
// max_tasks_1gib: tasks are spawned in batches of kCapacityBatch that each park (receive on a
// shared channel / wait on a condition variable); after each batch has parked, RSS
// (/proc/self/statm) is compared with the RSS read just before; spawning stops when the growth
// reaches kCapacityRssBytes (1 GiB) or a limit is hit; then all are released and joined, and the
// count that ran is verified (WorkloadFailed otherwise). max_tasks_limit says why it stopped
// (CapacityLimit codes below, also in CONTRACT.md), max_tasks_rss_bytes is the growth then.
// threads limits: the tightest of kernel.pid_max and kernel.threads-max (minus the threads the
// whole system runs now, from /proc/loadavg, minus kThreadsKeptFree so other processes on the
// shared machine can still fork), RLIMIT_NPROC (minus the same reserve) and vm.max_map_count
// (two mappings per thread stack: stack + guard, minus the mappings in use and the reserve); a
// failing pthread_create (std::system_error) stops it too. Never more than kCapacityMaxTasks.
// Isolation: measure_in_child() runs the capacity measurement in a fork()ed child that reports
// over a pipe and exits, so the 1 GiB it touches (pooled task stacks) never stays in the harness
// process to distort later points' RSS, and a child killed by the OOM killer or a limit is
// reported as a failure of this workload (WorkloadFailed) instead of taking the harness down. The
// parent calls it between runs (no runtime worker thread exists then); it waits at most
// kChildTimeoutMs, then kills the child.
// Concurrency: each function runs on the calling thread and joins every thread it started.
#pragma once

#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ccb/runtime.hpp>

#include <cerrno>
#include <cstring>
#include <exception>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <fstream>
#include <mutex>
#include <string>

#include "workloads/registry.hpp"
#include "workloads/threads/checks.hpp"
#include "workloads/threads/thread_util.hpp"

namespace ccb::workloads::spawn_extras {

inline constexpr int64_t kSwitchRounds = 10000;
inline constexpr int64_t kCapacityBatch = 1024;
inline constexpr int64_t kCapacityRssBytes = int64_t{1} << 30;
inline constexpr int64_t kCapacityMaxTasks = 10000000;  // spawn's own n limit
inline constexpr int64_t kThreadsKeptFree = 2048;

// Why the capacity measurement stopped (the value of extra "max_tasks_limit").
enum class CapacityLimit : int {
  Rss1GiB = 0,         // RSS grew by 1 GiB: the measurement the table asks for
  TaskCap = 1,         // kCapacityMaxTasks reached before 1 GiB
  PidMax = 2,          // kernel.pid_max (minus threads in use and the reserve)
  ThreadsMax = 3,      // kernel.threads-max (idem)
  NprocRlimit = 4,     // RLIMIT_NPROC (minus the reserve)
  MaxMapCount = 5,     // vm.max_map_count (two mappings per thread stack)
  CreateFailed = 6,    // creating a thread/task failed (e.g. pthread_create EAGAIN)
};

struct Capacity {
  int64_t tasks = 0;
  CapacityLimit limit = CapacityLimit::Rss1GiB;
  int64_t rss_growth = 0;
};

// Seeds: what one child measures (plain data: it crosses the pipe as bytes).
struct Seeds {
  Capacity capacity;
};

inline constexpr int kChildTimeoutMs = 300000;

// put() adds the capacity metrics to r.extra.
inline void put(RunResult& r, const Seeds& s) {
  r.extra["max_tasks_1gib"] = static_cast<double>(s.capacity.tasks);
  r.extra["max_tasks_limit"] = static_cast<double>(static_cast<int>(s.capacity.limit));
  r.extra["max_tasks_rss_bytes"] = static_cast<double>(s.capacity.rss_growth);
}

// measure_in_child() runs measure() in a fork()ed child (see the file comment). Throws
// WorkloadFailed naming what went wrong (the child's exception message, a signal, a timeout).
template <class F>
Seeds measure_in_child(const std::string& what, F measure) {
  int fds[2];
  if (pipe(fds) != 0) checks::fail(what + ": pipe: " + std::strerror(errno));
  const pid_t pid = fork();
  if (pid < 0) {
    close(fds[0]);
    close(fds[1]);
    checks::fail(what + ": fork: " + std::strerror(errno));
  }
  if (pid == 0) {
    close(fds[0]);
    char buf[1 + sizeof(Seeds) + 512] = {};
    std::size_t len = 0;
    try {
      const Seeds s = measure();
      buf[0] = 'S';
      std::memcpy(buf + 1, &s, sizeof s);
      len = 1 + sizeof s;
    } catch (const std::exception& e) {
      buf[0] = 'E';
      const std::size_t n = std::min(std::strlen(e.what()), sizeof buf - 1);
      std::memcpy(buf + 1, e.what(), n);
      len = 1 + n;
    }
    for (std::size_t off = 0; off < len;) {
      const ssize_t w = write(fds[1], buf + off, len - off);
      if (w <= 0) break;
      off += static_cast<std::size_t>(w);
    }
    _exit(0);
  }
  close(fds[1]);
  std::string got;
  using std::chrono::milliseconds;
  const auto deadline = std::chrono::steady_clock::now() + milliseconds(kChildTimeoutMs);
  bool timed_out = false;
  for (;;) {
    const auto left =
        std::chrono::duration_cast<milliseconds>(deadline - std::chrono::steady_clock::now()).count();
    if (left <= 0) {
      timed_out = true;
      break;
    }
    pollfd p{fds[0], POLLIN, 0};
    const int r = poll(&p, 1, static_cast<int>(left));
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) continue;
    char chunk[512];
    const ssize_t n = read(fds[0], chunk, sizeof chunk);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    got.append(chunk, static_cast<std::size_t>(n));
  }
  close(fds[0]);
  if (timed_out) kill(pid, SIGKILL);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (timed_out)
    checks::fail(what + ": the measuring child did not finish in " + checks::s(kChildTimeoutMs / 1000) + " s");
  if (WIFSIGNALED(status))
    checks::fail(what + ": the measuring child was killed by signal " + checks::s(WTERMSIG(status)));
  if (!got.empty() && got[0] == 'E') checks::fail(what + ": " + got.substr(1));
  if (got.size() != 1 + sizeof(Seeds) || got[0] != 'S')
    checks::fail(what + ": the measuring child sent no result");
  Seeds s;
  std::memcpy(&s, got.data() + 1, sizeof s);
  return s;
}

inline int64_t read_proc_int(const char* path) {
  std::ifstream f(path);
  int64_t v = -1;
  if (!(f >> v)) return -1;
  return v;
}

// system_threads() is the number of threads the whole system runs now (/proc/loadavg's
// "running/total" field), or -1.
inline int64_t system_threads() {
  std::ifstream f("/proc/loadavg");
  std::string a, b, c, rt;
  if (!(f >> a >> b >> c >> rt)) return -1;
  const auto slash = rt.find('/');
  return slash == std::string::npos ? -1 : std::stoll(rt.substr(slash + 1));
}

inline int64_t own_mappings() {
  std::ifstream f("/proc/self/maps");
  int64_t n = 0;
  for (std::string line; std::getline(f, line);) ++n;
  return n;
}

// thread_budget() is how many more threads may be started, and which limit sets that.
inline std::pair<int64_t, CapacityLimit> thread_budget() {
  std::pair<int64_t, CapacityLimit> best{kCapacityMaxTasks, CapacityLimit::TaskCap};
  auto consider = [&](int64_t room, CapacityLimit why) {
    if (room >= 0 && room < best.first) best = {room, why};
  };
  const int64_t in_use = system_threads();
  if (in_use >= 0) {
    const int64_t pid_max = read_proc_int("/proc/sys/kernel/pid_max");
    if (pid_max > 0) consider(std::max<int64_t>(0, pid_max - in_use - kThreadsKeptFree), CapacityLimit::PidMax);
    const int64_t tmax = read_proc_int("/proc/sys/kernel/threads-max");
    if (tmax > 0) consider(std::max<int64_t>(0, tmax - in_use - kThreadsKeptFree), CapacityLimit::ThreadsMax);
  }
  rlimit rl{};
  if (getrlimit(RLIMIT_NPROC, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY)
    consider(std::max<int64_t>(0, static_cast<int64_t>(rl.rlim_cur) - kThreadsKeptFree),
             CapacityLimit::NprocRlimit);
  const int64_t maps = read_proc_int("/proc/sys/vm/max_map_count");
  if (maps > 0)
    consider(std::max<int64_t>(0, (maps - own_mappings() - kThreadsKeptFree) / 2), CapacityLimit::MaxMapCount);
  return best;
}

// switch_ns_threads() measures the threads switch cost (see the file comment).
inline double switch_ns_threads() {
  threads::ThreadsScope one_cpu(1);
  std::mutex m;
  std::condition_variable cv[2];
  int turn = 0;  // guarded by m
  auto player = [&](int me) {
    for (int64_t r = 0; r < kSwitchRounds; ++r) {
      std::unique_lock<std::mutex> lock(m);
      cv[me].wait(lock, [&] { return turn == me; });
      turn = 1 - me;
      cv[1 - me].notify_one();
    }
  };
  const auto t0 = std::chrono::steady_clock::now();
  threads::ThreadGroup g;
  if (!g.try_spawn([&] { player(1); })) g.throw_not_applicable("spawn switch_ns");
  player(0);
  g.join();
  return checks::elapsed_ns_since(t0) / static_cast<double>(2 * kSwitchRounds);
}

// capacity_threads() measures the threads capacity (see the file comment) on `procs` CPUs,
// stopping at rss_budget bytes of RSS growth (kCapacityRssBytes for the table; tests use less).
inline Capacity capacity_threads(int procs, int64_t rss_budget) {
  threads::ThreadsScope affinity(procs);
  const auto [budget, budget_why] = thread_budget();
  std::mutex m;
  std::condition_variable cv;
  bool released = false;      // guarded by m
  int64_t parked = 0;         // guarded by m
  std::condition_variable parked_cv;
  std::atomic<int64_t> ran{0};
  Capacity c;
  const int64_t before = checks::resident_bytes();
  threads::ThreadGroup g;
  bool stop = false;
  while (!stop) {
    const int64_t batch = std::min(kCapacityBatch, budget - c.tasks);
    if (batch <= 0) {
      c.limit = budget_why;
      break;
    }
    int64_t started = 0;
    for (; started < batch; ++started) {
      const bool ok = g.try_spawn([&] {
        std::unique_lock<std::mutex> lock(m);
        ++parked;
        parked_cv.notify_one();
        cv.wait(lock, [&] { return released; });
        ran.fetch_add(1, std::memory_order_relaxed);
      });
      if (!ok) {
        c.limit = CapacityLimit::CreateFailed;
        stop = true;
        break;
      }
    }
    c.tasks += started;
    {
      std::unique_lock<std::mutex> lock(m);
      parked_cv.wait(lock, [&] { return parked == c.tasks; });
    }
    c.rss_growth = checks::resident_bytes() - before;
    if (!stop && c.rss_growth >= rss_budget) {
      c.limit = CapacityLimit::Rss1GiB;
      stop = true;
    }
  }
  {
    std::lock_guard<std::mutex> lock(m);
    released = true;
  }
  cv.notify_all();
  g.join();
  if (ran.load() != c.tasks)
    checks::fail("spawn (threads capacity): " + checks::s(ran.load()) + " of " + checks::s(c.tasks) +
                 " threads ran after the release");
  return c;
}

// switch_ns_ccbench(): two tasks alternate over two unbuffered channels on one worker.
inline double switch_ns_ccbench() {
  double elapsed = 0;
  ccb::run(ccb::Config{.procs = 1}, [&] {
    ccb::Chan<int64_t> a(0), b(0);
    const auto t0 = std::chrono::steady_clock::now();
    ccb::go([a, b]() mutable {
      for (int64_t v : a) b.send(v);
      b.close();
    });
    for (int64_t r = 0; r < kSwitchRounds; ++r) {
      a.send(r);
      if (b.recv().value_or(-1) != r) checks::fail("spawn (switch_ns): a hand-off lost its value");
    }
    a.close();
    for ([[maybe_unused]] int64_t v : b) {
    }
    elapsed = checks::elapsed_ns_since(t0);
  });
  return elapsed / static_cast<double>(2 * kSwitchRounds);
}

// capacity_ccbench(): batches of parked tasks until RSS grew by rss_budget (1 GiB for the table).
inline Capacity capacity_ccbench(int procs, int64_t rss_budget) {
  Capacity c;
  std::atomic<int64_t> ran{0};
  const int64_t before = checks::resident_bytes();
  ccb::run(ccb::Config{.procs = procs}, [&] {
    ccb::Chan<char> release(0);
    ccb::WaitGroup out;
    for (;;) {
      if (c.tasks >= kCapacityMaxTasks) {
        c.limit = CapacityLimit::TaskCap;
        break;
      }
      ccb::WaitGroup in;
      in.add(kCapacityBatch);
      out.add(kCapacityBatch);
      for (int64_t i = 0; i < kCapacityBatch; ++i) {
        ccb::go([&in, &out, &ran, release]() mutable {
          in.done();
          (void)release.recv();
          ran.fetch_add(1, std::memory_order_relaxed);
          out.done();
        });
      }
      in.wait();
      c.tasks += kCapacityBatch;
      c.rss_growth = checks::resident_bytes() - before;
      if (c.rss_growth >= rss_budget) {
        c.limit = CapacityLimit::Rss1GiB;
        break;
      }
    }
    release.close();
    out.wait();
  });
  if (ran.load() != c.tasks)
    checks::fail("spawn (capacity): " + checks::s(ran.load()) + " of " + checks::s(c.tasks) +
                 " tasks ran after the release");
  return c;
}

}  // namespace ccb::workloads::spawn_extras
