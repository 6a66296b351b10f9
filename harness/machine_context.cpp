// harness/machine_context.cpp — see machine_context.hpp.
#include "harness/machine_context.hpp"

#include <benchmark/benchmark.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sched.h>
#include <unistd.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>

namespace ccb::harness {

namespace {

std::string trim(std::string s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.pop_back();
  size_t i = 0;
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  return s.substr(i);
}

std::optional<std::string> read_first_line(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  if (!in || !std::getline(in, line)) return std::nullopt;
  return trim(line);
}

std::string cpu_model() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  for (const char* key : {"model name", "Model", "Hardware", "cpu model"}) {
    in.clear();
    in.seekg(0);
    while (std::getline(in, line)) {
      size_t colon = line.find(':');
      if (colon != std::string::npos && trim(line.substr(0, colon)) == key) return trim(line.substr(colon + 1));
    }
  }
  return "unknown";
}

std::vector<CacheInfo> caches() {
  std::vector<CacheInfo> out;
  for (const auto& c : benchmark::CPUInfo::Get().caches)
    out.push_back({c.type, c.level, static_cast<long>(c.size), c.num_sharing});
  if (!out.empty()) return out;
  const struct { const char* type; int level; int name; } kSysconf[] = {
      {"Data", 1, _SC_LEVEL1_DCACHE_SIZE}, {"Instruction", 1, _SC_LEVEL1_ICACHE_SIZE},
      {"Unified", 2, _SC_LEVEL2_CACHE_SIZE}, {"Unified", 3, _SC_LEVEL3_CACHE_SIZE}};
  for (const auto& c : kSysconf) {
    long size = sysconf(c.name);
    if (size > 0) out.push_back({c.type, c.level, size, 0});
  }
  return out;
}

std::string executable_path() {
  char buf[4096];
  ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
  if (n <= 0) return "unknown";
  return std::string(buf, static_cast<size_t>(n));
}

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

bool is_debug(const std::string& build_type) {
  std::string t;
  for (char c : build_type) t += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return t == "debug";
}

}  // namespace


std::string iso8601_now() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  localtime_r(&t, &tm);
  char date[32];
  std::strftime(date, sizeof date, "%Y-%m-%dT%H:%M:%S", &tm);
  long off = tm.tm_gmtoff;
  char sign = off < 0 ? '-' : '+';
  if (off < 0) off = -off;
  char zone[32];
  std::snprintf(zone, sizeof zone, "%c%02d:%02d", sign, static_cast<int>(off / 3600 % 100),
                static_cast<int>(off % 3600 / 60));
  return std::string(date) + zone;
}

namespace {
// mem_total_bytes() reads MemTotal (kB) from /proc/meminfo.
std::optional<long long> mem_total_bytes() {
  std::ifstream f("/proc/meminfo");
  std::string key, unit;
  long long kb = 0;
  while (f >> key >> kb >> unit)
    if (key == "MemTotal:") return kb * 1024;
  return std::nullopt;
}
}  // namespace

std::optional<FileIdentity> file_identity(const std::string& path) {
  std::error_code ec;
  const std::filesystem::path abs = std::filesystem::absolute(path, ec).lexically_normal();
  struct stat st{};
  if (ec || ::stat(abs.c_str(), &st) != 0 || !S_ISREG(st.st_mode)) return std::nullopt;
  return FileIdentity{abs.string(), static_cast<long long>(st.st_size),
                      static_cast<long long>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec};
}

MachineContext collect_machine_context(const std::vector<std::string>& argv) {
  MachineContext m;
  m.date = iso8601_now();
  char host[256] = {};
  m.host_name = gethostname(host, sizeof host - 1) == 0 ? host : "unknown";
  m.executable = executable_path();
  m.command_line = shell_join(argv);
  m.argv = argv;
  if (const std::optional<FileIdentity> id = file_identity("/proc/self/exe")) {
    m.executable_size = id->size;
    m.executable_mtime_ns = id->mtime_ns;
  }
  long cpus = sysconf(_SC_NPROCESSORS_ONLN);
  m.num_cpus = cpus > 0 ? static_cast<int>(cpus) : benchmark::CPUInfo::Get().num_cpus;
  cpu_set_t mask;
  CPU_ZERO(&mask);
  if (::sched_getaffinity(0, sizeof mask, &mask) == 0) m.usable_cpus = CPU_COUNT(&mask);
  m.memory_bytes = mem_total_bytes();
  m.mhz_per_cpu = benchmark::CPUInfo::Get().cycles_per_second / 1e6;
  m.cpu_model = cpu_model();
  m.caches = caches();
  double load[3];
  if (getloadavg(load, 3) == 3) {
    m.load_avg = {load[0], load[1], load[2]};
    m.load_avg_known = true;
  }
  utsname u{};
  m.kernel = uname(&u) == 0 ? std::string(u.sysname) + " " + u.release : "unknown";
  m.cpu_governor = read_first_line("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor");
  std::error_code ec;
  std::map<std::string, std::string> govs;  // sorted by cpu name
  for (const auto& d : std::filesystem::directory_iterator("/sys/devices/system/cpu", ec)) {
    const std::string name = d.path().filename().string();
    if (name.size() < 4 || name.rfind("cpu", 0) != 0 || !std::isdigit(static_cast<unsigned char>(name[3]))) continue;
    if (auto g = read_first_line(d.path().string() + "/cpufreq/scaling_governor")) govs[name] = *g;
  }
  m.governors.assign(govs.begin(), govs.end());
  return m;
}

std::vector<EnvWarning> environment_warnings(const MachineContext& m, const BuildInfo& b, int max_procs,
                                             int repetitions, int gate_min_samples) {
  std::vector<EnvWarning> w;
  if (!m.load_avg_known) {
    w.push_back({"load_unknown", "load average unreadable: cannot tell whether the machine is idle"});
  } else if (m.load_avg[0] > 0.2 * m.num_cpus) {
    w.push_back({"load_high", "load average " + fmt("%.2f", m.load_avg[0]) + " at start exceeds 0.2 x " +
                                  std::to_string(m.num_cpus) + " online CPUs (" + fmt("%.2f", 0.2 * m.num_cpus) +
                                  "): other work will disturb the measurements"});
  }
  std::string not_perf;
  std::string first_gov;
  for (const auto& [cpu, gov] : m.governors) {
    if (gov == "performance") continue;
    if (first_gov.empty()) first_gov = gov;
    not_perf += (not_perf.empty() ? "" : ",") + cpu;
  }
  if (m.governors.empty() && m.cpu_governor && *m.cpu_governor != "performance") {
    first_gov = *m.cpu_governor;
    not_perf = "cpu0";
  }
  if (!not_perf.empty())
    w.push_back({"governor", "CPU frequency governor is '" + first_gov + "', not 'performance' (" + not_perf +
                                 "): clock changes add noise"});
  if (is_debug(b.build_type))
    w.push_back({"debug_build", "debug build: timings are not representative; build with the release preset"});
  if (!b.ndebug)
    w.push_back({"no_ndebug", "built without NDEBUG (build type '" + b.build_type +
                                  "'): assertions are on and timings are not representative"});
  if (!b.sanitizer.empty())
    w.push_back({"sanitizer", "sanitizer build (" + b.sanitizer + "): timings are not representative"});
  if (m.usable_cpus > 0 && m.usable_cpus < m.num_cpus && max_procs > m.usable_cpus)
    w.push_back({"oversubscribed", "procs up to " + std::to_string(max_procs) + " on " +
                                       std::to_string(m.usable_cpus) + " usable CPUs (the affinity mask allows " +
                                       std::to_string(m.usable_cpus) + " of " + std::to_string(m.num_cpus) +
                                       " online): points with procs > " + std::to_string(m.usable_cpus) +
                                       " oversubscribe them"});
  else if (max_procs > m.num_cpus && m.num_cpus > 0)
    w.push_back({"oversubscribed", "procs up to " + std::to_string(max_procs) + " on " + std::to_string(m.num_cpus) +
                                       " online CPUs: points with procs > " + std::to_string(m.num_cpus) +
                                       " oversubscribe the machine"});
  if (repetitions < gate_min_samples)
    w.push_back({"few_repetitions", std::to_string(repetitions) + " repetitions per point, fewer than the " +
                                        std::to_string(gate_min_samples) +
                                        " samples `ccbench compare` needs (--min-samples): comparing this file "
                                        "alone gives only 'noisy' verdicts; merge runs or raise --repetitions"});
  return w;
}

}  // namespace ccb::harness
