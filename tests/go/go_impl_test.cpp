// tests/go/go_impl_test.cpp — the Go runner (harness/go_impl.hpp) end to end: it builds
// ccbench-go, checks that `list` matches the contract (names, units, parameters and defaults
// hard-coded here from workloads/CONTRACT.md), runs every workload at tiny sizes at procs 1 and 2,
// and checks the error mapping — with the real child for bad usage, and with small fake children
// (shell scripts) for failed checks, crashes, garbage, a flood of stderr and a child that hangs.
// Tests that need go skip with a visible reason when go is not installed.
#include <gtest/gtest.h>
#include <unistd.h>

#include <csignal>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "harness/child_process.hpp"
#include "harness/go_impl.hpp"

namespace {

using ccb::harness::ChildUsage;
using ccb::harness::GoPoint;
using ccb::harness::GoProtocolError;
using ccb::workloads::WorkloadFailed;
using Params = std::vector<std::pair<std::string, std::string>>;

bool have_go() {
  const char* override_path = std::getenv("CCB_GO_BINARY");
  return ccb::harness::go_version().has_value() || (override_path != nullptr && *override_path != '\0');
}

class GoImpl : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!have_go()) GTEST_SKIP() << "go is not installed (run scripts/setup to install golang-go)";
    binary_ = ccb::harness::go_binary();
  }
  std::string binary_;
};

struct ContractParam {
  std::string name;
  nlohmann::json def;
};
struct ContractWorkload {
  std::string unit;
  std::vector<ContractParam> params;
};

// The contract (workloads/CONTRACT.md): parameter order and defaults (= first quick value).
const std::map<std::string, ContractWorkload>& contract() {
  static const std::map<std::string, ContractWorkload> c = {
      {"pingpong", {"round trip", {{"cap", 0}, {"n", 800000}}}},
      {"fanin", {"message", {{"producers", 4}, {"cap", 0}, {"n", 400000}}}},
      {"fanout", {"message", {{"workers", 4}, {"cap", 0}, {"n", 400000}}}},
      {"pipeline", {"item", {{"stages", 8}, {"cap", 0}, {"n", 30000}}}},
      {"counter", {"increment", {{"mode", "mutex"}, {"tasks", 5}, {"k", 1000000}}}},
      {"select", {"message", {{"channels", 4}, {"consumers", 2}, {"cap", 0}, {"n", 120000}}}},
      {"skynet", {"run", {{"size", 100000}}}},
      {"spawn", {"task", {{"n", 10000}, {"capacity", 0}}}},
      {"timers", {"timer", {{"mode", "startstop"}, {"tasks", 4}, {"k", 250}}}},
      {"context", {"waiter", {{"n", 40000}}}},
      {"ratelimit", {"allow call", {{"tasks", 4}, {"k", 200000}}}},
  };
  return c;
}

TEST_F(GoImpl, ListMatchesContract) {
  auto doc = nlohmann::json::parse(ccb::harness::go_list(binary_));
  std::map<std::string, nlohmann::json> listed;
  for (const auto& w : doc.at("workloads")) listed[w.at("name").get<std::string>()] = w;
  ASSERT_EQ(listed.size(), contract().size());
  for (const auto& [name, want] : contract()) {
    ASSERT_TRUE(listed.count(name)) << name << " missing from `ccbench-go list`";
    const auto& w = listed[name];
    EXPECT_EQ(w.at("unit"), want.unit) << name;
    const auto& ps = w.at("params");
    ASSERT_EQ(ps.size(), want.params.size()) << name;
    for (size_t i = 0; i < ps.size(); ++i) {
      EXPECT_EQ(ps[i].at("name"), want.params[i].name) << name;
      EXPECT_EQ(ps[i].at("default"), want.params[i].def) << name << "." << want.params[i].name;
    }
  }
}

struct Tiny {
  std::string workload;
  Params params;
};

const std::vector<Tiny>& tiny_runs() {
  static const std::vector<Tiny> runs = {
      {"pingpong", {{"cap", "0"}, {"n", "200"}}},
      {"fanin", {{"producers", "3"}, {"cap", "0"}, {"n", "300"}}},
      {"fanout", {{"workers", "3"}, {"cap", "128"}, {"n", "300"}}},
      {"pipeline", {{"stages", "3"}, {"cap", "0"}, {"n", "200"}}},
      {"counter", {{"mode", "mutex"}, {"tasks", "2"}, {"k", "200"}}},
      {"counter", {{"mode", "atomic"}, {"tasks", "2"}, {"k", "200"}}},
      {"counter", {{"mode", "channel"}, {"tasks", "2"}, {"k", "200"}}},
      {"counter", {{"mode", "rwmutex"}, {"tasks", "2"}, {"k", "200"}}},
      {"select", {{"channels", "4"}, {"consumers", "2"}, {"cap", "0"}, {"n", "400"}}},
      {"skynet", {{"size", "100"}}},
      {"spawn", {{"n", "200"}, {"capacity", "0"}}},
      {"timers", {{"mode", "startstop"}, {"tasks", "2"}, {"k", "50"}}},
      {"timers", {{"mode", "sleep"}, {"tasks", "2"}, {"k", "3"}}},
      {"context", {{"n", "50"}}},
      {"ratelimit", {{"tasks", "2"}, {"k", "500"}}},
  };
  return runs;
}

TEST_F(GoImpl, TinyRunsCoverEveryWorkload) {
  for (const auto& [name, w] : contract()) {
    bool found = false;
    for (const auto& t : tiny_runs()) found = found || t.workload == name;
    EXPECT_TRUE(found) << name;
  }
}

TEST_F(GoImpl, EveryWorkloadRunsAtProcs1And2) {
  for (int procs : {1, 2}) {
    for (const auto& t : tiny_runs()) {
      SCOPED_TRACE(t.workload + " " + t.params.front().second + " procs=" + std::to_string(procs));
      GoPoint point(binary_, t.workload, t.params, procs, 1);
      for (int rep = 0; rep < 2; ++rep) {
        auto r = point.run_rep();
        EXPECT_GT(r.ops, 0u);
        EXPECT_GT(r.elapsed_ns, 0.0);
        if (t.workload == "spawn") {
          EXPECT_TRUE(r.extra.count("rss_per_task_bytes"));
          EXPECT_GT(r.extra.count("switch_ns") ? r.extra.at("switch_ns") : 0.0, 0.0);
        }
        if (t.workload == "pingpong" || t.workload == "select" || t.workload == "context" ||
            t.workload == "timers") {  // latency-shaped: the child's histogram is parsed
          ASSERT_TRUE(r.latency.has_value());
          EXPECT_GT(r.latency->count(), 0u);
          EXPECT_GT(r.extra.at("latency_sample_every"), 0.0);
          EXPECT_TRUE(r.extra.count("latency_overhead_pct"));
        } else {
          EXPECT_FALSE(r.latency.has_value());
        }
      }
      ChildUsage u = point.finish().value();
      EXPECT_GT(u.max_rss_kb, 0);
    }
  }
}

// Regression: the Go cpu_time was RUSAGE_CHILDREN after minus before, which also counted every
// child reaped in between (a shuffle window's other points: up to ~8x too high); GoRunner now
// uses each child's own wait4 rusage, ChildUsage::cpu_ns.
TEST_F(GoImpl, CpuTimeIsTheChildsOwn) {
  GoPoint idle(binary_, "pingpong", {{"cap", "0"}, {"n", "1000"}}, 1, 0);
  (void)idle.run_rep();
  {
    GoPoint busy(binary_, "pingpong", {{"cap", "0"}, {"n", "2000000"}}, 1, 0);
    (void)busy.run_rep();  // ~0.5 s of CPU
    const ChildUsage b = busy.finish().value();
    EXPECT_GT(b.cpu_ns, 1e8);
  }
  const ChildUsage i = idle.finish().value();  // reaped after busy
  EXPECT_GT(i.cpu_ns, 0.0);
  EXPECT_LT(i.cpu_ns, 1e8);  // its start-up and one tiny repetition, not busy's half second
}

TEST_F(GoImpl, OpsFollowTheContract) {
  GoPoint fanin(binary_, "fanin", {{"producers", "4"}, {"n", "1003"}}, 1, 0);
  EXPECT_EQ(fanin.run_rep().ops, 1000u);  // per = n / producers
  fanin.finish();
  GoPoint skynet(binary_, "skynet", {{"size", "1000"}}, 2, 0);
  EXPECT_EQ(skynet.run_rep().ops, 1u);
}

TEST_F(GoImpl, DestructorWithoutFinishDoesNotHang) {
  auto start = std::chrono::steady_clock::now();
  {
    GoPoint point(binary_, "pingpong", {{"n", "100"}}, 1, 0);
    point.run_rep();
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(30));
}

TEST_F(GoImpl, BadUsageIsProtocolError) {
  const std::vector<std::pair<std::string, Params>> bad = {
      {"pingpong", {{"bogus", "1"}}},   // unknown parameter
      {"pingpong", {{"cap", "2"}}},     // out of range
      {"counter", {{"mode", "spin"}}},  // not a choice
      {"nosuchworkload", {}},
  };
  for (const auto& [w, params] : bad) {
    try {
      GoPoint point(binary_, w, params, 1, 0);
      ADD_FAILURE() << w << ": no exception";
    } catch (const GoProtocolError& e) {
      EXPECT_NE(std::string(e.what()).find("exit status 2"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("valid"), std::string::npos) << e.what();
    }
  }
}

// Regression: ccbench-go started through a wrapper that forks (not exec) saw a parent other than
// CCB_PARENT_PID and exited 1 without a word: "exited (exit status 1) while we waited for …".
TEST_F(GoImpl, ForkingWrapperIsExplained) {
  auto dir = std::filesystem::temp_directory_path() / ("ccb_go_wrap_" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  const auto wrapper = dir / "wrapper";
  std::ofstream(wrapper) << "#!/bin/sh\n'" << binary_ << "' \"$@\"\n";
  std::filesystem::permissions(wrapper, std::filesystem::perms::owner_all);
  try {
    GoPoint point(wrapper.string(), "pingpong", {{"n", "100"}}, 1, 0);
    ADD_FAILURE() << "no exception";
  } catch (const GoProtocolError& e) {
    EXPECT_NE(std::string(e.what()).find("not by CCB_PARENT_PID="), std::string::npos) << e.what();
  }
  std::filesystem::remove_all(dir);
}

TEST(GoImplPaths, EnvOverridesBinary) {
  ::setenv("CCB_GO_BINARY", "/bin/true", 1);
  EXPECT_EQ(ccb::harness::go_binary(), "/bin/true");
  ::unsetenv("CCB_GO_BINARY");
}

TEST(GoImplPaths, MissingBinaryIsProtocolError) {
  EXPECT_THROW(GoPoint("/nonexistent/ccbench-go", "pingpong", {}, 1, 0), GoProtocolError);
}

// ---- fake children: the failure paths, without go -----------------------------------------

class FakeChild : public ::testing::Test {
 protected:
  // script() writes an executable /bin/sh script and returns its path.
  std::string script(const std::string& name, const std::string& body) {
    auto dir = std::filesystem::temp_directory_path() / ("ccb_go_fake_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir);
    auto path = dir / name;
    std::ofstream(path) << "#!/bin/sh\n" << body << "\n";
    std::filesystem::permissions(path, std::filesystem::perms::owner_all);
    dirs_.push_back(dir);
    return path.string();
  }
  void TearDown() override {
    for (const auto& d : dirs_) std::filesystem::remove_all(d);
  }
  std::vector<std::filesystem::path> dirs_;
};

const char* kReady = "echo '{\"event\":\"ready\"}'\n";

TEST_F(FakeChild, FailedCheckIsWorkloadFailed) {
  auto bin = script("check", std::string(kReady) +
                                 "read cmd\necho '{\"event\":\"error\",\"message\":\"fanin: sum 1, want 2\"}'\nexit 1");
  GoPoint point(bin, "fanin", {}, 1, 0);
  try {
    point.run_rep();
    ADD_FAILURE() << "no exception";
  } catch (const WorkloadFailed& e) {
    EXPECT_STREQ(e.what(), "fanin: sum 1, want 2");
  }
  EXPECT_THROW(point.run_rep(), GoProtocolError);  // the child is gone
  EXPECT_NO_THROW(point.finish());                 // and its usage is still there
}

TEST_F(FakeChild, LatencyMemberIsParsed) {
  // buckets 100 (values 144..147) ×3 and 200 (values 1280..1311) ×1; max 1300 lies in bucket 200
  auto bin = script("lat", std::string(kReady) + "read cmd\n" +
                               R"(echo '{"event":"sample","ops":64,"elapsed_ns":6400,"ns_per_op":100,)"
                               R"("checked":true,"latency":{"buckets":[[100,3],[200,1]],"max":1300,)"
                               R"("min":145,"sum":1737,"sample_every":16,"overhead_pct":1.5}}')" + "\nread cmd");
  GoPoint point(bin, "pingpong", {}, 1, 0);
  const auto r = point.run_rep();
  ASSERT_TRUE(r.latency.has_value());
  EXPECT_EQ(r.latency->count(), 4u);
  EXPECT_EQ(r.latency->max(), 1300u);
  EXPECT_EQ(r.latency->min(), 145u);               // exact, not the bucket's 144
  EXPECT_DOUBLE_EQ(r.latency->mean(), 1737 / 4.0);  // exact, not from midpoints
  EXPECT_EQ(r.latency->percentile(50), ccb::workloads::LatencyHistogram::bucket_upper(100));
  EXPECT_EQ(r.latency->nonzero_buckets(), (std::vector<std::pair<uint32_t, uint64_t>>{{100, 3}, {200, 1}}));
  EXPECT_EQ(r.extra.at("latency_sample_every"), 16);
  EXPECT_EQ(r.extra.at("latency_overhead_pct"), 1.5);
}

TEST_F(FakeChild, MalformedLatencyIsProtocolError) {
  // a bucket index out of range; a max outside the top bucket; a bucket that is not a pair;
  // sample_every and overhead_pct missing; a min outside the lowest bucket; an impossible sum
  for (const char* lat : {R"({"buckets":[[5000,1]],"max":1,"sample_every":1,"overhead_pct":0})",
                          R"({"buckets":[[100,1]],"max":99999,"sample_every":1,"overhead_pct":0})",
                          R"({"buckets":[[1]],"max":1,"sample_every":1,"overhead_pct":0})",
                          R"({"buckets":[[1,1]],"max":1})",
                          R"({"buckets":[[100,1]],"max":145,"min":9,"sample_every":1,"overhead_pct":0})",
                          R"({"buckets":[[100,1]],"max":145,"sum":99999,"sample_every":1,"overhead_pct":0})"}) {
    auto bin = script("badlat", std::string(kReady) + "read cmd\n" +
                                    R"(echo '{"event":"sample","ops":1,"elapsed_ns":1,"checked":true,"latency":)" +
                                    lat + "}'\nread cmd");
    GoPoint point(bin, "pingpong", {}, 1, 0);
    EXPECT_THROW(point.run_rep(), GoProtocolError) << lat;
  }
}

TEST_F(FakeChild, WarmupFailureIsWorkloadFailed) {
  auto bin = script("warm", "echo '{\"event\":\"error\",\"message\":\"skynet: sum 3\"}'\nexit 1");
  EXPECT_THROW(GoPoint(bin, "skynet", {}, 1, 1), WorkloadFailed);
}

TEST_F(FakeChild, CrashCarriesStatusAndStderr) {
  auto bin = script("crash", std::string(kReady) + "read cmd\necho 'panic: boom' >&2\nexit 3");
  GoPoint point(bin, "pingpong", {}, 1, 0);
  try {
    point.run_rep();
    ADD_FAILURE() << "no exception";
  } catch (const GoProtocolError& e) {
    EXPECT_NE(std::string(e.what()).find("exit status 3"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("panic: boom"), std::string::npos) << e.what();
  }
}

TEST_F(FakeChild, GarbageIsProtocolError) {
  auto bin = script("garbage", "echo 'hello'\nexec sleep 60");
  EXPECT_THROW(GoPoint(bin, "pingpong", {}, 1, 0), GoProtocolError);
}

TEST_F(FakeChild, StderrFloodDoesNotBlock) {
  auto bin = script("flood", "head -c 1000000 /dev/zero | tr '\\0' x >&2\n" + std::string(kReady) +
                                 "read cmd\necho '{\"event\":\"sample\",\"ops\":5,\"elapsed_ns\":10,"
                                 "\"ns_per_op\":2,\"checked\":true,\"extra\":{\"a\":1.5}}'\nread cmd");
  GoPoint point(bin, "pingpong", {}, 1, 0, std::chrono::seconds(30));
  auto r = point.run_rep();
  EXPECT_EQ(r.ops, 5u);
  EXPECT_EQ(r.elapsed_ns, 10.0);
  EXPECT_EQ(r.extra.at("a"), 1.5);
  EXPECT_NO_THROW(point.finish());
}

// A reply that came before the grace ran out is read, not lost to it: here the sample sits in the
// pipe while this thread sleeps past the grace (as a ccbench stopped by Ctrl-Z would, its Go child
// running on in a process group of its own). Before, the grace was checked before reading, and the
// child was killed with its reply unread.
TEST_F(FakeChild, AReplyAlreadyThereWhenTheGraceRunsOutIsRead) {
  auto bin = script("late-reader", std::string(kReady) +
                                       "sleep 1\necho '{\"event\":\"sample\",\"ops\":5,\"elapsed_ns\":10,"
                                       "\"ns_per_op\":2,\"checked\":true}'\nexec sleep 60");
  std::atomic<int> stop{SIGINT};
  GoPoint point(bin, "pingpong", {}, 1, 0, std::chrono::seconds(600), &stop);  // sees the stop reading "ready"
  std::this_thread::sleep_for(std::chrono::seconds(11));
  const auto r = point.run_rep();
  EXPECT_EQ(r.ops, 5u);
}

// A child starts with SIGPIPE at its default action although ccbench ignores it (main.cpp): an
// ignored signal stays ignored across exec, so every go build and ccbench-go ran with it ignored.
TEST(ChildProcess, AChildDoesNotInheritAnIgnoredSigpipe) {
  struct sigaction ignore {}, old {};
  ignore.sa_handler = SIG_IGN;
  ASSERT_EQ(::sigaction(SIGPIPE, &ignore, &old), 0);
  // SigIgn: the hexadecimal mask of the ignored signals; SIGPIPE (13) is bit 12 (0x1000)
  const auto got = ccb::harness::child::run_capture(
      {"/bin/sh", "-c", "m=$(sed -n 's/^SigIgn:[[:space:]]*//p' /proc/self/status); echo $(( 0x$m & 0x1000 ))"},
      ccb::harness::child::child_env({}, {}), "", false);
  ::sigaction(SIGPIPE, &old, nullptr);
  ASSERT_TRUE(got.status.has_value());
  EXPECT_EQ(ccb::harness::child::trim(got.out), "0");
}

TEST_F(FakeChild, HangTimesOut) {
  auto bin = script("hang", std::string(kReady) + "exec sleep 60");
  GoPoint point(bin, "pingpong", {}, 1, 0, std::chrono::milliseconds(300));
  auto start = std::chrono::steady_clock::now();
  EXPECT_THROW(point.run_rep(), GoProtocolError);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

// A stop asked by a signal (the run's flag set): a child that does not reply is killed
// kStopGrace (10 s) after the stop was seen, not at its 600 s line timeout. Before, a Go child
// that hung after a first Ctrl-C held `ccbench run` until CCB_GO_TIMEOUT.
TEST_F(FakeChild, ASilentChildIsKilledAGraceAfterAStopIsAsked) {
  auto bin = script("hang-after-stop", std::string(kReady) + "exec sleep 60");
  std::atomic<int> stop{SIGTERM};
  // the grace runs from the first read that sees the flag: the constructor's, of "ready"
  auto start = std::chrono::steady_clock::now();
  GoPoint point(bin, "pingpong", {}, 1, 0, std::chrono::seconds(600), &stop);
  try {
    point.run_rep();
    ADD_FAILURE() << "run_rep() returned";
  } catch (const GoProtocolError& e) {
    EXPECT_NE(std::string(e.what()).find("no reply 10 s after SIGTERM asked the run to stop; the child was killed"),
              std::string::npos)
        << e.what();
  }
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_GE(took, std::chrono::seconds(10));
  EXPECT_LT(took, std::chrono::seconds(30));
}

// Regression: `list` was read without a limit, so a binary that hung there hung `ccbench list`
// and `ccbench run --impl go` for ever.
TEST_F(FakeChild, ListThatHangsTimesOut) {
  auto bin = script("hanglist", "exec sleep 60");
  auto start = std::chrono::steady_clock::now();
  EXPECT_THROW(ccb::harness::go_list(bin, std::chrono::milliseconds(300)), ccb::harness::GoTimeout);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
}

// Regression (session 51's Go review): with SIGCHLD ignored, wait4 fails with ECHILD (the kernel
// reaps the child itself), and the runner took its initial status 0 and zeroed rusage as the
// child's: a crash read as "exit status 0" and finish() returned zero usage. The status and usage
// are now unknown: said so in messages, and finish() returns no usage.
TEST_F(FakeChild, AChildThatCannotBeWaitedForHasAnUnknownStatusNotExitZero) {
  struct IgnoredSigchld {
    struct sigaction old {};
    IgnoredSigchld() {
      struct sigaction ign {};
      ign.sa_handler = SIG_IGN;
      sigemptyset(&ign.sa_mask);
      ::sigaction(SIGCHLD, &ign, &old);
    }
    ~IgnoredSigchld() { ::sigaction(SIGCHLD, &old, nullptr); }
  } ignored;
  auto crash = script("crash-unwaited", std::string(kReady) + "read cmd\nkill -SEGV $$");
  GoPoint crashing(crash, "pingpong", {}, 1, 0);
  try {
    crashing.run_rep();
    ADD_FAILURE() << "no exception";
  } catch (const GoProtocolError& e) {
    EXPECT_NE(std::string(e.what()).find("exit status unknown"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find("exit status 0"), std::string::npos) << e.what();
  }
  auto fine = script("fine-unwaited", std::string(kReady) + "read cmd\n" +
                                          "echo '{\"event\":\"sample\",\"ops\":5,\"elapsed_ns\":10,\"checked\":true}'\n"
                                          "read cmd");
  GoPoint point(fine, "pingpong", {}, 1, 0);
  EXPECT_EQ(point.run_rep().ops, 5u);
  EXPECT_FALSE(point.finish().has_value());  // not a ChildUsage of zeros
}

TEST_F(FakeChild, UncleanQuitIsProtocolError) {
  auto bin = script("unclean", std::string(kReady) + "read cmd\nexit 4");
  GoPoint point(bin, "pingpong", {}, 1, 0);
  EXPECT_THROW(point.finish(), GoProtocolError);
}

}  // namespace
