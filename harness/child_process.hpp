// harness/child_process.hpp — starting, reading and reaping the child processes of the Go
// implementation (go build, go version, ccbench-go list / run): the process plumbing under
// harness/go_impl.cpp, which is the only user.
// Guarantees:
//  - spawn() uses posix_spawn (no shell) with an explicit environment; every fd this process
//    opens is close-on-exec, so a child gets only fds 0/1/2. A child never inherits this
//    thread's blocked signals, nor the SIGPIPE ccbench ignores (it starts with SIGPIPE's default).
//  - wait_child() never blocks past `grace`: then it SIGKILLs and reaps. A child it cannot wait
//    for (ECHILD: this process ignores SIGCHLD, so the kernel reaped it, or someone else reaped
//    it) has an unknown status and usage, never a made-up "exit status 0" with zero usage.
//  - run_capture() reads the child's output to EOF and reaps it; with a limit the child leads its
//    own process group, killed whole when the child is still running as the limit passes (GoTimeout). With `build` the child is started
//    as the leader of its own process group, and while a BuildSignals is in scope a SIGINT,
//    SIGTERM or SIGHUP sent to ccbench alone (kill PID, a CI job's timeout) is forwarded to that
//    group as SIGINT (go then removes its work directory), which gets 2 s before SIGKILL; the
//    temporary output is removed and ccbench dies of the signal it got. Before, the build went on
//    as an orphan and left ccbench-go.tmp.PID behind.
// Concurrency: the functions are thread-safe. One BuildSignals at a time per process (the go
// build is serialised by go_binary()'s mutex); its state is process-global for the handler.
#pragma once

#include <sys/resource.h>
#include <sys/types.h>

#include <chrono>
#include <csignal>
#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace ccb::harness::child {

// child_env() returns this process's environment with `set` entries replaced or added and every
// variable named in `unset` removed.
std::vector<std::string> child_env(const std::vector<std::pair<std::string, std::string>>& set,
                                   const std::vector<std::string>& unset);

// spawn() starts argv[0] with fds 0/1/2 taken from in/out/err (-1 = /dev/null), optionally in
// `cwd`; with `group_mask`, as the leader of a new process group whose signal mask is that one,
// else in this process's group with an empty signal mask (never the caller's: `ccbench run` blocks
// SIGINT, SIGTERM and SIGHUP while it measures, run_interrupts.hpp).
// Throws std::system_error when the program cannot be started.
pid_t spawn(std::vector<std::string> argv, std::vector<std::string> env, const std::string& cwd, int in, int out,
            int err, const sigset_t* group_mask = nullptr);

void close_fd(int& fd) noexcept;  // closes fd if >= 0 and sets it to -1

// read_into() reads what is available on fd into buf; returns false at EOF (or a read error).
bool read_into(int fd, std::string& buf);

void keep_tail(std::string& s);  // keeps the last 4096 bytes (a child's stderr tail)

// describe_status() says "exit status 2", "killed by signal 9 (Killed)", or for std::nullopt
// (wait_child() could not wait) "exit status unknown (…)".
std::string describe_status(std::optional<int> status);

// wait_child() reaps pid, giving it `grace` to exit before SIGKILL; returns the wait status and
// fills *ru, or returns std::nullopt (*ru untouched) when pid cannot be waited for (ECHILD).
// Regression (session 51's Go review): under an ignored SIGCHLD, wait4 failed with ECHILD and
// this returned its initial status 0 and an all-zero rusage: a crashed Go child read as "exit
// status 0" and ok points got cpu_time 0 and max_rss_kb 0.
std::optional<int> wait_child(pid_t pid, rusage* ru, std::chrono::milliseconds grace);

struct Captured {
  std::optional<int> status;  // std::nullopt: the child could not be waited for
  std::string out;
};

// BuildSignals forwards SIGINT/SIGTERM/SIGHUP to the go build (or the `list` probe) that
// run_capture(..., build=true) starts, for its life (a signal ignored, as under nohup, stays
// ignored), and removes `tmp` (the build's temporary output; "" for none) if one arrives; the
// previous handlers are restored at the end.
class BuildSignals {
 public:
  explicit BuildSignals(const std::string& tmp);
  ~BuildSignals();
  BuildSignals(const BuildSignals&) = delete;
  BuildSignals& operator=(const BuildSignals&) = delete;

 private:
  struct sigaction old_[3];
  bool installed_[3] = {false, false, false};
};

// run_capture() runs argv to completion and returns its exit status and stdout; its stderr goes
// to the same pipe when merge_err, else to /dev/null. With `build` (a BuildSignals is in scope)
// the child is the go build that a signal to ccbench interrupts.
// With a `limit`, a child still running after it is killed (GoTimeout, naming argv[0] and argv[1]).
Captured run_capture(std::vector<std::string> argv, std::vector<std::string> env, const std::string& cwd,
                     bool merge_err, bool build = false,
                     std::optional<std::chrono::milliseconds> limit = std::nullopt);

std::string trim(std::string s);  // without trailing newlines, carriage returns and spaces

std::string tail(const std::string& s, size_t n = 2000);  // the last n bytes, after "…" when cut

}  // namespace ccb::harness::child
