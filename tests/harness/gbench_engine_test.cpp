// tests/harness/gbench_engine_test.cpp — GbenchEngine: one GB run per repetition of exactly the
// requested implementation, manual time = the workload's elapsed_ns, counters carried through,
// workload exceptions mapped to statuses, and other exceptions rethrown after GB returns.
#include "harness/gbench_engine.hpp"

#include <gtest/gtest.h>


#include "harness/posix_regex.hpp"
#include "workloads/registry.hpp"

namespace ccb::harness {
namespace {

using ccb::workloads::NotApplicable;
using ccb::workloads::WorkloadFailed;

// Scripted: each run_rep() performs the next action of its script.
class Scripted : public ImplRunner {
 public:
  enum class Act { Ok, Fail, NotApplicable, Crash };
  explicit Scripted(std::vector<Act> script) : script_(std::move(script)) {}
  void start(int) override {}
  RepOutcome run_rep() override {
    const Act a = script_.at(calls_++);
    if (a == Act::Fail) throw WorkloadFailed("lost a message");
    if (a == Act::NotApplicable) throw NotApplicable("too many threads");
    if (a == Act::Crash) throw std::out_of_range("harness bug");
    RepOutcome o;
    o.result.ops = 1000;
    o.result.elapsed_ns = 5000.0 * calls_;
    o.result.extra = {{"rss_per_task_bytes", 2800}};
    o.ctx_voluntary = 2;
    o.ctx_involuntary = 1;
    return o;
  }
  PointUsage finish() override { return {}; }
  bool cpu_is_this_process() const override { return true; }
  int calls() const { return calls_; }

 private:
  std::vector<Act> script_;
  int calls_ = 0;
};

Point point_named(const std::string& base) {
  Point p;
  p.workload = ccb::workloads::find_workload("fake_sum");
  p.base_name = base;
  return p;
}

TEST(GbenchEngine, RunsOnlyTheRequestedImplementation) {
  using A = Scripted::Act;
  Scripted a({A::Ok, A::Ok}), b({A::Ok});
  GbenchEngine engine;
  engine.begin_point(point_named("w/x=1/procs:1"), {{"ccbench", &a}, {"threads", &b}});
  RepRecord r1 = engine.run_rep("ccbench");
  RepRecord r2 = engine.run_rep("ccbench");
  EXPECT_EQ(a.calls(), 2);
  EXPECT_EQ(b.calls(), 0);
  EXPECT_EQ(r1.status, RepRecord::Status::Ok);
  EXPECT_DOUBLE_EQ(r1.ops, 1000);
  EXPECT_NEAR(r1.elapsed_ns, 5000, 1e-6);
  EXPECT_NEAR(r2.elapsed_ns, 10000, 1e-6);
  EXPECT_EQ(r1.ctx_voluntary, 2);
  EXPECT_EQ(r1.ctx_involuntary, 1);
  EXPECT_DOUBLE_EQ(r1.extra.at("rss_per_task_bytes"), 2800);
  EXPECT_GE(r1.cpu_ns, 0);
  engine.run_rep("threads");
  EXPECT_EQ(b.calls(), 1);
  engine.end_point();
}

TEST(GbenchEngine, MapsWorkloadExceptionsAndRethrowsOthers) {
  using A = Scripted::Act;
  Scripted a({A::Fail}), b({A::NotApplicable}), c({A::Crash});
  GbenchEngine engine;
  engine.begin_point(point_named("w/procs:2"), {{"ccbench", &a}, {"threads", &b}, {"go", &c}});
  RepRecord f = engine.run_rep("ccbench");
  EXPECT_EQ(f.status, RepRecord::Status::Failed);
  EXPECT_EQ(f.error, "lost a message");
  RepRecord n = engine.run_rep("threads");
  EXPECT_EQ(n.status, RepRecord::Status::NotApplicable);
  EXPECT_EQ(n.error, "too many threads");
  EXPECT_THROW(engine.run_rep("go"), std::out_of_range);
  EXPECT_THROW(engine.run_rep("nope"), std::logic_error);
}

TEST(GbenchEngine, RegexMetacharactersInNamesAreLiteral) {
  using A = Scripted::Act;
  Scripted dot({A::Ok});
  // a registered name with a '.' runs; the filter treats every metacharacter literally
  GbenchEngine engine;
  Point p1 = point_named("w/mode=a.b/procs:1");
  engine.begin_point(p1, {{"ccbench", &dot}});
  EXPECT_EQ(engine.run_rep("ccbench").status, RepRecord::Status::Ok);
  EXPECT_EQ(dot.calls(), 1);
  const std::string re = gbench_filter_for("w/mode=a.b+(c)|[d]{1}^$\\/procs:1/impl:ccbench");
  const PosixRegex ere(re);
  EXPECT_TRUE(ere.search("w/mode=a.b+(c)|[d]{1}^$\\/procs:1/impl:ccbench/iterations:1/repeats:1"));
  EXPECT_FALSE(ere.search("w/mode=aXb+(c)|[d]{1}^$\\/procs:1/impl:ccbench/iterations:1"));
}

}  // namespace
}  // namespace ccb::harness
