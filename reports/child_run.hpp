// reports/child_run.hpp — the `ccbench run` children of compare's confirmation and calibrate: their
// command line, and running them so that an interrupted compare leaves nothing behind; and the
// signal forwarding that every child of the reports module runs under (report's chart drawer too).
//
// Guarantees:
//  - strip_run_options() removes the options the caller sets itself (--filter unless `keep_filter`,
//    --out, --report, --format, each with its value, as `--opt V` or `--opt=V`, and --quiet), and
//    --resume with its value (a re-measurement must measure: `--resume FILE` would take the points
//    from FILE), from a shell command line given by the user (--base-run, --new-run, --run), leaving every other
//    character of the text as it was (quotes, operators, environment prefixes), and appends each
//    removed option with its value, as written, to `removed` when given. Words are split as /bin/sh
//    splits them ('…', "…", backslash, $'…'), so a quoted "--out" is a value, not an option.
//  - run_shell() runs `/bin/sh -c command` in its own process group and returns its exit code. The
//    command's standard output goes to this process's standard error, so that compare's and
//    calibrate's standard output holds only their own document (a script may parse it). While
//    it runs, SIGINT, SIGTERM and SIGHUP sent to this process are forwarded to that group (so Ctrl-C
//    or `kill` of compare stops the child instead of orphaning it), and run_shell() then throws
//    Interrupted. A child that is itself ended by one of those signals (or exits 128+sig for one,
//    as a shell does) also throws Interrupted, so compare ends as interrupted, not as bad input.
//  - InterruptScope, held around the children of a command, also catches those signals between
//    children: the next run_shell() throws Interrupted at once, and if none comes, the scope's
//    destructor re-raises the signal after the objects declared after it (the scratch directory)
//    are gone. Its handler only records the signal (SA_RESTART): a blocking call in the scope is
//    not interrupted. So no output file is written inside a scope: an --out that is a FIFO
//    without a reader blocks in open(), and compare, which wrote its --out in the scope, went on
//    through SIGINT and SIGTERM until a reader came. After the scope the signals have their
//    previous (default) action and end the process at once, as they end `run` while it writes.
//  - ForwardTo(group), inside an InterruptScope, forwards those signals to a child started as the
//    leader of its own process group (run_shell()'s; report's chart drawer, chart_runner.hpp) for
//    its lifetime, and at once one that came earlier in the scope. interrupt_signal() tells a
//    caller that waits for such a child by polling that a signal came, so that it can stop the
//    child (SIGKILL after a grace) and reap it before it throws Interrupted: a child of the reports
//    module never outlives the ccbench that a signal ends.
// Exit convention: Interrupted::exit_code() is 128 + the signal number (130 SIGINT, 143 SIGTERM,
// 129 SIGHUP), what a shell reports for a process that signal ended.
#pragma once

#include <exception>
#include <string>
#include <vector>

namespace ccb::reports {

// Interrupted: the run was stopped by SIGINT, SIGTERM or SIGHUP. Not a std::runtime_error, so that
// the handlers that turn run failures into usage errors (exit 2) let it through.
class Interrupted : public std::exception {
 public:
  explicit Interrupted(int signal);
  int signal() const { return signal_; }
  int exit_code() const { return 128 + signal_; }
  const char* what() const noexcept override { return what_.c_str(); }

 private:
  int signal_;
  std::string what_;
};

// InterruptScope installs the forwarding handlers for its lifetime (nesting is fine).
class InterruptScope {
 public:
  InterruptScope();
  ~InterruptScope();
  InterruptScope(const InterruptScope&) = delete;
  InterruptScope& operator=(const InterruptScope&) = delete;
};

// ForwardTo forwards SIGINT, SIGTERM and SIGHUP to process group `group` while it lives (one at a
// time, inside an InterruptScope). End it when the child is reaped, so that a later signal is not
// sent to a reused process id.
class ForwardTo {
 public:
  explicit ForwardTo(int group);
  ~ForwardTo();
  ForwardTo(const ForwardTo&) = delete;
  ForwardTo& operator=(const ForwardTo&) = delete;
};

// interrupt_signal() is the first signal received inside the outermost InterruptScope, or 0.
int interrupt_signal();
// throw_if_interrupted() throws Interrupted(interrupt_signal()) when one was received.
void throw_if_interrupted();

// strip_run_options() — see the header comment.
std::string strip_run_options(const std::string& command, bool keep_filter = false,
                              std::vector<std::string>* removed = nullptr);

// run_shell() — see the header comment. Returns the child's exit code (0..255); throws Interrupted,
// or std::runtime_error if the child cannot be started.
int run_shell(const std::string& command);

}  // namespace ccb::reports
