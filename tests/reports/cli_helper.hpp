// tests/reports/cli_helper.hpp — helpers shared by the reports tests: run the subcommands in-process
// exactly as the harness's main does, locate fixtures, make scratch directories, run commands.
#pragma once

#include <cstdlib>
#include <set>
#include <string>
#include <vector>

namespace ccb::reports::test {

struct CliResult {
  int code = -1;
  std::string out;
  std::string err;
};

// run_cli() parses {"ccbench", args...} with add_commands() and returns run_selected()'s result.
// A CLI11 parse error gives code 2 and CLI11's message in `err`.
CliResult run_cli(const std::vector<std::string>& args);

// data() is the path of a fixture under tests/reports/data/.
std::string data(const std::string& relative);

// scratch_dir() is a fresh, empty directory unique to this test and `name`.
std::string scratch_dir(const std::string& name);

// read_text() returns a file's contents ("" if unreadable).
std::string read_text(const std::string& path);

// shell() runs `command` with /bin/sh, returns its exit status; stdout+stderr go to `output`.
int shell(const std::string& command, std::string& output);

// has_matplotlib() is true when /usr/bin/python3 can import matplotlib.
bool has_matplotlib();

// referenced_files() is every src="…" / href="…" of an HTML page that is not an in-page anchor.
std::set<std::string> referenced_files(const std::string& html);

// ScopedEnv sets an environment variable for one test.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const std::string& value) : name_(name) { ::setenv(name, value.c_str(), 1); }
  ~ScopedEnv() { ::unsetenv(name_); }
  ScopedEnv(const ScopedEnv&) = delete;
  ScopedEnv& operator=(const ScopedEnv&) = delete;

 private:
  const char* name_;
};

}  // namespace ccb::reports::test
