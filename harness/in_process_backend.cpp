// harness/in_process_backend.cpp — the ImplBackend for implementations that run inside this
// process ("ccbench", "threads"): each repetition calls the workload's RunFn and brackets it with
// getrusage(RUSAGE_SELF) to count context switches. CPU time is measured by Google Benchmark
// (MeasureProcessCPUTime) around the same call, so this file does not measure it.
// Measurement controls (impl_runner.hpp): with a Pinner, the "ccbench" runner saves the main
// thread's affinity before each call and restores it after (the runtime's worker-start hook pins
// worker 0, which is this thread); "threads" is never pinned. With an InjectDelay (test hook), the
// "ccbench" runner spins ns_per_op x ops after the call and adds the spin's measured duration to
// elapsed_ns (warm-ups spin too, so they stay representative).
// With a HangWatch (`ccbench run`'s watchdog, hang_watch.hpp) every run, warm-ups and the injected
// spin included, is armed in it.
// Every run, warm-ups included, must report the workload's declared ops (Workload::ops; for
// "threads" at its capped sizes, Workload::threads_sizes), else the point fails.
#include <sys/resource.h>

#include <chrono>

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

// spin_ns() busy-waits about `ns` and returns the measured duration in ns.
double spin_ns(double ns) {
  using Clock = std::chrono::steady_clock;
  const auto start = Clock::now();
  const auto until = start + std::chrono::nanoseconds(static_cast<int64_t>(ns));
  auto now = start;
  while (now < until) now = Clock::now();
  return static_cast<double>(std::chrono::duration_cast<std::chrono::nanoseconds>(now - start).count());
}

class InProcessRunner : public ImplRunner {
 public:
  InProcessRunner(std::string impl, ccb::workloads::RunFn fn, const Point& point, bool restore_affinity,
                  InjectDelay inject, std::shared_ptr<HangWatch> hang_watch, const std::atomic<int>* stop)
      : impl_(std::move(impl)),
        fn_(std::move(fn)),
        point_(point),
        params_(point.to_params()),
        declared_ops_(point.declared_ops(impl_)),
        restore_affinity_(restore_affinity),
        inject_(inject),
        hang_watch_(std::move(hang_watch)),
        stop_(stop),
        run_name_(point.name(impl_)) {}

  // A stop asked during the warm-ups ends them: the runner then stops (check_stop after start()),
  // and the rest would only be dropped with the window (before, `--warmup 20` ran them all).
  void start(int warmup) override {
    for (int i = 0; i < warmup; ++i) {
      if (stop_ != nullptr && stop_->load(std::memory_order_acquire) != 0) return;
      (void)call();
    }
  }

  RepOutcome run_rep() override {
    const Rusage before = Rusage::self();
    RepOutcome out;
    out.result = call();
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
  ccb::workloads::RunResult call() {
    ccb::workloads::RunResult r;
    const HangWatch::Armed watched(hang_watch_.get(), run_name_);
    if (restore_affinity_) {
      ScopedAffinity restore;
      r = fn_(params_, point_.procs);
    } else {
      r = fn_(params_, point_.procs);
    }
    if (declared_ops_ && r.ops != *declared_ops_)
      throw ccb::workloads::WorkloadFailed(point_.ops_problem(r.ops, *declared_ops_, "the workload", impl_));
    const double spin = inject_.ns_per_op * static_cast<double>(r.ops) + inject_.slowdown * r.elapsed_ns;
    if (spin > 0) r.elapsed_ns += spin_ns(spin);
    return r;
  }

  // Immutable after construction:
  std::string impl_;
  ccb::workloads::RunFn fn_;
  Point point_;
  ccb::workloads::Params params_;
  // what every run's ops must be (Workload::ops, at threads' capped sizes for "threads")
  std::optional<uint64_t> declared_ops_;
  bool restore_affinity_;
  InjectDelay inject_;  // all zero unless the test hook is active for this point
  std::shared_ptr<HangWatch> hang_watch_;  // null: not watched
  const std::atomic<int>* stop_;           // MeasureControls::stop
  std::string run_name_;                   // the entry's name, for the watchdog's message
};

class InProcessBackend : public ImplBackend {
 public:
  explicit InProcessBackend(std::string impl) : impl_(std::move(impl)) {}
  std::string name() const override { return impl_; }
  void check_available() override {}
  bool supports(const ccb::workloads::Workload& w) override { return w.impls.count(impl_) != 0; }
  std::unique_ptr<ImplRunner> make_runner(const Point& p) override {
    const bool ccbench = impl_ == "ccbench";
    InjectDelay inject;
    if (ccbench && controls_.inject && (!controls_.inject->workload || *controls_.inject->workload == p.workload->name))
      inject = *controls_.inject;
    return std::make_unique<InProcessRunner>(impl_, p.workload->impls.at(impl_), p,
                                             ccbench && controls_.pinner != nullptr, inject, controls_.hang_watch,
                                             controls_.stop);
  }
  void set_controls(const MeasureControls& controls) override { controls_ = controls; }

 private:
  std::string impl_;
  MeasureControls controls_;
};

}  // namespace

std::shared_ptr<ImplBackend> make_in_process_backend(const std::string& impl) {
  return std::make_shared<InProcessBackend>(impl);
}

}  // namespace ccb::harness
