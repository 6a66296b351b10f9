// tests/harness/resume_checks_test.cpp — what `ccbench run --resume FILE` refuses in FILE itself
// (harness/resume.cpp), from session 51's CLI review: a path that is not a regular file, and an
// entry that is not a measurement of its point by this run's settings (a file merged from two
// runs, an edited one), each bad input (exit 2) naming what is wrong; and a resumed note's control
// characters, shown as escapes in the table.
#include <gtest/gtest.h>

#include <sys/stat.h>

#include <fstream>
#include <string>
#include <vector>

#include "fake_workloads.hpp"
#include "test_support.hpp"

namespace ccb::test {
namespace {

using json = nlohmann::json;

void write_resume_json(const std::string& path, const json& doc) { std::ofstream(path) << doc.dump(2); }

CliRun resume(const std::string& file, const std::string& out) {
  return run_cli(fast({"run", "fake_sum", "--set", "k=1", "--procs", "1,2", "--resume", file, "--out", out}));
}

// Before: a directory gave exit 3 ("internal error: basic_filebuf::underflow ..."), /dev/zero
// was read until memory ran out, and a FIFO without a writer blocked for ever.
TEST(ResumeChecks, APathThatIsNotARegularFileIsRefused) {
  ScratchDir dir;
  ASSERT_EQ(::mkfifo(dir.file("fifo").c_str(), 0600), 0);
  for (const std::string& path : {dir.path(), std::string("/dev/zero"), dir.file("fifo")}) {
    const CliRun r = resume(path, dir.file("b.json"));
    EXPECT_EQ(r.code, 2) << path << ": " << r.err;
    EXPECT_NE(r.err.find("--resume " + path + ": not a regular file"), std::string::npos) << r.err;
  }
  // an empty name says so (helper-80: "--resume : cannot be read")
  const CliRun empty = resume("", dir.file("b.json"));
  EXPECT_EQ(empty.code, 2) << empty.err;
  EXPECT_NE(empty.err.find("--resume: empty file name"), std::string::npos) << empty.err;
}

// Before: every entry below was taken (exit 0) and printed or written as a result of this run.
TEST(ResumeChecks, AnEntryThatIsNotAMeasurementOfItsPointIsRefused) {
  ScratchDir dir;
  ASSERT_EQ(run_cli(fast({"run", "fake_sum", "--set", "k=1", "--procs", "1,2", "--out", dir.file("a.json")})).code, 0);
  const json good = read_json(dir.file("a.json"));
  ASSERT_EQ(good["benchmarks"][0]["name"], "fake_sum/n=2000/k=1/procs:1/impl:ccbench");
  const auto refused = [&](const json& doc, const std::string& said) {
    write_resume_json(dir.file("x.json"), doc);
    const CliRun r = resume(dir.file("x.json"), dir.file("b.json"));
    EXPECT_EQ(r.code, 2) << said << ": " << r.err;
    EXPECT_NE(r.err.find("ccbench: --resume " + dir.file("x.json") + ": " + said), std::string::npos) << r.err;
  };
  const std::string first = "entry \"fake_sum/n=2000/k=1/procs:1/impl:ccbench\" ";
  const std::string not_it = first + "is not a measurement of its point by this run's settings: ";
  json doc = good;  // merge_results.py's merge of two runs: one entry, both runs' samples
  for (const json& v : good["benchmarks"][0]["samples_ns"]) doc["benchmarks"][0]["samples_ns"].push_back(v);
  refused(doc, not_it + "it has 6 samples for 3 repetitions");
  doc = good;
  doc["benchmarks"][0]["samples_ns"] = json::array();
  refused(doc, not_it + "it has 0 samples for 3 repetitions");
  doc = good;
  doc["benchmarks"][0]["samples_ns"][1] = -1;
  refused(doc, not_it + "it has a sample of -1 ns");
  doc = good;
  doc["benchmarks"][0]["procs"] = 2;
  refused(doc, not_it + "its procs is 2");
  doc = good;
  doc["benchmarks"][0]["procs"] = 1000000000000LL;  // get<int>() read -727379968
  refused(doc, "not a results file of `ccbench run` (procs 1000000000000 is out of range)");
  doc = good;
  doc["benchmarks"][0]["params"]["k"] = "1\x1b[2J";
  refused(doc, not_it + "its params are {k=1\\x1b[2J n=2000}");
  doc = good;
  doc["benchmarks"][0]["params"]["n"] = "2000";
  refused(doc, not_it + "its param n is a JSON string");
  doc = good;
  doc["benchmarks"][0]["workload"] = "fake_extra";
  refused(doc, not_it + "its workload is \"fake_extra\"");
  doc = good;
  doc["benchmarks"].push_back(good["benchmarks"][0]);
  refused(doc, first + "appears twice");
  // a failed entry is measured again, whatever its samples
  doc = good;
  doc["benchmarks"][0]["status"] = "failed";
  doc["benchmarks"][0]["error"] = "boom";
  doc["benchmarks"][0]["samples_ns"] = json::array();
  write_resume_json(dir.file("x.json"), doc);
  const CliRun r = resume(dir.file("x.json"), dir.file("b.json"));
  EXPECT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(read_json(dir.file("b.json"))["benchmarks"][0]["samples_ns"].size(), 3u);
}

// Before: a note of the resumed file reached the terminal raw ("\x1b[31m" coloured it).
TEST(ResumeChecks, AResumedNotesControlCharactersAreEscapedInTheTable) {
  ScratchDir dir;
  ASSERT_EQ(run_cli(fast({"run", "fake_sum", "--set", "k=1", "--procs", "1", "--out", dir.file("a.json")})).code, 0);
  json doc = read_json(dir.file("a.json"));
  doc["benchmarks"][0]["notes"].push_back("evil \x1b[31mRED\x1b[0m note");
  write_resume_json(dir.file("x.json"), doc);
  const CliRun r = resume(dir.file("x.json"), dir.file("b.json"));
  ASSERT_EQ(r.code, 0) << r.err;
  EXPECT_EQ(r.out.find('\x1b'), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("ccbench: evil \\x1b[31mRED\\x1b[0m note"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace ccb::test
