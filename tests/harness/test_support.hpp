// tests/harness/test_support.hpp — helpers for in-process runs of ccbench_main(): captured
// streams, a scratch directory per test, a fake Go backend, and the results schema.
#pragma once

#include <nlohmann/json.hpp>

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "harness/hooks.hpp"
#include "harness/impl_runner.hpp"

namespace ccb::test {

struct CliRun {
  int code = -1;
  std::string out;
  std::string err;
};

// run_cli() calls ccbench_main({"ccbench", args…}) with string streams; resets the fakes first.
CliRun run_cli(const std::vector<std::string>& args, const harness::Hooks& hooks = {},
               bool err_is_tty = false);

// fast() appends settings that make a run quick (3 repetitions, no warm-up, --min-time 0).
inline std::vector<std::string> fast(std::vector<std::string> args) {
  for (const char* a : {"--repetitions", "3", "--warmup", "0", "--min-time", "0"}) args.push_back(a);
  return args;
}

// ScratchDir: a fresh directory under the system temp dir, removed with its contents.
class ScratchDir {
 public:
  ScratchDir();
  ~ScratchDir();
  const std::string& path() const { return path_; }
  std::string file(const std::string& name) const { return path_ + "/" + name; }
  std::vector<std::string> entries() const;  // file names inside, sorted

 private:
  std::string path_;
};

// FakeGo: a "go" backend that runs in-process sums and logs "go" in call_log().
class FakeGo : public harness::ImplBackend {
 public:
  explicit FakeGo(bool available = true, std::set<std::string> supported = {"fake_sum"})
      : available_(available), supported_(std::move(supported)) {}
  std::string name() const override { return "go"; }
  void check_available() override;
  bool supports(const ccb::workloads::Workload& w) override { return supported_.count(w.name) != 0; }
  std::unique_ptr<harness::ImplRunner> make_runner(const harness::Point& p) override;
  std::optional<std::string> version() override { return "go version go1.19.8 linux/amd64 (fake)"; }

 private:
  bool available_;
  std::set<std::string> supported_;
};

// read_json() parses a file (test failure on error is the caller's EXPECT).
nlohmann::json read_json(const std::string& path);
std::string read_text(const std::string& path);
// find_entry() returns the results document's entry named `name`, or nullptr.
const nlohmann::json* find_entry(const nlohmann::json& doc, const std::string& name);

// results_schema() is reports/results.schema.json.
const nlohmann::json& results_schema();

// schema_errors() validates `doc` against results_schema() and joins the messages.
std::string schema_errors(const nlohmann::json& doc);

}  // namespace ccb::test
