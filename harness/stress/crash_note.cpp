// harness/stress/crash_note.cpp — see crash_note.hpp.
#include "harness/stress/crash_note.hpp"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <mutex>

namespace ccb::stress {

namespace {

constexpr int kSignals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};
struct sigaction g_before[sizeof kSignals / sizeof kSignals[0]];
std::once_flag g_installed;
std::atomic<const CrashNote*> g_note{nullptr};  // the live note, published whole

void put(const char* s) noexcept {
  for (std::size_t n = std::strlen(s); n > 0;) {
    const ssize_t w = ::write(2, s, n);
    if (w <= 0) return;
    s += w;
    n -= static_cast<std::size_t>(w);
  }
}

const char* signal_name(int sig) noexcept {
  switch (sig) {
    case SIGSEGV: return "SIGSEGV";
    case SIGBUS: return "SIGBUS";
    case SIGILL: return "SIGILL";
    case SIGFPE: return "SIGFPE";
    case SIGABRT: return "SIGABRT";
    default: return "a fatal signal";
  }
}

void on_fatal(int sig, siginfo_t* info, void* uctx) {
  if (const CrashNote* note = g_note.exchange(nullptr)) {
    put("\n");
    put(note->head());
    put(": killed by ");
    put(signal_name(sig));
    put("\n");
    put(note->footer());
  }
  std::size_t i = 0;
  while (kSignals[i] != sig) ++i;
  const struct sigaction& before = g_before[i];
  if ((before.sa_flags & SA_SIGINFO) != 0 && before.sa_sigaction != nullptr) return before.sa_sigaction(sig, info, uctx);
  if ((before.sa_flags & SA_SIGINFO) == 0 && before.sa_handler != SIG_DFL && before.sa_handler != SIG_IGN)
    return before.sa_handler(sig);
  ::signal(sig, SIG_DFL);
  // A fault re-executes on return and now dies of it; a signal sent (kill, raise, abort()) would
  // not come again: send it again, delivered with the default action once this handler returns.
  if (info == nullptr || info->si_code <= 0) ::raise(sig);
}

void install() {
  for (std::size_t i = 0; i < sizeof kSignals / sizeof kSignals[0]; ++i) {
    struct sigaction sa;
    std::memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = on_fatal;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;  // a task's stack overflow runs it on the worker's alternate stack
    sigemptyset(&sa.sa_mask);
    ::sigaction(kSignals[i], &sa, &g_before[i]);
  }
}

}  // namespace

CrashNote::CrashNote(const std::string& text, const std::string& footer) : head_(text), footer_(footer) {
  std::call_once(g_installed, install);
  g_note.store(this);
}

CrashNote::~CrashNote() {
  const CrashNote* me = this;
  g_note.compare_exchange_strong(me, nullptr);
}

}  // namespace ccb::stress
