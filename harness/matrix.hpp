// harness/matrix.hpp — expansion of `ccbench run`'s selection into benchmark points.
//
// A Point is one (workload, parameter values, procs); it runs once per implementation. Its name is
// `workload/param=value/…/procs:N` and, per implementation, `…/procs:N/impl:I` (CONTRACT.md).
// Guarantees of expand_matrix():
//  - workloads come in the order named on the command line (all registered workloads, sorted by
//    name, when none is named); within a workload the cross product runs with the first declared
//    parameter outermost, the last innermost, then procs innermost of all;
//  - parameters appear in the workload's declared order, values in canonical form (list_syntax),
//    so names are stable and unique within the result;
//  - a parameter without --set takes the preset's sweep (ParamSpec::quick / ::full); procs without
//    --procs take the workload's quick_procs / full_procs;
//  - every bad input throws UsageError naming the valid choices: unknown workload, a workload named
//    twice, --set of a parameter no selected workload has, a value outside a workload's ParamSpec,
//    --set of one parameter twice, procs outside 1..1024, more than kMaxPoints points, a bad --filter,
//    an empty result, and a
//    selected point whose combination of values its workload rejects (Workload::check_params).
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "workloads/registry.hpp"

namespace ccb::harness {

enum class Preset { Quick, Full };

inline constexpr int kMinProcs = 1;
inline constexpr int kMaxProcs = 1024;
// The cross product is refused beyond this many points (before --filter; the full preset has 128):
// a mistyped sweep such as `--set n=1,…,300 --set cap=0,…,299 --procs 1..1024` would otherwise
// exhaust memory while expanding.
inline constexpr std::size_t kMaxPoints = 100000;

// select_workloads() returns the workloads named, in that order, or every registered workload
// when `names` is empty; an unknown name (the message lists the valid ones), a name given twice,
// or no workload registered at all throws UsageError.
std::vector<const ccb::workloads::Workload*> select_workloads(const std::vector<std::string>& names);

struct MatrixRequest {
  std::vector<std::string> workloads;  // names as typed; empty = all registered
  std::vector<std::string> sets;       // raw `--set NAME=LIST` arguments, in command-line order
  std::optional<std::string> procs;    // raw `--procs LIST`
  Preset preset = Preset::Quick;
  std::optional<std::string> filter;   // POSIX ERE searched in each point's name (no impl)
};

struct Point {
  const ccb::workloads::Workload* workload = nullptr;
  std::vector<std::pair<std::string, std::string>> params;  // declared order, canonical values
  int procs = 1;
  std::string base_name;  // workload/param=value/…/procs:N

  // name() returns the point's name for implementation `impl` (base_name + "/impl:" + impl).
  std::string name(const std::string& impl) const { return base_name + "/impl:" + impl; }
  // to_params() returns the values in the form a RunFn takes.
  ccb::workloads::Params to_params() const;
  // params_text() returns "param=value param=value" for tables.
  std::string params_text() const;
  // declared_ops() is the count one run of implementation `impl` does at this point
  // (Workload::ops; for "threads" at its capped sizes, Workload::threads_sizes), or nothing when
  // the workload declares none. Runners compute it once and compare each run's ops with it.
  std::optional<uint64_t> declared_ops(const std::string& impl) const;
  // capped_sizes() lists the parameters implementation `impl` runs at other values than this
  // point's ("k=20000": threads' capped sizes, Workload::threads_sizes), or "" when none.
  std::string capped_sizes(const std::string& impl) const;
  // ops_problem() says that `who` (running `impl`) reported `reported` ops for one run where
  // `declared` were due, naming the capped sizes when "threads" runs smaller ones.
  std::string ops_problem(uint64_t reported, uint64_t declared, const std::string& who,
                          const std::string& impl) const;
};

// point_base_name() builds `workload/param=value/…/procs:N`.
std::string point_base_name(const std::string& workload,
                            const std::vector<std::pair<std::string, std::string>>& params,
                            int procs);

// expand_matrix() returns the points selected by `req`. Throws UsageError.
std::vector<Point> expand_matrix(const MatrixRequest& req);

// parse_impls() parses `--impl LIST` (ccbench, go, threads, or all = ccbench,go,threads) in the
// order written. Throws UsageError for an unknown or repeated name.
std::vector<std::string> parse_impls(const std::string& text);

// preset_name() returns "quick" or "full".
const char* preset_name(Preset p);

}  // namespace ccb::harness
