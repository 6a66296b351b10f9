// tests/harness/exe_test.cpp — the built ccbench executable as a child process, for what only the
// real main() decides (signal dispositions, whether stderr is a terminal for the progress display). CCBENCH_EXE is its path.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

// Regression: `ccbench run … --out r.json | head -1` died of SIGPIPE (exit 141) when head had
// gone, before it wrote r.json.
TEST(Executable, ClosedStdoutPipeDoesNotKillTheRunBeforeItsOutFile) {
  std::string dir = (std::filesystem::temp_directory_path() / "ccbench-exe-XXXXXX").string();
  ASSERT_NE(::mkdtemp(dir.data()), nullptr);
  const std::string out = dir + "/r.json";
  int fds[2];
  ASSERT_EQ(::pipe(fds), 0);
  ::close(fds[0]);  // no reader: the first write to stdout raises SIGPIPE
  const pid_t pid = ::fork();
  ASSERT_GE(pid, 0);
  if (pid == 0) {
    ::dup2(fds[1], STDOUT_FILENO);
    std::signal(SIGPIPE, SIG_DFL);  // as a shell pipeline starts it, whatever ctest does
    ::execl(CCBENCH_EXE, CCBENCH_EXE, "run", "pingpong", "--set", "n=1000", "--set", "cap=0", "--procs", "1",
            "--repetitions", "1", "--warmup", "0", "--min-time", "0", "--out", out.c_str(),
            static_cast<char*>(nullptr));
    ::_exit(127);
  }
  ::close(fds[1]);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  EXPECT_FALSE(WIFSIGNALED(status)) << "killed by signal " << WTERMSIG(status);
  // a reader that has gone is the reader's choice, not an error of the run
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "status " << status;
  EXPECT_TRUE(std::filesystem::exists(out));
  std::filesystem::remove_all(dir);
}

// Regression (docs audit): README promised "`--out /dev/stdout` also works, after the table", but
// the JSON went through a descriptor of its own: redirected to a file, it was written from offset
// 0 over the table, and the latency table and summary then overwrote its middle; in a pipe it came
// between the ns/op table and the latency table. An --out that is standard output (/dev/stdout,
// or the very file stdout is redirected to) now gets the JSON after everything else on stdout.
TEST(Executable, OutOnStandardOutputPrintsTheJsonAfterTheTables) {
  std::string dir = (std::filesystem::temp_directory_path() / "ccbench-exe-XXXXXX").string();
  ASSERT_NE(::mkdtemp(dir.data()), nullptr);
  const std::string file = dir + "/out.txt";
  const std::string run = std::string("'") + CCBENCH_EXE +
                          "' run pingpong --procs 1 --set cap=0 --set n=10000 --repetitions 2 --warmup 0 "
                          "--min-time 0 ";
  for (const std::string& how : {run + "--out /dev/stdout > '" + file + "' 2>/dev/null",
                                 run + "--out /dev/stdout 2>/dev/null | cat > '" + file + "'",
                                 run + "--out '" + file + "' > '" + file + "' 2>/dev/null"}) {
    const int status = std::system(how.c_str());
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << how << ": status " << status;
    std::ifstream in(file);
    std::stringstream buf;
    buf << in.rdbuf();
    const std::string text = buf.str();
    const std::size_t json_at = text.find("\n{");
    ASSERT_NE(json_at, std::string::npos) << how << ":\n" << text;
    const std::string human = text.substr(0, json_at + 1);
    // the whole human output first: ns/op table, latency table, summary line naming what follows
    EXPECT_NE(human.find("pingpong  cap=0 n=10000"), std::string::npos) << how << ":\n" << text;
    EXPECT_NE(human.find("p99.9"), std::string::npos) << how << ":\n" << text;
    EXPECT_NE(human.find("1 result: 1 ok, 0 failed, 0 not applicable; the results JSON follows\n"),
              std::string::npos) << how << ":\n" << text;
    // then the JSON, whole, and nothing after it
    nlohmann::json doc;
    try {
      doc = nlohmann::json::parse(text.substr(json_at + 1));
    } catch (const nlohmann::json::exception& e) {
      ADD_FAILURE() << how << ": the JSON after the table does not parse: " << e.what() << "\n" << text;
      continue;
    }
    ASSERT_EQ(doc["benchmarks"].size(), 1u) << how;
    EXPECT_EQ(doc["benchmarks"][0]["name"], "pingpong/cap=0/n=10000/procs:1/impl:ccbench") << how;
  }
  std::filesystem::remove_all(dir);
}

// Regression (helper-80): `run --report DIR` with a bad CCB_CHART_TIMEOUT_S measured every point
// and wrote the report without charts, exit 0. It is bad usage, said before anything runs.
TEST(Executable, RunReportRefusesABadChartTimeoutBeforeMeasuring) {
  std::string dir = (std::filesystem::temp_directory_path() / "ccbench-exe-XXXXXX").string();
  ASSERT_NE(::mkdtemp(dir.data()), nullptr);
  const std::string cmd = std::string("CCB_CHART_TIMEOUT_S=soon '") + CCBENCH_EXE +
                          "' run pingpong --procs 1 --set cap=0 --set n=1000 --repetitions 1 --min-time 0 --report '" +
                          dir + "/rep' --out '" + dir + "/r.json' 2> '" + dir + "/err'";
  const int status = std::system(cmd.c_str());
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 2) << "status " << status;
  std::stringstream err;
  err << std::ifstream(dir + "/err").rdbuf();
  EXPECT_NE(err.str().find("--report: CCB_CHART_TIMEOUT_S=soon is not a number of seconds > 0"), std::string::npos)
      << err.str();
  EXPECT_FALSE(std::filesystem::exists(dir + "/r.json"));
  std::filesystem::remove_all(dir);
}

// Regression: `ccbench list --format json > r.json` on a full disk exited 0 with r.json truncated.
// Then: `run --format json > r.json` with a point that failed exited 1 on a full disk, which says
// "the other points are written" (README) though r.json was cut short; an --out that cannot be
// written was already 2. /dev/full fails every write with ENOSPC.
TEST(Executable, StandardOutputThatCannotBeWrittenIsExitStatus2) {
  std::string dir = (std::filesystem::temp_directory_path() / "ccbench-exe-XXXXXX").string();
  ASSERT_NE(::mkdtemp(dir.data()), nullptr);
  const std::string err_file = dir + "/stderr.log";
  const std::string failing_go = dir + "/failing-ccbench-go";
  std::ofstream(failing_go) << "#!/bin/sh\nexit 3\n";
  std::filesystem::permissions(failing_go, std::filesystem::perms::owner_all);
  const std::vector<std::vector<std::string>> commands = {
      {"list", "--format", "json"},
      {"run", "pingpong", "--impl", "ccbench,go", "--procs", "1", "--set", "cap=0", "--set", "n=1000", "--repetitions",
       "1", "--warmup", "0", "--min-time", "0", "--format", "json"}};
  for (auto args : commands) {
    args.insert(args.begin(), CCBENCH_EXE);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      const int out_fd = ::open("/dev/full", O_WRONLY);
      const int err_fd = ::open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (out_fd < 0 || err_fd < 0) ::_exit(126);
      ::dup2(out_fd, STDOUT_FILENO);
      ::dup2(err_fd, STDERR_FILENO);
      ::setenv("CCB_GO_BINARY", failing_go.c_str(), 1);
      ::execv(CCBENCH_EXE, argv.data());
      ::_exit(127);
    }
    int status = 0;
    ASSERT_EQ(::waitpid(pid, &status, 0), pid);
    std::ifstream in(err_file);
    std::stringstream text;
    text << in.rdbuf();
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 2) << args[1] << ": status " << status << ": " << text.str();
    EXPECT_NE(text.str().find("writing to standard output failed: No space left on device"), std::string::npos)
        << args[1] << ": " << text.str();
    if (args[1] == "run") {
      EXPECT_NE(text.str().find("impl:go failed"), std::string::npos) << text.str();
    }
  }
  std::filesystem::remove_all(dir);
}

// child_of() returns the pid of a process named `comm` whose parent is `parent` (scanning /proc),
// or -1.
pid_t child_of(pid_t parent, const std::string& comm) {
  for (const auto& e : std::filesystem::directory_iterator("/proc")) {
    const std::string name = e.path().filename().string();
    if (name.find_first_not_of("0123456789") != std::string::npos) continue;
    std::ifstream stat(e.path() / "stat");
    std::string line;
    if (!std::getline(stat, line)) continue;
    const std::size_t close = line.rfind(')');
    const std::size_t open = line.find('(');
    if (close == std::string::npos || open == std::string::npos) continue;
    std::istringstream rest(line.substr(close + 2));
    char state = 0;
    long ppid = 0;
    rest >> state >> ppid;
    if (ppid == parent && line.substr(open + 1, close - open - 1) == comm) return static_cast<pid_t>(std::stol(name));
  }
  return -1;
}

// start_quiet() starts `ccbench ARGS…` with standard output and error on /dev/null and SIGINT at
// its default action (as a terminal starts it, whatever started this test); returns its pid.
pid_t start_quiet(std::vector<std::string> args) {
  args.insert(args.begin(), CCBENCH_EXE);
  const pid_t pid = ::fork();
  if (pid != 0) return pid;
  const int null_fd = ::open("/dev/null", O_WRONLY);
  ::dup2(null_fd, STDOUT_FILENO);
  ::dup2(null_fd, STDERR_FILENO);
  std::signal(SIGINT, SIG_DFL);
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);
  ::execv(CCBENCH_EXE, argv.data());
  ::_exit(127);
}

// gone() is true when pid no longer runs: absent, or a zombie waiting for its new parent to reap it.
bool gone(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(stat, line)) return true;
  const std::size_t close = line.rfind(')');
  return close != std::string::npos && close + 2 < line.size() && line[close + 2] == 'Z';
}

// Interrupted: what sigint_after_first_point() saw.
struct Interrupted {
  bool sent = false;  // SIGINT was sent (after "1/2 points done")
  int status = 0;
  std::string err;  // the tail of standard error
};

// sigint_after_first_point() runs `ccbench run pingpong` over two points of ~1000 x 1.5 ms with
// `extra` options, standard output to `stdout_file` (/dev/null when empty), progress lines after
// every repetition on standard error, and sends SIGINT right after the first point is done (`sig`
// when given; `twice`: once more as soon as ccbench says it took the first, as timeout(1)'s second
// send, to the process group, can come).
Interrupted sigint_after_first_point(const std::vector<std::string>& extra, const std::string& stdout_file,
                                     int sig = SIGINT, bool twice = false) {
  Interrupted r;
  int err_pipe[2];
  if (::pipe(err_pipe) != 0) return r;
  const pid_t pid = ::fork();
  if (pid < 0) return r;
  if (pid == 0) {
    const int out_fd = stdout_file.empty() ? ::open("/dev/null", O_WRONLY)
                                           : ::open(stdout_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(out_fd, STDOUT_FILENO);
    ::dup2(err_pipe[1], STDERR_FILENO);
    ::close(err_pipe[0]);
    std::signal(SIGINT, SIG_DFL);  // as a terminal starts it, whatever started this test
    ::setenv("CCB_PROGRESS_INTERVAL", "0", 1);  // a progress line after every repetition
    std::vector<std::string> args{CCBENCH_EXE, "run",           "pingpong",   "--set", "n=20000", "--set",
                                  "cap=0",     "--procs",       "1,2",        "--repetitions", "1000",
                                  "--warmup",  "0",             "--min-time", "0",     "--progress", "lines"};
    args.insert(args.end(), extra.begin(), extra.end());
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    ::execv(CCBENCH_EXE, argv.data());
    ::_exit(127);
  }
  ::close(err_pipe[1]);
  char buf[4096];
  for (ssize_t n; (n = ::read(err_pipe[0], buf, sizeof buf)) != 0;) {
    if (n < 0) {
      if (errno == EINTR) continue;
      break;
    }
    r.err.append(buf, static_cast<size_t>(n));
    if (!r.sent && r.err.find("ccbench run: 1/2 points done") != std::string::npos) {
      ::kill(pid, sig);
      r.sent = true;
    } else if (twice && r.err.find("stopping after the workload run in progress") != std::string::npos) {
      ::kill(pid, sig);
      twice = false;
    }
  }
  ::close(err_pipe[0]);
  if (::waitpid(pid, &r.status, 0) != pid) r.status = -1;
  if (r.err.size() > 2000) r.err = r.err.substr(r.err.size() - 2000);
  return r;
}

// Regression (session 48's review): a report interrupted while its charts were drawn removed the
// earlier report's charts in DIR but left that report's index.html, every chart link broken. The
// earlier index.html now goes with its charts as the new report starts. The chart drawer here
// (CCB_REPORT_PYTHON) sends SIGTERM to report, as a Ctrl-C while drawing would.
TEST(Executable, AnInterruptedReportLeavesNoEarlierIndexWithoutItsCharts) {
  std::string dir = (std::filesystem::temp_directory_path() / "ccbench-exe-XXXXXX").string();
  ASSERT_NE(::mkdtemp(dir.data()), nullptr);
  const std::string exe = CCBENCH_EXE, r = dir + "/r.json", rep = dir + "/rep", drawer = dir + "/drawer";
  std::ofstream(drawer) << "#!/bin/sh\nkill -TERM $PPID\nsleep 5\n";
  std::filesystem::permissions(drawer, std::filesystem::perms::owner_all);
  const auto sh = [](const std::string& cmd) {
    const int st = std::system(cmd.c_str());
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
  };
  ASSERT_EQ(sh(exe + " run pingpong --impl ccbench --procs 1 --set cap=0 --set n=1000 --repetitions 1 --warmup 0 "
                     "--min-time 0 --quiet --out " + r), 0);
  ASSERT_EQ(sh("CCB_REPORT_PYTHON=/nonexistent/python3 " + exe + " report " + r + " --out " + rep + " >/dev/null 2>&1"), 0);
  ASSERT_TRUE(std::filesystem::exists(rep + "/index.html"));
  EXPECT_EQ(sh("CCB_REPORT_PYTHON=" + drawer + " " + exe + " report " + r + " --out " + rep + " >/dev/null 2>" + dir + "/err"),
            143);
  EXPECT_FALSE(std::filesystem::exists(rep + "/index.html"));
  std::ifstream in(dir + "/err");
  std::stringstream err;
  err << in.rdbuf();
  EXPECT_NE(err.str().find("no index.html written (the earlier report's index.html there went with its charts"),
            std::string::npos) << err.str();
  std::filesystem::remove_all(dir);
}

// Regression: Ctrl-C (SIGINT) during a long `ccbench run` killed it with nothing written: an hour of
// finished points lost. It now stops after the workload run in progress, writes the finished
// points to --out with context.interrupted, and exits 128 + the signal.
TEST(Executable, SigintWritesTheFinishedPointsAndExits130) {
  std::string dir = (std::filesystem::temp_directory_path() / "ccbench-exe-XXXXXX").string();
  ASSERT_NE(::mkdtemp(dir.data()), nullptr);
  const std::string out = dir + "/r.json";
  const Interrupted r = sigint_after_first_point({"--out", out}, "");
  ASSERT_TRUE(r.sent) << r.err;
  EXPECT_TRUE(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 130) << "status " << r.status;
  EXPECT_NE(r.err.find("ccbench run: SIGINT: stopping after the workload run in progress"), std::string::npos);
  EXPECT_NE(r.err.find("ccbench run: interrupted by SIGINT: 1 of 2 points finished; their results are written to " +
                       out + " (context.interrupted); the same command with --resume " + out +
                       " measures only the rest"),
            std::string::npos)
      << r.err;
  std::ifstream in(out);
  std::stringstream text;
  text << in.rdbuf();
  const std::string json = text.str();
  EXPECT_NE(json.find("\"interrupted\": {\n      \"signal\": \"SIGINT\",\n      \"points_done\": 1,\n      "
                      "\"points_planned\": 2"),
            std::string::npos)
      << json.substr(0, 4000);
  EXPECT_NE(json.find("pingpong/cap=0/n=20000/procs:1/impl:ccbench"), std::string::npos);
  EXPECT_EQ(json.find("procs:2"), std::string::npos);  // the point in progress is dropped
  std::filesystem::remove_all(dir);
}

// Regression: `timeout -s TERM 1h ccbench run … --out r.json` died at the timeout writing nothing:
// timeout(1) sends its signal to the process and then to its process group, and the second
// delivery counted as "send it again to stop at once". The same signal from the same sender within
// 1 s is one request now; the finished points are written and the exit status is 143.
TEST(Executable, TheSameSignalSentTwiceAtOnceIsOneRequest) {
  std::string dir = (std::filesystem::temp_directory_path() / "ccbench-exe-XXXXXX").string();
  ASSERT_NE(::mkdtemp(dir.data()), nullptr);
  const std::string out = dir + "/r.json";
  const Interrupted r = sigint_after_first_point({"--out", out}, "", SIGTERM, true);
  ASSERT_TRUE(r.sent) << r.err;
  EXPECT_TRUE(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 143) << "status " << r.status << ": " << r.err;
  EXPECT_NE(r.err.find("ccbench run: interrupted by SIGTERM: 1 of 2 points finished; their results are written to " +
                       out + " (context.interrupted)"),
            std::string::npos)
      << r.err;
  std::ifstream in(out);
  EXPECT_EQ(nlohmann::json::parse(in).at("context").at("interrupted").at("points_done"), 1);
  std::filesystem::remove_all(dir);
}

// A second signal more than 1 s after the first stops the run at once: it dies of the signal
// inside a workload run of ~10 s, writing nothing.
TEST(Executable, ASecondSignalLaterStopsAtOnceWritingNothing) {
  std::string dir = (std::filesystem::temp_directory_path() / "ccbench-exe-XXXXXX").string();
  ASSERT_NE(::mkdtemp(dir.data()), nullptr);
  const std::string out = dir + "/r.json";
  const pid_t pid = start_quiet({"run", "pingpong", "--set", "n=100000000", "--set", "cap=0", "--procs", "1",
                                 "--repetitions", "1", "--warmup", "0", "--min-time", "0", "--out", out});
  ASSERT_GE(pid, 0);
  ::usleep(1000000);  // into the run's one workload run (~10 s)
  ::kill(pid, SIGINT);
  ::usleep(1300000);
  ::kill(pid, SIGINT);
  int status = 0;
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGINT) << "status " << status;
  EXPECT_FALSE(std::filesystem::exists(out));
  std::filesystem::remove_all(dir);
}

// Regression (CLI audit): interrupted with --format json and no --out, `run` printed the finished
// points' JSON on standard output but said "their results were not written (no --out)".
TEST(Executable, SigintWithFormatJsonSaysTheResultsAreOnStandardOutput) {
  std::string dir = (std::filesystem::temp_directory_path() / "ccbench-exe-XXXXXX").string();
  ASSERT_NE(::mkdtemp(dir.data()), nullptr);
  const std::string out_file = dir + "/stdout.json";
  const Interrupted r = sigint_after_first_point({"--format", "json", "--impl", "ccbench"}, out_file);
  ASSERT_TRUE(r.sent) << r.err;
  EXPECT_TRUE(WIFEXITED(r.status) && WEXITSTATUS(r.status) == 130) << "status " << r.status;
  EXPECT_NE(r.err.find("1 of 2 points finished; their results are written to standard output (context.interrupted)"),
            std::string::npos)
      << r.err;
  std::ifstream in(out_file);
  const nlohmann::json doc = nlohmann::json::parse(in);
  EXPECT_EQ(doc.at("context").at("interrupted").at("points_done"), 1);
  std::filesystem::remove_all(dir);
}

// Regression: SIGKILL (or a CI timeout's SIGTERM) to ccbench alone left its Go child measuring on,
// reparented to init. The child now asks for SIGKILL at its parent's death.
TEST(Executable, TheGoChildDoesNotOutliveCcbench) {
  // one repetition of 10^8 round trips: ~25 s in Go here
  const pid_t pid = start_quiet({"run", "pingpong", "--set", "n=100000000", "--set", "cap=0", "--procs", "1",
                                 "--impl", "go", "--repetitions", "1", "--warmup", "0", "--min-time", "0"});
  ASSERT_GE(pid, 0);
  pid_t go = -1;
  int status = 0;
  for (int i = 0; i < 1200 && go < 0; ++i) {  // up to 2 min: the first run may build ccbench-go
    if (::waitpid(pid, &status, WNOHANG) == pid) GTEST_SKIP() << "ccbench ended without a Go child (no Go here?)";
    go = child_of(pid, "ccbench-go");
    if (go < 0) ::usleep(100000);
  }
  // Let the child get past "ready" into its repetition: a child still waiting for a command ends
  // anyway when the socket closes.
  ::usleep(1500000);
  ::kill(pid, SIGKILL);
  ASSERT_EQ(::waitpid(pid, &status, 0), pid);
  ASSERT_GE(go, 0) << "no ccbench-go child appeared";
  bool dead = false;
  for (int i = 0; i < 100 && !dead; ++i) {
    dead = gone(go);
    if (!dead) ::usleep(50000);
  }
  EXPECT_TRUE(dead) << "ccbench-go " << go << " still runs after ccbench was killed";
  if (!dead) ::kill(go, SIGKILL);
}

// run_with_stderr_file() runs a tiny pingpong with stderr redirected to a file (not a terminal), with
// CCB_PROGRESS_INTERVAL set to `interval` (unset when null); returns that stderr.
std::string run_with_stderr_file(const char* interval) {
  std::string dir = (std::filesystem::temp_directory_path() / "ccbench-exe-XXXXXX").string();
  if (::mkdtemp(dir.data()) == nullptr) return "mkdtemp failed";
  const std::string err_file = dir + "/stderr.log";
  const pid_t pid = ::fork();
  if (pid == 0) {
    const int fd = ::open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    const int out_fd = ::open((err_file + ".out").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    if (fd < 0 || out_fd < 0) ::_exit(126);
    ::dup2(fd, STDERR_FILENO);
    ::dup2(out_fd, STDOUT_FILENO);
    if (interval != nullptr) ::setenv("CCB_PROGRESS_INTERVAL", interval, 1);
    else ::unsetenv("CCB_PROGRESS_INTERVAL");
    ::execl(CCBENCH_EXE, CCBENCH_EXE, "run", "pingpong", "--set", "n=1000", "--set", "cap=0", "--procs", "1",
            "--repetitions", "2", "--warmup", "0", "--min-time", "0", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  int status = 0;
  ::waitpid(pid, &status, 0);
  std::ifstream in(err_file);
  std::stringstream text;
  text << in.rdbuf();
  std::filesystem::remove_all(dir);
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) return "exit status " + std::to_string(status) + ": " + text.str();
  return text.str();
}

// Only main() decides whether stderr is a terminal: to a log file, progress is plain heartbeat
// lines (here every step: CCB_PROGRESS_INTERVAL=0), and none in a run shorter than the default 10 s.
TEST(Executable, StderrToAFileGetsPlainHeartbeatLinesNotTheInPlaceLine) {
  const std::string every = run_with_stderr_file("0");
  EXPECT_NE(every.find("ccbench run: 0/1 points done, "), std::string::npos) << every;
  EXPECT_EQ(every.find_first_of("\r\033"), std::string::npos) << every;
  const std::string by_default = run_with_stderr_file(nullptr);
  EXPECT_EQ(by_default.find("ccbench run: "), std::string::npos) << by_default;
  EXPECT_EQ(by_default.find("exit status"), std::string::npos) << by_default;
  EXPECT_EQ(by_default.find_first_of("\r\033"), std::string::npos) << by_default;
}

}  // namespace
