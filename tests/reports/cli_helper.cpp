// tests/reports/cli_helper.cpp — see cli_helper.hpp.
#include "cli_helper.hpp"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <vector>

#include <gtest/gtest.h>

#include "reports/cli.hpp"

namespace ccb::reports::test {

CliResult run_cli(const std::vector<std::string>& args) {
  CLI::App app{"ccbench"};
  auto cmds = add_commands(app);
  std::vector<std::string> argv_storage{"ccbench"};
  argv_storage.insert(argv_storage.end(), args.begin(), args.end());
  std::vector<const char*> argv;
  for (const std::string& a : argv_storage) argv.push_back(a.c_str());
  CliResult r;
  try {
    app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::ParseError& e) {
    r.code = 2;
    r.err = e.what();
    return r;
  }
  std::ostringstream out, err;
  r.code = run_selected(*cmds, out, err);
  r.out = out.str();
  r.err = err.str();
  return r;
}

std::string data(const std::string& relative) { return std::string(CCB_REPORTS_TEST_DATA) + "/" + relative; }

std::string scratch_dir(const std::string& name) {
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  // the pid keeps two test runs apart (two checkouts, or CI's clone next to a developer's tree):
  // a shared path let one run's report replace the other's charts mid-test
  std::filesystem::path dir = std::filesystem::path(::testing::TempDir()) / "ccb_reports_test" /
                              (std::string(info->test_suite_name()) + "." + info->name() + "." + name + "." +
                               std::to_string(::getpid()));
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  // removed when the test process ends (the pid makes every run's directories new ones)
  static struct Cleanup {
    std::vector<std::filesystem::path> dirs;
    ~Cleanup() {
      std::error_code ec;
      for (const auto& d : dirs) std::filesystem::remove_all(d, ec);
    }
  } cleanup;
  cleanup.dirs.push_back(dir);
  return dir.string();
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

int shell(const std::string& command, std::string& output) {
  output.clear();
  FILE* p = ::popen((command + " 2>&1").c_str(), "r");
  if (p == nullptr) return -1;
  char buf[4096];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) output.append(buf, n);
  const int status = ::pclose(p);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

bool has_matplotlib() {
  std::string out;
  return shell("/usr/bin/python3 -c 'import matplotlib'", out) == 0;
}

std::set<std::string> referenced_files(const std::string& html) {
  std::set<std::string> out;
  static const std::regex ref(R"re((?:src|href)="([^"#][^"]*)")re");
  for (auto it = std::sregex_iterator(html.begin(), html.end(), ref); it != std::sregex_iterator(); ++it) {
    out.insert((*it)[1].str());
  }
  return out;
}

}  // namespace ccb::reports::test
