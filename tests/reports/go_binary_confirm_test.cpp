// tests/reports/go_binary_confirm_test.cpp — compare --confirm and the Go reference's binary
// (context.go_binary): a re-derived command re-measures Go points with the recorded ccbench-go
// (CCB_GO_BINARY), a ccbench-go rebuilt since the run or reported otherwise by a round stops the
// confirmation, and a given command running another ccbench-go is warned about. The stand-in
// `ccbench` is a /bin/sh script that copies a prepared answer to --out.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <sys/stat.h>
#include <unistd.h>

#include <cstdint>
#include <fstream>
#include <optional>
#include <string>

#include "cli_helper.hpp"
#include "common/fnv1a.hpp"
#include "reports/gate_quality.hpp"
#include "reports/results_loader.hpp"

namespace ccb::reports {
namespace {

nlohmann::json program(const std::string& path) {
  struct stat st{};
  EXPECT_EQ(::stat(path.c_str(), &st), 0) << path;
  return {{"path", path},
          {"size", st.st_size},
          {"mtime_ns", static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec}};
}

// GoConfirm writes, in a scratch directory: `ccbench-go` (never run: only its identity matters), a
// stand-in `ccbench` that records the CCB_GO_BINARY it was given in go-seen and copies answer.json
// to --out, and b.json / n.json: one point `point` (impl go unless told otherwise), NEW 4% slower
// (re-measured: at least half the 5% threshold), both recording the stand-in's invocation on this
// host and ccbench-go as their go_binary. answer.json is BASE's document (every round +0%).
class GoConfirm : public ::testing::Test {
 protected:
  void write_files(const std::string& impl = "go") {
    dir_ = test::scratch_dir("go-confirm-" + impl);
    go_ = dir_ + "/ccbench-go";
    exe_ = dir_ + "/ccbench";
    std::ofstream(go_) << "#!/bin/sh\nexit 0\n";
    std::ofstream(exe_) << "#!/bin/sh\nprintf '%s\\n' \"${CCB_GO_BINARY-unset}\" >> '" << dir_ << "/go-seen'\n"
                        << "while [ $# -gt 0 ]; do [ \"$1\" = --out ] && cp '" << dir_ << "/answer.json' \"$2\"; shift; done\n";
    for (const std::string& f : {go_, exe_}) ASSERT_EQ(::chmod(f.c_str(), 0755), 0);
    nlohmann::json doc = nlohmann::json::parse(test::read_text(test::data("base.json")));
    nlohmann::json one;
    for (const auto& e : doc["benchmarks"])
      if (e["name"] == "pingpong/cap=0/n=200000/procs:1/impl:" + impl) one = e;
    ASSERT_FALSE(one.is_null());
    point_ = one["name"].get<std::string>();
    doc["benchmarks"] = nlohmann::json::array({one});
    char host[256] = {};
    ASSERT_EQ(::gethostname(host, sizeof host - 1), 0);
    doc["context"]["host_name"] = host;
    doc["context"]["executable"] = exe_;
    struct stat st{};
    ASSERT_EQ(::stat(exe_.c_str(), &st), 0);
    doc["context"]["invocation"] = {
        {"argv", {exe_, "run", "pingpong"}},
        {"executable_size", st.st_size},
        {"executable_mtime_ns", static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec}};
    doc["context"]["go_binary"] = program(go_);
    nlohmann::json slower = doc;
    for (auto& x : slower["benchmarks"][0]["samples_ns"]) x = x.get<double>() * 1.04;
    std::ofstream(dir_ + "/b.json") << doc.dump();
    std::ofstream(dir_ + "/n.json") << slower.dump();
    answer(doc);
  }
  void answer(const nlohmann::json& doc) { std::ofstream(dir_ + "/answer.json") << doc.dump(); }
  nlohmann::json base_doc() const { return nlohmann::json::parse(test::read_text(dir_ + "/b.json")); }
  // rebuild_go() changes ccbench-go's size, as a rebuild from changed sources does.
  void rebuild_go() const { std::ofstream(go_, std::ios::app) << "# rebuilt\n"; }
  std::string seen() const { return test::read_text(dir_ + "/go-seen"); }

  std::string dir_, go_, exe_, point_;
};

TEST_F(GoConfirm, RerunCommandSetsTheRecordedGoBinary) {
  write_files();
  const Results r = load_results(dir_ + "/b.json");
  ASSERT_TRUE(r.context.go_binary);
  std::string why;
  const auto cmd = rerun_command(r, why);
  ASSERT_TRUE(cmd) << why;
  EXPECT_NE(cmd->find(" CCB_GO_BINARY='" + go_ + "' '" + exe_ + "' run 'pingpong'"), std::string::npos) << *cmd;
  Results none = r;  // a file without go_binary (older, or no Go point) leaves the variable alone
  none.context.go_binary.reset();
  EXPECT_EQ(rerun_command(none, why)->find("CCB_GO_BINARY"), std::string::npos);
}

// Both sides' rounds run the recorded ccbench-go: the +4% was the machine, and the gate passes.
TEST_F(GoConfirm, RoundsOfGoPointsRunTheRecordedGoBinary) {
  write_files();
  const auto r = test::run_cli({"compare", dir_ + "/b.json", dir_ + "/n.json"});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("rounds +0.0%"), std::string::npos) << r.out;
  EXPECT_EQ(r.err.find("Go binary"), std::string::npos) << r.err;
  // every run (a base one and a new one per round) was given the recorded file
  const std::string lines = seen();
  ASSERT_GE(lines.size(), 2 * (go_.size() + 1)) << lines;
  std::string expected;
  while (expected.size() < lines.size()) expected += go_ + "\n";
  EXPECT_EQ(lines, expected);
}

// ccbench-go rebuilt between the run and compare (say from changed workloads/go sources): no round
// of the Go point runs; auto keeps the first verdict with a warning, --confirm N exits 2.
TEST_F(GoConfirm, AGoBinaryRebuiltSinceTheRunStopsTheConfirmation) {
  write_files();
  rebuild_go();
  auto r = test::run_cli({"compare", dir_ + "/b.json", dir_ + "/n.json"});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.err.find("warning: " + dir_ + "/b.json: its Go binary " + go_ +
                       " is not the one that measured it (its size or modification time changed (rebuilt?), before "
                       "round 1 of " + point_ + "): the confirmation stopped"),
            std::string::npos) << r.err;
  EXPECT_EQ(r.out.find("rounds"), std::string::npos) << r.out;
  EXPECT_EQ(seen(), "");  // nothing ran
  r = test::run_cli({"compare", dir_ + "/b.json", dir_ + "/n.json", "--confirm", "6"});
  EXPECT_EQ(r.code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("--confirm: " + dir_ + "/b.json: its Go binary " + go_ + " is not the one that measured it"),
            std::string::npos) << r.err;
  ::unlink(go_.c_str());
  r = test::run_cli({"compare", dir_ + "/b.json", dir_ + "/n.json", "--confirm", "6"});
  EXPECT_EQ(r.code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("is not the one that measured it (it is gone, before round 1"), std::string::npos) << r.err;
}

// A ccbench-go in a Latin-1 directory ("d\xff") is recorded as "d\uFFFD" (results are UTF-8): that
// path names no file, though the binary is still there; the confirmation stops saying so, not
// "it is gone".
TEST_F(GoConfirm, AGoBinaryPathThatWasNotUtf8IsSaidToBeInexact) {
  write_files();
  ASSERT_EQ(::mkdir((dir_ + "/d\xff").c_str(), 0755), 0);
  ASSERT_EQ(::rename(go_.c_str(), (dir_ + "/d\xff/ccbench-go").c_str()), 0);
  nlohmann::json d = base_doc();
  d["context"]["go_binary"]["path"] = dir_ + "/d\xEF\xBF\xBD/ccbench-go";
  std::ofstream(dir_ + "/b.json") << d.dump();
  const auto r = test::run_cli({"compare", dir_ + "/b.json", dir_ + "/n.json", "--confirm", "6"});
  EXPECT_EQ(r.code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("/ccbench-go is not the one that measured it (its recorded path names no file: bytes of it "
                       "that are not UTF-8 were written as U+FFFD, before round 1 of " + point_ + ")"),
            std::string::npos) << r.err;
  EXPECT_EQ(seen(), "");  // nothing ran
}

// The recorded content hash (fnv1a64) tells the same build apart from another: ccbench-go
// touched, or rebuilt to the same bytes (a fresh build tree), and a round recording it at another
// time, are the same build and the rounds go on; other bytes stop them as before.
TEST_F(GoConfirm, TheSameBytesAreTheSameBuild) {
  write_files();
  const std::optional<std::string> hash = common::file_fnv1a64(go_);
  ASSERT_TRUE(hash);
  for (const char* side : {"/b.json", "/n.json"}) {
    nlohmann::json d = nlohmann::json::parse(test::read_text(dir_ + side));
    d["context"]["go_binary"]["fnv1a64"] = *hash;
    std::ofstream(dir_ + side) << d.dump();
  }
  std::string out;
  ASSERT_EQ(test::shell("touch -d '2001-02-03 04:05:06' '" + go_ + "'", out), 0) << out;
  nlohmann::json round = base_doc();  // the round's run records the file at its new time
  round["context"]["go_binary"] = program(go_);
  round["context"]["go_binary"]["fnv1a64"] = *hash;
  answer(round);
  auto r = test::run_cli({"compare", dir_ + "/b.json", dir_ + "/n.json", "--confirm", "6"});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("rounds +0.0%"), std::string::npos) << r.out;
  EXPECT_EQ(r.err.find("Go binary"), std::string::npos) << r.err;
  rebuild_go();  // other bytes
  r = test::run_cli({"compare", dir_ + "/b.json", dir_ + "/n.json", "--confirm", "6"});
  EXPECT_EQ(r.code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("its Go binary " + go_ + " is not the one that measured it (its size or modification time "
                       "changed (rebuilt?), before round 1"),
            std::string::npos) << r.err;
}

// A point of another implementation does not run ccbench-go: its rounds go on whatever became of it.
TEST_F(GoConfirm, ARebuiltGoBinaryDoesNotStopRoundsOfOtherImplementations) {
  write_files("ccbench");
  rebuild_go();
  const auto r = test::run_cli({"compare", dir_ + "/b.json", dir_ + "/n.json"});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("rounds +0.0%"), std::string::npos) << r.out;
  EXPECT_EQ(r.err.find("Go binary"), std::string::npos) << r.err;
}

// A round whose run records another ccbench-go than the file's is no evidence either.
TEST_F(GoConfirm, ARoundThatRanAnotherGoBinaryStopsTheConfirmation) {
  write_files();
  nlohmann::json other = base_doc();
  other["context"]["go_binary"]["mtime_ns"] = other["context"]["go_binary"]["mtime_ns"].get<std::int64_t>() + 1;
  answer(other);
  const auto r = test::run_cli({"compare", dir_ + "/b.json", dir_ + "/n.json", "--confirm", "6"});
  EXPECT_EQ(r.code, 2) << r.out << r.err;
  EXPECT_NE(r.err.find("--confirm: " + dir_ + "/b.json: round 1 of " + point_ + " ran the Go binary " + go_ + " (size "),
            std::string::npos) << r.err;
  EXPECT_NE(r.err.find(" ns), not " + go_ + " (size "), std::string::npos) << r.err;
}

// A given command is the user's to choose: another ccbench-go behind it is said once per side,
// and its rounds count.
TEST_F(GoConfirm, AGivenCommandRunningAnotherGoBinaryIsWarnedAbout) {
  write_files();
  nlohmann::json other = base_doc();
  other["context"]["go_binary"]["path"] = dir_ + "/elsewhere/ccbench-go";
  answer(other);
  const auto r = test::run_cli({"compare", dir_ + "/b.json", dir_ + "/n.json", "--base-run", exe_ + " run",
                                "--new-run", exe_ + " run"});
  EXPECT_EQ(r.code, 0) << r.out << r.err;
  EXPECT_NE(r.out.find("rounds +0.0%"), std::string::npos) << r.out;
  for (const std::string side : {"--base-run", "--new-run"}) {
    const std::string said = "warning: " + side + " ran the Go binary " + dir_ + "/elsewhere/ccbench-go (size ";
    ASSERT_NE(r.err.find(said), std::string::npos) << r.err;
    EXPECT_EQ(r.err.find(said), r.err.rfind(said)) << "once, not per round: " << r.err;
  }
  EXPECT_NE(r.err.find("the one that measured " + dir_ + "/n.json: its confirmation rounds of Go points measure "
                       "another build"),
            std::string::npos) << r.err;
}

}  // namespace
}  // namespace ccb::reports
