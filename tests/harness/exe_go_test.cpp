// tests/harness/exe_go_test.cpp — the built ccbench executable with `--impl go` against fake
// ccbench-go children (CCB_GO_BINARY = a small /bin/sh script), for what only the executable
// wires together (harness/go_backend.cpp is compiled into ccbench alone). No go needed.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <nlohmann/json.hpp>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <sstream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "common/fnv1a.hpp"

namespace {

namespace fs = std::filesystem;

struct Outcome {
  int status = -1;  // the wait status
  std::string err;  // what ccbench wrote on stderr
  std::string out;  // what ccbench wrote on stdout
};

class GoExe : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = (fs::temp_directory_path() / "ccbench-exe-go-XXXXXX").string();
    ASSERT_NE(::mkdtemp(dir_.data()), nullptr);
  }
  void TearDown() override { fs::remove_all(dir_); }
  // fake() writes an executable /bin/sh script and returns its path.
  std::string fake(const std::string& name, const std::string& body) {
    const std::string path = dir_ + "/" + name;
    std::ofstream(path) << "#!/bin/sh\n" << body << "\n";
    fs::permissions(path, fs::perms::owner_all);
    return path;
  }
  // run() runs ccbench with `args` and CCB_GO_BINARY=go_binary.
  // `cwd`, when given, is the directory ccbench runs in.
  Outcome run(const std::string& go_binary, std::vector<std::string> args, const char* timeout = nullptr,
              const std::vector<std::pair<std::string, std::string>>& env = {}, const std::string& cwd = "") {
    const std::string err_file = dir_ + "/stderr.log", out_file = dir_ + "/stdout.log";
    args.insert(args.begin(), CCBENCH_EXE);
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    const pid_t pid = ::fork();
    if (pid == 0) {
      const int err_fd = ::open(err_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      const int out_fd = ::open(out_file.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      if (err_fd < 0 || out_fd < 0) ::_exit(126);
      ::dup2(err_fd, STDERR_FILENO);
      ::dup2(out_fd, STDOUT_FILENO);
      ::setenv("CCB_GO_BINARY", go_binary.c_str(), 1);
      if (timeout != nullptr) ::setenv("CCB_GO_TIMEOUT", timeout, 1);
      for (const auto& [k, v] : env) ::setenv(k.c_str(), v.c_str(), 1);
      if (!cwd.empty() && ::chdir(cwd.c_str()) != 0) ::_exit(126);
      if (ignore_sigchld_) ::signal(SIGCHLD, SIG_IGN);  // kept across exec, as a parent may leave it
      ::execv(CCBENCH_EXE, argv.data());
      ::_exit(127);
    }
    Outcome o;
    ::waitpid(pid, &o.status, 0);
    std::stringstream err_text, out_text;
    err_text << std::ifstream(err_file).rdbuf();
    out_text << std::ifstream(out_file).rdbuf();
    o.err = err_text.str();
    o.out = out_text.str();
    return o;
  }
  std::string dir_;
  bool ignore_sigchld_ = false;  // run() starts ccbench with SIGCHLD ignored
};

// kServe: a fake ccbench-go that lists pingpong and answers every rep or again with one good sample.
const char* const kServe =
    "[ \"$1\" = list ] && echo '{\"workloads\":[{\"name\":\"pingpong\",\"unit\":\"round trip\",\"params\":[]}]}' "
    "&& exit 0\necho '{\"event\":\"ready\"}'\nwhile read cmd; do\n  case \"$cmd\" in rep|again) ;; *) exit 0 ;; esac\n"
    "  echo '{\"event\":\"sample\",\"ops\":1000,\"elapsed_ns\":5000,\"ns_per_op\":5,\"checked\":true}'\n"
    "done\nexit 0";

// Regression: the backend read `ccbench-go list` through a range-for over a member of a destroyed
// temporary, so the names came out empty ("unknown": every workload tried). An older ccbench-go
// lacking a workload then failed that workload's every point (exit 1) instead of being skipped.
TEST_F(GoExe, WorkloadTheGoBinaryDoesNotListIsSkipped) {
  const std::string go = fake("old-ccbench-go",
                              "[ \"$1\" = list ] && echo '{\"workloads\":[{\"name\":\"pingpong\",\"unit\":\"round "
                              "trip\",\"params\":[]}]}' && exit 0\necho 'ccbench-go: unknown workload' >&2\nexit 2");
  const Outcome o = run(go, {"run", "counter", "--impl", "go", "--procs", "1", "--repetitions", "1", "--warmup",
                             "0", "--min-time", "0", "--quiet"});
  EXPECT_TRUE(WIFEXITED(o.status) && WEXITSTATUS(o.status) == 2) << "status " << o.status << ": " << o.err;
  EXPECT_NE(o.err.find("nothing to run"), std::string::npos) << o.err;
}

// Regression: the harness took a Go child's `ops` as given (only > 0 was checked), so a child that
// counted wrong skewed ns/op without failing. Now each sample's ops must be the workload's own
// count at the point's parameters (Workload::ops; pingpong: n).
TEST_F(GoExe, SampleWithOtherOpsThanTheWorkloadDoesFailsThePoint) {
  auto child = [&](const std::string& name, int ops) {
    return fake(name, "[ \"$1\" = list ] && echo '{\"workloads\":[{\"name\":\"pingpong\",\"unit\":\"round trip\","
                      "\"params\":[]}]}' && exit 0\necho '{\"event\":\"ready\"}'\nwhile read cmd; do\n"
                      "  [ \"$cmd\" = rep ] || exit 0\n  echo '{\"event\":\"sample\",\"ops\":" +
                          std::to_string(ops) + ",\"elapsed_ns\":5000,\"ns_per_op\":5,\"checked\":true}'\ndone\nexit 0");
  };
  const std::vector<std::string> args = {"run",        "pingpong", "--impl",    "go", "--procs", "1", "--set", "cap=0",
                                         "--set",      "n=1000",   "--warmup",  "0",  "--repetitions", "2",
                                         "--min-time", "0",        "--quiet"};
  const Outcome lying = run(child("miscounting-ccbench-go", 999), args);
  EXPECT_TRUE(WIFEXITED(lying.status) && WEXITSTATUS(lying.status) == 1) << "status " << lying.status << ": " << lying.err;
  EXPECT_NE(lying.err.find("ccbench-go reported 999 ops for one run of pingpong cap=0 n=1000; that run does 1000"),
            std::string::npos)
      << lying.err;
  const Outcome honest = run(child("counting-ccbench-go", 1000), args);
  EXPECT_TRUE(WIFEXITED(honest.status) && WEXITSTATUS(honest.status) == 0) << "status " << honest.status << ": "
                                                                           << honest.err;
}

// Regression (helper-43's audit): a Go child reporting 1e300 ns for 100 ops was written as an "ok"
// point with a sample of 1e298 ns per op, which compare and report then rejected (exit 2) for the
// whole file. run now fails that point (exit 1) and the file holds no such sample.
TEST_F(GoExe, AnImpossibleTimeFailsThePointInsteadOfSpoilingTheFile) {
  const std::string go =
      fake("huge-ccbench-go", "[ \"$1\" = list ] && echo '{\"workloads\":[{\"name\":\"pingpong\",\"unit\":\"round trip\","
                              "\"params\":[]}]}' && exit 0\n"
                              "echo '{\"event\":\"ready\"}'\nwhile read cmd; do\n  [ \"$cmd\" = rep ] || exit 0\n"
                              "  echo '{\"event\":\"sample\",\"ops\":100,\"elapsed_ns\":1e300,\"checked\":true}'\n"
                              "done\nexit 0");
  const std::string out = dir_ + "/huge.json";
  const Outcome o = run(go, {"run", "pingpong", "--impl", "go", "--procs", "1", "--set", "cap=0", "--set", "n=100",
                             "--warmup", "0", "--repetitions", "2", "--min-time", "0", "--out", out});
  EXPECT_TRUE(WIFEXITED(o.status) && WEXITSTATUS(o.status) == 1) << "status " << o.status << ": " << o.err;
  EXPECT_NE(o.err.find("measured 1e+298 ns per op (1e+300 ns for 100 ops), outside 0 or 1e-06 to 1e+15 ns per op"),
            std::string::npos)
      << o.err;
  std::stringstream file;
  file << std::ifstream(out).rdbuf();
  EXPECT_NE(file.str().find("\"status\": \"failed\""), std::string::npos) << file.str();
  EXPECT_NE(file.str().find("\"samples_ns\": []"), std::string::npos) << file.str();  // a failed point keeps none
}

// Fairness audit (session 35): GOGC, GOMEMLIMIT or GODEBUG left set in the environment changed
// what the Go child measured without a word. Each is now named, on stderr and in the file's
// environment_warnings (code go_env); the child still runs with it.
TEST_F(GoExe, GoRuntimeSettingsInTheEnvironmentAreNamedAndRecorded) {
  const std::string go =
      fake("gogc-ccbench-go", "[ \"$1\" = list ] && echo '{\"workloads\":[{\"name\":\"pingpong\",\"unit\":\"round trip\","
                              "\"params\":[]}]}' && exit 0\necho \"$GOGC\" > " + dir_ + "/gogc.seen\n"
                              "echo '{\"event\":\"ready\"}'\nwhile read cmd; do\n  [ \"$cmd\" = rep ] || exit 0\n"
                              "  echo '{\"event\":\"sample\",\"ops\":1000,\"elapsed_ns\":5000,\"ns_per_op\":5,\"checked\":true}'\n"
                              "done\nexit 0");
  const std::string out = dir_ + "/r.json";
  const Outcome o = run(go, {"run", "pingpong", "--impl", "go", "--procs", "1", "--set", "cap=0", "--set", "n=1000",
                             "--warmup", "0", "--repetitions", "2", "--min-time", "0", "--out", out},
                        nullptr, {{"GOGC", "25"}, {"GODEBUG", "gctrace=0"}});
  EXPECT_TRUE(WIFEXITED(o.status) && WEXITSTATUS(o.status) == 0) << "status " << o.status << ": " << o.err;
  EXPECT_NE(o.err.find("warning: GOGC=25 is set: the Go child runs with it, not with Go's defaults"), std::string::npos)
      << o.err;
  EXPECT_NE(o.err.find("warning: GODEBUG=gctrace=0 is set"), std::string::npos) << o.err;
  EXPECT_EQ(o.err.find("GOMEMLIMIT"), std::string::npos) << o.err;  // not set: not named
  std::stringstream file;
  file << std::ifstream(out).rdbuf();
  EXPECT_NE(file.str().find("\"code\": \"go_env\""), std::string::npos);
  std::stringstream seen;
  seen << std::ifstream(dir_ + "/gogc.seen").rdbuf();
  EXPECT_EQ(seen.str(), "25\n");
}

// Fairness audit (session 35): ccbench-go forced a garbage collection before every run of the
// workload, outside the timing, while ccbench frees its memory inside its own runs. The harness
// now sends "rep" (collect, then run) for the first run of each repetition and "again" for its
// other runs: Go collects once per repetition, as testing.B does once per round.
TEST_F(GoExe, GoCollectsOncePerRepetitionNotOncePerRun) {
  const std::string log = dir_ + "/commands.log";
  const std::string go =
      fake("logging-ccbench-go", "[ \"$1\" = list ] && echo '{\"workloads\":[{\"name\":\"pingpong\",\"unit\":\"round trip\","
                                 "\"params\":[]}]}' && exit 0\necho '{\"event\":\"ready\"}'\nwhile read cmd; do\n"
                                 "  echo \"$cmd\" >> " + log + "\n  case \"$cmd\" in rep|again) ;; *) exit 0 ;; esac\n"
                                 "  echo '{\"event\":\"sample\",\"ops\":1000,\"elapsed_ns\":5000,\"ns_per_op\":5,\"checked\":true}'\n"
                                 "done\nexit 0");
  // 5 us per run and --min-time 20 us: the first repetition sizes R to 5 runs (1.2 x 20 us).
  const Outcome o = run(go, {"run", "pingpong", "--impl", "go", "--procs", "1", "--set", "cap=0", "--set", "n=1000",
                             "--warmup", "0", "--repetitions", "2", "--min-time", "0.00002", "--quiet"});
  EXPECT_TRUE(WIFEXITED(o.status) && WEXITSTATUS(o.status) == 0) << "status " << o.status << ": " << o.err;
  std::stringstream commands;
  commands << std::ifstream(log).rdbuf();
  EXPECT_EQ(commands.str(), "rep\nagain\nagain\nagain\nagain\nrep\nagain\nagain\nagain\nagain\nquit\n");
}

// Regression: a ccbench-go that hung was waited for 600 s at every point (a quick run: hours).
// Now each reply waits CCB_GO_TIMEOUT seconds, and after one timeout the later points fail at once.
TEST_F(GoExe, HangingGoBinaryCostsOneTimeoutNotOnePerPoint) {
  const std::string go = fake("hanging-ccbench-go", "[ \"$1\" = list ] && echo '{\"workloads\":[]}' && exit 0\nexec sleep 60");
  const auto start = std::chrono::steady_clock::now();
  const Outcome o = run(go, {"run", "pingpong", "--impl", "go", "--procs", "1,2", "--set", "cap=0,1", "--repetitions",
                             "1", "--warmup", "0", "--min-time", "0", "--quiet"}, "1");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(8));
  EXPECT_TRUE(WIFEXITED(o.status) && WEXITSTATUS(o.status) == 1) << "status " << o.status << ": " << o.err;
  EXPECT_NE(o.err.find("no reply within 1000 ms (CCB_GO_TIMEOUT)"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("not run: an earlier ccbench-go child hung"), std::string::npos) << o.err;
  const Outcome bad = run(go, {"run", "pingpong", "--impl", "go", "--procs", "1"}, "0.5");
  EXPECT_TRUE(WIFEXITED(bad.status) && WEXITSTATUS(bad.status) == 2) << "status " << bad.status << ": " << bad.err;
  // Regression: a non-number said "in 0..86400" while 0 and 0.5 were refused.
  EXPECT_NE(bad.err.find("CCB_GO_TIMEOUT: '0.5' is not a number of seconds in 1..86400"), std::string::npos) << bad.err;
  const Outcome word = run(go, {"run", "pingpong", "--impl", "go", "--procs", "1"}, "abc");
  EXPECT_NE(word.err.find("CCB_GO_TIMEOUT: 'abc' is not a number of seconds in 1..86400"), std::string::npos)
      << word.err;
}

// Regression (session 51's Go review): `ready` comes after all the warm-ups, and was waited for one
// CCB_GO_TIMEOUT: warm-ups only slow in sum (skynet size=1000000 at ~0.8 s a run, --warmup 4,
// CCB_GO_TIMEOUT=2) killed the child, and marked the binary hung for the rest of the run. The wait
// for `ready` is now (warm-ups + 1) x CCB_GO_TIMEOUT; here 3 warm-ups of 0.5 s under 1 s.
TEST_F(GoExe, SlowWarmUpsGetATimeoutEachBeforeReady) {
  std::string body = kServe;
  // argv: run --workload W --procs P --warmup N …: $7 is N
  body.insert(body.find("echo '{\"event\":\"ready\"}'"),
              "i=0\nwhile [ \"$i\" -lt \"$7\" ]; do sleep 0.5; i=$((i + 1)); done\n");
  const std::string go = fake("slow-warmup-ccbench-go", body);
  const Outcome o = run(go, {"run", "pingpong", "--impl", "go", "--procs", "1,2", "--set", "cap=0", "--set", "n=1000",
                             "--warmup", "3", "--repetitions", "1", "--min-time", "0", "--quiet"}, "1");
  EXPECT_TRUE(WIFEXITED(o.status) && WEXITSTATUS(o.status) == 0) << "status " << o.status << ": " << o.err;
  EXPECT_EQ(o.err.find("no reply within"), std::string::npos) << o.err;
  // a child that never says ready is still killed, after (1 + 1) x 1 s, and said so
  const Outcome hung = run(fake("never-ready-ccbench-go", "[ \"$1\" = list ] && echo '{\"workloads\":[]}' && exit 0\n"
                                                          "exec sleep 60"),
                           {"run", "pingpong", "--impl", "go", "--procs", "1", "--set", "cap=0", "--warmup", "1",
                            "--repetitions", "1", "--min-time", "0", "--quiet"}, "1");
  EXPECT_TRUE(WIFEXITED(hung.status) && WEXITSTATUS(hung.status) == 1) << "status " << hung.status << ": " << hung.err;
  EXPECT_NE(hung.err.find("no reply within 2000 ms (CCB_GO_TIMEOUT x (1 warm-up + start-up))"), std::string::npos)
      << hung.err;
}

// expect_gone() checks that the process whose pid the stand-in wrote to pid_file is gone within 5 s
// (or a zombie left to a PID 1 that does not reap, as in some containers), and kills it if not.
void expect_gone(const std::string& pid_file) {
  std::ifstream in(pid_file);
  pid_t grandchild = 0;
  ASSERT_TRUE(in >> grandchild) << "the stand-in wrote no pid";
  const auto gone = [&] {
    std::ifstream stat("/proc/" + std::to_string(grandchild) + "/stat");
    std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    if (!stat || text.empty()) return true;
    const size_t paren = text.rfind(')');
    return paren != std::string::npos && paren + 2 < text.size() && (text[paren + 2] == 'Z' || text[paren + 2] == 'X');
  };
  for (int i = 0; i < 250 && !gone(); ++i) ::usleep(20000);
  const bool killed = gone();
  if (!killed) ::kill(grandchild, SIGKILL);  // not left behind by this test
  EXPECT_TRUE(killed) << "the Go child's own child " << grandchild << " outlived ccbench";
}

// Regression (session 51's Go review): a Go child killed on a timeout was killed alone, by its pid,
// though it leads its own process group: what it had started (spawn capacity=1's `ccbench-go
// capacity`, growing to ~1 GiB) lived on under PID 1 after ccbench exited. Now the group is killed.
// The stand-in child starts a grandchild in its group, says its pid, and never answers.
TEST_F(GoExe, AChildKilledOnATimeoutTakesItsProcessGroupWithIt) {
  const std::string pid_file = dir_ + "/grandchild.pid";
  const std::string go =
      fake("forking-ccbench-go", "[ \"$1\" = list ] && echo '{\"workloads\":[]}' && exit 0\n"
                                 "sleep 60 </dev/null >/dev/null 2>&1 &\necho $! > " + pid_file + ".tmp\n"
                                 "mv " + pid_file + ".tmp " + pid_file + "\nexec sleep 60");
  const Outcome o = run(go, {"run", "pingpong", "--impl", "go", "--procs", "1", "--set", "cap=0", "--warmup", "0",
                             "--repetitions", "1", "--min-time", "0", "--quiet"}, "1");
  EXPECT_TRUE(WIFEXITED(o.status) && WEXITSTATUS(o.status) == 1) << "status " << o.status << ": " << o.err;
  EXPECT_NE(o.err.find("no reply within 1000 ms"), std::string::npos) << o.err;
  expect_gone(pid_file);
}

// The same for the `list` probe (helper-80): a CCB_GO_BINARY wrapper script hanging at `list` was
// killed by its pid alone on CCB_GO_TIMEOUT, and what it had started lived on under PID 1. The probe
// now leads its own process group, killed whole.
TEST_F(GoExe, AListProbeKilledOnATimeoutTakesItsProcessGroupWithIt) {
  const std::string pid_file = dir_ + "/grandchild.pid";
  const std::string go = fake("forking-list-ccbench-go", "sleep 60 </dev/null >/dev/null 2>&1 &\necho $! > " + pid_file +
                                                             ".tmp\nmv " + pid_file + ".tmp " + pid_file + "\nsleep 60");
  const Outcome o = run(go, {"run", "pingpong", "--impl", "go", "--procs", "1", "--set", "cap=0", "--warmup", "0",
                             "--repetitions", "1", "--min-time", "0", "--quiet"}, "1");
  EXPECT_TRUE(WIFEXITED(o.status) && WEXITSTATUS(o.status) == 1) << "status " << o.status << ": " << o.err;
  EXPECT_NE(o.err.find("list: no answer within 1000 ms"), std::string::npos) << o.err;
  expect_gone(pid_file);
}

// A signal to ccbench while the probe runs reaches the probe's group too (helper-81): leading a
// group of its own, the probe no longer got a terminal's Ctrl-C, nor ever a `kill PID` of ccbench
// alone, and a hung one lived on under PID 1 after ccbench died of the signal.
TEST_F(GoExe, ASignalDuringTheListProbeTakesItsProcessGroupWithIt) {
  const std::string pid_file = dir_ + "/grandchild.pid";
  const std::string go = fake("signalled-list-ccbench-go", "sleep 60 </dev/null >/dev/null 2>&1 &\necho $! > " +
                                                               pid_file + ".tmp\nmv " + pid_file + ".tmp " + pid_file +
                                                               "\nsleep 60");
  // in the background, sh ignores SIGINT for ccbench: SIGTERM, as a CI job's timeout sends
  const std::string cmd = "CCB_GO_BINARY='" + go + "' CCB_GO_TIMEOUT=60 '" + CCBENCH_EXE +
                          "' list pingpong >/dev/null 2>&1 & pid=$!; i=0; while [ ! -e '" + pid_file +
                          "' ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done; kill -TERM $pid; wait $pid";
  const auto start = std::chrono::steady_clock::now();
  const int status = std::system(cmd.c_str());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(30));
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 143) << "status " << status;
  expect_gone(pid_file);
}

// Regression (CLI audit): the `list` probe that asks ccbench-go for its workloads waited a fixed
// 60 s, whatever CCB_GO_TIMEOUT said: with CCB_GO_TIMEOUT=2 a hanging binary cost over a minute
// before the first point. It now waits the smaller of the two and marks the binary hung.
TEST_F(GoExe, AGoBinaryHangingAtListCostsCcbGoTimeoutNotAMinute) {
  const std::string go = fake("list-hanging-ccbench-go", "exec sleep 120");
  const auto start = std::chrono::steady_clock::now();
  const Outcome o = run(go, {"run", "pingpong", "--impl", "go", "--procs", "1,2", "--set", "cap=0", "--repetitions",
                             "1", "--warmup", "0", "--min-time", "0", "--quiet"}, "1");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(30));
  EXPECT_TRUE(WIFEXITED(o.status) && WEXITSTATUS(o.status) == 1) << "status " << o.status << ": " << o.err;
  EXPECT_NE(o.err.find("list: no answer within 1000 ms"), std::string::npos) << o.err;
  EXPECT_NE(o.err.find("not run: an earlier ccbench-go child hung"), std::string::npos) << o.err;
}

// Regression: `list` with a Go binary that hangs at `list` listed go for every workload, with no
// word that its points would not run; one whose `list` failed said nothing either (run then tries
// every workload). Now the first is not listed and the second is listed with a note.
TEST_F(GoExe, ListSaysWhenTheGoReferenceCouldNotBeAskedForItsWorkloads) {
  const Outcome hung = run(fake("list-hanging-ccbench-go", "exec sleep 120"), {"list", "pingpong"}, "1");
  EXPECT_TRUE(WIFEXITED(hung.status) && WEXITSTATUS(hung.status) == 0) << hung.status << ": " << hung.err;
  EXPECT_NE(hung.err.find("note: go is not listed: the Go reference did not answer `list`"), std::string::npos)
      << hung.err;
  EXPECT_NE(hung.err.find("list: no answer within 1000 ms; killed), so its points would not run either"),
            std::string::npos)
      << hung.err;
  EXPECT_NE(hung.out.find("impls: ccbench, threads"), std::string::npos) << hung.out;
  const Outcome failing = run(fake("list-failing-ccbench-go", "exit 3"), {"list", "pingpong"}, "5");
  EXPECT_TRUE(WIFEXITED(failing.status) && WEXITSTATUS(failing.status) == 0) << failing.status << ": " << failing.err;
  EXPECT_NE(failing.err.find("note: go is listed for every workload: the Go reference's `list` gave no usable answer"),
            std::string::npos)
      << failing.err;
  EXPECT_NE(failing.err.find("list: exit status 3"), std::string::npos) << failing.err;
  EXPECT_NE(failing.out.find("impls: ccbench, go, threads"), std::string::npos) << failing.out;
}

// context.go_binary records the ccbench-go the Go points ran (compare --confirm re-runs them with
// it), and context.go_version the Go that built it, as its `list` says. A ccbench-go replaced
// while the run goes on, as a second ccbench rebuilding it would, is warned about
// (go_binary_changed): the points started after that ran another build.
TEST_F(GoExe, TheGoBinaryIsRecordedAndAChangeDuringTheRunIsWarned) {
  const std::string serve =
      "[ \"$1\" = list ] && echo '{\"go_version\":\"go version go1.99.1 fake/amd64\",\"workloads\":[{\"name\":"
      "\"pingpong\",\"unit\":\"round trip\",\"params\":[]}]}' && exit 0\n%s"
      "echo '{\"event\":\"ready\"}'\nwhile read cmd; do\n  [ \"$cmd\" = rep ] || exit 0\n"
      "  echo '{\"event\":\"sample\",\"ops\":1000,\"elapsed_ns\":5000,\"ns_per_op\":5,\"checked\":true}'\n"
      "done\nexit 0";
  const auto body = [&](const std::string& at_run) {
    std::string b = serve;
    return b.replace(b.find("%s"), 2, at_run);
  };
  const std::vector<std::string> args{"run", "pingpong", "--impl", "go", "--procs", "1,2", "--set", "cap=0",
                                      "--set", "n=1000", "--warmup", "0", "--repetitions", "2", "--min-time", "0",
                                      "--out", dir_ + "/r.json"};
  const std::string steady = fake("steady-ccbench-go", body(""));
  struct stat st{};
  ASSERT_EQ(::stat(steady.c_str(), &st), 0);
  Outcome o = run(steady, args);
  ASSERT_TRUE(WIFEXITED(o.status) && WEXITSTATUS(o.status) == 0) << "status " << o.status << ": " << o.err;
  EXPECT_EQ(o.err.find("go_binary"), std::string::npos) << o.err;
  nlohmann::json doc = nlohmann::json::parse(std::ifstream(dir_ + "/r.json"));
  std::stringstream content;
  content << std::ifstream(steady, std::ios::binary).rdbuf();
  char hash[17];
  std::snprintf(hash, sizeof hash, "%016llx", static_cast<unsigned long long>(ccb::common::fnv1a64(content.str())));
  EXPECT_EQ(doc["context"]["go_binary"],
            (nlohmann::json{{"path", steady},
                            {"size", st.st_size},
                            {"mtime_ns", static_cast<long long>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec},
                            {"fnv1a64", hash}}));
  // the Go that built the binary, as its list says (not the installed go's `go version`)
  EXPECT_EQ(doc["context"]["go_version"], "go version go1.99.1 fake/amd64");
  // each `run` child puts a new file at its own path (an atomic rename, as go_binary()'s rebuild does)
  const std::string rebuilt = fake("rebuilt-ccbench-go",
                                   body("{ cat \"$0\"; echo '# rebuilt'; } > \"$0.next\" && chmod 700 \"$0.next\" && "
                                        "mv \"$0.next\" \"$0\"\n"));
  o = run(rebuilt, args);
  ASSERT_TRUE(WIFEXITED(o.status) && WEXITSTATUS(o.status) == 0) << "status " << o.status << ": " << o.err;
  const std::string said = "ccbench: warning: " + rebuilt + " changed during the run (rebuilt or replaced): the Go points "
                           "started after that ran another build than context.go_binary";
  EXPECT_NE(o.err.find(said), std::string::npos) << o.err;
  doc = nlohmann::json::parse(std::ifstream(dir_ + "/r.json"));
  bool recorded = false;
  for (const auto& w : doc["context"]["environment_warnings"]) recorded |= w["code"] == "go_binary_changed";
  EXPECT_TRUE(recorded) << doc["context"].dump();
  // CCB_GO_BINARY given relative: the recorded path is absolute (compare re-runs from anywhere)
  const Outcome relative = run("./steady-ccbench-go", args, nullptr, {}, dir_);
  ASSERT_TRUE(WIFEXITED(relative.status) && WEXITSTATUS(relative.status) == 0) << relative.err;
  doc = nlohmann::json::parse(std::ifstream(dir_ + "/r.json"));
  EXPECT_EQ(doc["context"]["go_binary"]["path"], steady);
}

// Results are UTF-8, so a ccbench-go path that is not (a Latin-1 name) is recorded with U+FFFD and
// names no file: the run says that `compare --confirm` cannot re-run its points by itself
// (path_not_utf8), and does not for a UTF-8 path.
TEST_F(GoExe, ABinaryPathThatIsNotUtf8IsWarnedAbout) {
  const std::string serve =
      "[ \"$1\" = list ] && echo '{\"workloads\":[{\"name\":\"pingpong\",\"unit\":\"round trip\",\"params\":[]}]}' "
      "&& exit 0\necho '{\"event\":\"ready\"}'\nwhile read cmd; do\n  [ \"$cmd\" = rep ] || exit 0\n"
      "  echo '{\"event\":\"sample\",\"ops\":1000,\"elapsed_ns\":5000,\"ns_per_op\":5,\"checked\":true}'\n"
      "done\nexit 0";
  const std::vector<std::string> args{"run", "pingpong", "--impl", "go", "--procs", "1", "--set", "cap=0",
                                      "--set", "n=1000", "--warmup", "0", "--repetitions", "2", "--min-time", "0",
                                      "--out", dir_ + "/r.json"};
  const auto warned = [&](const nlohmann::json& doc) {
    int n = 0;
    for (const auto& w : doc["context"]["environment_warnings"]) n += w["code"] == "path_not_utf8";
    return n;
  };
  Outcome o = run(fake("ccbench-go-\xe9", serve), args);
  ASSERT_TRUE(WIFEXITED(o.status) && WEXITSTATUS(o.status) == 0) << "status " << o.status << ": " << o.err;
  const std::string recorded = dir_ + "/ccbench-go-\xEF\xBF\xBD";
  EXPECT_NE(o.err.find("ccbench: warning: " + recorded + " is not UTF-8 and is recorded with U+FFFD: `ccbench compare "
                       "--confirm` cannot re-run this file's points by itself"),
            std::string::npos) << o.err;
  nlohmann::json doc = nlohmann::json::parse(std::ifstream(dir_ + "/r.json"));
  EXPECT_EQ(doc["context"]["go_binary"]["path"], recorded);
  EXPECT_EQ(warned(doc), 1) << doc["context"].dump();
  o = run(fake("ccbench-go-e", serve), args);
  ASSERT_TRUE(WIFEXITED(o.status) && WEXITSTATUS(o.status) == 0) << "status " << o.status << ": " << o.err;
  EXPECT_EQ(o.err.find("not UTF-8"), std::string::npos) << o.err;
  EXPECT_EQ(warned(nlohmann::json::parse(std::ifstream(dir_ + "/r.json"))), 0);
}

// Regression (session 51's Go review): started with SIGCHLD ignored (a disposition exec keeps),
// ccbench could not wait for its Go children (wait4: ECHILD) and took status 0 and zeroed usage:
// a crashed child read as "exit status 0", and ok points had cpu_time 0, max_rss_kb 0 and no
// context switches. main() now restores SIGCHLD's default first.
TEST_F(GoExe, AnIgnoredSigchldAtStartStillGivesTheChildsStatusAndUsage) {
  ignore_sigchld_ = true;
  const std::string out = dir_ + "/r.json";
  const std::vector<std::string> args{"run", "pingpong", "--impl", "go", "--procs", "1", "--set", "cap=0",
                                      "--set", "n=1000", "--warmup", "0", "--repetitions", "2", "--min-time", "0",
                                      "--out", out};
  Outcome o = run(fake("serving-ccbench-go", kServe), args);
  ASSERT_TRUE(WIFEXITED(o.status) && WEXITSTATUS(o.status) == 0) << "status " << o.status << ": " << o.err;
  nlohmann::json doc = nlohmann::json::parse(std::ifstream(out));
  const nlohmann::json& e = doc["benchmarks"][0];
  const auto positive = [&](const char* key) { return e[key].is_number() && e[key].get<double>() > 0; };
  EXPECT_TRUE(positive("max_rss_kb")) << e.dump();
  EXPECT_TRUE(positive("ctx_switches_voluntary")) << e.dump();  // it blocks reading each command
  EXPECT_TRUE(positive("cpu_time")) << e.dump();
  o = run(fake("crashing-ccbench-go",
               "[ \"$1\" = list ] && echo '{\"workloads\":[]}' && exit 0\necho '{\"event\":\"ready\"}'\n"
               "read cmd\nkill -SEGV $$"),
          args);
  EXPECT_TRUE(WIFEXITED(o.status) && WEXITSTATUS(o.status) == 1) << "status " << o.status << ": " << o.err;
  EXPECT_NE(o.err.find("exited (killed by signal 11"), std::string::npos) << o.err;
}

// Regression (session 51's Go review): what GoPoint::finish() throws (a child that exits non-zero on
// `quit`, or says something after it) was only a note, "go child usage unavailable", on an ok point:
// a child answering every command with two samples (always one answer behind: the extra line shows
// only at quit) or exiting 3 on quit still ended ok. Such a point now fails (exit 1).
TEST_F(GoExe, AChildThatDoesNotQuitCleanlyFailsItsPoint) {
  const std::string serve_twice =
      "[ \"$1\" = list ] && echo '{\"workloads\":[]}' && exit 0\necho '{\"event\":\"ready\"}'\n"
      "while read cmd; do\n  case \"$cmd\" in rep|again) ;; *) exit 0 ;; esac\n"
      "  echo '{\"event\":\"sample\",\"ops\":1000,\"elapsed_ns\":5000,\"ns_per_op\":5,\"checked\":true}'\n"
      "  echo '{\"event\":\"sample\",\"ops\":1000,\"elapsed_ns\":6000,\"ns_per_op\":6,\"checked\":true}'\n"
      "done\nexit 0";
  std::string exit_3 = kServe;
  exit_3.replace(exit_3.rfind("exit 0 ;;"), 6, "exit 3");
  const std::string out = dir_ + "/r.json";
  const std::vector<std::string> args{"run", "pingpong", "--impl", "go", "--procs", "1", "--set", "cap=0",
                                      "--set", "n=1000", "--warmup", "0", "--repetitions", "2", "--min-time", "0",
                                      "--out", out};
  for (const auto& [name, body, said] :
       {std::tuple<std::string, std::string, std::string>{"chatty-ccbench-go", serve_twice, "; it said: {\"event\""},
        {"exit-3-ccbench-go", exit_3, "did not quit cleanly (exit status 3)"}}) {
    const Outcome o = run(fake(name, body), args);
    EXPECT_TRUE(WIFEXITED(o.status) && WEXITSTATUS(o.status) == 1) << name << ": status " << o.status << ": " << o.err;
    EXPECT_NE(o.err.find("failed: go protocol error: ccbench-go (pingpong procs=1) did not quit cleanly"),
              std::string::npos) << name << ": " << o.err;
    EXPECT_NE(o.err.find(said), std::string::npos) << name << ": " << o.err;
    const nlohmann::json doc = nlohmann::json::parse(std::ifstream(out));
    EXPECT_EQ(doc["benchmarks"][0]["status"], "failed") << name << ": " << doc["benchmarks"][0].dump();
  }
  const Outcome fine = run(fake("clean-ccbench-go", kServe), args);  // the same child quitting cleanly
  EXPECT_TRUE(WIFEXITED(fine.status) && WEXITSTATUS(fine.status) == 0) << "status " << fine.status << ": " << fine.err;
}

// A stop signal that comes while a point's child is quitting (after its last repetition), from a
// child that then does not quit: the child is killed kStopGrace (10 s) after the signal, not at
// CCB_GO_TIMEOUT; the point's samples stand (ok, its usage unknown, with a note saying why) and the
// run ends as interrupted (143). Before, the kill failed the point, blamed on the signal.
TEST_F(GoExe, AChildStillQuittingWhenAStopIsAskedIsKilledAndItsSamplesStand) {
  std::string stuck = kServe;  // on quit it sends ccbench the signal itself, then does not exit
  stuck.replace(stuck.rfind("exit 0 ;;"), 6, "kill -TERM $PPID; exec sleep 120");
  const std::string out = dir_ + "/r.json";
  const auto start = std::chrono::steady_clock::now();
  const Outcome o = run(fake("stuck-quitting-ccbench-go", stuck),
                        {"run", "pingpong", "--impl", "go", "--procs", "1", "--set", "cap=0", "--set", "n=1000",
                         "--warmup", "0", "--repetitions", "2", "--min-time", "0", "--out", out});
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_TRUE(WIFEXITED(o.status) && WEXITSTATUS(o.status) == 143) << "status " << o.status << ": " << o.err;
  EXPECT_GE(seconds, 9.5) << o.err;
  EXPECT_LT(seconds, 60) << o.err;
  const nlohmann::json doc = nlohmann::json::parse(std::ifstream(out));
  ASSERT_EQ(doc["benchmarks"].size(), 1u) << doc.dump();
  const auto& b = doc["benchmarks"][0];
  EXPECT_EQ(b["status"], "ok") << b.dump();
  EXPECT_NE(b["notes"].dump().find("go child usage unavailable: ccbench-go (pingpong procs=1): no reply 10 s after "
                                   "SIGTERM asked the run to stop; the child was killed"),
            std::string::npos)
      << b.dump();
  EXPECT_EQ(doc["context"]["interrupted"]["signal"], "SIGTERM");
}

// A failure in the points a stop drops (their window is not written) is named on stderr, even with
// --quiet, as a finished point's failure is: before, it went unsaid. Here a child silent after the
// stop, killed kStopGrace (10 s) later, and, in a shuffle window of two points, a child that failed
// at start-up before the other one's run was stopped.
TEST_F(GoExe, AFailureInThePointsAStopDropsIsNamed) {
  std::string silent = kServe;  // on its first rep it sends ccbench the signal itself, then never replies
  silent.replace(silent.find("  echo '{\"event\":\"sample\""), 0, "  kill -TERM $PPID; exec sleep 120\n");
  const std::vector<std::string> one{"run", "pingpong", "--impl", "go", "--procs", "1", "--set", "cap=0", "--set",
                                     "n=1000", "--warmup", "0", "--repetitions", "2", "--min-time", "0", "--quiet"};
  const Outcome killed = run(fake("silent-ccbench-go", silent), one);
  EXPECT_TRUE(WIFEXITED(killed.status) && WEXITSTATUS(killed.status) == 143) << killed.status << ": " << killed.err;
  EXPECT_NE(killed.err.find("ccbench: error: pingpong/cap=0/n=1000/procs:1/impl:go failed (a point stopped unfinished, "
                            "not written): go protocol error: ccbench-go (pingpong procs=1): no reply 10 s after "
                            "SIGTERM asked the run to stop; the child was killed"),
            std::string::npos)
      << killed.err;
  EXPECT_NE(killed.err.find("ccbench run: interrupted by SIGTERM: 0 of 1 point finished"), std::string::npos)
      << killed.err;
  // argv: run --workload W --procs P …: $5 is P. procs 2 fails at start; procs 1 stops the run at its rep.
  std::string two = kServe;
  two.replace(two.find("echo '{\"event\":\"ready\"}'"), 0, "[ \"$5\" = 2 ] && echo 'no such thing' >&2 && exit 3\n");
  two.replace(two.find("  echo '{\"event\":\"sample\""), 0, "  kill -TERM $PPID\n");
  std::vector<std::string> window = one;
  window[5] = "1,2";
  for (const char* extra : {"--shuffle", "on", "--seed", "1"}) window.push_back(extra);
  const Outcome dropped = run(fake("window-ccbench-go", two), window);
  EXPECT_TRUE(WIFEXITED(dropped.status) && WEXITSTATUS(dropped.status) == 143) << dropped.status << ": " << dropped.err;
  EXPECT_NE(dropped.err.find("ccbench: error: pingpong/cap=0/n=1000/procs:2/impl:go failed (a point stopped unfinished, "
                             "not written): go protocol error: ccbench-go (pingpong procs=2) exited (exit status 3)"),
            std::string::npos)
      << dropped.err;
  EXPECT_EQ(dropped.err.find("procs:1/impl:go failed"), std::string::npos) << dropped.err;
  EXPECT_NE(dropped.err.find("ccbench run: interrupted by SIGTERM: 0 of 2 points finished"), std::string::npos)
      << dropped.err;
}

// Regression: CCB_GO_BINARY naming no file made every go point "failed" and `run` exit 1, the
// status of a failed self-check. It is bad input: exit 2 before any point runs, even under --impl
// all (the user asked for that binary; a skip notice and exit 0 would hide the mistake), and so is
// a CCB_GO_TIMEOUT out of range. `list` notes it and lists the rest.
TEST_F(GoExe, BadCcbGoBinaryOrTimeoutIsBadInputEvenUnderImplAll) {
  const std::string missing = dir_ + "/no-such-ccbench-go";
  const std::string script = fake("ccbench-go", "exit 0");
  for (const char* impl : {"go", "all"}) {
    const std::vector<std::string> args{"run", "pingpong", "--set", "n=1000", "--set", "cap=0", "--procs", "1",
                                        "--impl", impl, "--repetitions", "1", "--warmup", "0", "--min-time", "0"};
    Outcome o = run(missing, args);
    EXPECT_TRUE(WIFEXITED(o.status) && WEXITSTATUS(o.status) == 2) << impl << ": " << o.status << " " << o.err;
    EXPECT_NE(o.err.find("--impl go: CCB_GO_BINARY=" + missing + ": No such file or directory"), std::string::npos)
        << impl << ": " << o.err;
    EXPECT_EQ(o.err.find("failed"), std::string::npos) << impl << ": " << o.err;
    o = run(script, args, "0");
    EXPECT_TRUE(WIFEXITED(o.status) && WEXITSTATUS(o.status) == 2) << impl << ": " << o.status << " " << o.err;
    EXPECT_NE(o.err.find("CCB_GO_TIMEOUT"), std::string::npos) << impl << ": " << o.err;
  }
  const Outcome listed = run(missing, {"list"});
  EXPECT_TRUE(WIFEXITED(listed.status) && WEXITSTATUS(listed.status) == 0) << listed.status << " " << listed.err;
  EXPECT_NE(listed.err.find("note: go is not listed: CCB_GO_BINARY=" + missing), std::string::npos) << listed.err;
}

}  // namespace
