// harness/go_impl.hpp — the Go reference implementation seen from C++: finding `go`, building
// workloads/go into the build tree, and driving one `ccbench-go run` child per point over the
// line-oriented JSON protocol of workloads/CONTRACT.md ("The Go child-process protocol").
//
// Guarantees:
//  - go_binary() builds at most once per process (thread-safe; a failure is remembered and
//    rethrown), and only when the binary is missing, older than a non-test .go file or go.mod, or
//    built with other flags or by another Go than now (its stamp, BIN.build, says which).
//    The build is reproducible (-trimpath): the same sources and Go give the same bytes anywhere.
//    The build is offline (GOPROXY=off, GOFLAGS/GOTOOLCHAIN cleared, GOENV=off, GOWORK=off),
//    for this machine (GOOS/GOARCH/GOAMD64/GOEXPERIMENT… cleared, CGO_ENABLED=0),
//    keeps GOCACHE, GOPATH and GOTMPDIR inside the build tree, and replaces the binary atomically (build to
//    a temporary name, then rename), so concurrent processes never run a half-written file.
//    SIGINT/SIGTERM/SIGHUP to ccbench during the build (go build runs in its own process group)
//    are forwarded to the build, which is given 2 s before SIGKILL; the temporary file is
//    removed and ccbench dies of that signal: no orphaned go build, no ccbench-go.tmp.PID left.
//  - Children are started with posix_spawn (no shell); their stdin is a socketpair written with
//    MSG_NOSIGNAL, so a dead child can never SIGPIPE the harness. Every fd is close-on-exec.
//  - A child killed (timeout, failure, ~GoPoint) is killed with its process group, which it leads:
//    what it started (spawn capacity=1's capacity process) dies with it.
//  - Never hangs on a dead child: EOF on its stdout throws, with the tail of its stderr and its
//    exit status. A child that cannot be waited for (this process ignores SIGCHLD) is said to
//    have an unknown status and usage, never exit status 0 and zero usage. Reading one line waits at most `line_timeout`, except {"event":"ready"}, which comes
//    after the child's start-up and all its warm-ups: (warmup + 1) x `line_timeout`. On timeout
//    the child is killed (GoTimeout). With a `stop` flag (a signal asked the run to stop): a
//    child that has not replied kStopGrace (run_interrupts.hpp) after the flag was first seen set is killed
//    (GoStopped), so a hung child does not hold a stopped run until the timeout.
//    A child's stderr is drained while waiting, so a large panic dump cannot block it.
//  - Error mapping: an {"event":"error"} followed by exit 1 throws
//    ccb::workloads::WorkloadFailed(message); every other failure (exit 2 = bad usage, bad JSON,
//    unexpected event, crash, timeout) throws GoProtocolError.
// Concurrency: free functions are thread-safe. A GoPoint is used by one thread at a time.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "harness/go_errors.hpp"
#include "workloads/registry.hpp"

namespace ccb::harness {

// go_binary() builds ccbench-go if needed and returns its path (${CCB_BINARY_DIR}/go/bin/ccbench-go).
// Sources come from ${CCB_SOURCE_DIR}/workloads/go. A non-empty env CCB_GO_BINARY is returned
// as-is (no build) when it names an executable file; otherwise (missing, a directory, not
// executable) GoUnavailable names the variable, so `--impl go` is a usage error (exit 2) instead
// of every Go point failing as if a workload had failed its check (exit 1).
// Throws: GoUnavailable.
std::string go_binary();

// build_go_program() builds the Go main package in src_dir (a go.mod and its .go files) into
// bin_path, as go_binary() builds ccbench-go (same environment, atomic replace), when bin_path is
// missing, older than go.mod or a non-test .go file of src_dir, or its stamp (bin_path + ".build":
// the build flags and `go version`) differs from this build's; returns bin_path.
// Throws: GoUnavailable.
std::string build_go_program(const std::string& src_dir, const std::string& bin_path);

// go_version() returns `go version` output (e.g. "go version go1.19.8 linux/amd64"), or
// std::nullopt when go is not installed or does not answer. Computed once per process.
std::optional<std::string> go_version();

// find_go() returns the path of the go command: the first executable `go` on PATH, then
// /usr/bin/go, then /usr/lib/go-1.19/bin/go; std::nullopt when there is none.
std::optional<std::string> find_go();

// go_list() runs `binary list` and returns its stdout (the list JSON document). `list` answers at
// once: a child still running after `limit` is killed (before, a binary that hung there hung
// `ccbench list` and `ccbench run --impl go` for ever).
// Throws: GoTimeout after `limit`; GoProtocolError when the child cannot start or exits non-zero.
std::string go_list(const std::string& binary, std::chrono::milliseconds limit = std::chrono::seconds(60));

// ChildUsage is the child's getrusage as reported by wait4 (whole life, warm-ups included).
struct ChildUsage {
  long voluntary_ctx = 0, involuntary_ctx = 0, max_rss_kb = 0;
  double cpu_ns = 0;  // user + system CPU time of this child (wait4's rusage), its whole life
};

// GoPoint is one running `ccbench-go run` child for one point (interactive protocol).
class GoPoint {
 public:
  static constexpr std::chrono::milliseconds kDefaultLineTimeout = std::chrono::seconds(600);

  // GoPoint() spawns `binary run --workload W --procs P --warmup N --param k=v…` with
  // GOMAXPROCS=procs and waits for {"event":"ready"} (the warm-ups are done by then), at most
  // (warmup + 1) x line_timeout: one line_timeout for the start-up and one per warm-up.
  // Throws: WorkloadFailed (a warm-up failed its self-check), GoProtocolError.
  GoPoint(const std::string& binary, const std::string& workload,
          const std::vector<std::pair<std::string, std::string>>& params, int procs, int warmup,
          std::chrono::milliseconds line_timeout = kDefaultLineTimeout, const std::atomic<int>* stop = nullptr);

  // run_rep() sends "rep" (with `collect`: Go collects its garbage first, outside the timing) or
  // "again" (no collection: a later run of the same repetition) and returns the verified sample
  // (ops > 0, elapsed_ns >= 0).
  // Throws: WorkloadFailed (self-check failed; the child has exited), GoProtocolError.
  // After a throw the child is gone: finish() returns its usage, run_rep() throws again.
  ccb::workloads::RunResult run_rep(bool collect = true);

  // finish() sends "quit", waits for the child to exit and returns its rusage; std::nullopt when
  // the child could not be waited for (ECHILD: SIGCHLD ignored), so that neither its exit status
  // nor its usage is known.
  // Throws: GoProtocolError when the child exits non-zero or says something after "quit".
  std::optional<ChildUsage> finish();

  // ~GoPoint() kills (SIGKILL) and reaps the child if finish() was not called.
  ~GoPoint();

  GoPoint(const GoPoint&) = delete;
  GoPoint& operator=(const GoPoint&) = delete;

 private:
  // read_line() returns the next stdout line, or std::nullopt at EOF; kills and throws when none
  // came within `limit` (line_timeout_ when not given; `limit_why` says how it was reached).
  std::optional<std::string> read_line(std::optional<std::chrono::milliseconds> limit = std::nullopt,
                                       const std::string& limit_why = "CCB_GO_TIMEOUT");
  // fail_on() turns an unexpected end of the conversation into the right exception.
  [[noreturn]] void fail_on(const std::optional<std::string>& line, const std::string& waiting_for);
  // reap() waits (bounded, then SIGKILL) for the child and records its status and usage.
  void reap();
  void kill_and_reap() noexcept;
  void close_fds() noexcept;
  std::string who() const;

  // Immutable after construction:
  std::string what_;  // "pingpong procs=2" for messages
  std::chrono::milliseconds line_timeout_;
  const std::atomic<int>* stop_;  // null, or nonzero (a signal's number) once a stop is asked
  // Child state:
  pid_t pid_ = -1;      // -1 once reaped
  int in_fd_ = -1;      // our end of the child's stdin socketpair
  int out_fd_ = -1;     // child's stdout
  int err_fd_ = -1;     // child's stderr; -1 after EOF
  std::string out_buf_;   // stdout bytes not yet returned as lines
  std::string err_tail_;  // last few KiB of stderr
  std::optional<int> status_;  // wait status once reaped; std::nullopt also when it could not be waited for
  std::optional<ChildUsage> usage_;  // usage once reaped, when it could be waited for
  std::optional<std::chrono::steady_clock::time_point> stop_seen_;  // when read_line() first saw *stop_ set
};

}  // namespace ccb::harness
