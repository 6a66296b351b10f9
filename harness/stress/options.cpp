// harness/stress/options.cpp — see options.hpp.
#include "harness/stress/options.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <random>

#include "common/suggest.hpp"
#include "harness/atomic_file.hpp"
#include "harness/chaos_env.hpp"
#include "harness/errors.hpp"
#include "harness/list_syntax.hpp"
#include "harness/stress/scenario.hpp"

namespace ccb::stress {

using harness::UsageError;

namespace {

template <class T>
CLI::Option* single(CLI::App* app, const std::string& name, std::optional<T>& var, const std::string& help) {
  return app->add_option_function<T>(name, [&var](const T& v) { var = v; }, help)
      ->multi_option_policy(CLI::MultiOptionPolicy::Throw);
}

template <class Infos>
std::vector<std::string> names_of(const Infos& infos) {
  std::vector<std::string> names;
  for (const ScenarioInfo& s : infos) names.push_back(s.name);
  return names;
}

std::string scenario_names() { return harness::join(names_of(scenarios()), ", "); }

uint64_t parse_seed(const std::string& text) {
  uint64_t v = 0;
  const char* end = text.data() + text.size();
  auto [p, ec] = std::from_chars(text.data(), end, v);
  if (text.empty() || ec != std::errc() || p != end)
    throw UsageError("--seed: expected an integer from 0 to 18446744073709551615, got '" + text + "'");
  return v;
}

// with_unit() writes a valid duration given in plain seconds ("0.2") with its unit ("0.2s"), for
// messages and the reproduce command.
std::string with_unit(const std::string& duration) {
  return !duration.empty() && (std::isdigit(static_cast<unsigned char>(duration.back())) || duration.back() == '.')
             ? duration + "s"
             : duration;
}

}  // namespace

void add_options(CLI::App* cmd, StressOptions& o) {
  cmd->add_option("scenarios", o.scenarios, "Scenarios to run (default: all): " + scenario_names());
  single(cmd, "--duration", o.duration,
         std::string("How long each scenario runs at EACH procs value (default ") + kDefaultDuration +
             "): 500ms, 30s, 2m, 1h or plain seconds")->type_name("DURATION");
  single(cmd, "--seed", o.seed, "Seed, 0..2^64-1 (default: random; always printed)")->type_name("N");
  single(cmd, "--procs", o.procs,
         std::string("Worker threads, LIST syntax as in `run`, 1..1024 (default ") + kDefaultProcs + ")")
      ->type_name("LIST");
  single(cmd, "--tasks", o.tasks, "Concurrent worker tasks per scenario, 1..100000 (default 64)")->type_name("N");
  single(cmd, "--out", o.out, "Also write the summaries as JSON to FILE (atomically; /dev/stdout, or the file "
                                  "stdout goes to: printed on stdout after everything else)")->type_name("FILE");
  single(cmd, "--stall-limit", o.stall_limit,
         std::string("Watchdog: fail when no progress is made for this long (default ") + kDefaultStallLimit + ")")
      ->type_name("DURATION");
  cmd->add_flag("--chaos", o.chaos, "Fault injection: random yields at channel, select, mutex and timer "
                                    "operations and random extra steals (as CCB_CHAOS=1)")
      ->multi_option_policy(CLI::MultiOptionPolicy::Throw);
}

std::chrono::nanoseconds parse_duration(const std::string& text, const std::string& what) {
  const std::string bad = what + ": '" + text + "' is not a duration; write e.g. 500ms, 30s, 2m, 1h or 10 "
                          "(seconds), more than 0 and at most 24h";
  std::size_t digits_end = 0;
  while (digits_end < text.size() && (std::isdigit(static_cast<unsigned char>(text[digits_end])) || text[digits_end] == '.'))
    ++digits_end;
  const std::string number = text.substr(0, digits_end), unit = text.substr(digits_end);
  if (number.empty() || number.front() == '.' || number.back() == '.' ||
      std::count(number.begin(), number.end(), '.') > 1)
    throw UsageError(bad);
  double scale = 0;
  if (unit.empty() || unit == "s") scale = 1;
  else if (unit == "ms") scale = 1e-3;
  else if (unit == "m") scale = 60;
  else if (unit == "h") scale = 3600;
  else throw UsageError(bad);
  double v = 0;
  try {
    v = std::stod(number) * scale;
  } catch (const std::exception&) {
    throw UsageError(bad);
  }
  if (!std::isfinite(v) || v <= 0 || v > 86400) throw UsageError(bad);
  auto ns = std::chrono::nanoseconds(static_cast<int64_t>(std::llround(v * 1e9)));
  if (ns.count() <= 0) throw UsageError(bad);
  return ns;
}

StressSettings validate(const StressOptions& o) {
  StressSettings s;
  for (const std::string& name : o.scenarios) {
    const auto& all = scenarios();
    if (std::none_of(all.begin(), all.end(), [&](const ScenarioInfo& i) { return name == i.name; }))
      throw UsageError("unknown scenario '" + name + "'" + common::did_you_mean(name, names_of(all)) +
                       "; valid scenarios: " + scenario_names());
    if (std::find(s.scenarios.begin(), s.scenarios.end(), name) != s.scenarios.end())
      throw UsageError("scenario '" + name + "' is given twice");
    s.scenarios.push_back(name);
  }
  if (s.scenarios.empty())
    for (const ScenarioInfo& i : scenarios()) s.scenarios.push_back(i.name);
  s.duration_text = o.duration.value_or(kDefaultDuration);
  s.duration = parse_duration(s.duration_text, "--duration");
  s.duration_text = with_unit(s.duration_text);
  s.stall_limit_text = o.stall_limit.value_or(kDefaultStallLimit);
  s.stall_limit = parse_duration(s.stall_limit_text, "--stall-limit");
  s.stall_limit_text = with_unit(s.stall_limit_text);
  for (int64_t p : harness::parse_int_list(o.procs.value_or(kDefaultProcs), "--procs", 1, 1024))
    s.procs.push_back(static_cast<int>(p));
  s.tasks = o.tasks ? static_cast<int>(harness::parse_int_in_range(*o.tasks, "--tasks", 1, 100000)) : kDefaultTasks;
  if (o.seed) {
    s.seed = parse_seed(*o.seed);
    s.seed_given = true;
  } else {
    std::random_device rd;
    s.seed = (static_cast<uint64_t>(rd()) << 32) ^ rd();
  }
  s.chaos = o.chaos;
  harness::check_chaos_env();
  if (const char* e = std::getenv("CCB_CHAOS"); !s.chaos && e != nullptr && std::string(e) == "1") s.chaos_env = true;
  if (o.out) {
    if (o.out->empty()) throw UsageError("--out: empty file name");
    // Standard output is not reopened: written through a descriptor of its own, the JSON went to
    // offset 0 of a redirected file and the summary lines overwrote parts of it (a pipe got one
    // document per run between them); run_stress() prints it on stdout after everything else.
    s.out_is_stdout = harness::names_standard_output(*o.out);
    if (!s.out_is_stdout) harness::check_writable(*o.out, "--out");
    s.out = o.out;
  }
  return s;
}

}  // namespace ccb::stress
