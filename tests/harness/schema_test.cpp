// tests/harness/schema_test.cpp — reports/results.schema.json and the test validator: the schema
// uses only supported keywords, accepts a real results file, and rejects each kind of bad file
// (so "validates" in run_test.cpp is not vacuous).
#include <gtest/gtest.h>

#include "json_schema_validator.hpp"
#include "test_support.hpp"

namespace ccb::test {
namespace {

using json = nlohmann::json;

json sample_results() {
  ScratchDir dir;
  CliRun r = run_cli({"run", "fake_sum", "fake_fail", "--set", "mode=ok,fail", "--procs", "1",
                      "--repetitions", "2", "--warmup", "0", "--out", dir.file("r.json")});
  EXPECT_EQ(r.code, 1) << r.err;
  return read_json(dir.file("r.json"));
}

TEST(Schema, AcceptsWhatTheHarnessWrites) {
  json doc = sample_results();
  EXPECT_EQ(schema_errors(doc), "");
}

TEST(Schema, RejectsBrokenDocuments) {
  const json good = sample_results();
  ASSERT_EQ(schema_errors(good), "");
  auto expect_invalid = [](json doc, const char* what) { EXPECT_NE(schema_errors(doc), "") << what; };
  { json d = good; d["context"].erase("git_commit"); expect_invalid(d, "missing context field"); }
  { json d = good; d["context"]["schema_version"] = 2; expect_invalid(d, "other schema version"); }
  { json d = good; d["context"]["date"] = "yesterday"; expect_invalid(d, "bad date"); }
  { json d = good; d["context"]["load_avg"] = {1, 2}; expect_invalid(d, "two load averages"); }
  { json d = good; d["benchmarks"][0]["status"] = "great"; expect_invalid(d, "unknown status"); }
  { json d = good; d["benchmarks"][0]["real_time"] = "fast"; expect_invalid(d, "string time"); }
  { json d = good; d["benchmarks"][0]["real_time"] = nullptr; expect_invalid(d, "ok entry without time"); }
  { json d = good; d["benchmarks"][0]["error"] = "x"; expect_invalid(d, "ok entry with error"); }
  { json d = good; d["benchmarks"][0]["procs"] = 0; expect_invalid(d, "procs 0"); }
  { json d = good; d["benchmarks"][0]["name"] = "fake_sum/procs:1"; expect_invalid(d, "name without impl"); }
  { json d = good; d["benchmarks"][0]["surprise"] = 1; expect_invalid(d, "unknown field"); }
  { json d = good; d["benchmarks"][0]["samples_ns"] = json::array(); expect_invalid(d, "ok entry without samples"); }
  bool saw_failed = false;
  for (auto& e : good["benchmarks"]) {
    if (e["status"] != "failed") continue;
    saw_failed = true;
    json d = good;
    for (auto& f : d["benchmarks"])
      if (f["name"] == e["name"]) f.erase("error");
    expect_invalid(d, "failed entry without error");
  }
  EXPECT_TRUE(saw_failed);
}

// context.interrupted, as `ccbench run` writes it after a signal (exe_test.cpp checks the file).
TEST(Schema, AcceptsAnInterruptedRunsRecord) {
  json doc = sample_results();
  EXPECT_TRUE(doc["context"]["interrupted"].is_null());  // a whole run
  doc["context"]["interrupted"] = {{"signal", "SIGINT"}, {"points_done", 1}, {"points_planned", 3}};
  EXPECT_EQ(schema_errors(doc), "");
  { json d = doc; d["context"]["interrupted"].erase("points_planned"); EXPECT_NE(schema_errors(d), ""); }
  { json d = doc; d["context"]["interrupted"]["points_planned"] = 0; EXPECT_NE(schema_errors(d), ""); }
  { json d = doc; d["context"]["interrupted"]["signal"] = 2; EXPECT_NE(schema_errors(d), ""); }
}

TEST(Schema, ValidatorRefusesUnsupportedKeywords) {
  json schema = {{"type", "object"}, {"patternProperties", json::object()}};
  EXPECT_THROW(validate_json(schema, json::object()), std::invalid_argument);
  EXPECT_THROW(validate_json(json{{"$ref", "#/$defs/none"}}, 1), std::invalid_argument);
}

TEST(Schema, ValidatorBasics) {
  EXPECT_TRUE(validate_json(json{{"type", "integer"}}, 3.0).empty());
  EXPECT_FALSE(validate_json(json{{"type", "integer"}}, 3.5).empty());
  EXPECT_FALSE(validate_json(json{{"enum", {1, 2}}}, 3).empty());
  EXPECT_TRUE(validate_json(json{{"type", {"number", "null"}}}, nullptr).empty());
  json cond = {{"if", {{"properties", {{"a", {{"const", 1}}}}}}}, {"then", {{"required", {"b"}}}}};
  EXPECT_FALSE(validate_json(cond, json{{"a", 1}}).empty());
  EXPECT_TRUE(validate_json(cond, json{{"a", 2}}).empty());
}

}  // namespace
}  // namespace ccb::test
