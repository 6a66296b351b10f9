// tests/harness/exe_limits_test.cpp — the ccbench executable under an address-space limit
// (RLIMIT_AS, what `ulimit -v` sets): a point that the machine refuses threads or memory fails
// alone (exit 1, its `error` says why), the other points are measured and written, and nothing
// aborts. CCBENCH_EXE is its path.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace {

struct Outcome {
  int status = 0;
  std::string err;
};

// run_limited() runs ccbench with `args` in a child whose address space is limited to `kib` KiB,
// standard error to a file (returned), standard output discarded.
Outcome run_limited(long kib, const std::vector<std::string>& args, const std::string& dir) {
  const std::string err_file = dir + "/stderr.log";
  const pid_t pid = ::fork();
  if (pid == 0) {
    const rlimit lim{static_cast<rlim_t>(kib) * 1024, static_cast<rlim_t>(kib) * 1024};
    if (::setrlimit(RLIMIT_AS, &lim) != 0) ::_exit(126);
    if (!std::freopen("/dev/null", "w", stdout) || !std::freopen(err_file.c_str(), "w", stderr)) ::_exit(126);
    std::vector<char*> argv{const_cast<char*>(CCBENCH_EXE)};
    for (const std::string& a : args) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    ::execv(CCBENCH_EXE, argv.data());
    ::_exit(127);
  }
  Outcome o;
  if (pid < 0 || ::waitpid(pid, &o.status, 0) != pid) o.status = -1;
  std::ifstream in(err_file);
  std::stringstream text;
  text << in.rdbuf();
  o.err = text.str();
  return o;
}

std::string temp_dir() {
  std::string dir = (std::filesystem::temp_directory_path() / "ccbench-limits-XXXXXX").string();
  return ::mkdtemp(dir.data()) != nullptr ? dir : std::string();
}

// Regression (CLI audit): with a worker thread refused (each takes an 8 MiB stack mapping),
// ccb::run left the threads it had started joinable when it threw, and the process aborted
// ("terminate called without an active exception", exit 134) before writing anything.
TEST(ExecutableUnderLimits, ARefusedWorkerThreadFailsItsPointAndTheOthersAreWritten) {
  const std::string dir = temp_dir();
  ASSERT_FALSE(dir.empty());
  const std::string out = dir + "/r.json";
  const Outcome o = run_limited(150000, {"run", "pingpong", "--procs", "1,64", "--set", "cap=0", "--set", "n=1000",
                                         "--impl", "ccbench", "--repetitions", "1", "--warmup", "0", "--min-time",
                                         "0", "--quiet", "--out", out},
                                dir);
  ASSERT_TRUE(WIFEXITED(o.status)) << "status " << o.status << ": " << o.err;
  EXPECT_EQ(WEXITSTATUS(o.status), 1) << o.err;
  EXPECT_NE(o.err.find("the OS refused worker thread"), std::string::npos) << o.err;
  std::ifstream in(out);
  ASSERT_TRUE(in.good()) << "no " << out << ": " << o.err;
  const nlohmann::json doc = nlohmann::json::parse(in);
  int ok = 0, refused = 0;
  for (const auto& b : doc.at("benchmarks")) {
    const std::string error = b.value("error", "");
    if (error.empty()) ++ok;
    else if (error.find("refused this point an OS resource") != std::string::npos) ++refused;
  }
  EXPECT_EQ(ok, 1) << doc.dump();
  EXPECT_EQ(refused, 1) << doc.dump();
  std::filesystem::remove_all(dir);
}

// Regression (CLI audit): the stack and slot pools' free lists grew inside noexcept functions,
// so a growth refused at the end of a run that had run out of stacks terminated the process
// ("terminate called after throwing an instance of 'std::bad_alloc'").
TEST(ExecutableUnderLimits, ARunOutOfStacksFailsItsPointWithOutOfMemory) {
  const std::string dir = temp_dir();
  ASSERT_FALSE(dir.empty());
  const Outcome o = run_limited(300000, {"run", "spawn", "--set", "n=100000", "--procs", "1", "--impl", "ccbench",
                                         "--repetitions", "1", "--warmup", "0", "--min-time", "0", "--quiet"},
                                dir);
  ASSERT_TRUE(WIFEXITED(o.status)) << "status " << o.status << ": " << o.err;
  EXPECT_EQ(WEXITSTATUS(o.status), 1) << o.err;
  EXPECT_NE(o.err.find("out of memory (std::bad_alloc)"), std::string::npos) << o.err;
  std::filesystem::remove_all(dir);
}

}  // namespace
