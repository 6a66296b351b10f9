// reports/chart_runner.cpp — spawns the Python interpreter with the embedded charts.py on stdin and
// collects its output (see chart_runner.hpp). stdin is one end of a socketpair rather than a pipe
// so that writing after an early child exit fails with EPIPE (send + MSG_NOSIGNAL) instead of
// raising SIGPIPE in the whole ccbench process. Both ends are polled, never waited on in a blocking
// call, so that a signal (recorded by child_run.hpp's InterruptScope) is seen at once, whichever
// thread took it, and a drawer that does not end of it is killed.
#include "reports/chart_runner.hpp"

#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <thread>

#include "reports/child_run.hpp"

extern char** environ;

namespace ccb::reports {
namespace {

constexpr int kExitNoMatplotlib = 3;  // charts.py's exit status when matplotlib cannot be imported

std::string last_line(const std::string& text) {
  std::size_t end = text.find_last_not_of("\r\n");
  if (end == std::string::npos) return "";
  std::size_t begin = text.find_last_of('\n', end);
  return text.substr(begin == std::string::npos ? 0 : begin + 1, end - (begin == std::string::npos ? 0 : begin + 1) + 1);
}

// How long a drawer sent SIGINT, SIGTERM or SIGHUP gets to end before its group is killed (as
// the harness gives an interrupted go build: child_process.hpp).
constexpr std::chrono::seconds kStopGrace{2};

// kDrawTimeLimit: how long the drawer may run before it is stopped (CCB_CHART_TIMEOUT_S overrides
// it): a full preset's report draws in seconds, a 20,000-point file in ~7 s; a drawer that hangs
// (a stuck interpreter, a CCB_REPORT_PYTHON that waits for input) held `report` for ever.
constexpr double kDrawTimeLimitS = 300;

// How much of the drawer's output `log` keeps: its first and its last kLogKeep bytes, with one line
// between them saying how many were left out. Kept whole, a drawer printing without end (`exec yes`)
// put 26.7 MB, 3.3 million lines, on report's stderr.
constexpr std::size_t kLogKeep = 32 * 1024;

// KeptOutput collects a stream of output, keeping only its head and its tail (kLogKeep each).
struct KeptOutput {
  std::string head, tail;
  std::size_t left_out = 0;
  void add(const char* p, std::size_t n) {
    const std::size_t to_head = std::min(n, kLogKeep - head.size());
    head.append(p, to_head);
    tail.append(p + to_head, n - to_head);
    if (tail.size() > 2 * kLogKeep) {  // trimmed in steps, not on every read
      left_out += tail.size() - kLogKeep;
      tail.erase(0, tail.size() - kLogKeep);
    }
  }
  std::string text() const {
    const std::size_t over = tail.size() > kLogKeep ? tail.size() - kLogKeep : 0;
    if (left_out + over == 0) return head + tail;
    return head + "\n… " + std::to_string(left_out + over) + " bytes of the drawer's output left out …\n" +
           tail.substr(over);
  }
};

// Stopper: once a signal has come (interrupt_signal(), forwarded to the drawer's group by
// ForwardTo), or the time limit has passed (check() then sends the group SIGTERM itself), check()
// SIGKILLs the group when it still runs kStopGrace later. given_up() is true kStopGrace after that:
// a process that left the group (setsid) and holds the output pipe open is then no longer read.
struct Stopper {
  Stopper(pid_t g, std::chrono::steady_clock::duration limit)
      : group(g), deadline(std::chrono::steady_clock::now() + limit) {}
  pid_t group;
  std::chrono::steady_clock::time_point deadline;
  bool signalled = false, timed_out = false, killed = false;
  std::chrono::steady_clock::time_point since{};  // when check() first saw the signal or the limit
  std::chrono::steady_clock::time_point killed_at{};
  void check() {
    if (killed) return;
    const auto now = std::chrono::steady_clock::now();
    if (!signalled && !timed_out) {
      if (interrupt_signal() != 0) {
        signalled = true;
        since = now;
      } else if (now >= deadline) {
        ::kill(-group, SIGTERM);
        timed_out = true;
        since = now;
      }
    } else if (now - since >= kStopGrace) {
      ::kill(-group, SIGKILL);
      killed = true;
      killed_at = now;
    }
  }
  bool given_up() const { return killed && std::chrono::steady_clock::now() - killed_at >= kStopGrace; }
};

// talk_and_reap() sends `script` on `in` (then shuts it for writing), reads `out` to EOF into
// `log` (its head and tail: KeptOutput), and reaps `pid`; returns its wait status. Nothing blocks: poll() and waitpid(WNOHANG)
// with short timeouts, so that an interrupted drawer is stopped (Stopper) and reaped in any case.
// `timed_out` tells whether the drawer was stopped for running past `limit`.
int talk_and_reap(pid_t pid, int in, std::string_view script, int out, std::string& log,
                  std::chrono::steady_clock::duration limit, bool& timed_out) {
  Stopper stop(pid, limit);
  bool sending = !script.empty();
  if (!sending) ::shutdown(in, SHUT_WR);
  char buf[65536];
  KeptOutput kept;
  for (bool reading = true; reading;) {
    pollfd fds[2] = {{out, POLLIN, 0}, {in, POLLOUT, 0}};
    if (::poll(fds, sending ? 2 : 1, 50) > 0) {
      if (sending && fds[1].revents != 0) {
        const ssize_t n = ::send(in, script.data(), script.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
        if (n > 0) script.remove_prefix(static_cast<std::size_t>(n));
        const bool gone = n < 0 && errno != EINTR && errno != EAGAIN;  // the child exited early
        if (script.empty() || gone) {
          ::shutdown(in, SHUT_WR);  // end of script: Python starts running it
          sending = false;
        }
      }
      if (fds[0].revents != 0) {
        const ssize_t n = ::read(out, buf, sizeof buf);
        if (n > 0) kept.add(buf, static_cast<std::size_t>(n));
        else if (n == 0 || (errno != EINTR && errno != EAGAIN)) reading = false;
      }
    }
    stop.check();
    if (stop.given_up()) reading = false;
  }
  log = kept.text();
  int status = 0;
  for (;;) {
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid || (r < 0 && errno != EINTR)) {
      timed_out = stop.timed_out;
      return status;
    }
    stop.check();
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
}

// child_environment() is the current environment with MPLBACKEND forced to Agg and CCB_PARENT_PID
// set to this process (charts.py then dies with it, even of a SIGKILL).
std::vector<std::string> child_environment() {
  std::vector<std::string> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    if (std::strncmp(*e, "MPLBACKEND=", 11) != 0 && std::strncmp(*e, "CCB_PARENT_PID=", 15) != 0) env.emplace_back(*e);
  }
  env.emplace_back("MPLBACKEND=Agg");
  env.emplace_back("CCB_PARENT_PID=" + std::to_string(::getpid()));
  return env;
}

// script_path() keeps a path from being read as an option by charts.py's argparse: a relative path
// that begins with '-' ("-h.json" gave "argument --results: expected at least one argument") is
// passed as "./-h.json", the same file.
std::string script_path(const std::string& path) { return !path.empty() && path[0] == '-' ? "./" + path : path; }

std::vector<char*> c_strings(std::vector<std::string>& v) {
  std::vector<char*> out;
  for (std::string& s : v) out.push_back(s.data());
  out.push_back(nullptr);
  return out;
}

}  // namespace

std::string python_interpreter() {
  const char* env = std::getenv("CCB_REPORT_PYTHON");
  if (env == nullptr || *env == '\0') return "/usr/bin/python3";
  const std::string name = env;
  if (name.find('/') != std::string::npos) return name;
  // A bare name is looked up in PATH, as a shell would: CCB_REPORT_PYTHON=python3 used to be
  // reported as "python3 not found (install python3-matplotlib)" with python3 installed.
  const char* path = std::getenv("PATH");
  std::string dirs = path != nullptr ? path : "";
  for (std::size_t begin = 0; begin <= dirs.size();) {
    std::size_t end = dirs.find(':', begin);
    if (end == std::string::npos) end = dirs.size();
    const std::string dir = end > begin ? dirs.substr(begin, end - begin) : ".";
    const std::string candidate = dir + "/" + name;
    struct stat st{};
    if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(candidate.c_str(), X_OK) == 0)
      return candidate;
    begin = end + 1;
  }
  return name;
}

static std::optional<double> draw_time_limit_s(std::string& error) {
  const char* env = std::getenv("CCB_CHART_TIMEOUT_S");
  if (env == nullptr || *env == '\0') return kDrawTimeLimitS;
  char* end = nullptr;
  errno = 0;
  const double v = std::strtod(env, &end);
  if (errno != 0 || end == env || *end != '\0' || !(v > 0) || v > 1e6) {
    error = "CCB_CHART_TIMEOUT_S=" + std::string(env) + " is not a number of seconds > 0 (at most 1000000)";
    return std::nullopt;
  }
  return v;
}

std::string chart_settings_problem() {
  std::string error;
  draw_time_limit_s(error);
  return error;
}

ChartRun run_charts(const std::vector<std::string>& results_files, const std::string& charts_dir,
                    const std::string& compare_json) {
  ChartRun run;
  std::string limit_error;
  const std::optional<double> limit_s = draw_time_limit_s(limit_error);
  if (!limit_s) {
    run.notice = "charts not drawn: " + limit_error + "; tables only";
    return run;
  }
  const std::string py = python_interpreter();
  const char* chosen = std::getenv("CCB_REPORT_PYTHON");
  const bool by_env = chosen != nullptr && *chosen != '\0';
  if (::access(py.c_str(), X_OK) != 0) {
    // Installing python3-matplotlib does not help when the interpreter named is wrong.
    run.notice = "charts not drawn: " + (by_env ? "CCB_REPORT_PYTHON=" + std::string(chosen) + ": " : py + " ") +
                 (py.find('/') == std::string::npos ? "not found in PATH" : "not found") +
                 (by_env ? "" : " (install python3-matplotlib)") + "; tables only";
    return run;
  }
  std::vector<std::string> args{py, "-", "--out", script_path(charts_dir), "--results"};
  for (const std::string& f : results_files) args.push_back(script_path(f));
  if (!compare_json.empty()) {
    args.emplace_back("--compare");
    args.push_back(script_path(compare_json));
  }
  std::vector<std::string> env = child_environment();
  std::vector<char*> argv = c_strings(args), envp = c_strings(env);

  int in[2], out[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in) != 0) {
    run.notice = std::string("charts not drawn: socketpair failed: ") + std::strerror(errno);
    return run;
  }
  if (::pipe2(out, O_CLOEXEC) != 0) {
    run.notice = std::string("charts not drawn: pipe failed: ") + std::strerror(errno);
    ::close(in[0]);
    ::close(in[1]);
    return run;
  }
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in[1], 0);
  posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  posix_spawn_file_actions_adddup2(&actions, out[1], 2);
  // The leader of its own process group (a signal is forwarded to the group: the drawer and
  // anything it starts), with no signal blocked.
  posix_spawnattr_t attr;
  posix_spawnattr_init(&attr);
  sigset_t none;
  sigemptyset(&none);
  posix_spawnattr_setsigmask(&attr, &none);
  posix_spawnattr_setpgroup(&attr, 0);
  // SIGPIPE at its default action, not the ignored one ccbench runs with (harness/main.cpp)
  sigset_t pipe_default;
  sigemptyset(&pipe_default);
  sigaddset(&pipe_default, SIGPIPE);
  posix_spawnattr_setsigdefault(&attr, &pipe_default);
  posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
  // SIGINT, SIGTERM, SIGHUP from here on are recorded and forwarded to the drawer (ForwardTo below,
  // at once for one that comes before it starts); before, they ended ccbench by their default action.
  InterruptScope interrupts;
  pid_t pid = 0;
  const int rc = ::posix_spawn(&pid, py.c_str(), &actions, &attr, argv.data(), envp.data());
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attr);
  ::close(in[1]);
  ::close(out[1]);
  if (rc != 0) {
    ::close(in[0]);
    ::close(out[0]);
    throw_if_interrupted();  // a signal meanwhile: interrupted, as below
    run.notice = "charts not drawn: cannot start " + py + ": " + std::strerror(rc);
    return run;
  }
  int status = 0;
  bool timed_out = false;
  {
    ForwardTo forward(pid);  // until it is reaped
    const auto limit = std::chrono::duration_cast<std::chrono::steady_clock::duration>(
        std::chrono::duration<double>(*limit_s));
    status = talk_and_reap(pid, in[0], charts_script(), out[0], run.log, limit, timed_out);
  }
  ::close(in[0]);
  ::close(out[0]);
  throw_if_interrupted();  // the drawer is stopped and reaped: its charts are the caller's to remove
  if (timed_out) {
    char secs[32];
    std::snprintf(secs, sizeof secs, "%g", *limit_s);
    run.notice = std::string("charts not drawn: charts.py run by ") + py + " did not finish within " + secs +
                 " s and was stopped (CCB_CHART_TIMEOUT_S sets the limit); tables only";
  } else if (WIFEXITED(status) && WEXITSTATUS(status) == 0) {
    run.drawn = true;
  } else if (WIFEXITED(status) && WEXITSTATUS(status) == kExitNoMatplotlib) {
    run.notice = "charts not drawn: matplotlib is not available to " + py + " (install python3-matplotlib); tables only";
  } else if (WIFEXITED(status)) {
    const std::string said = last_line(run.log);
    run.notice = "charts not drawn: charts.py run by " + py + (by_env ? " (CCB_REPORT_PYTHON)" : "") +
                 " failed with exit status " + std::to_string(WEXITSTATUS(status)) +
                 (said.empty() ? " and printed nothing" : ": " + said);
  } else {
    run.notice = "charts not drawn: charts.py was killed by signal " +
                 std::to_string(WIFSIGNALED(status) ? WTERMSIG(status) : 0);
  }
  return run;
}

}  // namespace ccb::reports
