// harness/exit_status.hpp — what the ccbench and ccbench-stress executables share on their way
// out, so both report the same way: the exit status of an internal error, the text of a
// command-line parse error, and standard output whose loss is an error.
// Guarantees:
//  - parse_error_text() is CLI11's message, except for an option given twice (see below), and
//    names the option meant when an unexpected one is a near miss of one of the command's;
//  - with StdoutBuf installed as std::cout's buffer (and SIGPIPE ignored, as both mains do: a
//    reader that has gone makes writes fail instead of killing the process), finish_stdout()
//    turns exit status 0 or 1 into 2, with a message, when a write to standard output failed for
//    any other reason than a reader that has gone (disk full, /dev/full, an I/O error), so
//    `ccbench run --format json > r.json` cannot leave a truncated r.json behind a success, nor
//    behind a 1 ("a point failed; the others are written"). Statuses 3 and 128+N are kept.
#pragma once

#include <CLI/CLI.hpp>

#include <streambuf>
#include <string>

namespace ccb::harness {

// kExitInternal: the exit status of an internal error, an exception no command turned into a
// verdict or a usage error (a bug in ccbench, or the machine refusing memory or threads). It is
// neither 1 (a failed self-check, gate or invariant) nor 2 (bad input), so a script or a CI gate
// can tell "ccbench broke" from "the code under test failed".
inline constexpr int kExitInternal = 3;

// parse_error_text() is CLI11's message, except for an option given twice, where CLI11 says
// "--procs: At Most 1 required but received 2": every option of ccbench and ccbench-stress but
// --set is given once (a LIST is one comma-separated value), so say that, with the list form for
// the LIST options --procs and --impl. With `command` (the (sub)command that was parsing), an
// unexpected option close to one of its long options gains " (did you mean '--procs'?)"
// (common::closest_name).
std::string parse_error_text(const CLI::ParseError& e, const CLI::App* command = nullptr);

// StdoutBuf: std::cout's buffer, writing through stdio's stdout like the default one, but keeping
// the errno of the first failed write (stdio's own error flag does not say why).
class StdoutBuf final : public std::streambuf {
 public:
  int error = 0;

 protected:
  int_type overflow(int_type c) override;
  std::streamsize xsputn(const char* s, std::streamsize n) override;
  int sync() override;

 private:
  std::streamsize put(const char* s, std::streamsize n);
  void note();
};

// finish_stdout() flushes standard output and returns the exit status: `rc`, or 2 (for an `rc`
// of 0 or 1) when output was lost for another reason than a reader that has gone; then it prints "PROGRAM: error:
// writing to standard output failed: REASON; what it printed is incomplete" on stderr.
int finish_stdout(int rc, StdoutBuf& buf, const std::string& program);

}  // namespace ccb::harness
