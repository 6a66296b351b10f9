// tests/harness/exe_signal_test.cpp — the built ccbench executable under SIGINT and SIGTERM sent to it
// alone (`kill PID`, a CI job's timeout), where what it does depends on the dispositions main() and
// the commands leave: an output written to a FIFO that has no reader yet, and report's chart child.
// The signal is sent only once ccbench is seen blocked where the test wants it (/proc), and every
// wait is a loop with a generous limit, so a loaded machine only makes the tests slower.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

std::string read_text(const std::string& path) {
  std::stringstream text;
  text << std::ifstream(path).rdbuf();
  return text.str();
}

// wait_until() polls `done` every 20 ms for up to `limit`; returns its last value.
bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds limit) {
  const auto end = std::chrono::steady_clock::now() + limit;
  for (;;) {
    if (done()) return true;
    if (std::chrono::steady_clock::now() > end) return false;
    std::this_thread::sleep_for(20ms);
  }
}

// blocked_opening_fifo() is true while `pid` waits in open() for a FIFO's reader: the kernel's wait
// channel wait_for_partner, or (a kernel that hides wchan) the open/openat system call in progress.
bool blocked_opening_fifo(pid_t pid) {
  const std::string proc = "/proc/" + std::to_string(pid);
  if (read_text(proc + "/wchan") == "wait_for_partner") return true;
  long nr = -1;
  std::istringstream(read_text(proc + "/syscall")) >> nr;
#ifdef SYS_open
  if (nr == SYS_open) return true;
#endif
  return nr == SYS_openat;
}

// ended_by() is true when wait status `status` is what a shell reports as 128 + sig: the process
// died of `sig`, or exited with 128 + sig.
bool ended_by(int status, int sig) {
  return (WIFSIGNALED(status) && WTERMSIG(status) == sig) || (WIFEXITED(status) && WEXITSTATUS(status) == 128 + sig);
}

std::string describe(int status) {
  if (WIFSIGNALED(status)) return "killed by signal " + std::to_string(WTERMSIG(status));
  if (WIFEXITED(status)) return "exit status " + std::to_string(WEXITSTATUS(status));
  return "wait status " + std::to_string(status);
}

class ExeSignal : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (fs::temp_directory_path() / "ccbench-exe-sig-XXXXXX").string();
    ASSERT_NE(::mkdtemp(dir_.data()), nullptr);
  }
  void TearDown() override {
    if (pid_ > 0) {  // still running: the test failed; do not leave it blocked on the FIFO
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    if (drawer_ > 0) ::kill(drawer_, SIGKILL);  // a drawer left running (the test failed)
    fs::remove_all(dir_);
  }

  // start() runs ccbench with `args` in dir_ (stdout to out.txt, stderr to err.txt), with SIGINT,
  // SIGTERM and SIGHUP at their default action and none blocked, as a terminal starts it.
  void start(std::vector<std::string> args, const std::vector<std::pair<std::string, std::string>>& env = {}) {
    args.insert(args.begin(), CCBENCH_EXE);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    pid_ = ::fork();
    ASSERT_GE(pid_, 0);
    if (pid_ == 0) {
      if (::chdir(dir_.c_str()) != 0) ::_exit(126);
      const int out_fd = ::open("out.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
      const int err_fd = ::open("err.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (out_fd < 0 || err_fd < 0) ::_exit(126);
      ::dup2(out_fd, STDOUT_FILENO);
      ::dup2(err_fd, STDERR_FILENO);
      for (int sig : {SIGINT, SIGTERM, SIGHUP}) std::signal(sig, SIG_DFL);
      sigset_t none;
      sigemptyset(&none);
      ::sigprocmask(SIG_SETMASK, &none, nullptr);
      for (const auto& [k, v] : env) ::setenv(k.c_str(), v.c_str(), 1);
      ::execv(CCBENCH_EXE, argv.data());
      ::_exit(127);
    }
  }

  // wait_exit() reaps ccbench if it ends within `limit`; its wait status, else nullopt.
  std::optional<int> wait_exit(std::chrono::milliseconds limit) {
    int status = 0;
    if (!wait_until([&] { return ::waitpid(pid_, &status, WNOHANG) == pid_; }, limit)) return std::nullopt;
    pid_ = -1;
    return status;
  }

  // interrupt_while_opening_fifo() starts ccbench with `args`, whose output goes to a FIFO
  // that has no reader, waits until it is blocked opening it, sends `sig` to it alone, and
  // expects it to end by that signal, promptly (within 30 s on a loaded machine; a reader never
  // comes). Before the fix compare went on waiting for a reader through any number of signals.
  void interrupt_while_opening_fifo(const std::vector<std::string>& args, int sig) {
    start(args);
    ASSERT_TRUE(wait_until([&] { return blocked_opening_fifo(pid_); }, 60s))
        << "ccbench never blocked opening the FIFO; stderr: " << read_text(dir_ + "/err.txt");
    ASSERT_EQ(::kill(pid_, sig), 0);
    const std::optional<int> status = wait_exit(30s);
    ASSERT_TRUE(status.has_value()) << "ccbench still runs 30 s after signal " << sig
                                    << " (blocked opening the FIFO); stderr: " << read_text(dir_ + "/err.txt");
    EXPECT_TRUE(ended_by(*status, sig)) << describe(*status) << "; stderr: " << read_text(dir_ + "/err.txt");
  }

  std::string fifo(const std::string& name) {
    const std::string path = dir_ + "/" + name;
    EXPECT_EQ(::mkfifo(path.c_str(), 0600), 0) << path;
    return path;
  }

  // interrupt_while_drawing() starts ccbench with `args` (a report into dir_/rep) and
  // CCB_REPORT_PYTHON = a fake chart drawer that never ends by itself: it writes its pid, then a
  // chart into its --out every 50 ms (ignoring SIGINT, SIGTERM and SIGHUP with `ignoring`). Once
  // it has drawn, `sig` goes to ccbench alone. ccbench must end by it, having stopped and reaped
  // the drawer (its pid is gone the moment ccbench is), with no chart, index.html or compare.json
  // left in rep, and nothing written there afterwards. Before the fix ccbench died of the signal
  // and the drawer, reparented to init, went on writing charts.
  void interrupt_while_drawing(const std::vector<std::string>& args, int sig, bool ignoring) {
    const std::string drawer = dir_ + "/fake-python", pidfile = dir_ + "/drawer.pid", rep = dir_ + "/rep";
    std::ofstream(drawer) << "#!/bin/sh\n"
                          << (ignoring ? "trap '' INT TERM HUP\n" : "") << "cat > /dev/null\n"  // the script
                          << "echo $$ > '" << pidfile << ".tmp' && mv '" << pidfile << ".tmp' '" << pidfile << "'\n"
                          << "i=0\nwhile :; do i=$((i+1)); echo chart > \"$3/c$i.png\"; sleep 0.05; done\n";
    fs::permissions(drawer, fs::perms::owner_all);
    start(args, {{"CCB_REPORT_PYTHON", drawer}});
    ASSERT_TRUE(wait_until([&] { return fs::exists(pidfile) && fs::exists(rep + "/charts/c1.png"); }, 120s))
        << "the fake drawer never drew; stderr: " << read_text(dir_ + "/err.txt");
    std::istringstream(read_text(pidfile)) >> drawer_;
    ASSERT_GT(drawer_, 0);
    ASSERT_EQ(::kill(pid_, sig), 0);
    const std::optional<int> status = wait_exit(30s);
    ASSERT_TRUE(status.has_value()) << "ccbench still runs 30 s after signal " << sig;
    const bool drawer_gone = ::kill(drawer_, 0) != 0 && errno == ESRCH;  // not even a zombie: reaped
    const std::string err = read_text(dir_ + "/err.txt");
    EXPECT_TRUE(ended_by(*status, sig)) << describe(*status) << "; stderr: " << err;
    EXPECT_TRUE(drawer_gone) << "the chart drawer (pid " << drawer_ << ") outlived ccbench; stderr: " << err;
    EXPECT_NE(err.find(std::string("interrupted by ") + (sig == SIGINT ? "SIGINT" : "SIGTERM")), std::string::npos)
        << err;
    auto listing = [&] {
      std::vector<std::string> names;
      for (const auto& e : fs::recursive_directory_iterator(rep)) names.push_back(e.path().string());
      std::sort(names.begin(), names.end());
      return names;
    };
    const std::vector<std::string> at_exit = listing();
    std::this_thread::sleep_for(500ms);  // a drawer left running writes a chart every 50 ms
    EXPECT_EQ(listing(), at_exit) << "files were written into " << rep << " after ccbench exited";
    // what an interrupted report leaves: its directories, none of its files
    EXPECT_EQ(at_exit, (std::vector<std::string>{rep + "/charts"}));
  }

  std::string dir_;
  pid_t pid_ = -1;
  pid_t drawer_ = -1;  // the fake chart drawer, once known
};

const std::string kBase = std::string(CCB_REPORTS_TEST_DATA) + "/base.json";
const std::string kSlower = std::string(CCB_REPORTS_TEST_DATA) + "/slower20.json";

// Regression: `ccbench compare base.json new.json --confirm 0 --out FIFO` with no reader on the
// FIFO ignored SIGINT and SIGTERM, sent any number of times (only SIGKILL ended it): it wrote --out
// inside the InterruptScope of its confirmation runs, whose handler only records a signal and
// restarts open(). When a reader came, it wrote the whole document and only then died of SIGINT.
// It now ends at once (130 / 143), as `run` and `calibrate` do with the same FIFO.
TEST_F(ExeSignal, CompareWritingToAFifoWithoutAReaderEndsAtOnceOnSigint) {
  interrupt_while_opening_fifo({"compare", kBase, kSlower, "--confirm", "0", "--out", fifo("cmp.fifo")}, SIGINT);
}

TEST_F(ExeSignal, CompareWritingToAFifoWithoutAReaderEndsAtOnceOnSigterm) {
  interrupt_while_opening_fifo(
      {"compare", kBase, kSlower, "--confirm", "0", "--format", "json", "--out", fifo("cmp.fifo")}, SIGTERM);
}

// The other commands that write to a FIFO in place end the same way (these passed before the fix;
// they keep compare's fix from being the exception): calibrate's noise-floor file, run's --out,
// and report's pages (compare.json with --baseline, index.html).
TEST_F(ExeSignal, CalibrateRunAndReportWritingToAFifoEndAtOnce) {
  interrupt_while_opening_fifo({"calibrate", kBase, kSlower, "--out", fifo("nf.fifo")}, SIGINT);
  interrupt_while_opening_fifo({"run", "pingpong", "--set", "n=1000", "--set", "cap=0", "--procs", "1",
                                "--repetitions", "1", "--warmup", "0", "--min-time", "0", "--quiet", "--out",
                                fifo("run.fifo")},
                               SIGTERM);
  fs::create_directories(dir_ + "/rep/charts");
  fifo("rep/compare.json");
  interrupt_while_opening_fifo({"report", kSlower, "--baseline", kBase, "--out", dir_ + "/rep"}, SIGINT);
}

// Regression: `ccbench report int.json base.json new.json --out rep10` killed by SIGTERM (kill PID,
// not the process group) after ~0.7 s exited 143 while its chart drawer (`/usr/bin/python3 - --out
// rep10/charts …`) ran on with ppid 1, writing manifest.json and PNG/SVG files into rep10/charts
// after ccbench had exited; rep10 ended with charts but no index.html. report now forwards the
// signal to the drawer's process group, reaps it, removes what it drew and exits 128 + signal.
// Regression (CLI audit's leftover): a SIGKILL of ccbench (no handler can run) left the real chart
// drawer, python3 running charts.py, drawing on, reparented to init. charts.py now gets
// CCB_PARENT_PID and dies with ccbench (prctl PR_SET_PDEATHSIG), or exits if it is already gone.
TEST_F(ExeSignal, SigkillToReportTakesTheRealChartDrawerWithIt) {
  // The real charts.py (fed on stdin) run as a module, not as __main__: its top level runs (the
  // parent-death set-up, the imports), then it sleeps 60 s instead of drawing, so a drawer that
  // does not die with ccbench is still there when the test looks. exec keeps the pid written; its
  // output goes to a file, since a write to the pipe of a dead ccbench would end it anyway.
  const std::string wrapper = dir_ + "/python-wrapper", pidfile = dir_ + "/drawer.pid";
  const std::string script = dir_ + "/charts.py";
  std::ofstream(wrapper) << "#!/bin/sh\necho $$ > '" << pidfile << ".tmp' && mv '" << pidfile << ".tmp' '" << pidfile
                         << "'\ncat > '" << script << "'\nexec /usr/bin/python3 -c \"import runpy, time; runpy.run_path('"
                         << script << "', run_name='charts'); time.sleep(60)\" > '" << dir_ << "/drawer.log' 2>&1\n";
  fs::permissions(wrapper, fs::perms::owner_all);
  start({"report", kBase, kSlower, "--out", dir_ + "/rep"}, {{"CCB_REPORT_PYTHON", wrapper}});
  ASSERT_TRUE(wait_until([&] { return fs::exists(pidfile); }, 120s))
      << "the drawer never started; stderr: " << read_text(dir_ + "/err.txt");
  std::istringstream(read_text(pidfile)) >> drawer_;
  ASSERT_GT(drawer_, 0);
  ASSERT_EQ(::kill(pid_, SIGKILL), 0);
  ASSERT_TRUE(wait_exit(30s).has_value());
  // gone, or a zombie waiting for init to reap it: either way no longer drawing
  const auto gone = [&] {
    if (::kill(drawer_, 0) != 0 && errno == ESRCH) return true;
    const std::string stat = read_text("/proc/" + std::to_string(drawer_) + "/stat");
    const std::size_t paren = stat.rfind(')');
    return paren != std::string::npos && paren + 2 < stat.size() && stat[paren + 2] == 'Z';
  };
  EXPECT_TRUE(wait_until(gone, 10s)) << "the chart drawer (pid " << drawer_ << ") outlived a SIGKILLed ccbench";
}

TEST_F(ExeSignal, SigtermToReportStopsAndReapsItsChartDrawer) {
  interrupt_while_drawing({"report", kSlower, "--baseline", kBase, "--out", dir_ + "/rep"}, SIGTERM, false);
}

// A drawer that ignores the signal forwarded to it is killed (SIGKILL after a 2 s grace), not waited for.
TEST_F(ExeSignal, SigintToReportKillsADrawerThatIgnoresIt) {
  interrupt_while_drawing({"report", kSlower, "--out", dir_ + "/rep"}, SIGINT, true);
}

// `run --report DIR` starts the same drawer after its measurement: the same guarantee.
TEST_F(ExeSignal, SigtermToRunWithReportStopsAndReapsItsChartDrawer) {
  interrupt_while_drawing({"run", "pingpong", "--set", "n=1000", "--set", "cap=0", "--procs", "1", "--repetitions",
                           "1", "--warmup", "0", "--min-time", "0", "--quiet", "--out", dir_ + "/r.json",
                           "--report", dir_ + "/rep"},
                          SIGTERM, false);
}

}  // namespace
