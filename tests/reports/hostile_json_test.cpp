// tests/reports/hostile_json_test.cpp — hostile results files through the real `compare` and
// `report` command lines (table-driven): truncated at many offsets, wrong types at many paths,
// NaN/Infinity/overflowing numbers, huge and deeply nested arrays, unknown schema versions,
// duplicate keys, binary garbage, a directory or a missing file. Each must exit 2 with a message
// that names the file and the JSON path of the problem — never crash, hang or exit 0/1.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <fstream>
#include <functional>

#include "cli_helper.hpp"
#include "reports/results_loader.hpp"

namespace ccb::reports::test {
namespace {

using Json = nlohmann::ordered_json;

std::string write(const std::string& dir, const std::string& name, const std::string& text) {
  const std::string path = dir + "/" + name;
  std::ofstream(path, std::ios::binary) << text;
  return path;
}

Json base() {
  std::ifstream f(data("base.json"));
  return Json::parse(f);
}

// expect_rejected() runs compare (file as candidate) and report on `path`.
void expect_rejected(const std::string& path, const std::string& json_path, const std::string& what) {
  const std::string dir = scratch_dir("hostile_out");
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"compare", data("base.json"), path},
        std::vector<std::string>{"report", path, "--out", dir + "/report"}}) {
    CliResult r = run_cli(args);
    EXPECT_EQ(r.code, 2) << what << " (" << args[0] << ")\n" << r.err;
    EXPECT_NE(r.err.find(path + ": " + json_path), std::string::npos)
        << what << " (" << args[0] << "): expected '" << path << ": " << json_path << "' in\n" << r.err;
  }
}

struct Mutation {
  const char* what;
  const char* json_path;  // expected path in the message
  std::function<void(Json&)> apply;
};

class HostileMutation : public ::testing::TestWithParam<Mutation> {};

TEST_P(HostileMutation, Exit2NamingFileAndPath) {
  const Mutation& m = GetParam();
  Json doc = base();
  m.apply(doc);
  const std::string dir = scratch_dir("hostile_mut");
  expect_rejected(write(dir, "mut.json", doc.dump()), m.json_path, m.what);
}

INSTANTIATE_TEST_SUITE_P(
    , HostileMutation,
    ::testing::Values(
        Mutation{"schema version 2", "context.schema_version", [](Json& d) { d["context"]["schema_version"] = 2; }},
        Mutation{"schema version 0", "context.schema_version", [](Json& d) { d["context"]["schema_version"] = 0; }},
        Mutation{"schema version -1", "context.schema_version", [](Json& d) { d["context"]["schema_version"] = -1; }},
        Mutation{"schema version 1.5", "context.schema_version", [](Json& d) { d["context"]["schema_version"] = 1.5; }},
        Mutation{"schema version as text", "context.schema_version", [](Json& d) { d["context"]["schema_version"] = "1"; }},
        Mutation{"schema version huge", "context.schema_version", [](Json& d) { d["context"]["schema_version"] = 1e30; }},
        Mutation{"schema version u64", "context.schema_version",
                 [](Json& d) { d["context"]["schema_version"] = 18446744073709551615ULL; }},
        Mutation{"no context", "context", [](Json& d) { d.erase("context"); }},
        Mutation{"context is an array", "context", [](Json& d) { d["context"] = Json::array(); }},
        Mutation{"benchmarks is an object", "benchmarks", [](Json& d) { d["benchmarks"] = Json::object(); }},
        Mutation{"a point is a number", "benchmarks[3]", [](Json& d) { d["benchmarks"][3] = 7; }},
        Mutation{"procs as text", "benchmarks[0].procs", [](Json& d) { d["benchmarks"][0]["procs"] = "two"; }},
        Mutation{"procs zero", "benchmarks[0].procs", [](Json& d) { d["benchmarks"][0]["procs"] = 0; }},
        Mutation{"procs negative", "benchmarks[0].procs", [](Json& d) { d["benchmarks"][0]["procs"] = -4; }},
        Mutation{"procs beyond int64", "benchmarks[0].procs",
                 [](Json& d) { d["benchmarks"][0]["procs"] = 18446744073709551615ULL; }},
        Mutation{"sample as text", "benchmarks[1].samples_ns[2]", [](Json& d) { d["benchmarks"][1]["samples_ns"][2] = "fast"; }},
        Mutation{"negative sample", "benchmarks[1].samples_ns[0]", [](Json& d) { d["benchmarks"][1]["samples_ns"][0] = -1.0; }},
        Mutation{"sample null", "benchmarks[1].samples_ns[1]", [](Json& d) { d["benchmarks"][1]["samples_ns"][1] = nullptr; }},
        // Regression: an "ok" entry without samples was accepted (SCHEMA.md: ok entries carry numbers).
        Mutation{"ok without samples", "benchmarks[1].samples_ns", [](Json& d) { d["benchmarks"][1]["samples_ns"] = Json::array(); }},
        Mutation{"samples an object", "benchmarks[2].samples_ns", [](Json& d) { d["benchmarks"][2]["samples_ns"] = Json::object(); }},
        Mutation{"unknown impl", "benchmarks[0].impl", [](Json& d) { d["benchmarks"][0]["impl"] = "rust"; }},
        Mutation{"unknown status", "benchmarks[0].status", [](Json& d) { d["benchmarks"][0]["status"] = "meh"; }},
        Mutation{"name missing", "benchmarks[4].name", [](Json& d) { d["benchmarks"][4].erase("name"); }},
        Mutation{"name empty", "benchmarks[4].name", [](Json& d) { d["benchmarks"][4]["name"] = ""; }},
        Mutation{"param is an array", "benchmarks[0].params.n", [](Json& d) { d["benchmarks"][0]["params"]["n"] = Json::array(); }},
        Mutation{"checked as text", "benchmarks[0].checked", [](Json& d) { d["benchmarks"][0]["checked"] = "yes"; }},
        Mutation{"num_cpus float", "context.num_cpus", [](Json& d) { d["context"]["num_cpus"] = 2.5; }},
        Mutation{"cache entry a string", "context.caches[0]", [](Json& d) { d["context"]["caches"][0] = "L1"; }},
        Mutation{"load average text", "context.load_avg[1]", [](Json& d) { d["context"]["load_avg"][1] = "high"; }},
        Mutation{"sanitizer unknown", "context.sanitizer", [](Json& d) { d["context"]["sanitizer"] = "memory"; }},
        Mutation{"warnings a string", "context.warnings", [](Json& d) { d["context"]["warnings"] = "none"; }}),
    [](const ::testing::TestParamInfo<Mutation>& i) { return "case" + std::to_string(i.index); });

struct RawCase {
  const char* what;
  const char* json_path;
  std::function<std::string(const std::string& valid)> make;
};

class HostileText : public ::testing::TestWithParam<RawCase> {};

TEST_P(HostileText, Exit2NamingFileAndPath) {
  const RawCase& c = GetParam();
  const std::string valid = base().dump(1);
  const std::string dir = scratch_dir("hostile_text");
  expect_rejected(write(dir, "bad.json", c.make(valid)), c.json_path, c.what);
}

std::string replace_first(std::string s, const std::string& from, const std::string& to) {
  std::size_t p = s.find(from);
  if (p != std::string::npos) s.replace(p, from.size(), to);
  return s;
}

INSTANTIATE_TEST_SUITE_P(
    , HostileText,
    ::testing::Values(
        RawCase{"empty", "", [](const std::string&) { return std::string(); }},
        RawCase{"NaN literal", "benchmarks[0].samples_ns[0]",
                [](const std::string& v) { return replace_first(v, "\"samples_ns\": [\n", "\"samples_ns\": [\nNaN, "); }},
        RawCase{"Infinity literal", "benchmarks[0].samples_ns[0]",
                [](const std::string& v) { return replace_first(v, "\"samples_ns\": [\n", "\"samples_ns\": [\nInfinity, "); }},
        RawCase{"overflowing number", "benchmarks[0].samples_ns[0]",
                [](const std::string& v) { return replace_first(v, "\"samples_ns\": [\n", "\"samples_ns\": [\n1e999, "); }},
        RawCase{"duplicate key", "context", [](const std::string& v) {
                  return replace_first(v, "\"context\": {", "\"context\": {\"host_name\": \"x\", ");
                }},
        RawCase{"binary garbage", "", [](const std::string&) { return std::string("\x00\xff\xfe{\x01", 5); }},
        RawCase{"a bare number", "", [](const std::string&) { return std::string("42"); }},
        RawCase{"deeply nested arrays", "",
                [](const std::string&) { return std::string(100000, '[') + std::string(100000, ']'); }},
        RawCase{"huge array", "benchmarks[0].samples_ns", [](const std::string& v) {
                  std::string many;
                  for (int i = 0; i < 1'000'001; ++i) many += "1,";
                  return replace_first(v, "\"samples_ns\": [\n", "\"samples_ns\": [\n" + many);
                }}),
    [](const ::testing::TestParamInfo<RawCase>& i) { return "case" + std::to_string(i.index); });

TEST(HostileTruncation, EveryCutPointIsRejectedWithFileAndLine) {
  const std::string valid = base().dump(1);
  const std::string dir = scratch_dir("hostile_trunc");
  // Every 97th byte offset (the whole file is ~60 KB): each cut is invalid JSON.
  int tried = 0;
  for (std::size_t cut = 1; cut < valid.size() - 1; cut += 97) {
    const std::string path = write(dir, "cut.json", valid.substr(0, cut));
    CliResult r = run_cli({"compare", data("base.json"), path});
    ASSERT_EQ(r.code, 2) << "cut at " << cut << "\n" << r.err;
    ASSERT_NE(r.err.find(path + ": "), std::string::npos) << "cut at " << cut << "\n" << r.err;
    ++tried;
  }
  EXPECT_GT(tried, 100);
}

// nested() is `depth` levels of {"a": …} around 1.
std::string nested(int depth) {
  std::string s;
  s.reserve(7 * static_cast<std::size_t>(depth) + 1);
  for (int i = 0; i < depth; ++i) s += "{\"a\": ";
  return s + "1" + std::string(static_cast<std::size_t>(depth), '}');
}

// Regression (hostile-input audit): a results file whose ignored field context.foo held
// {"a": {"a": …}} 100000 deep crashed compare, report, calibrate and compare --noise-floor with
// SIGSEGV (exit 139): a stack overflow in basic_json's copy constructor, which the parser's
// members.emplace_back ran on the whole subtree when the context object grew. Nesting deeper than
// kMaxNestingDepth is now bad input (exit 2) naming the file and the path, in every command; a
// results file nested exactly that deep in an ignored field still loads.
TEST(HostileNesting, DeeplyNestedObjectIsExit2InEveryCommand) {
  const std::string dir = scratch_dir("hostile_nesting");
  const std::string valid = base().dump(1);
  const std::string deep = write(dir, "deep.json", replace_first(valid, "\"context\": {", "\"context\": {\"foo\": " + nested(100000) + ", "));
  const std::string nf = write(dir, "nf.json", "{\"foo\": " + nested(100000) +
                                                   ", \"tool\": \"ccbench calibrate\", \"points\": {}}");
  // 256 steps: the first 4 and the last 3 are named (a path of 500 characters was one line)
  const std::string deep_path = "context.foo.a.a.…(249 more)….a.a.a";
  const std::string message = "object nested deeper than 256 levels";
  const std::string b = data("base.json");
  for (const auto& [args, where] :
       {std::pair{std::vector<std::string>{"compare", b, deep}, deep + ": " + deep_path + ": " + message},
        std::pair{std::vector<std::string>{"report", deep, "--out", dir + "/r"}, deep + ": " + deep_path + ": " + message},
        std::pair{std::vector<std::string>{"calibrate", deep, b, "--out", dir + "/nf-out.json"},
                  deep + ": " + deep_path + ": " + message},
        std::pair{std::vector<std::string>{"compare", b, b, "--confirm", "0", "--noise-floor", nf},
                  nf + ": foo.a.a.a.…(249 more)….a.a.a: " + message}}) {
    const CliResult r = run_cli(args);
    EXPECT_EQ(r.code, 2) << args[0] << "\n" << r.err;
    EXPECT_NE(r.err.find(where), std::string::npos) << args[0] << ": expected '" << where << "' in\n" << r.err;
  }
  // The limit itself is accepted: the root object and context are 2 of the 256 levels.
  const std::string at_limit = write(dir, "limit.json", replace_first(valid, "\"context\": {",
                                                                       "\"context\": {\"foo\": " + nested(254) + ", "));
  const CliResult ok = run_cli({"compare", b, at_limit, "--confirm", "0"});
  EXPECT_LE(ok.code, 1) << ok.err;
  EXPECT_EQ(run_cli({"compare", b, write(dir, "over.json", replace_first(valid, "\"context\": {",
                                                                         "\"context\": {\"foo\": " + nested(255) + ", "))})
                .code,
            2);
}

TEST(HostileFiles, MissingFileAndDirectoryAreExit2) {
  const std::string dir = scratch_dir("hostile_files");
  for (const std::string& path : {dir + "/does-not-exist.json", dir}) {
    CliResult r = run_cli({"compare", data("base.json"), path});
    EXPECT_EQ(r.code, 2) << path << "\n" << r.err;
    EXPECT_NE(r.err.find(path), std::string::npos) << r.err;
    r = run_cli({"report", path, "--out", dir + "/r"});
    EXPECT_EQ(r.code, 2) << path << "\n" << r.err;
  }
}

TEST(AtomicOutputs, CompareOutReplacesTheFileWholeAndLeavesNoTemporary) {
  const std::string dir = scratch_dir("atomic_out");
  const std::string out = write(dir, "cmp.md", "old contents\n");
  CliResult r = run_cli({"compare", data("base.json"), data("rerun.json"), "--format", "markdown", "--out", out});
  ASSERT_LE(r.code, 1) << r.err;
  const std::string text = read_text(out);
  EXPECT_EQ(text.find("old contents"), std::string::npos);
  EXPECT_FALSE(text.empty());
  std::string listing;
  EXPECT_EQ(shell("ls -A '" + dir + "'", listing), 0);
  EXPECT_EQ(listing, "cmp.md\n") << "a temporary was left behind";
  // An unwritable target: exit 2, and nothing changes.
  r = run_cli({"compare", data("base.json"), data("rerun.json"), "--out", dir + "/no-such-dir/cmp.md"});
  EXPECT_EQ(r.code, 2) << r.err;
  EXPECT_NE(r.err.find("--out"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace ccb::reports::test
