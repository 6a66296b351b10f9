// tests/harness/resume_test.cpp — `ccbench run --resume FILE` (harness/resume.hpp), in-process with
// the fake workloads: entries read back from a results file write the same JSON again, a resumed
// run measures only the points FILE lacks and writes them all in matrix order, and a FILE measured
// otherwise (settings, host, binary, test hooks, another ccbench-go) is bad input (exit 2).
#include <gtest/gtest.h>

#include <stdlib.h>

#include <algorithm>
#include <fstream>
#include <string>
#include <vector>

#include "fake_workloads.hpp"
#include "harness/results_json.hpp"
#include "harness/resume.hpp"
#include "test_support.hpp"

namespace ccb::test {
namespace {

using json = nlohmann::json;

void write_json(const std::string& path, const json& doc) { std::ofstream(path) << doc.dump(2); }

std::vector<std::string> names(const json& doc) {
  std::vector<std::string> out;
  for (const auto& b : doc["benchmarks"]) out.push_back(b["name"].get<std::string>());
  return out;
}

// Every field results_json.cpp writes comes back: latency, extra (a null among them), notes,
// disturbance, runs_per_repetition, the Go backend's entries.
TEST(Resume, EntriesReadBackWriteTheSameJson) {
  harness::Hooks hooks;
  hooks.go = std::make_shared<FakeGo>();
  ScratchDir dir;
  const CliRun r = run_cli(fast({"run", "fake_sum", "fake_extra", "fake_latency", "--impl", "all", "--out",
                                 dir.file("r.json")}),
                           hooks);
  ASSERT_EQ(r.code, 0) << r.err;
  const json doc = read_json(dir.file("r.json"));
  ASSERT_GE(doc["benchmarks"].size(), 10u);
  bool latency = false, null_extra = false;
  for (const json& b : doc["benchmarks"]) {
    const harness::Entry e = harness::entry_from_json(b);
    const json again = json::parse(harness::results_to_json({}, {e})["benchmarks"][0].dump());
    EXPECT_EQ(again, b) << b.dump(1);
    latency |= b.contains("latency");
    null_extra |= b["extra"].contains("weird") && b["extra"]["weird"].is_null();
  }
  EXPECT_TRUE(latency && null_extra);  // the fakes gave both
  json bad = doc["benchmarks"][0];
  bad["status"] = "maybe";
  EXPECT_THROW(harness::entry_from_json(bad), std::exception);
  bad = doc["benchmarks"][0];
  bad.erase("samples_ns");
  EXPECT_THROW(harness::entry_from_json(bad), std::exception);
}

// The points of an earlier run are taken, not measured: with --procs 1 first and --procs 1,2 then,
// the second run measures procs 2 only and writes both, procs 1's entries as they were.
TEST(Resume, TakesTheFinishedPointsAndMeasuresTheRest) {
  ScratchDir dir;
  CliRun r = run_cli(fast({"run", "fake_sum", "--procs", "1", "--out", dir.file("a.json")}));
  ASSERT_EQ(r.code, 0) << r.err;
  const json a = read_json(dir.file("a.json"));
  ASSERT_EQ(a["benchmarks"].size(), 2u);  // k=1, k=2
  r = run_cli(fast({"run", "fake_sum", "--procs", "1,2", "--resume", dir.file("a.json"), "--out", dir.file("b.json")}));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(call_log().size(), 2u * 3u);  // 2 points x 3 repetitions: procs 2 only
  const json b = read_json(dir.file("b.json"));
  EXPECT_EQ(schema_errors(b), "");
  EXPECT_EQ(names(b), (std::vector<std::string>{"fake_sum/n=2000/k=1/procs:1/impl:ccbench",
                                                "fake_sum/n=2000/k=1/procs:2/impl:ccbench",
                                                "fake_sum/n=2000/k=2/procs:1/impl:ccbench",
                                                "fake_sum/n=2000/k=2/procs:2/impl:ccbench"}));
  EXPECT_EQ(b["benchmarks"][0], a["benchmarks"][0]);
  EXPECT_EQ(b["benchmarks"][2], a["benchmarks"][1]);
  EXPECT_EQ(b["context"]["resumed"],
            json({{"file", dir.file("a.json")}, {"date", a["context"]["date"]}, {"points", 2}}));
  EXPECT_NE(r.err.find("ccbench: note: --resume: 2 of 4 points taken from " + dir.file("a.json") +
                       " (its run started " + a["context"]["date"].get<std::string>() + "), 2 to measure"),
            std::string::npos)
      << r.err;
  EXPECT_NE(r.out.find("4 results: 4 ok"), std::string::npos) << r.out;  // the table shows them all
  // --dry-run lists what is left: the points the file lacks
  r = run_cli(fast({"run", "fake_sum", "--procs", "1,2,4", "--resume", dir.file("b.json"), "--dry-run"}));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.err.find("--resume: 4 of 6 points taken from " + dir.file("b.json")), std::string::npos) << r.err;
  EXPECT_NE(r.out.find("fake_sum/n=2000/k=1/procs:4"), std::string::npos) << r.out;
  EXPECT_EQ(r.out.find("procs:1"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("2 points, 2 point-implementation pairs"), std::string::npos) << r.out;
  EXPECT_TRUE(call_log().empty());
  // The same with the command's own --out, as the help says to resume ("the same
  // command again with --resume FILE"): noted, and nothing written. (Before: exit 2, "--out has no
  // effect with --dry-run"; session 48's CLI review.)
  const std::string b_text = read_text(dir.file("b.json"));
  r = run_cli(fast({"run", "fake_sum", "--procs", "1,2,4", "--resume", dir.file("b.json"), "--out", dir.file("b.json"),
                    "--dry-run"}));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_NE(r.out.find("2 points, 2 point-implementation pairs"), std::string::npos) << r.out;
  EXPECT_NE(r.err.find("ccbench: note: --dry-run writes nothing: --out " + dir.file("b.json") + " is left as it is"),
            std::string::npos) << r.err;
  EXPECT_EQ(read_text(dir.file("b.json")), b_text);
  EXPECT_TRUE(call_log().empty());
  // nothing left: nothing measured, the file written all the same
  r = run_cli(fast({"run", "fake_sum", "--procs", "1,2", "--resume", dir.file("b.json"), "--out", dir.file("c.json")}));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(call_log().empty());
  EXPECT_EQ(read_json(dir.file("c.json"))["benchmarks"], b["benchmarks"]);
  // without --resume, nothing says it was resumed
  EXPECT_TRUE(a["context"]["resumed"].is_null());
  // points of the file that this run does not measure are left out, and said to be
  r = run_cli(fast({"run", "fake_sum", "--procs", "2", "--resume", dir.file("b.json"), "--out", dir.file("d.json")}));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(call_log().empty());
  EXPECT_NE(r.err.find("--resume: 2 of 2 points taken from " + dir.file("b.json") + " (its run started " +
                       b["context"]["date"].get<std::string>() + "), 0 to measure; 2 point(s) of " + dir.file("b.json") +
                       " are not in this run's matrix and are left out"),
            std::string::npos)
      << r.err;
  EXPECT_EQ(names(read_json(dir.file("d.json"))), (std::vector<std::string>{"fake_sum/n=2000/k=1/procs:2/impl:ccbench",
                                                                           "fake_sum/n=2000/k=2/procs:2/impl:ccbench"}));
}

// A point is reused whole: one whose file lacks an implementation this run measures, or holds a
// failed entry, is measured again with all its implementations.
TEST(Resume, PartialAndFailedPointsAreMeasuredAgainWhole) {
  ScratchDir dir;
  CliRun r = run_cli(fast({"run", "fake_sum", "--procs", "1", "--impl", "ccbench,threads", "--out", dir.file("a.json")}));
  ASSERT_EQ(r.code, 0) << r.err;
  json a = read_json(dir.file("a.json"));
  ASSERT_EQ(a["benchmarks"].size(), 4u);
  json kept = json::array();
  for (json b : a["benchmarks"]) {
    if (b["name"] == "fake_sum/n=2000/k=1/procs:1/impl:threads") continue;  // k=1: threads missing
    if (b["name"] == "fake_sum/n=2000/k=2/procs:1/impl:ccbench") {         // k=2: ccbench failed
      b["status"] = "failed";
      b["error"] = "self-check failed";
      b["samples_ns"] = json::array();
    }
    kept.push_back(b);
  }
  a["benchmarks"] = kept;
  write_json(dir.file("a.json"), a);
  r = run_cli(fast({"run", "fake_sum", "--procs", "1", "--impl", "ccbench,threads", "--resume", dir.file("a.json"),
                    "--out", dir.file("b.json")}));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(call_log().size(), 2u * 2u * 3u);  // both points, both implementations
  EXPECT_NE(r.err.find("0 of 2 points taken from " + dir.file("a.json")), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("2 to measure (2 of them held there for only some implementations: measured again whole)"),
            std::string::npos)
      << r.err;
  const json b = read_json(dir.file("b.json"));
  for (const json& e : b["benchmarks"]) EXPECT_EQ(e["status"], "ok") << e["name"];
  EXPECT_EQ(b["benchmarks"].size(), 4u);
  // --impl ccbench alone: k=1's ccbench entry is all it needs; k=2's failed one is measured again
  r = run_cli(fast({"run", "fake_sum", "--procs", "1", "--resume", dir.file("a.json"), "--out", dir.file("c.json")}));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(call_log().size(), 3u);
  EXPECT_EQ(read_json(dir.file("c.json"))["benchmarks"][0], a["benchmarks"][0]);
}

// "not_applicable" is a finished result (threads at 1M tasks, say): its point is taken, not measured
// again on every resume (it was, all of it, before: --preset full --impl all re-ran every 1M-task
// point). "failed" is not finished.
TEST(Resume, APointWithANotApplicableResultIsTaken) {
  ScratchDir dir;
  CliRun r = run_cli(fast({"run", "fake_fail", "--set", "mode=na,fail", "--procs", "1", "--impl", "ccbench,threads",
                           "--out", dir.file("a.json")}));
  ASSERT_EQ(r.code, 1) << r.err;  // mode=fail failed its self-check
  const json a = read_json(dir.file("a.json"));
  ASSERT_EQ(a["benchmarks"].size(), 4u);
  ASSERT_EQ(a["benchmarks"][0]["status"], "not_applicable") << a["benchmarks"][0]["name"];
  r = run_cli(fast({"run", "fake_fail", "--set", "mode=na,fail", "--procs", "1", "--impl", "ccbench,threads",
                    "--resume", dir.file("a.json"), "--out", dir.file("b.json")}));
  ASSERT_EQ(r.code, 1) << r.err;
  EXPECT_NE(r.err.find("--resume: 1 of 2 points taken from " + dir.file("a.json")), std::string::npos) << r.err;
  std::vector<std::string> resumed_calls = call_log();
  ASSERT_EQ(run_cli(fast({"run", "fake_fail", "--set", "mode=fail", "--procs", "1", "--impl", "ccbench,threads"})).code, 1);
  std::vector<std::string> fail_alone = call_log();
  std::sort(resumed_calls.begin(), resumed_calls.end());  // shuffled: the order differs
  std::sort(fail_alone.begin(), fail_alone.end());
  EXPECT_EQ(resumed_calls, fail_alone);  // what mode=fail alone runs: nothing of mode=na
  const json b = read_json(dir.file("b.json"));
  EXPECT_EQ(b["benchmarks"][0], a["benchmarks"][0]);
  EXPECT_EQ(b["benchmarks"][1], a["benchmarks"][1]);
  EXPECT_EQ(b["benchmarks"][2]["status"], "failed");
}

// A file measured otherwise is bad input, named; so is one that is no run's results.
TEST(Resume, AFileMeasuredOtherwiseIsRefused) {
  harness::Hooks hooks;
  hooks.go = std::make_shared<FakeGo>();
  ScratchDir dir;
  const std::string a = dir.file("a.json");
  CliRun r = run_cli(fast({"run", "fake_sum", "--procs", "1", "--impl", "ccbench,go", "--out", a}), hooks);
  ASSERT_EQ(r.code, 0) << r.err;
  const json good = read_json(a);
  // resume() runs with fast()'s settings, but for an option `extra` gives (option, value)
  const auto resume = [&](const std::string& file, std::vector<std::string> extra = {}) {
    std::vector<std::string> args{"run", "fake_sum", "--procs", "1", "--impl", "ccbench,go", "--resume", file,
                                  "--out", dir.file("b.json")};
    for (const auto& [option, value] : {std::pair{"--repetitions", "3"}, {"--warmup", "0"}, {"--min-time", "0"}})
      if (std::find(extra.begin(), extra.end(), option) == extra.end()) args.insert(args.end(), {option, value});
    args.insert(args.end(), extra.begin(), extra.end());
    return run_cli(args, hooks);
  };
  const auto refused = [&](const json& doc, const std::string& said, std::vector<std::string> extra = {}) {
    write_json(dir.file("x.json"), doc);
    const CliRun x = resume(dir.file("x.json"), std::move(extra));
    EXPECT_EQ(x.code, 2) << said << ": " << x.err;
    EXPECT_NE(x.err.find("ccbench: --resume " + dir.file("x.json") + ": " + said), std::string::npos) << x.err;
    EXPECT_TRUE(call_log().empty()) << said;
  };
  refused(good, "it was measured with --repetitions 3, this run has 4", {"--repetitions", "4"});
  refused(good, "it was measured with --warmup 0, this run has 1", {"--warmup", "1"});
  refused(good, "it was measured with --min-time 0, this run has 0.01", {"--min-time", "0.01"});
  refused(good, "it was measured with --preset quick, this run has full", {"--preset", "full"});
  refused(good, "it was measured with --pin on, this run has --pin off", {"--pin", "off"});
  json doc = good;
  doc["context"]["host_name"] = "elsewhere";
  refused(doc, "it was measured on host \"elsewhere\", not this one");
  doc = good;
  doc["context"]["invocation"]["executable_mtime_ns"] = doc["context"]["invocation"]["executable_mtime_ns"].get<long long>() + 1;
  refused(doc, "it was measured by another ccbench binary (");
  doc = good;
  doc["context"]["injection"] = {{"delay_ns_per_op", 5}, {"slowdown", nullptr}, {"workload", nullptr}, {"impl", "ccbench"}};
  refused(doc, "it was measured under a test hook");
  doc = good;
  doc["context"]["go_binary"] = {{"path", "/x/ccbench-go"}, {"size", 1}, {"mtime_ns", 1}, {"fnv1a64", "0123456789abcdef"}};
  refused(doc, "its Go points ran another ccbench-go build (fnv1a64 0123456789abcdef, this run's null)");
  doc = good;
  doc["context"]["schema_version"] = 2;
  refused(doc, "schema_version 2, not 1");
  doc = good;
  doc["context"]["invocation"]["argv"][1] = "compare";
  refused(doc, "not written by `ccbench run`");
  doc = good;
  doc["benchmarks"][0].erase("procs");
  refused(doc, "not a results file of `ccbench run` (");
  std::ofstream(dir.file("x.json")) << "not json";
  r = resume(dir.file("x.json"));
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--resume " + dir.file("x.json") + ": not JSON ("), std::string::npos) << r.err;
  r = resume(dir.file("missing.json"));
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("--resume " + dir.file("missing.json") + ": cannot be read"), std::string::npos) << r.err;
  write_json(dir.file("x.json"), doc);  // refused under --dry-run as well: it checks what the run would
  r = run_cli(fast({"run", "fake_sum", "--procs", "1", "--resume", dir.file("x.json"), "--dry-run"}));
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("not a results file of `ccbench run`"), std::string::npos) << r.err;
  // another ccbench-go, but no Go point taken from the file: nothing of it is mixed in
  doc = good;
  doc["context"]["go_binary"] = {{"path", "/x/ccbench-go"}, {"size", 1}, {"mtime_ns", 1}, {"fnv1a64", "0123456789abcdef"}};
  write_json(dir.file("x.json"), doc);
  r = run_cli(fast({"run", "fake_sum", "--procs", "1", "--resume", dir.file("x.json"), "--out", dir.file("b.json")}),
              hooks);
  EXPECT_EQ(r.code, 0) << r.err;
  // the same file, the same settings: taken
  r = resume(a);
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_TRUE(call_log().empty());
}

// Regression (session 49's measurement review): an entry whose cv is null (one repetition) had
// "cv is null: one sample, or a mean of 0" added again by every resume (3 copies after two), so
// writing a read-back entry did not give the same object.
TEST(Resume, AResumedEntryKeepsItsDerivedNotesOnce) {
  ScratchDir dir;
  const auto run = [&](const char* procs, const std::string& out, const std::string& from) {
    std::vector<std::string> args = {"run", "fake_sum", "--set", "k=1", "--procs", procs, "--repetitions", "1",
                                     "--warmup", "0", "--min-time", "0", "--out", dir.file(out)};
    if (!from.empty()) args.insert(args.end(), {"--resume", dir.file(from)});
    return run_cli(args);
  };
  ASSERT_EQ(run("1", "a.json", "").code, 0);
  ASSERT_EQ(run("1,2", "b.json", "a.json").code, 0);
  ASSERT_EQ(run("1,2,4", "c.json", "b.json").code, 0);
  const json a = read_json(dir.file("a.json"))["benchmarks"][0];
  ASSERT_TRUE(a["cv"].is_null());
  EXPECT_EQ(std::count(a["notes"].begin(), a["notes"].end(), "cv is null: one sample, or a mean of 0"), 1);
  EXPECT_EQ(read_json(dir.file("c.json"))["benchmarks"][0], a);
  // a null cpu_time read back keeps its reason, and gets no second one
  json b = read_json(dir.file("b.json"))["benchmarks"][0];
  b["cpu_time"] = nullptr;
  b["cpu_ns_per_op"] = nullptr;
  b["notes"].push_back("cpu_time is null: the value was not finite");
  EXPECT_EQ(json::parse(harness::results_to_json({}, {harness::entry_from_json(b)})["benchmarks"][0].dump()), b);
}

// Regression (session 49's measurement review): --resume compared the settings of the run but
// not the CPUs its workers were pinned to (taskset -c 0, then none: the file said pin.cpus [0,1]
// and lost the oversubscribed warning of the entries run on one CPU), nor the Go runtime settings
// its Go points ran with (GOGC=off, then none: a GC-off number read as a default one).
TEST(Resume, OtherPinnedCpusOrGoSettingsAreRefused) {
  ScratchDir dir;
  harness::Hooks one_cpu;
  one_cpu.pin_cpus = std::vector<int>{0};
  ASSERT_EQ(run_cli(fast({"run", "fake_sum", "--set", "k=1", "--procs", "1", "--out", dir.file("a.json")}), one_cpu).code,
            0);
  harness::Hooks two_cpus;
  two_cpus.pin_cpus = std::vector<int>{0, 1};
  for (const char* dry : {"--out", "--dry-run"}) {
    std::vector<std::string> args = {"run", "fake_sum", "--set", "k=1", "--procs", "1,2", "--resume", dir.file("a.json")};
    if (std::string(dry) == "--out") args.insert(args.end(), {"--out", dir.file("b.json")});
    else args.push_back(dry);
    const CliRun r = run_cli(fast(args), two_cpus);
    EXPECT_EQ(r.code, 2) << dry;
    EXPECT_NE(r.err.find("its workers were pinned to CPUs [0], this run's are [0,1]"), std::string::npos) << r.err;
  }
  EXPECT_EQ(run_cli(fast({"run", "fake_sum", "--set", "k=1", "--procs", "1,2", "--resume", dir.file("a.json"), "--out",
                          dir.file("b.json")}),
                    one_cpu)
                .code,
            0);

  harness::Hooks go;
  go.go = std::make_shared<FakeGo>();
  ::setenv("GOGC", "off", 1);
  const CliRun gc_off = run_cli(
      fast({"run", "fake_sum", "--set", "k=1", "--procs", "1", "--impl", "ccbench,go", "--out", dir.file("g.json")}), go);
  ::unsetenv("GOGC");
  ASSERT_EQ(gc_off.code, 0) << gc_off.err;
  const CliRun r = run_cli(fast({"run", "fake_sum", "--set", "k=1", "--procs", "1", "--impl", "ccbench,go", "--resume",
                                 dir.file("g.json"), "--out", dir.file("h.json")}),
                           go);
  EXPECT_EQ(r.code, 2);
  EXPECT_NE(r.err.find("its Go points ran with GOGC=off, this run's Go child with Go's defaults"), std::string::npos)
      << r.err;
  // no Go point taken: nothing of it is mixed in
  EXPECT_EQ(run_cli(fast({"run", "fake_sum", "--set", "k=1", "--procs", "1", "--resume", dir.file("g.json"), "--out",
                          dir.file("h.json")}),
                    go)
                .code,
            0);
}

}  // namespace
}  // namespace ccb::test
