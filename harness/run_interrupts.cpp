// harness/run_interrupts.cpp — see run_interrupts.hpp.
#include "harness/run_interrupts.hpp"

#include <pthread.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>

namespace ccb::harness {

namespace {

constexpr int kSignals[] = {SIGINT, SIGTERM, SIGHUP};
// kSameRequestS: the same signal sent again by the same process this soon is the first one's
// duplicate (see watch()); timeout(1)'s two sends are microseconds apart.
constexpr double kSameRequestS = 1.0;

// write_err() writes one line to stderr with a single write(2), so it does not interleave with the
// progress line; a leading newline ends a progress line drawn in place.
void write_err(const char* text) noexcept {
  const size_t n = std::strlen(text);
  for (size_t off = 0; off < n;) {
    const ssize_t w = ::write(2, text + off, n - off);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return;
    off += static_cast<size_t>(w);
  }
}

}  // namespace

RunInterrupts::RunInterrupts() {
  sigemptyset(&handled_);
  for (int sig : kSignals) {
    struct sigaction now{};
    if (::sigaction(sig, nullptr, &now) == 0 && now.sa_handler != SIG_IGN) sigaddset(&handled_, sig);
  }
  ::pthread_sigmask(SIG_BLOCK, &handled_, &old_mask_);
  watcher_ = std::thread([this] { watch(); });  // inherits the blocked mask
}

RunInterrupts::~RunInterrupts() { finish(); }

int RunInterrupts::finish() {
  if (!watcher_.joinable()) return signal_.load();
  done_.store(true, std::memory_order_relaxed);
  watcher_.join();
  const timespec zero{0, 0};
  siginfo_t info;
  for (int sig; (sig = ::sigtimedwait(&handled_, &info, &zero)) > 0;) {
    int expected = 0;
    signal_.compare_exchange_strong(expected, sig);
  }
  ::pthread_sigmask(SIG_SETMASK, &old_mask_, nullptr);
  return signal_.load();
}

void RunInterrupts::watch() {
  const timespec tick{0, 50'000'000};  // how soon the destructor's done_ is seen
  pid_t first_sender = -1;             // si_pid of the first signal when kill(2) sent it
  double first_at = 0;                 // when it came (CLOCK_MONOTONIC, s)
  while (!done_.load(std::memory_order_relaxed)) {
    siginfo_t info;
    const int sig = ::sigtimedwait(&handled_, &info, &tick);
    if (sig <= 0) continue;  // EAGAIN (the tick) or EINTR
    timespec now{};
    ::clock_gettime(CLOCK_MONOTONIC, &now);
    const double at = static_cast<double>(now.tv_sec) + 1e-9 * static_cast<double>(now.tv_nsec);
    int expected = 0;
    if (signal_.compare_exchange_strong(expected, sig, std::memory_order_acq_rel)) {
      if (info.si_code == SI_USER) first_sender = info.si_pid;
      first_at = at;
      char line[256];
      std::snprintf(line, sizeof line,
                    "\nccbench run: %s: stopping after the workload run in progress (abandoned if it runs %lld s "
                    "more), then writing the results of the finished points; send it again to stop at once\n",
                    signal_name(sig), static_cast<long long>(kStopGrace.count()));
      write_err(line);
      continue;
    }
    // One request delivered twice: coreutils' timeout(1) kills the process and then its process
    // group, so the same signal from the same sender comes again at once; it is not a second one.
    if (sig == expected && info.si_code == SI_USER && info.si_pid == first_sender && at - first_at < kSameRequestS)
      continue;
    // The second signal: its default action, now (this thread unblocks it; the rest keep it blocked).
    ::signal(sig, SIG_DFL);
    sigset_t one;
    sigemptyset(&one);
    sigaddset(&one, sig);
    ::pthread_sigmask(SIG_UNBLOCK, &one, nullptr);
    ::raise(sig);
  }
}

}  // namespace ccb::harness
