// tests/harness/exe_hang_test.cpp — `ccbench run`'s hang watchdog (harness/hang_watch.hpp,
// CCB_RUN_TIMEOUT) on the built executable: it ends the process, so it cannot run in-process.
// A hang is made with the CCB_INJECT_DELAY_NS test hook: 1e9 ns per op makes one run of counter
// (1000 ops) busy-wait for ~17 minutes, far past a 1 s limit.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace {

namespace fs = std::filesystem;

struct Ran {
  int rc = -1;
  std::string err;
  double seconds = 0;
};

// run_shell() runs `env` + ccbench `args` under sh, stdout to `out`, stderr to a file; rc is the
// exit status. With `meanwhile` (shell commands, e.g. "sleep 3; kill -TERM $pid"), ccbench runs in
// the background as $pid while they run, and the shell's `wait` gives its status.
Ran run_shell(const std::string& dir, const std::string& env, const std::string& args,
              const std::string& meanwhile = "", const std::string& out = "/dev/null") {
  const std::string err = dir + "/err.txt";
  std::string cmd = env + " '" + CCBENCH_EXE + "' " + args + " > " + out + " 2> '" + err + "'";
  if (!meanwhile.empty()) cmd += " & pid=$!; " + meanwhile + "; wait $pid";
  const auto start = std::chrono::steady_clock::now();
  const int status = std::system(cmd.c_str());
  Ran r;
  r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  r.rc = WIFEXITED(status) ? WEXITSTATUS(status) : 1000 + (WIFSIGNALED(status) ? WTERMSIG(status) : 0);
  std::stringstream text;
  text << std::ifstream(err).rdbuf();
  r.err = text.str();
  return r;
}

std::string temp_dir() {
  std::string dir = (fs::temp_directory_path() / "ccbench-hang-XXXXXX").string();
  if (::mkdtemp(dir.data()) == nullptr) return {};
  return dir;
}

constexpr const char* kTwoPoints =
    "run pingpong counter --set n=1000 --set cap=0 --set mode=atomic --set tasks=1 --set k=1000 --procs 1 "
    "--repetitions 2 --warmup 0 --min-time 0 --shuffle off";

// A run that does not end: the point before it is written, the file says why it stops there, and
// the exit status is 1 (a point not measured), well before the injected 17 minutes.
TEST(HangWatchdog, AHungRunEndsTheRunWithExit1AndThePointsFinishedWritten) {
  const std::string dir = temp_dir();
  ASSERT_FALSE(dir.empty());
  const std::string out = dir + "/r.json";
  const Ran r = run_shell(dir, "CCB_RUN_TIMEOUT=1 CCB_INJECT_DELAY_NS=1e9 CCB_INJECT_WORKLOAD=counter",
                          std::string(kTwoPoints) + " --out '" + out + "'");
  EXPECT_EQ(r.rc, 1) << r.err;
  EXPECT_LT(r.seconds, 120) << r.err;
  EXPECT_NE(r.err.find("ccbench run: HANG: one run of counter/mode=atomic/tasks=1/k=1000/procs:1/impl:ccbench has not "
                       "ended after 1 s"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.err.find("CCB_RUN_TIMEOUT=SECONDS raises the limit"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("1 of 2 points finished; their results are written to " + out +
                       " (context.interrupted); the same command with --resume " + out + " measures only the rest"),
            std::string::npos)
      << r.err;
  std::ifstream in(out);
  ASSERT_TRUE(in.good()) << r.err;
  const nlohmann::json doc = nlohmann::json::parse(in);
  const auto& c = doc.at("context");
  EXPECT_EQ(c.at("interrupted").at("signal"), "hang");
  EXPECT_EQ(c.at("interrupted").at("points_done"), 1);
  EXPECT_EQ(c.at("interrupted").at("points_planned"), 2);
  bool warned = false;
  for (const auto& w : c.at("environment_warnings"))
    warned |= w.at("code") == "hang" && w.at("message").get<std::string>().find("counter/mode=atomic") != std::string::npos;
  EXPECT_TRUE(warned) << c.at("environment_warnings").dump();
  ASSERT_EQ(doc.at("benchmarks").size(), 1u);
  EXPECT_EQ(doc.at("benchmarks")[0].at("name"), "pingpong/cap=0/n=1000/procs:1/impl:ccbench");
  EXPECT_EQ(doc.at("benchmarks")[0].at("status"), "ok");
  fs::remove_all(dir);
}

// The limit is the variable's: 0 turns the watchdog off (a run of ~1.5 s passes where a 1 s
// limit stops it), and a value that is not a number of seconds is bad usage, also for --dry-run.
TEST(HangWatchdog, CcbRunTimeoutZeroTurnsItOffAndABadValueIsBadUsage) {
  const std::string dir = temp_dir();
  ASSERT_FALSE(dir.empty());
  // counter k=1000 tasks=1 at 1.5e6 ns per op: each of the 2 runs spins ~1.5 s
  const std::string slow = "CCB_INJECT_DELAY_NS=1.5e6 CCB_INJECT_WORKLOAD=counter";
  const std::string one = "run counter --set mode=atomic --set tasks=1 --set k=1000 --procs 1 --repetitions 2 "
                          "--warmup 0 --min-time 0";
  const Ran off = run_shell(dir, "CCB_RUN_TIMEOUT=0 " + slow, one);
  EXPECT_EQ(off.rc, 0) << off.err;
  EXPECT_EQ(off.err.find("HANG"), std::string::npos) << off.err;
  const Ran on = run_shell(dir, "CCB_RUN_TIMEOUT=1 " + slow, one);
  EXPECT_EQ(on.rc, 1) << on.err;
  EXPECT_NE(on.err.find("HANG"), std::string::npos) << on.err;
  EXPECT_NE(on.err.find("0 of 1 point finished; their results were not written (no --out)"), std::string::npos)
      << on.err;
  for (const char* bad : {"abc", "-1", "86401", "1s", "1e-10", "0.0009"}) {
    const Ran r = run_shell(dir, std::string("CCB_RUN_TIMEOUT=") + bad, one + " --dry-run");
    EXPECT_EQ(r.rc, 2) << bad << ": " << r.err;
    EXPECT_NE(r.err.find("CCB_RUN_TIMEOUT"), std::string::npos) << bad << ": " << r.err;
  }
  fs::remove_all(dir);
}

// Time the process spends stopped is not the run's: a run of ~10 s (the test hook's busy-wait ends
// at its start + 1000 x 10 ms), stopped for 7 s (SIGSTOP, as by Ctrl-Z) after 0.5 s, ends normally
// under a 6 s limit. Before, the watcher woke at the SIGCONT, saw 7.5 s since the run began, and
// called it a hang (exit 1) with 2.5 s of the run still to go.
TEST(HangWatchdog, TimeStoppedIsNotCountedAsTheRunsTime) {
  const std::string dir = temp_dir();
  ASSERT_FALSE(dir.empty());
  const Ran r = run_shell(dir, "CCB_RUN_TIMEOUT=6 CCB_INJECT_DELAY_NS=1e7 CCB_INJECT_WORKLOAD=counter",
                          "run counter --set mode=atomic --set tasks=1 --set k=1000 --procs 1 --repetitions 1 "
                          "--warmup 0 --min-time 0",
                          "sleep 0.5; kill -STOP $pid; sleep 7; kill -CONT $pid");
  EXPECT_EQ(r.rc, 0) << r.err;
  EXPECT_EQ(r.err.find("HANG"), std::string::npos) << r.err;
  EXPECT_GE(r.seconds, 9.5);  // it ran on after the SIGCONT: the case the test means to make
  fs::remove_all(dir);
}

// A run that hangs after a signal asked the run to stop (the first Ctrl-C, or here a SIGTERM):
// it is abandoned 10 s (kStopGrace) after the signal, the points finished are written as for the
// signal, and the exit status is 128 + 15, at the default CCB_RUN_TIMEOUT (600 s). Before, the
// run held the process until that limit and then called it a hang (exit 1).
TEST(HangWatchdog, ARunThatHangsAfterASignalIsAbandonedTenSecondsLater) {
  const std::string dir = temp_dir();
  ASSERT_FALSE(dir.empty());
  const std::string out = dir + "/r.json";
  // pingpong ends at once; counter's one run busy-waits ~17 minutes (1000 ops x 1e9 ns)
  const Ran r = run_shell(dir, "unset CCB_RUN_TIMEOUT; CCB_INJECT_DELAY_NS=1e9 CCB_INJECT_WORKLOAD=counter",
                          std::string(kTwoPoints) + " --out '" + out + "'", "sleep 3; kill -TERM $pid");
  const std::string& e = r.err;
  EXPECT_EQ(r.rc, 128 + 15) << e;
  EXPECT_GE(r.seconds, 12.5) << e;  // 3 s, then the 10 s grace
  EXPECT_LT(r.seconds, 60) << e;
  EXPECT_NE(e.find("ccbench run: SIGTERM: stopping after the workload run in progress (abandoned if it runs 10 s more)"),
            std::string::npos)
      << e;
  EXPECT_NE(e.find("ccbench run: interrupted by SIGTERM: the run of counter/mode=atomic/tasks=1/k=1000/procs:1/"
                   "impl:ccbench in progress had not ended 10 s after it and was abandoned; 1 of 2 points finished; "
                   "their results are written to " + out),
            std::string::npos)
      << e;
  EXPECT_EQ(e.find("HANG"), std::string::npos) << e;
  std::ifstream in(out);
  ASSERT_TRUE(in.good()) << e;
  const nlohmann::json doc = nlohmann::json::parse(in);
  const auto& c = doc.at("context");
  EXPECT_EQ(c.at("interrupted").at("signal"), "SIGTERM");
  EXPECT_EQ(c.at("interrupted").at("points_done"), 1);
  for (const auto& w : c.at("environment_warnings")) EXPECT_NE(w.at("code"), "hang") << w.dump();
  ASSERT_EQ(doc.at("benchmarks").size(), 1u);
  EXPECT_EQ(doc.at("benchmarks")[0].at("status"), "ok");
  fs::remove_all(dir);
}

// A signal during the warm-ups ends them after the one in progress: 20 warm-ups of ~1.5 s each
// (counter k=1000 at 1.5e6 ns per op) stopped after ~2 s end the run within seconds, exit 143.
// Before, each warm-up armed the watch with a fresh grace, so all 20 (~30 s) ran, to be dropped.
TEST(HangWatchdog, ASignalDuringTheWarmUpsEndsThemAfterTheOneInProgress) {
  const std::string dir = temp_dir();
  ASSERT_FALSE(dir.empty());
  const Ran r = run_shell(dir, "CCB_INJECT_DELAY_NS=1.5e6 CCB_INJECT_WORKLOAD=counter",
                          "run counter --set mode=atomic --set tasks=1 --set k=1000 --procs 1 --repetitions 1 "
                          "--warmup 20 --min-time 0",
                          "sleep 2; kill -TERM $pid");
  EXPECT_EQ(r.rc, 128 + 15) << r.err;
  EXPECT_LT(r.seconds, 10) << r.err;
  EXPECT_NE(r.err.find("ccbench run: interrupted by SIGTERM: 0 of 1 point finished"), std::string::npos) << r.err;
  fs::remove_all(dir);
}

// A hang whose --format json document cannot be written to standard output (/dev/full): exit 2
// and the error, as at the end of a run. Before, the hang path exited 1 without a word.
TEST(HangWatchdog, AHangWhoseStandardOutputFailsExitsTwoWithTheError) {
  const std::string dir = temp_dir();
  ASSERT_FALSE(dir.empty());
  const Ran r = run_shell(dir, "CCB_RUN_TIMEOUT=1 CCB_INJECT_DELAY_NS=1e9 CCB_INJECT_WORKLOAD=counter",
                          std::string(kTwoPoints) + " --format json", "", "/dev/full");
  const std::string& e = r.err;
  EXPECT_EQ(r.rc, 2) << e;
  EXPECT_NE(e.find("ccbench run: HANG: one run of counter/"), std::string::npos) << e;
  EXPECT_NE(e.find("ccbench: error: writing to standard output failed: No space left on device"), std::string::npos)
      << e;
  fs::remove_all(dir);
}

// A ccbench-go rebuilt or replaced during a run that then hangs is warned about in the file
// (go_binary_changed), as at the end of a run. Before, the hang path wrote the file without the
// check. The fake ccbench-go replaces itself each time it runs a point, as a rebuild would.
TEST(HangWatchdog, AGoBinaryChangedBeforeAHangIsWarnedInTheFile) {
  const std::string dir = temp_dir();
  ASSERT_FALSE(dir.empty());
  const std::string go = dir + "/ccbench-go", out = dir + "/r.json";
  std::ofstream(go) << "#!/bin/sh\n[ \"$1\" = list ] && echo '{\"go_version\":\"go version go1.99.1 fake/amd64\","
                       "\"workloads\":[{\"name\":\"counter\",\"unit\":\"increment\",\"params\":[]}]}' && exit 0\n"
                       "{ cat \"$0\"; echo '# rebuilt'; } > \"$0.next\" && chmod 700 \"$0.next\" && mv \"$0.next\" \"$0\"\n"
                       "echo '{\"event\":\"ready\"}'\nwhile read cmd; do\n  [ \"$cmd\" = rep ] || exit 0\n"
                       "  echo '{\"event\":\"sample\",\"ops\":1000,\"elapsed_ns\":5000,\"ns_per_op\":5,\"checked\":true}'\n"
                       "done\nexit 0\n";
  fs::permissions(go, fs::perms::owner_all);
  // the Go point first (--impl order), then the ccbench one hangs
  const Ran r = run_shell(dir,
                          "CCB_RUN_TIMEOUT=1 CCB_INJECT_DELAY_NS=1e9 CCB_INJECT_WORKLOAD=counter CCB_GO_BINARY='" + go +
                              "'",
                          "run counter --impl go,ccbench --set mode=atomic --set tasks=1 --set k=1000 --procs 1 "
                          "--repetitions 2 --warmup 0 --min-time 0 --shuffle off --out '" + out + "'");
  EXPECT_EQ(r.rc, 1) << r.err;
  EXPECT_NE(r.err.find("ccbench run: HANG: one run of counter/"), std::string::npos) << r.err;
  std::ifstream in(out);
  ASSERT_TRUE(in.good()) << r.err;
  const nlohmann::json doc = nlohmann::json::parse(in);
  const auto& c = doc.at("context");
  EXPECT_EQ(c.at("go_binary").at("path"), go);
  bool warned = false;
  for (const auto& w : c.at("environment_warnings"))
    warned |= w.at("code") == "go_binary_changed" &&
              w.at("message") == go + " changed during the run (rebuilt or replaced): the Go points started after "
                                      "that ran another build than context.go_binary";
  EXPECT_TRUE(warned) << c.at("environment_warnings").dump();
  fs::remove_all(dir);
}

}  // namespace
