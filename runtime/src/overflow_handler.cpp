// runtime/src/overflow_handler.cpp — see overflow_handler.hpp.
#include "overflow_handler.hpp"

#include <signal.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstring>
#include <mutex>

#include "scheduler.hpp"

namespace ccb::detail {

namespace {
constexpr std::size_t kAltStackSize = 64 * 1024;
struct sigaction g_old_segv;
std::once_flag g_installed;

void write_str(const char* s) noexcept {
  ssize_t r = write(2, s, std::strlen(s));
  (void)r;
}

void segv_handler(int sig, siginfo_t* info, void* uctx) {
  Worker* w = this_worker();
  // Only a fault (si_code > 0) has a fault address; a SIGSEGV sent by kill() or raise() has none.
  if (info->si_code > 0 && w != nullptr && w->current != nullptr && !w->current->is_g0 &&
      w->current->stack != nullptr) {
    const Stack* s = w->current->stack;
    const char* addr = static_cast<const char*>(info->si_addr);
    const std::size_t page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
    if (s->guarded && addr >= s->lo && addr < s->lo + page) report_stack_overflow(s->size);
  }
  if (g_old_segv.sa_flags & SA_SIGINFO) {
    if (g_old_segv.sa_sigaction != nullptr) return g_old_segv.sa_sigaction(sig, info, uctx);
  } else if (g_old_segv.sa_handler != SIG_DFL && g_old_segv.sa_handler != SIG_IGN) {
    return g_old_segv.sa_handler(sig);
  }
  signal(SIGSEGV, SIG_DFL);  // returning re-executes the fault with the default action
  // A SIGSEGV sent (kill -SEGV, raise) does not come again on return: it was swallowed, and the
  // process went on (session 51's stress review). Send it again; it is delivered, with the
  // default action, once this handler returns.
  if (info->si_code <= 0) raise(SIGSEGV);
}
}  // namespace

void report_stack_overflow(std::size_t stack_size) noexcept {
  char num[32];
  int n = 0;
  char tmp[32];
  std::size_t v = stack_size;
  do {
    tmp[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0 && n < 31);
  for (int i = 0; i < n; ++i) num[i] = tmp[n - 1 - i];
  num[n] = '\0';
  write_str("ccb: fatal: task stack overflow (stack size ");
  write_str(num);
  write_str(" bytes); raise ccb::Config::stack_size\n");
  signal(SIGABRT, SIG_DFL);
  abort();
}

void install_overflow_handler() {
  std::call_once(g_installed, [] {
    struct sigaction sa;
    std::memset(&sa, 0, sizeof sa);
    sa.sa_sigaction = segv_handler;
    sa.sa_flags = SA_SIGINFO | SA_ONSTACK;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGSEGV, &sa, &g_old_segv);
  });
}

AltStack::AltStack() {
  stack_t cur;
  if (sigaltstack(nullptr, &cur) == 0 && !(cur.ss_flags & SS_DISABLE)) return;  // keep existing
  mem_ = mmap(nullptr, kAltStackSize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  if (mem_ == MAP_FAILED) {
    mem_ = nullptr;
    return;
  }
  stack_t ss;
  ss.ss_sp = mem_;
  ss.ss_size = kAltStackSize;
  ss.ss_flags = 0;
  installed_ = sigaltstack(&ss, nullptr) == 0;
}

AltStack::~AltStack() {
  if (installed_) {
    stack_t ss;
    std::memset(&ss, 0, sizeof ss);
    ss.ss_flags = SS_DISABLE;
    sigaltstack(&ss, nullptr);
  }
  if (mem_ != nullptr) munmap(mem_, kAltStackSize);
}

}  // namespace ccb::detail
