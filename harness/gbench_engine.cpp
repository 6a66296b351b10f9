// harness/gbench_engine.cpp — see gbench_engine.hpp.
#include "harness/gbench_engine.hpp"

#include <benchmark/benchmark.h>

#include <mutex>
#include <new>
#include <sstream>
#include <stdexcept>
#include <system_error>

#include "harness/errors.hpp"

namespace ccb::harness {

namespace {

constexpr const char* kFailedTag = "failed: ";
constexpr const char* kNotApplicableTag = "not_applicable: ";
constexpr const char* kExtraPrefix = "extra:";

// init_gbench_flags() pins every GB flag that could change what a run does, overriding any
// BENCHMARK_* environment variable (GB reads those as flag defaults).
void init_gbench_flags() {
  static std::once_flag once;
  std::call_once(once, [] {
    std::vector<std::string> args = {
        "ccbench", "--benchmark_out=", "--benchmark_list_tests=false",
        "--benchmark_repetitions=1", "--benchmark_min_warmup_time=0",
        "--benchmark_enable_random_interleaving=false", "--benchmark_perf_counters=",
        "--benchmark_display_aggregates_only=false", "--benchmark_report_aggregates_only=false",
        "--v=0"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    int argc = static_cast<int>(argv.size());
    argv.push_back(nullptr);
    benchmark::Initialize(&argc, argv.data());
  });
}

class CollectingReporter : public benchmark::BenchmarkReporter {
 public:
  bool ReportContext(const Context&) override { return true; }
  void ReportRuns(const std::vector<Run>& runs) override {
    for (const Run& r : runs)
      if (r.run_type == Run::RT_Iteration) runs_.push_back(r);
  }
  std::vector<Run>& runs() { return runs_; }

 private:
  std::vector<Run> runs_;
};

bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

RepRecord to_record(const benchmark::BenchmarkReporter::Run& run) {
  RepRecord rec;
  if (run.error_occurred) {
    if (starts_with(run.error_message, kNotApplicableTag)) {
      rec.status = RepRecord::Status::NotApplicable;
      rec.error = run.error_message.substr(std::string(kNotApplicableTag).size());
    } else {
      rec.status = RepRecord::Status::Failed;
      rec.error = starts_with(run.error_message, kFailedTag)
                      ? run.error_message.substr(std::string(kFailedTag).size())
                      : run.error_message;
    }
    return rec;
  }
  rec.elapsed_ns = run.real_accumulated_time * 1e9;
  rec.cpu_ns = run.cpu_accumulated_time * 1e9;
  for (const auto& [name, counter] : run.counters) {
    if (name == "ops") rec.ops = counter.value;
    else if (name == "ctx_voluntary") rec.ctx_voluntary = static_cast<long>(counter.value);
    else if (name == "ctx_involuntary") rec.ctx_involuntary = static_cast<long>(counter.value);
    else if (starts_with(name, kExtraPrefix)) rec.extra[name.substr(std::string(kExtraPrefix).size())] = counter.value;
  }
  if (!(rec.ops >= 1)) {
    rec.status = RepRecord::Status::Failed;
    rec.error = "workload reported ops = 0 (the contract requires ops > 0)";
  } else if (!(rec.elapsed_ns > 0)) {
    rec.status = RepRecord::Status::Failed;
    rec.error = "workload reported a non-positive elapsed time";
  }
  return rec;
}

// benchmark_body() is the GB benchmark function of one (point, implementation).
void benchmark_body(benchmark::State& st, ImplRunner* runner, std::exception_ptr* pending,
                    std::optional<ccb::workloads::LatencyHistogram>* latency) {
  for (auto _ : st) {
    try {
      RepOutcome r = runner->run_rep();
      *latency = std::move(r.result.latency);
      st.SetIterationTime(r.result.elapsed_ns * 1e-9);
      st.counters["ops"] = static_cast<double>(r.result.ops);
      st.counters["ctx_voluntary"] = static_cast<double>(r.ctx_voluntary);
      st.counters["ctx_involuntary"] = static_cast<double>(r.ctx_involuntary);
      for (const auto& [k, v] : r.result.extra) st.counters[kExtraPrefix + k] = v;
    } catch (const ccb::workloads::WorkloadFailed& e) {
      st.SkipWithError((kFailedTag + std::string(e.what())).c_str());
      break;
    } catch (const ccb::workloads::NotApplicable& e) {
      st.SkipWithError((kNotApplicableTag + std::string(e.what())).c_str());
      break;
    } catch (const std::bad_alloc&) {
      st.SkipWithError((kFailedTag + out_of_memory_text()).c_str());
      break;
    } catch (const std::system_error& e) {
      st.SkipWithError((kFailedTag + os_refused_text(e.what())).c_str());
      break;
    } catch (...) {
      *pending = std::current_exception();
      st.SkipWithError("internal error (rethrown by the harness)");
      break;
    }
  }
}

}  // namespace

std::string gbench_filter_for(const std::string& name) {
  // GB 1.7.1 compiles filters as std::regex POSIX extended; libstdc++ rejects \] and \} there,
  // and an unmatched ']' or '}' is already literal, so those two are not escaped.
  std::string re = "^";
  for (char c : name) {
    if (std::string_view(".[()*+?{|^$\\").find(c) != std::string_view::npos) re += '\\';
    re += c;
  }
  return re + "/iterations:";
}

GbenchEngine::GbenchEngine()
    : pending_(std::make_shared<std::exception_ptr>()),
      latency_(std::make_shared<std::optional<ccb::workloads::LatencyHistogram>>()) {
  init_gbench_flags();
}

GbenchEngine::~GbenchEngine() { clear(); }

void GbenchEngine::begin_point(const Point& p,
                               const std::vector<std::pair<std::string, ImplRunner*>>& runners) {
  clear();
  for (const auto& [impl, runner] : runners) add(impl, p.name(impl), runner);
}

void GbenchEngine::add(const std::string& key, const std::string& name, ImplRunner* runner) {
  std::exception_ptr* pending = pending_.get();
  std::optional<ccb::workloads::LatencyHistogram>* latency = latency_.get();
  benchmark::RegisterBenchmark(name.c_str(),
                               [runner, pending, latency](benchmark::State& st) {
                                 benchmark_body(st, runner, pending, latency);
                               })
      ->UseManualTime()
      ->Iterations(1)
      ->Repetitions(1)
      ->MeasureProcessCPUTime()
      ->Unit(benchmark::kNanosecond);
  filters_[key] = gbench_filter_for(name);
}

RepRecord GbenchEngine::run_rep(const std::string& key) {
  auto it = filters_.find(key);
  if (it == filters_.end()) throw std::logic_error("gbench engine: " + key + " is not registered");
  latency_->reset();
  CollectingReporter reporter;
  std::ostringstream gb_messages;
  reporter.SetOutputStream(&gb_messages);
  reporter.SetErrorStream(&gb_messages);
  *pending_ = nullptr;
  const size_t matched = benchmark::RunSpecifiedBenchmarks(&reporter, it->second);
  if (*pending_) {
    std::exception_ptr e = *pending_;
    *pending_ = nullptr;
    std::rethrow_exception(e);
  }
  if (matched != 1 || reporter.runs().size() != 1)
    throw std::logic_error("gbench engine: filter '" + it->second + "' ran " + std::to_string(matched) +
                           " benchmarks (expected 1): " + gb_messages.str());
  RepRecord rec = to_record(reporter.runs().front());
  if (rec.status == RepRecord::Status::Ok) rec.latency = std::move(*latency_);
  latency_->reset();
  return rec;
}

void GbenchEngine::clear() {
  if (!filters_.empty()) benchmark::ClearRegisteredBenchmarks();
  filters_.clear();
}

}  // namespace ccb::harness
