// tests/go/go_build_test.cpp — building Go programs and choosing the Go binary (go_impl.hpp's
// build_go_program and go_binary), with the user's environment set the way a CI job or a shell
// may leave it. The builds use a tiny Go program in a temporary directory (about a second each
// with the build tree's cache) and skip with a visible reason when go is not installed.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <optional>
#include <string>

#include "harness/go_impl.hpp"

namespace {

namespace fs = std::filesystem;
using ccb::harness::GoUnavailable;

// TempDir: a fresh directory under the system temp directory, removed at the end of the test.
class TempDir : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() / ("ccb_go_build_" + std::to_string(::getpid()) + "_" +
                                        ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  // tiny_program() writes a Go module whose program prints "{}" and returns its directory.
  std::string tiny_program() {
    const fs::path src = dir_ / "src";
    fs::create_directories(src);
    std::ofstream(src / "go.mod") << "module tiny\n\ngo 1.19\n";
    std::ofstream(src / "main.go") << "package main\n\nimport \"fmt\"\n\nfunc main() { fmt.Println(\"{}\") }\n";
    return src.string();
  }
  fs::path dir_;
};

// ScopedEnv sets (or, with nullptr, unsets) a variable for one scope.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value != nullptr) ::setenv(name, value, 1);
    else ::unsetenv(name);
  }
  ~ScopedEnv() {
    if (old_) ::setenv(name_, old_->c_str(), 1);
    else ::unsetenv(name_);
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

// Regression: GOOS/GOARCH set by the user reached `go build`, which cross-built ccbench-go; the
// installed binary was then newer than its sources, so every later run kept it and every Go
// point failed with "Exec format error" (exit 1), with or without the variables.
TEST_F(TempDir, BuildIsForThisMachineWhateverTheTargetVariables) {
  if (!ccb::harness::go_version()) GTEST_SKIP() << "go is not installed (run scripts/setup)";
  const std::string src = tiny_program();
  const std::string bin = (dir_ / "bin" / "tiny").string();
  {
    ScopedEnv os("GOOS", "windows"), arch("GOARCH", "arm64"), exp("GOEXPERIMENT", "bogus");
    ASSERT_EQ(ccb::harness::build_go_program(src, bin), bin);
  }
  EXPECT_EQ(ccb::harness::go_list(bin), "{}\n");  // runs here
}

// Regression: a CCB_GO_BINARY that is missing, a directory or not executable was returned as is,
// and every Go point then failed ("go protocol error: cannot start …"), exit 1 as for a failed
// self-check, after the whole ccbench side had run. Now go_binary() refuses it up front, naming
// the variable (run: exit 2).
TEST_F(TempDir, BadGoBinaryOverrideIsRefusedByName) {
  const fs::path plain = dir_ / "plain";
  std::ofstream(plain) << "#!/bin/sh\n";
  const std::pair<std::string, const char*> cases[] = {
      {(dir_ / "missing").string(), "No such file"}, {dir_.string(), "a directory"}, {plain.string(), "not executable"}};
  for (const auto& [path, why] : cases) {
    ScopedEnv env("CCB_GO_BINARY", path.c_str());
    try {
      ccb::harness::go_binary();
      ADD_FAILURE() << path << ": no exception";
    } catch (const GoUnavailable& e) {
      EXPECT_NE(std::string(e.what()).find("CCB_GO_BINARY=" + path + ": " + why), std::string::npos) << e.what();
    }
  }
}

// Regression: SIGTERM (or SIGINT) sent to ccbench alone while it built ccbench-go killed ccbench
// and left `go build` running as an orphan, which then left ccbench-go.tmp.PID behind. Here a
// fake go writes half a binary and sleeps; the build runs in a forked child that gets SIGTERM.
TEST_F(TempDir, SignalDuringBuildEndsItAndRemovesTheTemporaryBinary) {
  const fs::path fake = dir_ / "fakego";
  fs::create_directories(fake);
  const fs::path pidfile = dir_ / "go.pid";
  // argv: build -buildvcs=false -trimpath -o TMP .
  std::ofstream(fake / "go") << "#!/bin/sh\necho $$ > " << pidfile.string()
                             << ".new\necho half > \"$5\"\nmv " << pidfile.string() << ".new " << pidfile.string()
                             << "\nexec sleep 30\n";
  fs::permissions(fake / "go", fs::perms::owner_all);
  const std::string src = tiny_program();
  const fs::path bin = dir_ / "bin" / "tiny";
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ::setenv("PATH", (fake.string() + ":/usr/bin:/bin").c_str(), 1);
    try {
      ccb::harness::build_go_program(src, bin.string());
    } catch (...) {
    }
    ::_exit(0);
  }
  for (int i = 0; i < 500 && !fs::exists(pidfile); ++i) ::usleep(10000);
  ASSERT_TRUE(fs::exists(pidfile)) << "the fake go did not start";
  pid_t go_pid = 0;
  std::ifstream(pidfile) >> go_pid;
  ASSERT_GT(go_pid, 0);
  ::kill(child, SIGTERM);
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  EXPECT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM) << "status " << status;
  bool go_gone = false;  // the fake go is gone (its zombie is reaped by init, so poll a little)
  for (int i = 0; i < 300 && !go_gone; ++i) {
    std::ifstream stat("/proc/" + std::to_string(go_pid) + "/stat");
    std::string pid, comm, state;
    go_gone = !(stat >> pid >> comm >> state) || state == "Z";
    if (!go_gone) ::usleep(10000);
  }
  EXPECT_TRUE(go_gone) << "go build (pid " << go_pid << ") outlived ccbench";
  if (!go_gone) ::kill(go_pid, SIGKILL);
  EXPECT_FALSE(fs::exists(bin.string() + ".tmp." + std::to_string(child))) << "temporary binary left behind";
  EXPECT_FALSE(fs::exists(bin));
}

// Regression: staleness compared the binary's mtime with go.mod's and the .go files' only, so a
// source file removed (or renamed) after a build left the old binary in use, still holding it.
TEST_F(TempDir, RemovingASourceFileRebuilds) {
  if (!ccb::harness::go_version()) GTEST_SKIP() << "go is not installed (run scripts/setup)";
  const std::string src = tiny_program();
  std::ofstream(fs::path(src) / "extra.go") << "package main\n\nfunc init() { println(\"extra\") }\n";
  const fs::path bin = dir_ / "bin" / "tiny";
  ASSERT_EQ(ccb::harness::build_go_program(src, bin.string()), bin.string());
  const auto first = fs::last_write_time(bin);
  ASSERT_EQ(ccb::harness::build_go_program(src, bin.string()), bin.string());
  EXPECT_EQ(fs::last_write_time(bin), first) << "rebuilt although nothing changed";
  fs::remove(fs::path(src) / "extra.go");
  ASSERT_EQ(ccb::harness::build_go_program(src, bin.string()), bin.string());
  EXPECT_GT(fs::last_write_time(bin), first) << "not rebuilt after extra.go was removed";
}

// A binary newer than its sources was kept whatever built it: one built before -trimpath was added,
// or by the Go that an upgrade replaced (context.go_version then named a Go that had not built
// it). The stamp beside it (BIN.build: flags, `go version`) must match, or the binary is rebuilt.
TEST_F(TempDir, ABinaryBuiltWithOtherFlagsOrByAnotherGoIsRebuilt) {
  const std::optional<std::string> version = ccb::harness::go_version();
  if (!version) GTEST_SKIP() << "go is not installed (run scripts/setup)";
  const std::string src = tiny_program();
  const fs::path bin = dir_ / "bin" / "tiny", stamp = dir_ / "bin" / "tiny.build";
  ASSERT_EQ(ccb::harness::build_go_program(src, bin.string()), bin.string());
  const std::string now = "flags: -buildvcs=false -trimpath\ngo: " + *version + "\n";
  std::ifstream in(stamp);
  EXPECT_EQ(std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>()), now);
  auto built = fs::last_write_time(bin);
  ASSERT_EQ(ccb::harness::build_go_program(src, bin.string()), bin.string());
  EXPECT_EQ(fs::last_write_time(bin), built) << "rebuilt although nothing changed";
  for (const std::string& other : {std::string("flags: -buildvcs=false\ngo: ") + *version + "\n",
                                   std::string("flags: -buildvcs=false -trimpath\ngo: go version go1.18 linux/amd64\n"),
                                   std::string()}) {
    if (other.empty()) fs::remove(stamp);  // a binary built before stamps existed
    else std::ofstream(stamp) << other;
    ASSERT_EQ(ccb::harness::build_go_program(src, bin.string()), bin.string());
    EXPECT_GT(fs::last_write_time(bin), built) << "not rebuilt with the stamp \"" << other << "\"";
    built = fs::last_write_time(bin);
    std::ifstream again(stamp);
    EXPECT_EQ(std::string((std::istreambuf_iterator<char>(again)), std::istreambuf_iterator<char>()), now);
  }
}

// Regression: go leaves its work directory (go-build*) in GOTMPDIR when a build is interrupted,
// and nothing removed them. A build now removes those older than an hour, not younger ones (a
// build running in another ccbench).
TEST_F(TempDir, BuildRemovesStaleWorkDirectoriesOnly) {
  if (!ccb::harness::go_version()) GTEST_SKIP() << "go is not installed (run scripts/setup)";
  const fs::path work = fs::path(CCB_TEST_BINARY_DIR) / "go" / "tmp";
  const fs::path stale = work / ("go-build-test-stale-" + std::to_string(::getpid()));
  const fs::path young = work / ("go-build-test-young-" + std::to_string(::getpid()));
  fs::create_directories(stale / "b001");
  fs::create_directories(young);
  fs::last_write_time(stale, fs::file_time_type::clock::now() - std::chrono::hours(2));
  ASSERT_EQ(ccb::harness::build_go_program(tiny_program(), (dir_ / "tiny").string()), (dir_ / "tiny").string());
  EXPECT_FALSE(fs::exists(stale));
  EXPECT_TRUE(fs::exists(young));
  fs::remove_all(young);
}

}  // namespace
