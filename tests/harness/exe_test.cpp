// tests/harness/exe_test.cpp — the built ccbench executable as a child process, for what only the
// real main() decides (signal dispositions). CCBENCH_EXE is its path.
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <csignal>
#include <filesystem>
#include <string>

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
  EXPECT_TRUE(std::filesystem::exists(out));
  std::filesystem::remove_all(dir);
}

}  // namespace
