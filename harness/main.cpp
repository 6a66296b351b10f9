// harness/main.cpp — the ccbench executable: wires the optional modules into Hooks and hands
// argv to ccbench_main() (entry.hpp), which owns all exit codes.
//  - CCB_HAVE_REPORTS (target ccb_reports exists): `compare`/`report` subcommands and --report,
//    through reports/cli.hpp.
//  - CCB_HAVE_GO_IMPL (target ccb_go_impl exists, from harness/go_impl.cmake): --impl go.
//  - `ccbench stress` (harness/stress, always built in), chained into the reports hook.
//  - the runtime's worker-start hook (ccb::set_default_worker_start), used by --pin.
// SIGPIPE is ignored: when stdout is a pipe whose reader has gone (`ccbench run --out r.json |
// head -1`), writes to it fail (std::cout stops printing) instead of killing ccbench before it
// writes its --out file.
// Standard output is checked at exit: a write that failed for any other reason than a reader that
// has gone (disk full, /dev/full, an I/O error) turns exit status 0 into 2 with a message, so
// `ccbench run --format json > r.json` cannot leave a truncated r.json behind a success.
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>

#include <iostream>
#include <streambuf>
#include <string>
#include <vector>

#include "ccb/run.hpp"
#include "harness/entry.hpp"
#include "harness/stress/stress_command.hpp"

#ifdef CCB_HAVE_REPORTS
#include <CLI/CLI.hpp>

#include "reports/cli.hpp"
#endif
#ifdef CCB_HAVE_GO_IMPL
#include "harness/go_backend.hpp"
#endif

namespace {

// StdoutBuf: std::cout's buffer, writing through stdio's stdout like the default one, but keeping
// the errno of the first failed write (stdio's own error flag does not say why).
class StdoutBuf final : public std::streambuf {
 public:
  int error = 0;

 protected:
  int_type overflow(int_type c) override {
    if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
    const char ch = traits_type::to_char_type(c);
    return put(&ch, 1) == 1 ? c : traits_type::eof();
  }
  std::streamsize xsputn(const char* s, std::streamsize n) override { return put(s, n); }
  int sync() override {
    if (std::fflush(stdout) == 0) return 0;
    note();
    return -1;
  }

 private:
  std::streamsize put(const char* s, std::streamsize n) {
    const std::size_t done = std::fwrite(s, 1, static_cast<std::size_t>(n), stdout);
    if (done < static_cast<std::size_t>(n)) note();
    return static_cast<std::streamsize>(done);
  }
  void note() {
    if (error == 0) error = errno != 0 ? errno : EIO;
  }
};

// reader_gone() is true when `fd` is a pipe or socket whose reading end is closed (poll reports
// POLLERR on the writing end of such a pipe).
bool reader_gone(int fd) {
  pollfd p{fd, POLLOUT, 0};
  return ::poll(&p, 1, 0) == 1 && (p.revents & POLLERR) != 0;
}

// finish_stdout() flushes standard output and returns the exit status: `rc`, or 2 when output
// was lost for another reason than a reader that has gone (see the header comment).
int finish_stdout(int rc, StdoutBuf& buf) {
  std::cout.flush();
  if (buf.error == 0 && std::fflush(stdout) != 0) buf.error = errno != 0 ? errno : EIO;
  if (buf.error == 0 || buf.error == EPIPE || reader_gone(STDOUT_FILENO)) return rc;
  std::cerr << "ccbench: error: writing to standard output failed: " << std::strerror(buf.error)
            << "; what it printed is incomplete\n";
  return rc == 0 ? 2 : rc;
}

}  // namespace

int main(int argc, char** argv) {
  std::signal(SIGPIPE, SIG_IGN);
  StdoutBuf stdout_buf;
  std::streambuf* const default_buf = std::cout.rdbuf(&stdout_buf);
  std::vector<std::string> args(argv, argv + argc);
  ccb::harness::Hooks hooks;
#ifdef CCB_HAVE_REPORTS
  hooks.reports.add_commands = [](CLI::App& app) -> ccb::harness::ReportsHooks::SelectedRunner {
    auto commands = ccb::reports::add_commands(app);
    return [commands](std::ostream& out, std::ostream& err) {
      return ccb::reports::run_selected(*commands, out, err);
    };
  };
  hooks.reports.write_report = [](const std::vector<std::string>& files, const std::string& dir,
                                  std::ostream& out, std::ostream& err) {
    return ccb::reports::write_report(files, dir, "", out, err);
  };
#endif
#ifdef CCB_HAVE_GO_IMPL
  hooks.go = ccb::harness::make_go_backend();
#endif
  hooks.reports.add_commands = ccb::stress::with_stress_command(std::move(hooks.reports.add_commands));
  hooks.install_worker_start = [](std::function<void(int)> hook) { ccb::set_default_worker_start(std::move(hook)); };
  ccb::harness::Io io{std::cout, std::cerr, isatty(STDERR_FILENO) == 1};
  const int rc = finish_stdout(ccb::harness::ccbench_main(args, io, hooks), stdout_buf);
  std::cout.rdbuf(default_buf);
  return rc;
}
