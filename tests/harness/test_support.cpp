// tests/harness/test_support.cpp — see test_support.hpp.
#include "test_support.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "fake_workloads.hpp"
#include "harness/entry.hpp"
#include "harness/errors.hpp"
#include "json_schema_validator.hpp"

namespace ccb::test {

namespace fs = std::filesystem;

CliRun run_cli(const std::vector<std::string>& args, const harness::Hooks& hooks, bool err_is_tty) {
  reset_fakes();
  std::vector<std::string> argv = {"ccbench"};
  argv.insert(argv.end(), args.begin(), args.end());
  std::ostringstream out, err;
  CliRun r;
  r.code = harness::ccbench_main(argv, harness::Io{out, err, err_is_tty}, hooks);
  r.out = out.str();
  r.err = err.str();
  return r;
}

ScratchDir::ScratchDir() {
  std::string tmpl = (fs::temp_directory_path() / "ccbench-test-XXXXXX").string();
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (mkdtemp(buf.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  path_ = buf.data();
}

ScratchDir::~ScratchDir() {
  std::error_code ec;
  fs::remove_all(path_, ec);
}

std::vector<std::string> ScratchDir::entries() const {
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(path_)) names.push_back(e.path().filename().string());
  std::sort(names.begin(), names.end());
  return names;
}

namespace {

class FakeGoRunner : public harness::ImplRunner {
 public:
  explicit FakeGoRunner(uint64_t count) : count_(count) {}
  void start(int) override {}
  harness::RepOutcome run_rep() override {
    call_log().push_back("go");
    harness::RepOutcome o;
    o.result.ops = count_;
    o.result.elapsed_ns = 2.0 * static_cast<double>(count_);  // 2 ns/op
    return o;
  }
  harness::PointUsage finish() override {
    harness::PointUsage u;
    u.ctx_voluntary = 7;
    u.ctx_involuntary = 3;
    u.max_rss_kb = 4096;
    u.cpu_ns_total = 1e6;
    u.cpu_ops_total = 1e6;
    return u;
  }
  bool cpu_is_this_process() const override { return false; }

 private:
  uint64_t count_;
};

}  // namespace

void FakeGo::check_available() {
  if (!available_)
    throw harness::ImplUnavailable("go is not installed; run scripts/setup to install golang-go");
}

std::unique_ptr<harness::ImplRunner> FakeGo::make_runner(const harness::Point& p) {
  auto params = p.to_params();
  return std::make_unique<FakeGoRunner>(static_cast<uint64_t>(params.get_int("n") * params.get_int("k")));
}

std::string read_text(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

nlohmann::json read_json(const std::string& path) { return nlohmann::json::parse(read_text(path)); }

const nlohmann::json* find_entry(const nlohmann::json& doc, const std::string& name) {
  for (const auto& e : doc["benchmarks"])
    if (e["name"] == name) return &e;
  return nullptr;
}

const nlohmann::json& results_schema() {
  static const nlohmann::json schema = read_json(std::string(CCB_SOURCE_DIR) + "/reports/results.schema.json");
  return schema;
}

std::string schema_errors(const nlohmann::json& doc) {
  std::string all;
  for (const auto& e : validate_json(results_schema(), doc)) all += e + "\n";
  return all;
}

}  // namespace ccb::test
