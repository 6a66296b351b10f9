// harness/go_backend.cpp — see go_backend.hpp.
#include "harness/go_backend.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <utility>

#include "harness/errors.hpp"
#include "harness/go_impl.hpp"
#include "harness/list_syntax.hpp"

namespace ccb::harness {

namespace {

using ccb::workloads::WorkloadFailed;

// Hung: set once a child of this run timed out; later points then fail at once instead of waiting
// out the timeout again (a binary that hangs once hangs at every point).
struct Hung {
  std::string what;  // the timeout's message; "" while no child has timed out
};

// timeout_from_env() is CCB_GO_TIMEOUT (seconds, 1 to 86400), else GoPoint's default (600 s).
std::chrono::milliseconds timeout_from_env() {
  const char* v = std::getenv("CCB_GO_TIMEOUT");
  if (v == nullptr || *v == '\0') return GoPoint::kDefaultLineTimeout;
  const double s = parse_seconds(v, "CCB_GO_TIMEOUT", 86400, 1);
  return std::chrono::milliseconds(static_cast<long long>(s * 1000));
}

class GoRunner : public ImplRunner {
 public:
  GoRunner(std::string binary, const Point& p, std::shared_ptr<Pinner> pinner,
           std::chrono::milliseconds timeout, std::shared_ptr<Hung> hung, const std::atomic<int>* stop)
      : binary_(std::move(binary)),
        point_(p),
        declared_ops_(p.declared_ops("go")),
        pinner_(std::move(pinner)),
        timeout_(timeout),
        hung_(std::move(hung)),
        stop_(stop) {}

  void start(int warmup) override {
    warmup_ = warmup;
    check_not_hung();
    try {
      // The child inherits this thread's affinity at spawn; the guard restores it afterwards. A
      // refused pin counts in the run's pin failures (context.pin.failures, the pin_failed
      // warning), as a refused worker pin does (session 49's measurement review: it went unsaid).
      std::optional<std::vector<int>> cpus;
      if (pinner_) cpus = pinner_->cpus_for_procs(point_.procs);
      ScopedAffinity affinity(cpus);
      if (affinity.error() != 0) pinner_->count_failure();
      child_.emplace(binary_, point_.workload->name, point_.params, point_.procs, warmup, timeout_, stop_);
    } catch (const GoProtocolError& e) {
      protocol_failure(e);
    } catch (const GoUnavailable& e) {
      throw WorkloadFailed(std::string("go unavailable: ") + e.what());
    }
  }

  void begin_repetition() override { collect_first_ = true; }

  RepOutcome run_rep() override {
    RepOutcome out;
    check_not_hung();
    try {
      out.result = child_->run_rep(std::exchange(collect_first_, false));
    } catch (const GoProtocolError& e) {
      protocol_failure(e);
    }
    if (declared_ops_ && out.result.ops != *declared_ops_)
      throw WorkloadFailed("go protocol error: " + point_.ops_problem(out.result.ops, *declared_ops_, "ccbench-go", "go"));
    ops_ += static_cast<double>(out.result.ops);
    ++reps_;
    return out;
  }

  PointUsage finish() override {
    PointUsage u;
    if (!child_) return u;
    std::optional<double> cpu_ns;
    try {
      if (std::optional<ChildUsage> c = child_->finish()) {
        u.ctx_voluntary = c->voluntary_ctx;
        u.ctx_involuntary = c->involuntary_ctx;
        u.max_rss_kb = c->max_rss_kb;
        cpu_ns = c->cpu_ns;
      } else {
        // not waited for (ECHILD): null, never wait4's zeros (session 51's Go review)
        u.usage_unknown = true;
        u.notes.push_back("go child usage unavailable: the child could not be waited for (is SIGCHLD ignored?): "
                          "cpu_time, max_rss_kb and context switches are null");
      }
    } catch (const GoStopped& e) {
      // A signal came after the point's last repetition, and the child did not quit within the
      // grace: its samples stand (the run is interrupted and writes them), its usage is unknown.
      u.usage_unknown = true;
      u.notes.push_back(std::string("go child usage unavailable: ") + e.what());
    } catch (const GoProtocolError& e) {
      // Regression (session 51's Go review): this was only a note, "go child usage unavailable",
      // on an ok point. finish() throws when the child exited non-zero on `quit` or printed
      // something after it: a child that answered every command with two samples (always one
      // answer behind) or that exits 3 on quit is not a good measurement. The point fails.
      if (dynamic_cast<const GoTimeout*>(&e) != nullptr) hung_->what = e.what();
      u.failure = std::string("go protocol error: ") + e.what();
    } catch (const std::exception& e) {  // not the child's doing (e.g. out of memory here)
      u.usage_unknown = true;
      u.notes.push_back(std::string("go child usage unavailable: ") + e.what());
    }
    child_.reset();
    if (reps_ > 0 && cpu_ns) {
      // this child's own rusage (wait4: it includes the child's reaped children, e.g. spawn
      // capacity=1's capacity process; SCHEMA.md says so): RUSAGE_CHILDREN before/after also
      // counted every other child reaped meanwhile (a shuffle window starts all its points'
      // children before reaping any)
      u.cpu_ns_total = *cpu_ns;
      u.cpu_ops_total = ops_ / reps_ * (reps_ + warmup_);
      u.notes.push_back("cpu_time is the Go child's CPU time over its whole life (start-up and " +
                        std::to_string(warmup_) + " warm-up runs included) divided by its ops, "
                        "not a per-repetition median");
    }
    return u;
  }

  bool cpu_is_this_process() const override { return false; }

 private:
  // protocol_failure() fails the point; a timeout also fails every later Go point of the run.
  [[noreturn]] void protocol_failure(const GoProtocolError& e) {
    if (dynamic_cast<const GoTimeout*>(&e) != nullptr) hung_->what = e.what();
    throw WorkloadFailed(std::string("go protocol error: ") + e.what());
  }

  void check_not_hung() const {
    if (!hung_->what.empty())
      throw WorkloadFailed("not run: an earlier ccbench-go child hung (" + hung_->what +
                           "); raise CCB_GO_TIMEOUT if it was only slow");
  }

  std::string binary_;
  Point point_;
  std::optional<uint64_t> declared_ops_;  // what every sample's ops must be (Workload::ops)
  std::shared_ptr<Pinner> pinner_;  // the child's CPUs when pinning (null: inherited as is)
  std::chrono::milliseconds timeout_;
  std::shared_ptr<Hung> hung_;
  const std::atomic<int>* stop_;  // MeasureControls::stop
  std::optional<GoPoint> child_;
  int warmup_ = 0;
  double ops_ = 0;
  int reps_ = 0;
  bool collect_first_ = true;  // the next run starts a repetition: Go collects first ("rep")
};

class GoBackend : public ImplBackend {
 public:
  std::string name() const override { return "go"; }

  void check_available() override {
    if (binary_) return;
    // A bad CCB_GO_TIMEOUT, or a CCB_GO_BINARY that names no executable file (go_binary() checks
    // it), is the user's own setting gone wrong: bad input (exit 2) even under --impl all.
    try {
      timeout_ = timeout_from_env();
    } catch (const UsageError& e) {
      throw ImplMisconfigured(e.what());
    }
    try {
      binary_ = go_binary();
    } catch (const GoUnavailable& e) {
      if (const char* p = std::getenv("CCB_GO_BINARY"); p != nullptr && *p != '\0') throw ImplMisconfigured(e.what());
      throw ImplUnavailable(e.what());
    }
  }

  bool supports(const ccb::workloads::Workload& w) override {
    if (!listed_) listed_ = list_workloads();
    return listed_->empty() || listed_->count(w.name) != 0;
  }

  std::optional<ListingProblem> listing_problem() const override { return list_problem_; }

  std::unique_ptr<ImplRunner> make_runner(const Point& p) override {
    check_available();
    return std::make_unique<GoRunner>(*binary_, p, controls_.pinner, timeout_, hung_, controls_.stop);
  }
  void set_controls(const MeasureControls& controls) override { controls_ = controls; }

  // version(): the Go that built ccbench-go, as its `list` says (exact even for a CCB_GO_BINARY
  // built elsewhere); `go version` of the installed Go when the list did not say (an older
  // ccbench-go, or a list that failed).
  std::optional<std::string> version() override { return built_by_ ? built_by_ : go_version(); }
  std::optional<std::string> program() const override { return binary_; }

 private:
  // list_workloads() asks `ccbench-go list` (go_list); an empty set means "unknown": every
  // workload is tried, and one the child lacks fails its points with the child's message.
  std::set<std::string> list_workloads() {
    std::set<std::string> names;
    check_available();
    try {
      // the document is a named local: a range-for over parse(…).at("workloads") iterated a
      // member of a destroyed temporary, and the names came out empty ("unknown": all tried)
      // `list` answers at once: it gets the smaller of CCB_GO_TIMEOUT and 60 s, and a child that
      // hangs there marks the binary hung, as a point's would (it waited 60 s, whatever
      // CCB_GO_TIMEOUT said, and every point then waited out its own timeout again).
      const nlohmann::json doc = nlohmann::json::parse(go_list(*binary_, std::min(timeout_, kListLimit)));
      for (const auto& w : doc.at("workloads")) names.insert(w.at("name").get<std::string>());
      if (const auto it = doc.find("go_version");
          it != doc.end() && it->is_string() && !it->get<std::string>().empty() && it->get<std::string>().size() <= 200)
        built_by_ = it->get<std::string>();
    } catch (const GoTimeout& e) {
      hung_->what = e.what();
      list_problem_ = ListingProblem{e.what(), true};
      names.clear();
    } catch (const std::exception& e) {
      list_problem_ = ListingProblem{e.what(), false};
      names.clear();
    }
    return names;
  }

  static constexpr std::chrono::milliseconds kListLimit = std::chrono::seconds(60);
  std::optional<std::string> binary_;
  std::chrono::milliseconds timeout_ = GoPoint::kDefaultLineTimeout;
  std::shared_ptr<Hung> hung_ = std::make_shared<Hung>();
  std::optional<std::set<std::string>> listed_;
  std::optional<ListingProblem> list_problem_;  // set by list_workloads() when `list` failed
  std::optional<std::string> built_by_;         // the list's go_version (at most 200 bytes)
  MeasureControls controls_;
};

}  // namespace

std::shared_ptr<ImplBackend> make_go_backend() { return std::make_shared<GoBackend>(); }

}  // namespace ccb::harness
