// reports/gate_quality.cpp — see gate_quality.hpp.
#include "reports/gate_quality.hpp"

#include <sys/wait.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <stdexcept>

#include "reports/format_util.hpp"
#include "reports/json_path_parser.hpp"
#include "reports/results_loader.hpp"

namespace ccb::reports {

namespace {

std::string base_name(const std::string& name) {
  const auto pos = name.rfind("/impl:");
  return pos == std::string::npos ? name : name.substr(0, pos);
}

}  // namespace

std::vector<std::string> append_samples(Results& into, const Results& more, const std::vector<std::string>& names) {
  std::vector<std::string> warnings;
  for (const std::string& name : names) {
    auto src = std::find_if(more.benchmarks.begin(), more.benchmarks.end(), [&](const Point& p) { return p.name == name; });
    auto dst = std::find_if(into.benchmarks.begin(), into.benchmarks.end(), [&](const Point& p) { return p.name == name; });
    if (dst == into.benchmarks.end()) continue;
    if (src == more.benchmarks.end()) {
      warnings.push_back(more.file + ": re-measurement did not produce " + name);
      continue;
    }
    if (!src->ok()) {
      warnings.push_back(more.file + ": re-measurement of " + name + " has status " + src->status + ": " + src->error);
      continue;
    }
    dst->samples_ns.insert(dst->samples_ns.end(), src->samples_ns.begin(), src->samples_ns.end());
    dst->repetitions = static_cast<std::int64_t>(dst->samples_ns.size());
  }
  return warnings;
}

Comparison confirm_regressions(const Results& base, const Results& next, const CompareOptions& options, int rounds,
                               const Remeasure& remeasure) {
  Comparison first = compare_results(base, next, options);
  std::vector<std::string> flagged;
  for (const PointComparison& p : first.points)
    if (p.verdict == Verdict::Regressed) flagged.push_back(p.name);
  if (flagged.empty() || rounds <= 0) return first;
  Results b = base, n = next;
  std::vector<std::string> warnings;
  for (int round = 1; round <= rounds; ++round) {
    for (bool base_side : {true, false}) {
      Results more = remeasure(base_side, flagged, round);
      auto w = append_samples(base_side ? b : n, more, flagged);
      warnings.insert(warnings.end(), w.begin(), w.end());
    }
  }
  Comparison confirmed = compare_results(b, n, options);
  confirmed.base_file = base.file;
  confirmed.new_file = next.file;
  confirmed.confirm_rounds = rounds;
  for (PointComparison& p : confirmed.points) {
    if (std::find(flagged.begin(), flagged.end(), p.name) != flagged.end()) p.first_verdict = Verdict::Regressed;
  }
  confirmed.warnings.insert(confirmed.warnings.end(), warnings.begin(), warnings.end());
  const std::size_t still = confirmed.count(Verdict::Regressed);
  confirmed.warnings.push_back(std::to_string(flagged.size()) + " point(s) flagged regressed were re-measured " +
                               std::to_string(rounds) + " more round(s), base and new interleaved; " +
                               std::to_string(still) + " regressed after confirmation");
  return confirmed;
}

NoiseFloor calibrate(const std::vector<std::pair<Results, Results>>& pairs) {
  NoiseFloor nf;
  nf.pairs = static_cast<int>(pairs.size());
  for (const auto& [a, b] : pairs) {
    const Comparison c = compare_results(a, b, CompareOptions{});
    nf.regressed_with_defaults.push_back(c.count(Verdict::Regressed));
    for (const PointComparison& p : c.points) {
      if (!p.ratio) continue;
      auto& [floor, seen] = nf.points[p.name];
      floor = std::max(floor, std::fabs(*p.ratio - 1));
      ++seen;
    }
  }
  double largest = 0;
  for (const auto& [name, v] : nf.points) largest = std::max(largest, v.first);
  nf.suggested_threshold = std::max(0.01, std::ceil(largest * 100 - 1e-9) / 100);
  return nf;
}

std::string noise_floor_json(const NoiseFloor& nf) {
  nlohmann::ordered_json j;
  j["tool"] = "ccbench calibrate";
  j["pairs"] = nf.pairs;
  j["suggested_threshold"] = nf.suggested_threshold;
  j["regressed_with_defaults"] = nf.regressed_with_defaults;
  j["points"] = nlohmann::ordered_json::object();
  for (const auto& [name, v] : nf.points) j["points"][name] = {{"noise_floor", v.first}, {"pairs", v.second}};
  return j.dump(2) + "\n";
}

std::string noise_floor_table(const NoiseFloor& nf) {
  std::size_t w = 5;
  for (const auto& [name, v] : nf.points) w = std::max(w, name.size());
  std::string out = "A/A calibration: " + std::to_string(nf.pairs) + " pair(s) of runs of the same build\n";
  out += "point" + std::string(w - 5 + 2, ' ') + "noise floor (largest |change| of the median)\n";
  for (const auto& [name, v] : nf.points)
    out += name + std::string(w - name.size() + 2, ' ') + fmt::pct(v.first) + "\n";
  std::size_t total = 0;
  for (std::size_t r : nf.regressed_with_defaults) total += r;
  out += "regressed verdicts with the default options: " + std::to_string(total) + " over " +
         std::to_string(nf.pairs) + " A/A compare(s)\n";
  out += "suggested --threshold: " + fmt::pct(nf.suggested_threshold) +
         " (the largest noise floor, rounded up); or pass this file to compare --noise-floor\n";
  return out;
}

std::map<std::string, double> load_noise_floor(const std::string& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw InputError(file, "<file>", "cannot open file for reading");
  std::ostringstream buf;
  buf << in.rdbuf();
  const nlohmann::ordered_json j = parse_json_strict(buf.str(), file);
  if (!j.is_object() || j.value("tool", "") != "ccbench calibrate")
    throw InputError(file, "tool", "not a noise-floor file (expected \"tool\": \"ccbench calibrate\")");
  auto it = j.find("points");
  if (it == j.end() || !it->is_object()) throw InputError(file, "points", "expected an object");
  std::map<std::string, double> out;
  for (const auto& [name, v] : it->items()) {
    const std::string path = "points." + name + ".noise_floor";
    if (!v.is_object() || !v.contains("noise_floor") || !v["noise_floor"].is_number())
      throw InputError(file, path, "expected a number");
    const double x = v["noise_floor"].get<double>();
    if (!(x >= 0) || !std::isfinite(x)) throw InputError(file, path, "expected a finite number >= 0");
    out[name] = x;
  }
  return out;
}

std::string point_filter(const std::vector<std::string>& names) {
  std::set<std::string> bases;
  for (const std::string& n : names) bases.insert(base_name(n));
  std::string re = "^(";
  bool first = true;
  for (const std::string& b : bases) {
    if (!first) re += "|";
    first = false;
    for (char c : b) {
      if (std::string_view(".[]()*+?{}|^$\\").find(c) != std::string_view::npos) re += '\\';
      re += c;
    }
  }
  return re + ")$";
}

std::string shell_quote(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

Results run_and_load(const std::string& command, const std::string& filter, const std::string& out_file) {
  std::string cmd = command;
  if (!filter.empty()) cmd += " --filter " + shell_quote(filter);
  cmd += " --out " + shell_quote(out_file) + " --quiet";
  std::error_code ec;
  std::filesystem::remove(out_file, ec);
  const int status = std::system(cmd.c_str());
  const int code = status == -1 ? -1 : WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  if (code != 0 && !(code == 1 && std::filesystem::exists(out_file, ec)))
    throw std::runtime_error("command failed (exit " + std::to_string(code) + "): " + cmd);
  return load_results(out_file);
}

}  // namespace ccb::reports
