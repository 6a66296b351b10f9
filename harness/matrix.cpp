// harness/matrix.cpp — see matrix.hpp.
#include "harness/matrix.hpp"

#include <algorithm>
#include <cstdint>
#include <map>
#include <memory>
#include <set>

#include "common/suggest.hpp"
#include "harness/errors.hpp"
#include "harness/list_syntax.hpp"
#include "harness/posix_regex.hpp"

namespace ccb::harness {

using ccb::workloads::ParamSpec;
using ccb::workloads::Workload;

namespace {

std::vector<std::string> workload_name_list() {
  std::vector<std::string> names;
  for (const auto& w : ccb::workloads::all_workloads()) names.push_back(w.name);
  return names;
}

std::string workload_names() {
  const std::vector<std::string> names = workload_name_list();
  return names.empty() ? "(none registered)" : join(names, ", ");
}

}  // namespace

std::vector<const Workload*> select_workloads(const std::vector<std::string>& names) {
  std::vector<const Workload*> out;
  if (names.empty()) {
    for (const auto& w : ccb::workloads::all_workloads()) out.push_back(&w);
    if (out.empty()) throw UsageError("no workloads are registered in this ccbench build");
    return out;
  }
  std::set<std::string> seen;
  for (const auto& n : names) {
    const Workload* w = ccb::workloads::find_workload(n);
    if (w == nullptr)
      throw UsageError("unknown workload '" + n + "'" + common::did_you_mean(n, workload_name_list()) +
                       "; valid workloads: " + workload_names());
    if (!seen.insert(n).second) throw UsageError("workload '" + n + "' is named twice");
    out.push_back(w);
  }
  return out;
}

namespace {

// parse_sets() splits every `NAME=LIST` and rejects malformed or repeated names.
std::map<std::string, std::string> parse_sets(const std::vector<std::string>& sets) {
  std::map<std::string, std::string> out;
  for (const auto& s : sets) {
    size_t eq = s.find('=');
    if (eq == std::string::npos || eq == 0)
      throw UsageError("--set '" + s + "': expected NAME=LIST, e.g. --set cap=0,128");
    std::string name = s.substr(0, eq);
    if (!out.emplace(name, s.substr(eq + 1)).second)
      throw UsageError("--set " + name + " is given twice; give one list, e.g. --set " + name + "=1,2");
  }
  return out;
}

std::string params_of(const std::vector<const Workload*>& ws) {
  std::vector<std::string> parts;
  for (const Workload* w : ws) {
    std::vector<std::string> names;
    for (const auto& p : w->params) names.push_back(p.name);
    parts.push_back(w->name + ": " + (names.empty() ? "(none)" : join(names, ", ")));
  }
  return join(parts, "; ");
}

// canonical_preset_values() returns the preset's sweep for `spec`, canonicalised like user input.
std::vector<std::string> canonical_preset_values(const Workload& w, const ParamSpec& spec,
                                                 Preset preset) {
  const auto& raw = preset == Preset::Full ? spec.full : spec.quick;
  const std::string what = "workload " + w.name + " preset value of " + spec.name;
  if (raw.empty()) throw std::logic_error(what + " is empty (registry bug)");
  try {
    return parse_param_values(spec, join(raw, ","), what);
  } catch (const UsageError& e) {
    throw std::logic_error(std::string(e.what()) + " (registry bug)");
  }
}

void cross_product(const Workload& w, const std::vector<std::vector<std::string>>& values,
                   const std::vector<int>& procs, std::vector<Point>& out) {
  std::vector<size_t> idx(values.size(), 0);
  for (;;) {
    for (int p : procs) {
      Point pt;
      pt.workload = &w;
      for (size_t i = 0; i < values.size(); ++i) pt.params.emplace_back(w.params[i].name, values[i][idx[i]]);
      pt.procs = p;
      pt.base_name = point_base_name(w.name, pt.params, p);
      out.push_back(std::move(pt));
    }
    // odometer: the last parameter varies fastest
    size_t k = values.size();
    while (k > 0) {
      --k;
      if (++idx[k] < values[k].size()) break;
      idx[k] = 0;
      if (k == 0) return;
    }
    if (values.empty()) return;
  }
}

// check_combination() asks the point's workload whether it can run these values together.
void check_combination(const Point& p) {
  if (!p.workload->check_params) return;
  const std::string problem = p.workload->check_params(p.to_params());
  if (!problem.empty()) throw UsageError("point " + p.base_name + ": " + problem);
}

// run_params() is what implementation `impl` runs at point p: threads' capped sizes, else p's.
ccb::workloads::Params run_params(const Point& p, const std::string& impl) {
  ccb::workloads::Params params = p.to_params();
  if (impl == "threads" && p.workload->threads_sizes) return p.workload->threads_sizes(params);
  return params;
}

}  // namespace

ccb::workloads::Params Point::to_params() const {
  std::map<std::string, std::string> m(params.begin(), params.end());
  return ccb::workloads::Params(std::move(m));
}

std::string Point::params_text() const {
  std::vector<std::string> parts;
  for (const auto& [k, v] : params) parts.push_back(k + "=" + v);
  return join(parts, " ");
}

std::optional<uint64_t> Point::declared_ops(const std::string& impl) const {
  if (workload == nullptr || !workload->ops) return std::nullopt;
  return workload->ops(run_params(*this, impl));
}

std::string Point::capped_sizes(const std::string& impl) const {
  std::string capped;
  const ccb::workloads::Params ran = run_params(*this, impl);
  for (const auto& [k, v] : ran.values()) {
    const auto given = std::find_if(params.begin(), params.end(), [&](const auto& kv) { return kv.first == k; });
    if (given != params.end() && given->second != v) capped += (capped.empty() ? "" : " ") + k + "=" + v;
  }
  return capped;
}

std::string Point::ops_problem(uint64_t reported, uint64_t declared, const std::string& who,
                               const std::string& impl) const {
  const std::string capped = capped_sizes(impl);
  return who + " reported " + std::to_string(reported) + " ops for one run of " + workload->name +
         (params.empty() ? "" : " " + params_text()) +
         (capped.empty() ? "" : " (" + impl + " runs it at " + capped + ", its capped sizes)") +
         "; that run does " + std::to_string(declared) + " (workloads/CONTRACT.md)";
}

std::string point_base_name(const std::string& workload,
                            const std::vector<std::pair<std::string, std::string>>& params,
                            int procs) {
  std::string name = workload;
  for (const auto& [k, v] : params) name += "/" + k + "=" + v;
  return name + "/procs:" + std::to_string(procs);
}

const char* preset_name(Preset p) { return p == Preset::Full ? "full" : "quick"; }

std::vector<Point> expand_matrix(const MatrixRequest& req) {
  const std::vector<const Workload*> workloads = select_workloads(req.workloads);
  const std::map<std::string, std::string> sets = parse_sets(req.sets);

  for (const auto& [name, list] : sets) {
    bool known = std::any_of(workloads.begin(), workloads.end(), [&](const Workload* w) {
      return std::any_of(w->params.begin(), w->params.end(), [&](const ParamSpec& p) { return p.name == name; });
    });
    if (!known) {
      std::vector<std::string> all_params;
      for (const Workload* w : workloads)
        for (const ParamSpec& p : w->params) all_params.push_back(p.name);
      throw UsageError("--set " + name + ": no selected workload has a parameter '" + name + "'" +
                       common::did_you_mean(name, all_params) + "; valid parameters: " + params_of(workloads));
    }
  }

  std::optional<std::vector<int>> procs_override;
  if (req.procs) {
    procs_override.emplace();
    for (int64_t v : parse_int_list(*req.procs, "--procs", kMinProcs, kMaxProcs))
      procs_override->push_back(static_cast<int>(v));
  }

  std::unique_ptr<PosixRegex> filter;
  if (req.filter) {
    try {
      filter = std::make_unique<PosixRegex>(*req.filter);
    } catch (const std::invalid_argument& e) {
      throw UsageError("--filter '" + *req.filter + "' is not a valid regular expression: " + e.what());
    }
  }

  std::vector<Point> all;
  for (const Workload* w : workloads) {
    std::vector<std::vector<std::string>> values;
    for (const ParamSpec& spec : w->params) {
      auto it = sets.find(spec.name);
      if (it == sets.end()) {
        values.push_back(canonical_preset_values(*w, spec, req.preset));
        continue;
      }
      try {
        values.push_back(parse_param_values(spec, it->second, "--set " + spec.name + " (" + w->name + ")"));
      } catch (const UsageError& e) {
        if (!req.filter) throw;
        // `run --set cap=128 --filter '^fanin'` was refused for pingpong's cap, with no hint why
        throw UsageError(std::string(e.what()) + " (--set applies to every selected workload with that parameter, " +
                         "before --filter picks points: name the workloads instead, e.g. `ccbench run WORKLOAD... " +
                         "--set " + spec.name + "=...`)");
      }
    }
    std::vector<int> procs = procs_override ? *procs_override
                             : req.preset == Preset::Full ? w->full_procs : w->quick_procs;
    std::size_t count = procs.size();
    bool huge = false;  // the count would overflow
    for (const auto& v : values) {
      huge = huge || (!v.empty() && count > SIZE_MAX / v.size());
      if (!huge) count *= v.size();
    }
    if (huge || all.size() + count > kMaxPoints)
      throw UsageError("the selection expands to more than " + std::to_string(kMaxPoints) +
                       " points (before --filter; " + w->name + " alone: " +
                       (huge ? "an overflowing number" : std::to_string(count)) + "); use shorter --set and --procs lists");
    cross_product(*w, values, procs, all);
  }

  std::vector<Point> kept;
  for (auto& p : all)
    if (!filter || filter->search(p.base_name)) kept.push_back(std::move(p));
  if (filter && kept.empty())
    throw UsageError("--filter '" + *req.filter + "' matches no point; points are named like " +
                     (all.empty() ? std::string("workload/param=value/procs:N") : all.front().base_name));
  for (const Point& p : kept) check_combination(p);
  return kept;
}

std::vector<std::string> parse_impls(const std::string& text) {
  static const std::vector<std::string> kAll = {"ccbench", "go", "threads"};
  if (text == "all") return kAll;
  std::vector<std::string> out;
  for (const auto& item : split(text, ',')) {
    if (item == "all")  // listed as valid below: say why it is refused here
      throw UsageError("--impl: 'all' stands alone (--impl all); it cannot be listed with other names");
    if (std::find(kAll.begin(), kAll.end(), item) == kAll.end())
      throw UsageError("--impl: unknown implementation '" + item + "'" +
                       common::did_you_mean(item, {"ccbench", "go", "threads", "all"}) +
                       "; valid: ccbench, go, threads, all");
    if (std::find(out.begin(), out.end(), item) != out.end())
      throw UsageError("--impl: '" + item + "' is listed twice");
    out.push_back(item);
  }
  return out;
}

}  // namespace ccb::harness
