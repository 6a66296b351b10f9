// workloads/registry.cpp — storage for the workload registry (see registry.hpp).
#include "registry.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace ccb::workloads {

namespace {
std::vector<Workload>& storage() {
  static std::vector<Workload> v;  // filled during static init, read-only afterwards
  return v;
}
}  // namespace

int64_t Params::get_int(const std::string& name) const { return std::stoll(values_.at(name)); }

const std::string& Params::get(const std::string& name) const { return values_.at(name); }

Params Params::with(const std::string& name, int64_t value) const {
  Params copy = *this;
  copy.values_[name] = std::to_string(value);
  return copy;
}

std::string threads_limit_text(const std::string& workload, int64_t needed) {
  return workload + " (threads): needs " + std::to_string(needed) + " OS threads, more than the " +
         std::to_string(kMaxThreads) + " this implementation attempts (one thread per task)";
}

std::string known_not_applicable(const Workload& w, const std::string& impl, const Params& params) {
  if (impl != "threads" || !w.threads_needed) return "";
  const int64_t needed = w.threads_needed(params);
  return needed > kMaxThreads ? threads_limit_text(w.name, needed) : "";
}

bool register_workload(Workload w) {
  auto& v = storage();
  if (find_workload(w.name) != nullptr || w.impls.count("ccbench") == 0) {
    std::fprintf(stderr, "ccbench: workload '%s' registered twice or without a ccbench impl\n",
                 w.name.c_str());
    std::abort();
  }
  v.push_back(std::move(w));
  std::sort(v.begin(), v.end(), [](const Workload& a, const Workload& b) { return a.name < b.name; });
  return true;
}

const std::vector<Workload>& all_workloads() { return storage(); }

const Workload* find_workload(const std::string& name) {
  for (const auto& w : storage())
    if (w.name == name) return &w;
  return nullptr;
}

}  // namespace ccb::workloads
