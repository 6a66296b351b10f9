// harness/child_process.cpp — see child_process.hpp.
#include "harness/child_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <system_error>
#include <thread>

#include "harness/go_errors.hpp"  // GoTimeout

extern char** environ;

namespace ccb::harness::child {
namespace {

using Clock = std::chrono::steady_clock;
constexpr size_t kErrTailBytes = 4096;

std::vector<char*> c_strings(std::vector<std::string>& v) {
  std::vector<char*> out;
  for (auto& s : v) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

constexpr int kBuildSignals[] = {SIGINT, SIGTERM, SIGHUP};
volatile std::sig_atomic_t g_build_group = 0;  // the running go build's process group, or 0
char g_build_tmp[4096];                        // its temporary output, "" when none

void on_build_signal(int sig) {
  const pid_t group = static_cast<pid_t>(g_build_group);
  if (group > 0) {
    ::kill(-group, SIGINT);  // go's interrupt: it stops its compilers and removes its work dir
    int status = 0;
    for (int i = 0; i < 200 && ::waitpid(group, &status, WNOHANG) == 0; ++i) {
      timespec ten_ms{0, 10'000'000};
      ::nanosleep(&ten_ms, nullptr);
    }
    ::kill(-group, SIGKILL);  // the compiler or linker it may have left
  }
  if (g_build_tmp[0] != '\0') ::unlink(g_build_tmp);
  ::signal(sig, SIG_DFL);
  ::raise(sig);  // delivered when this handler returns
}

}  // namespace

// child_env() returns this process's environment with `set` entries replaced or added and every
// variable named in `unset` removed.
std::vector<std::string> child_env(const std::vector<std::pair<std::string, std::string>>& set,
                                   const std::vector<std::string>& unset) {
  std::vector<std::string> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    std::string_view kv(*e);
    std::string_view name = kv.substr(0, kv.find('='));
    bool drop = false;
    for (const auto& [k, v] : set) drop = drop || name == k;
    for (const auto& k : unset) drop = drop || name == k;
    if (!drop) env.emplace_back(kv);
  }
  for (const auto& [k, v] : set) env.push_back(k + "=" + v);
  return env;
}


// spawn() starts argv[0] with fds 0/1/2 taken from in/out/err (-1 = /dev/null), optionally in
// `cwd`; with `group_mask`, as the leader of a new process group whose signal mask is that one,
// else with an empty signal mask.
// Throws std::system_error when the program cannot be started.
pid_t spawn(std::vector<std::string> argv, std::vector<std::string> env, const std::string& cwd,
            int in, int out, int err, const sigset_t* group_mask) {
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none;
  sigemptyset(&none);
  // SIGPIPE at its default action: ccbench ignores it for its own output (main.cpp), and an
  // ignored signal stays ignored across exec, so every child (go build, ccbench-go, whatever
  // they start) ran with it ignored.
  sigset_t pipe_default;
  sigemptyset(&pipe_default);
  sigaddset(&pipe_default, SIGPIPE);
  posix_spawnattr_setsigdefault(&attr, &pipe_default);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF |
                                      (group_mask != nullptr ? POSIX_SPAWN_SETPGROUP : 0));
  posix_spawnattr_setsigmask(&attr, group_mask != nullptr ? group_mask : &none);
  if (group_mask != nullptr) posix_spawnattr_setpgroup(&attr, 0);
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  int targets[3] = {0, 1, 2}, sources[3] = {in, out, err};
  for (int i = 0; i < 3; ++i) {
    if (sources[i] < 0) {
      posix_spawn_file_actions_addopen(&fa, targets[i], "/dev/null", i == 0 ? O_RDONLY : O_WRONLY, 0);
    } else {
      posix_spawn_file_actions_adddup2(&fa, sources[i], targets[i]);
    }
  }
  if (!cwd.empty()) posix_spawn_file_actions_addchdir_np(&fa, cwd.c_str());
  auto args = c_strings(argv);
  auto envp = c_strings(env);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, args[0], &fa, &attr, args.data(), envp.data());
  posix_spawn_file_actions_destroy(&fa);
  posix_spawnattr_destroy(&attr);
  if (rc != 0) throw std::system_error(rc, std::generic_category(), "cannot start " + argv[0]);
  return pid;
}

void close_fd(int& fd) noexcept {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

// read_into() reads what is available on fd into buf; returns false at EOF (or a read error).
bool read_into(int fd, std::string& buf) {
  char chunk[8192];
  for (;;) {
    ssize_t n = ::read(fd, chunk, sizeof chunk);
    if (n > 0) {
      buf.append(chunk, static_cast<size_t>(n));
      return true;
    }
    if (n < 0 && errno == EINTR) continue;
    return false;
  }
}

void keep_tail(std::string& s) {
  if (s.size() > kErrTailBytes) s.erase(0, s.size() - kErrTailBytes);
}

std::string describe_status(std::optional<int> maybe) {
  if (!maybe) return "exit status unknown: it could not be waited for; is SIGCHLD ignored?";
  const int status = *maybe;
  if (WIFEXITED(status)) return "exit status " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    const char* name = ::strsignal(WTERMSIG(status));
    return "killed by signal " + std::to_string(WTERMSIG(status)) + (name ? std::string(" (") + name + ")" : "");
  }
  return "wait status " + std::to_string(status);
}

// wait_child() reaps pid, giving it `grace` to exit before SIGKILL; returns the wait status, or
// std::nullopt when wait4 refuses (ECHILD) — then neither the status nor *ru is known.
std::optional<int> wait_child(pid_t pid, rusage* ru, std::chrono::milliseconds grace) {
  auto deadline = Clock::now() + grace;
  int status = 0;
  rusage got{};
  for (auto pause = std::chrono::microseconds(100);;) {
    pid_t r = ::wait4(pid, &status, WNOHANG, &got);
    if (r == pid) {
      *ru = got;
      return status;
    }
    if (r < 0 && errno != EINTR) return std::nullopt;
    if (Clock::now() >= deadline) break;
    std::this_thread::sleep_for(pause);
    pause = std::min(pause * 2, std::chrono::microseconds(20000));
  }
  ::kill(pid, SIGKILL);
  for (;;) {
    if (::wait4(pid, &status, 0, &got) == pid) {
      *ru = got;
      return status;
    }
    if (errno != EINTR) return std::nullopt;
  }
}

// ---- a build interrupted by a signal (see BuildSignals in the header) --------------------------
BuildSignals::BuildSignals(const std::string& tmp) {
  std::snprintf(g_build_tmp, sizeof g_build_tmp, "%s", tmp.c_str());
  struct sigaction sa{};
  sa.sa_handler = on_build_signal;
  sigemptyset(&sa.sa_mask);
  for (int i = 0; i < 3; ++i) {
    ::sigaction(kBuildSignals[i], nullptr, &old_[i]);
    installed_[i] = old_[i].sa_handler != SIG_IGN && ::sigaction(kBuildSignals[i], &sa, nullptr) == 0;
  }
}

BuildSignals::~BuildSignals() {
  for (int i = 0; i < 3; ++i)
    if (installed_[i]) ::sigaction(kBuildSignals[i], &old_[i], nullptr);
  g_build_group = 0;
  g_build_tmp[0] = '\0';
}

// run_capture() runs argv to completion and returns its exit status and stdout; its stderr goes
// to the same pipe when merge_err, else to /dev/null. With `build` (a BuildSignals is in scope)
// the child is the one a signal to ccbench interrupts: the go build, or the `list` probe.
// With a `limit`, a child still running after it is killed (GoTimeout, naming `who`).
Captured run_capture(std::vector<std::string> argv, std::vector<std::string> env, const std::string& cwd,
                     bool merge_err, bool build, std::optional<std::chrono::milliseconds> limit) {
  const std::string who = argv.size() > 1 ? argv[0] + " " + argv[1] : argv[0];
  int out[2];
  if (::pipe2(out, O_CLOEXEC) != 0) throw std::system_error(errno, std::generic_category(), "pipe2");
  pid_t pid = -1;
  sigset_t blocked, old_mask;
  sigemptyset(&blocked);
  for (int sig : kBuildSignals) sigaddset(&blocked, sig);
  // blocked until g_build_group is set, so a signal cannot leave the new group unknown
  if (build) ::pthread_sigmask(SIG_BLOCK, &blocked, &old_mask);
  // A child with a time limit leads its own process group too, killed whole on the limit: a
  // CCB_GO_BINARY wrapper script hanging at `list` was killed alone, and what it had started lived
  // on under PID 1 (helper-80).
  sigset_t none;
  sigemptyset(&none);
  try {
    pid = spawn(std::move(argv), std::move(env), cwd, -1, out[1], merge_err ? out[1] : -1,
                build ? &old_mask : limit ? &none : nullptr);
  } catch (...) {
    if (build) ::pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
    close_fd(out[0]);
    close_fd(out[1]);
    throw;
  }
  if (build) {
    g_build_group = pid;
    ::pthread_sigmask(SIG_SETMASK, &old_mask, nullptr);
  }
  close_fd(out[1]);
  Captured c;
  const auto deadline = Clock::now() + limit.value_or(std::chrono::milliseconds(0));
  for (;;) {
    if (limit) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
      pollfd pf{out[0], POLLIN, 0};
      if (left <= 0 || ::poll(&pf, 1, static_cast<int>(left)) == 0) {
        // its group, unless it left it (not reaped yet, its pid cannot name another's group)
        ::kill(::getpgid(pid) == pid ? -pid : pid, SIGKILL);
        rusage ru{};
        wait_child(pid, &ru, std::chrono::seconds(10));
        close_fd(out[0]);
        if (build) g_build_group = 0;
        throw GoTimeout(who + ": no answer within " + std::to_string(limit->count()) + " ms; killed");
      }
    }
    if (!read_into(out[0], c.out)) break;
  }
  close_fd(out[0]);
  rusage ru{};
  c.status = wait_child(pid, &ru, std::chrono::seconds(10));
  if (build) g_build_group = 0;
  return c;
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

std::string tail(const std::string& s, size_t n) { return s.size() <= n ? s : "…" + s.substr(s.size() - n); }

}  // namespace ccb::harness::child
