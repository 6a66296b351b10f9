// harness/in_process_backend.cpp — the ImplBackend for implementations that run inside this
// process ("ccbench", "threads"): each repetition calls the workload's RunFn and brackets it with
// getrusage(RUSAGE_SELF) to count context switches. CPU time is measured by Google Benchmark
// (MeasureProcessCPUTime) around the same call, so this file does not measure it.
#include <sys/resource.h>

#include "harness/impl_runner.hpp"

namespace ccb::harness {

namespace {

struct Rusage {
  long nvcsw = 0, nivcsw = 0, maxrss_kb = 0;
  static Rusage self() {
    rusage ru{};
    getrusage(RUSAGE_SELF, &ru);
    return {ru.ru_nvcsw, ru.ru_nivcsw, ru.ru_maxrss};
  }
};

class InProcessRunner : public ImplRunner {
 public:
  InProcessRunner(ccb::workloads::RunFn fn, ccb::workloads::Params params, int procs)
      : fn_(std::move(fn)), params_(std::move(params)), procs_(procs) {}

  void start(int warmup) override {
    for (int i = 0; i < warmup; ++i) (void)fn_(params_, procs_);
  }

  RepOutcome run_rep() override {
    const Rusage before = Rusage::self();
    RepOutcome out;
    out.result = fn_(params_, procs_);
    const Rusage after = Rusage::self();
    out.ctx_voluntary = after.nvcsw - before.nvcsw;
    out.ctx_involuntary = after.nivcsw - before.nivcsw;
    return out;
  }

  PointUsage finish() override {
    PointUsage u;
    u.max_rss_kb = Rusage::self().maxrss_kb;
    return u;
  }

  bool cpu_is_this_process() const override { return true; }

 private:
  // Immutable after construction:
  ccb::workloads::RunFn fn_;
  ccb::workloads::Params params_;
  int procs_;
};

class InProcessBackend : public ImplBackend {
 public:
  explicit InProcessBackend(std::string impl) : impl_(std::move(impl)) {}
  std::string name() const override { return impl_; }
  void check_available() override {}
  bool supports(const ccb::workloads::Workload& w) override { return w.impls.count(impl_) != 0; }
  std::unique_ptr<ImplRunner> make_runner(const Point& p) override {
    return std::make_unique<InProcessRunner>(p.workload->impls.at(impl_), p.to_params(), p.procs);
  }

 private:
  std::string impl_;
};

}  // namespace

std::shared_ptr<ImplBackend> make_in_process_backend(const std::string& impl) {
  return std::make_shared<InProcessBackend>(impl);
}

}  // namespace ccb::harness
