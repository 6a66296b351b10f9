// harness/cpu_accounting.cpp — see cpu_accounting.hpp.
#include "harness/cpu_accounting.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <string>
#include <vector>

namespace ccb::harness {

namespace {

// read_small_file() reads a /proc file whole (they report size 0, so read until EOF).
std::optional<std::string> read_small_file(const char* path) {
  const int fd = ::open(path, O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::string out;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::read(fd, buf, sizeof buf);
    if (n < 0) {
      ::close(fd);
      return std::nullopt;
    }
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  ::close(fd);
  return out;
}

// fields() splits `line` at spaces.
std::vector<std::string_view> fields(std::string_view line) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\n')) ++i;
    const size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\n') ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

template <class T>
std::optional<T> number(std::string_view s) {
  T v{};
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size()) return std::nullopt;
  return v;
}

// scan_processes() reads /proc/PID/stat of every process; processes that exit while it reads are
// left out. nullopt when /proc cannot be listed.
std::optional<ProcessTable> scan_processes() {
  DIR* dir = ::opendir("/proc");
  if (dir == nullptr) return std::nullopt;
  ProcessTable out;
  std::string path;
  while (const dirent* d = ::readdir(dir)) {
    if (!std::isdigit(static_cast<unsigned char>(d->d_name[0]))) continue;
    const auto pid = number<pid_t>(d->d_name);
    if (!pid) continue;
    path.assign("/proc/").append(d->d_name).append("/stat");
    const auto text = read_small_file(path.c_str());
    if (!text) continue;  // exited meanwhile
    if (const auto st = parse_pid_stat(*text)) out[{*pid, st->start_time}] = *st;
  }
  ::closedir(dir);
  return out;
}

// ours() is the set of keys of `t` that are `self` or descend from it (by ppid within `t`).
std::vector<bool> ours_flags(const ProcessTable& t, pid_t self, std::vector<const ProcessTable::value_type*>& rows) {
  rows.clear();
  std::map<pid_t, pid_t> parent;
  for (const auto& row : t) {
    rows.push_back(&row);
    parent[row.first.first] = row.second.ppid;
  }
  std::vector<bool> out(rows.size(), false);
  for (size_t i = 0; i < rows.size(); ++i) {
    pid_t p = rows[i]->first.first;
    for (int depth = 0; depth < 64 && p > 0; ++depth) {  // bounded: a ppid cycle from a torn read
      if (p == self) {
        out[i] = true;
        break;
      }
      const auto it = parent.find(p);
      if (it == parent.end()) break;
      p = it->second;
    }
  }
  return out;
}

}  // namespace

std::optional<ProcStat> parse_pid_stat(std::string_view text) {
  // "PID (comm) state ppid …": comm may hold spaces and parentheses, so count from the last ')'.
  const size_t close = text.rfind(')');
  if (close == std::string_view::npos) return std::nullopt;
  const auto f = fields(text.substr(close + 1));
  // f[0] is field 3 (state): ppid 4, utime 14, stime 15, cutime 16, cstime 17, starttime 22
  if (f.size() < 20) return std::nullopt;
  const auto ppid = number<pid_t>(f[1]);
  const auto start = number<std::uint64_t>(f[19]);
  std::optional<unsigned long long> t[4];
  for (int i = 0; i < 4; ++i) t[i] = number<unsigned long long>(f[11 + static_cast<size_t>(i)]);
  if (!ppid || !start || !t[0] || !t[1] || !t[2] || !t[3]) return std::nullopt;
  return ProcStat{*ppid, static_cast<double>(*t[0] + *t[1] + *t[2] + *t[3]), *start,
                  static_cast<double>(*t[2] + *t[3])};
}

std::optional<double> parse_steal_ticks(std::string_view text) {
  const size_t eol = text.find('\n');
  const auto f = fields(text.substr(0, eol));
  // cpu user nice system idle iowait irq softirq steal [guest guest_nice]
  if (f.size() < 9 || f[0] != "cpu") return std::nullopt;
  const auto steal = number<unsigned long long>(f[8]);
  if (!steal) return std::nullopt;
  return static_cast<double>(*steal);
}

double other_ticks(const ProcessTable& a, const ProcessTable& b, pid_t self) {
  std::vector<const ProcessTable::value_type*> ra, rb;
  const std::vector<bool> ours_a = ours_flags(a, self, ra), ours_b = ours_flags(b, self, rb);
  double sum = 0, reaped = 0, gone = 0;
  for (size_t i = 0; i < rb.size(); ++i) {
    if (ours_b[i]) continue;
    const auto it = a.find(rb[i]->first);
    sum += rb[i]->second.ticks - (it != a.end() ? it->second.ticks : 0);  // alive at both, or new
    reaped += std::max(0.0, rb[i]->second.child_ticks - (it != a.end() ? it->second.child_ticks : 0));
  }
  for (size_t i = 0; i < ra.size(); ++i)
    if (!ours_a[i] && b.find(ra[i]->first) == b.end()) gone += ra[i]->second.ticks;
  return sum - std::min(gone, reaped);
}

std::optional<DisturbanceMeter::Sample> DisturbanceMeter::sample() {
  Sample s;
  timespec now{};
  if (::clock_gettime(CLOCK_MONOTONIC, &now) != 0) return std::nullopt;
  s.wall_ns = static_cast<double>(now.tv_sec) * 1e9 + static_cast<double>(now.tv_nsec);
  const auto text = read_small_file("/proc/stat");
  if (!text) return std::nullopt;
  const auto steal = parse_steal_ticks(*text);
  if (!steal) return std::nullopt;
  s.steal_ticks = *steal;
  auto procs = scan_processes();
  if (!procs) return std::nullopt;
  s.procs = std::move(*procs);
  return s;
}

void DisturbanceMeter::begin() { open_ = sample(); }

void DisturbanceMeter::end() {
  if (!open_) return;
  const Sample a = std::move(*open_);
  open_.reset();
  const auto b = sample();
  if (!b || !(b->wall_ns > a.wall_ns)) return;
  // summed unclamped: the rounding of one interval's ticks cancels over many
  other_ticks_ += other_ticks(a.procs, b->procs, ::getpid());
  steal_ticks_ += b->steal_ticks - a.steal_ticks;
  wall_ns_ += b->wall_ns - a.wall_ns;
}

std::optional<Disturbance> DisturbanceMeter::result() const {
  if (!(wall_ns_ >= kMinDisturbanceWallS * 1e9)) return std::nullopt;
  static const double hz = [] {
    const long v = ::sysconf(_SC_CLK_TCK);
    return v > 0 ? static_cast<double>(v) : 100.0;
  }();
  const double wall_s = wall_ns_ * 1e-9;
  return Disturbance{std::max(0.0, other_ticks_ / hz / wall_s), std::max(0.0, steal_ticks_ / hz / wall_s), wall_s};
}

}  // namespace ccb::harness
