// harness/list_command.cpp — see list_command.hpp.
#include "harness/list_command.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

#include "common/json_text.hpp"
#include "common/text_width.hpp"
#include "harness/errors.hpp"
#include "harness/impl_runner.hpp"
#include "harness/list_syntax.hpp"
#include "harness/matrix.hpp"

namespace ccb::harness {

namespace {

using ccb::workloads::ParamSpec;
using ccb::workloads::ParamType;
using ccb::workloads::Workload;
using ojson = nlohmann::ordered_json;

ojson value_json(const ParamSpec& spec, const std::string& v) {
  if (spec.type == ParamType::Int)
    if (auto n = parse_integer(v)) return *n;
  return v;
}

ojson values_json(const ParamSpec& spec, const std::vector<std::string>& vs) {
  ojson a = ojson::array();
  for (const auto& v : vs) a.push_back(value_json(spec, v));
  return a;
}

// impl_names() lists w's in-process implementations and "go" when `go` supports it, in the
// order of --impl all (ccbench, go, threads).
std::vector<std::string> impl_names(const Workload& w, ImplBackend* go) {
  std::vector<std::string> out;
  for (const auto& [name, fn] : w.impls) out.push_back(name);
  if (go != nullptr && go->supports(w))
    out.insert(std::find(out.begin(), out.end(), "ccbench") == out.end() ? out.begin() : out.begin() + 1, "go");
  return out;
}

// go_backend() is hooks.go if the Go implementation can run here (as `run --impl go` decides:
// check_available(), which builds it if needed, then asks it which workloads it has), else
// nullptr with the reason on `err`. A Go binary that hung when asked is not listed, since its
// points would not run either; one whose answer was unusable is listed for every workload, with
// a note, as `run` then tries every workload.
ImplBackend* go_backend(const Hooks& hooks, const std::vector<const Workload*>& shown, std::ostream& err) {
  if (!hooks.go) return nullptr;
  try {
    hooks.go->check_available();
  } catch (const ImplUnavailable& e) {
    err << "ccbench: note: go is not listed: " << e.what() << "\n";
    return nullptr;
  }
  if (shown.empty()) return hooks.go.get();
  (void)hooks.go->supports(*shown.front());
  if (auto problem = hooks.go->listing_problem()) {
    if (problem->hung) {
      err << "ccbench: note: go is not listed: the Go reference did not answer `list` (" << problem->what
          << "), so its points would not run either\n";
      return nullptr;
    }
    err << "ccbench: note: go is listed for every workload: the Go reference's `list` gave no usable answer ("
        << problem->what << ")\n";
  }
  return hooks.go.get();
}

std::string ints_text(const std::vector<int>& v) {
  std::vector<std::string> s;
  for (int x : v) s.push_back(std::to_string(x));
  return join(s, ",");
}

ojson workload_json(const Workload& w, ImplBackend* go) {
  ojson params = ojson::array();
  for (const auto& p : w.params) {
    ojson j;
    j["name"] = p.name;
    j["type"] = p.type == ParamType::Int ? "int" : "choice";
    j["default"] = p.quick.empty() ? ojson(nullptr) : value_json(p, p.quick.front());
    if (p.type == ParamType::Int) {
      j["min"] = p.min;
      j["max"] = p.max;
    } else {
      j["choices"] = p.choices;
    }
    j["quick"] = values_json(p, p.quick);
    j["full"] = values_json(p, p.full);
    j["help"] = p.help;
    params.push_back(j);
  }
  ojson j;
  j["name"] = w.name;
  j["description"] = w.description;
  j["unit"] = w.unit;
  j["impls"] = impl_names(w, go);
  j["params"] = params;
  j["procs"] = {{"quick", w.quick_procs}, {"full", w.full_procs}};
  return j;
}

void print_table(const Workload& w, ImplBackend* go, std::ostream& out) {
  out << w.name << " — " << w.description << "\n";
  out << "  unit: " << w.unit << "; impls: " << join(impl_names(w, go), ", ")
      << "; procs: quick " << ints_text(w.quick_procs) << ", full " << ints_text(w.full_procs) << "\n";
  if (w.params.empty()) {
    out << "  (no parameters)\n";
    return;
  }
  std::vector<std::vector<std::string>> rows = {{"param", "type", "default", "allowed", "quick", "full", "help"}};
  for (const auto& p : w.params)
    rows.push_back({p.name, p.type == ParamType::Int ? "int" : "choice",
                    p.quick.empty() ? "-" : p.quick.front(), allowed_values(p), join(p.quick, ","),
                    join(p.full, ","), p.help});
  out << common::render_columns(rows, {}, " ", "  ");
}

}  // namespace

int list_command(const ListOptions& options, const Io& io, const Hooks& hooks) {
  // Named workloads are checked before the Go backend, which may first build the Go reference.
  std::vector<const Workload*> shown;
  if (!options.workloads.empty())
    shown = select_workloads(options.workloads);
  else
    for (const auto& w : ccb::workloads::all_workloads()) shown.push_back(&w);
  ImplBackend* go = go_backend(hooks, shown, io.err);
  if (options.format == "json") {
    ojson doc;
    doc["workloads"] = ojson::array();
    for (const Workload* w : shown) doc["workloads"].push_back(workload_json(*w, go));
    io.out << common::json_text(doc);
    return 0;
  }
  if (shown.empty()) io.out << "(no workloads are registered in this build)\n";
  for (size_t i = 0; i < shown.size(); ++i) {
    if (i) io.out << "\n";
    print_table(*shown[i], go, io.out);
  }
  return 0;
}

}  // namespace ccb::harness
