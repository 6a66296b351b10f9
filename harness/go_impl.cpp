// harness/go_impl.cpp — see go_impl.hpp. Sections: process plumbing (spawn, poll, reap), the
// build of ccbench-go, and GoPoint's conversation with one child.
#include "harness/go_impl.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <mutex>
#include <nlohmann/json.hpp>
#include <system_error>
#include <thread>
#include <vector>

#include "harness/child_process.hpp"
#include "harness/run_interrupts.hpp"

#ifndef CCB_SOURCE_DIR
#error "CCB_SOURCE_DIR must be defined (harness/go_impl.cmake does it)"
#endif
#ifndef CCB_BINARY_DIR
#error "CCB_BINARY_DIR must be defined (harness/go_impl.cmake does it)"
#endif

namespace ccb::harness {
namespace {

namespace fs = std::filesystem;
using Clock = std::chrono::steady_clock;
using ccb::workloads::RunResult;
using ccb::workloads::WorkloadFailed;
using namespace ccb::harness::child;  // the process plumbing (child_process.hpp)

constexpr const char* kSetupHint =
    "run scripts/setup (installs Debian's golang-go), or set CCB_GO_BINARY to a built ccbench-go";


// field() returns the string member `key` of a parsed line, or "" (not an object, no such string).
std::string field(const nlohmann::json& j, const char* key) {
  if (!j.is_object()) return "";
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : "";
}


// parse_latency() reads a sample line's optional "latency" member —
// {"buckets":[[index,count],…],"max":N,"min":N,"sum":N,"sample_every":K,"overhead_pct":X} ("min"
// and "sum" optional: without them min and mean come from the bucket bounds), the bucket layout of
// workloads/latency_histogram.hpp — into r.latency and r.extra["latency_sample_every"/
// "latency_overhead_pct"]. Throws (std::exception) on a malformed member; the caller reports it.
void parse_latency(const nlohmann::json& lat, RunResult& r) {
  if (!lat.is_object()) throw std::runtime_error("latency is not an object");
  ccb::workloads::LatencyHistogram h;
  for (const auto& b : lat.at("buckets")) {
    if (!b.is_array() || b.size() != 2 || !b[0].is_number_unsigned() || !b[1].is_number_unsigned())
      throw std::runtime_error("latency bucket is not [index,count]");
    const auto index = b[0].get<uint64_t>();
    if (index > UINT32_MAX) throw std::runtime_error("latency bucket index out of range");
    h.add_bucket(static_cast<uint32_t>(index), b[1].get<uint64_t>());
  }
  if (h.count() > 0) {
    h.set_max(lat.at("max").get<uint64_t>());
    if (auto m = lat.find("min"); m != lat.end()) h.set_min(m->get<uint64_t>());
    if (auto s = lat.find("sum"); s != lat.end()) h.set_sum(s->get<uint64_t>());
  }
  r.extra["latency_sample_every"] = lat.at("sample_every").get<double>();
  r.extra["latency_overhead_pct"] = lat.at("overhead_pct").get<double>();
  r.latency = std::move(h);
}

// ---- building ccbench-go ----------------------------------------------------------------------

bool is_executable_file(const std::string& p) {
  struct stat st{};
  return ::stat(p.c_str(), &st) == 0 && S_ISREG(st.st_mode) && ::access(p.c_str(), X_OK) == 0;
}

// go_env() is the environment of every go command: offline; caches and work directories in the
// build tree (GOTMPDIR: an unwritable TMPDIR failed the build, and an interrupted go build leaves
// its work directory there, not in /tmp); and a binary for this machine: the user's target
// variables (GOOS=windows, GOARCH=arm64, GOAMD64=v4, GOEXPERIMENT…) are dropped, since a
// cross-built ccbench-go, once installed, was taken as up to date by every later run, whose
// every Go point then failed with "Exec format error".
std::vector<std::string> go_env() {
  const std::string root = std::string(CCB_BINARY_DIR) + "/go";
  return child_env({{"GOCACHE", root + "/cache"}, {"GOPATH", root + "/gopath"}, {"GOTMPDIR", root + "/tmp"},
                    {"GOPROXY", "off"},
                    {"GO111MODULE", "on"}, {"GOENV", "off"}, {"GOWORK", "off"}, {"CGO_ENABLED", "0"}},
                   {"GOFLAGS", "GOTOOLCHAIN", "GOROOT", "GOOS", "GOARCH", "GOAMD64", "GO386", "GOARM",
                    "GOMIPS", "GOMIPS64", "GOPPC64", "GOWASM", "GOEXPERIMENT"});
}

// newest_source() returns the newest mtime of go.mod, the non-test .go files in dir and dir itself
// (a file removed from or renamed in it changes only the directory's mtime).
fs::file_time_type newest_source(const fs::path& dir) {
  auto newest = std::max(fs::last_write_time(dir / "go.mod"), fs::last_write_time(dir));
  for (const auto& e : fs::directory_iterator(dir)) {
    const std::string name = e.path().filename().string();
    bool go_file = name.size() > 3 && name.ends_with(".go") && !name.ends_with("_test.go");
    if (go_file && e.is_regular_file()) newest = std::max(newest, e.last_write_time());
  }
  return newest;
}

// remove_stale_work_dirs() removes go's work directories (go-build*) older than an hour from
// `tmp` (GOTMPDIR): go leaves its own behind when it is interrupted. A younger one may belong to
// a build running now in another ccbench, which takes seconds.
void remove_stale_work_dirs(const fs::path& tmp) {
  std::error_code ec;
  const auto cutoff = fs::file_time_type::clock::now() - std::chrono::hours(1);
  for (fs::directory_iterator it(tmp, ec), end; !ec && it != end; it.increment(ec)) {
    std::error_code e2;
    if (it->path().filename().string().starts_with("go-build") && it->last_write_time(e2) < cutoff && !e2)
      fs::remove_all(it->path(), e2);
  }
}

// kBuildFlags: `go build`'s flags. -trimpath: no path of this checkout in the binary, so the same
// sources build the same file wherever they are (compare tells Go builds apart by
// context.go_binary.fnv1a64).
const std::vector<std::string> kBuildFlags = {"-buildvcs=false", "-trimpath"};

// build_stamp() is what BIN.build records of how BIN was built: the flags on its first line, then
// `go version` (empty when go does not answer). A binary built with other flags or by another Go
// is rebuilt, so that context.go_version names the Go that built the binary the Go points run.
std::string build_stamp(const std::optional<std::string>& version) {
  std::string t = "flags:";
  for (const std::string& f : kBuildFlags) t += " " + f;
  return t + "\ngo: " + version.value_or("") + "\n";
}

// up_to_date() is true when `bin` is newer than every source of `src` and its stamp matches how it
// would be built now. Without go (no version to compare), the flags alone must match: a built
// binary stays usable where go is not installed.
bool up_to_date(const fs::path& src, const fs::path& bin) {
  std::error_code ec;
  if (!fs::exists(bin, ec) || fs::last_write_time(bin, ec) < newest_source(src)) return false;
  std::ifstream in(bin.string() + ".build");
  const std::string stamp((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::optional<std::string> version = go_version();
  if (version) return stamp == build_stamp(version);
  const std::string now = build_stamp(std::nullopt);
  return stamp.substr(0, stamp.find('\n')) == now.substr(0, now.find('\n'));
}

std::string build_go_binary(const fs::path& src, const fs::path& bin) {
  std::error_code ec;
  if (!fs::exists(src / "go.mod", ec)) throw GoUnavailable("Go sources not found: " + (src / "go.mod").string());
  if (up_to_date(src, bin)) return bin.string();
  auto go = find_go();
  if (!go) {
    throw GoUnavailable(std::string("the go command was not found (PATH, /usr/bin/go, /usr/lib/go-1.19/bin/go); ") +
                        kSetupHint);
  }
  const fs::path work = fs::path(CCB_BINARY_DIR) / "go" / "tmp";
  for (const fs::path& dir : {bin.parent_path(), work}) {
    fs::create_directories(dir, ec);
    if (ec) throw GoUnavailable("cannot create " + dir.string() + ": " + ec.message());
    // checked here, so that a read-only build tree is said as such, not as a failed go build
    // whose hint (scripts/setup) does not apply; access() reports EROFS even to root
    if (::access(dir.c_str(), W_OK) != 0)
      throw GoUnavailable("cannot build ccbench-go: " + dir.string() + " is not writable (" + std::strerror(errno) +
                          "); make it writable, or set CCB_GO_BINARY to a built ccbench-go");
  }
  remove_stale_work_dirs(work);
  const fs::path tmp = bin.string() + ".tmp." + std::to_string(::getpid());
  Captured c;
  BuildSignals interruptible(tmp.string());
  try {
    std::vector<std::string> argv = {*go, "build"};
    argv.insert(argv.end(), kBuildFlags.begin(), kBuildFlags.end());
    argv.insert(argv.end(), {"-o", tmp.string(), "."});
    c = run_capture(argv, go_env(), src.string(), true, true);
  } catch (const std::system_error& e) {
    throw GoUnavailable(std::string("cannot run ") + *go + ": " + e.what() + "; " + kSetupHint);
  }
  if (c.status != 0 || !is_executable_file(tmp.string())) {
    fs::remove(tmp, ec);
    throw GoUnavailable("go build of " + src.string() + " failed (" + describe_status(c.status) +
                        "): " + tail(trim(c.out)) + "\n" + kSetupHint);
  }
  fs::rename(tmp, bin, ec);
  if (ec) {
    fs::remove(tmp, ec);
    throw GoUnavailable("cannot install " + bin.string() + ": " + ec.message());
  }
  // The stamp goes in after the binary: stopped between the two, the next run finds the old stamp
  // beside the new binary and only builds again (the other order could leave an old binary
  // passing for the new build). Another ccbench building at once writes the same stamp.
  const fs::path stamp_tmp = tmp.string() + ".build";
  std::ofstream(stamp_tmp) << build_stamp(go_version());
  fs::rename(stamp_tmp, bin.string() + ".build", ec);
  if (ec) {
    fs::remove(stamp_tmp, ec);
    throw GoUnavailable("cannot install " + bin.string() + ".build: " + ec.message());
  }
  return bin.string();
}

}  // namespace

std::string build_go_program(const std::string& src_dir, const std::string& bin_path) {
  try {
    return build_go_binary(src_dir, bin_path);
  } catch (const GoUnavailable&) {
    throw;
  } catch (const std::exception& e) {  // filesystem errors
    throw GoUnavailable(std::string("cannot build ") + bin_path + ": " + e.what());
  }
}

std::optional<std::string> find_go() {
  if (const char* path = std::getenv("PATH")) {
    std::string_view rest(path);
    for (;;) {
      size_t colon = rest.find(':');
      std::string dir(rest.substr(0, colon));
      std::string candidate = (dir.empty() ? std::string(".") : dir) + "/go";
      if (is_executable_file(candidate)) return candidate;
      if (colon == std::string_view::npos) break;
      rest.remove_prefix(colon + 1);
    }
  }
  for (const char* p : {"/usr/bin/go", "/usr/lib/go-1.19/bin/go"}) {
    if (is_executable_file(p)) return std::string(p);
  }
  return std::nullopt;
}

// checked_override() returns CCB_GO_BINARY's value when it names an executable regular file.
std::string checked_override(const std::string& p) {
  struct stat st{};
  std::string why;
  if (::stat(p.c_str(), &st) != 0) why = std::strerror(errno);
  else if (S_ISDIR(st.st_mode)) why = "a directory";
  else if (!S_ISREG(st.st_mode)) why = "not a regular file";
  else if (::access(p.c_str(), X_OK) != 0) why = "not executable";
  if (why.empty()) return p;
  throw GoUnavailable("CCB_GO_BINARY=" + p + ": " + why +
                      "; point it to a built ccbench-go, or unset it to build workloads/go");
}

std::string go_binary() {
  if (const char* p = std::getenv("CCB_GO_BINARY"); p != nullptr && *p != '\0') return checked_override(p);
  static std::mutex mu;
  static std::optional<std::string> built;
  static std::exception_ptr failure;
  std::lock_guard<std::mutex> lock(mu);
  if (built) return *built;
  if (failure) std::rethrow_exception(failure);
  try {
    built = build_go_program((fs::path(CCB_SOURCE_DIR) / "workloads" / "go").string(),
                             (fs::path(CCB_BINARY_DIR) / "go" / "bin" / "ccbench-go").string());
  } catch (const GoUnavailable&) {
    failure = std::current_exception();
    throw;
  }
  return *built;
}

std::optional<std::string> go_version() {
  static const std::optional<std::string> version = []() -> std::optional<std::string> {
    auto go = find_go();
    if (!go) return std::nullopt;
    try {
      Captured c = run_capture({*go, "version"}, go_env(), "", false);
      if (c.status != 0 || trim(c.out).empty()) return std::nullopt;
      return trim(c.out);
    } catch (const std::exception&) {
      return std::nullopt;
    }
  }();
  return version;
}

std::string go_list(const std::string& binary, std::chrono::milliseconds limit) {
  Captured c;
  try {
    // The probe leads a process group of its own (killed whole on the limit), which a terminal's
    // Ctrl-C no longer reaches: a signal to ccbench while it waits is forwarded to that group, as
    // to a go build, so a hung probe does not outlive ccbench (helper-81).
    BuildSignals interruptible("");
    c = run_capture({binary, "list"}, child_env({}, {}), "", false, true, limit);
  } catch (const std::system_error& e) {
    throw GoProtocolError(e.what());
  }
  if (c.status != 0) {
    throw GoProtocolError(binary + " list: " + describe_status(c.status) + ": " + tail(trim(c.out)));
  }
  return c.out;
}

// ---- GoPoint ----------------------------------------------------------------------------------

GoPoint::GoPoint(const std::string& binary, const std::string& workload,
                 const std::vector<std::pair<std::string, std::string>>& params, int procs, int warmup,
                 std::chrono::milliseconds line_timeout, const std::atomic<int>* stop)
    : what_(workload + " procs=" + std::to_string(procs)), line_timeout_(line_timeout), stop_(stop) {
  std::vector<std::string> argv = {binary, "run", "--workload", workload, "--procs", std::to_string(procs),
                                   "--warmup", std::to_string(warmup)};
  for (const auto& [k, v] : params) {
    argv.push_back("--param");
    argv.push_back(k + "=" + v);
  }
  int sock[2] = {-1, -1}, out[2] = {-1, -1}, err[2] = {-1, -1};
  auto close_all = [&] {
    for (int* fd : {&sock[0], &sock[1], &out[0], &out[1], &err[0], &err[1]}) close_fd(*fd);
  };
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sock) != 0 || ::pipe2(out, O_CLOEXEC) != 0 ||
      ::pipe2(err, O_CLOEXEC) != 0) {
    int e = errno;
    close_all();
    throw GoProtocolError(std::string("cannot make pipes for ccbench-go: ") + std::strerror(e));
  }
  try {
    // CCB_PARENT_PID: the child dies with this process (workloads/go/parent_death.go). Its own
    // process group: a Ctrl-C at the terminal reaches ccbench alone, which stops the run cleanly
    // (run_interrupts.hpp) and kills this child, instead of the child dying under a point first.
    sigset_t none;
    sigemptyset(&none);
    pid_ = spawn(std::move(argv),
                 child_env({{"GOMAXPROCS", std::to_string(procs)}, {"CCB_PARENT_PID", std::to_string(::getpid())}}, {}),
                 "", sock[1], out[1], err[1], &none);
  } catch (const std::system_error& e) {
    close_all();
    throw GoProtocolError(e.what());
  }
  close_fd(sock[1]), close_fd(out[1]), close_fd(err[1]);
  in_fd_ = std::exchange(sock[0], -1), out_fd_ = std::exchange(out[0], -1), err_fd_ = std::exchange(err[0], -1);
  try {
    // Regression (session 51's Go review): `ready` comes after all the warm-ups, and waiting for it
    // one line_timeout killed a child whose warm-ups were only slow in sum (CCB_GO_TIMEOUT=2,
    // skynet 1M at ~0.8 s a run, --warmup 4), which then marked the binary hung for the run.
    const int rounds = std::max(warmup, 0) + 1;
    auto line = read_line(line_timeout_ * rounds,
                          rounds == 1 ? "CCB_GO_TIMEOUT"
                                      : "CCB_GO_TIMEOUT x (" + std::to_string(warmup) +
                                            (warmup == 1 ? " warm-up" : " warm-ups") + " + start-up)");
    if (!line || field(nlohmann::json::parse(*line, nullptr, false), "event") != "ready") {
      fail_on(line, "{\"event\":\"ready\"}");
    }
  } catch (...) {
    kill_and_reap();
    close_fds();
    throw;
  }
}

GoPoint::~GoPoint() {
  kill_and_reap();
  close_fds();
}

std::string GoPoint::who() const { return "ccbench-go (" + what_ + ")"; }

RunResult GoPoint::run_rep(bool collect) {
  if (pid_ < 0) throw GoProtocolError(who() + ": the child is not running");
  static const char kRep[] = "rep\n";
  static const char kAgain[] = "again\n";
  const char* cmd = collect ? kRep : kAgain;
  const size_t len = collect ? sizeof kRep - 1 : sizeof kAgain - 1;
  // A failed send means the child is gone; the read below then reports how it ended.
  (void)::send(in_fd_, cmd, len, MSG_NOSIGNAL);
  auto line = read_line();
  if (!line) fail_on(line, "a sample");
  auto j = nlohmann::json::parse(*line, nullptr, false);
  if (field(j, "event") != "sample") fail_on(line, "a sample");
  try {
    RunResult r;
    if (!j.at("ops").is_number_unsigned()) throw std::runtime_error("ops is not a count");
    r.ops = j.at("ops").get<uint64_t>();
    r.elapsed_ns = j.at("elapsed_ns").get<double>();
    if (r.ops == 0 || r.elapsed_ns < 0 || !j.value("checked", false)) throw std::runtime_error("bad values");
    if (auto extra = j.find("extra"); extra != j.end() && extra->is_object()) {
      for (const auto& [k, v] : extra->items()) {
        if (v.is_number()) r.extra[k] = v.get<double>();
      }
    }
    if (auto lat = j.find("latency"); lat != j.end()) parse_latency(*lat, r);
    return r;
  } catch (const std::exception&) {
    kill_and_reap();
    throw GoProtocolError(who() + ": malformed sample line: " + *line);
  }
}

std::optional<ChildUsage> GoPoint::finish() {
  if (pid_ < 0) return usage_;
  static const char kQuit[] = "quit\n";
  (void)::send(in_fd_, kQuit, sizeof kQuit - 1, MSG_NOSIGNAL);
  close_fd(in_fd_);
  std::optional<std::string> extra_line;
  try {
    while (auto line = read_line()) {
      if (!extra_line) extra_line = line;
    }
  } catch (...) {
    close_fds();
    throw;
  }
  reap();
  close_fds();
  const bool failed = status_ && (!WIFEXITED(*status_) || WEXITSTATUS(*status_) != 0);
  if (failed || extra_line) {
    throw GoProtocolError(who() + " did not quit cleanly (" + describe_status(status_) + ")" +
                          (extra_line ? "; it said: " + *extra_line : "") +
                          (err_tail_.empty() ? "" : "; stderr: " + tail(trim(err_tail_))));
  }
  return usage_;
}

std::optional<std::string> GoPoint::read_line(std::optional<std::chrono::milliseconds> limit,
                                              const std::string& limit_why) {
  const std::chrono::milliseconds wait = limit.value_or(line_timeout_);
  const auto deadline = Clock::now() + wait;
  for (;;) {
    if (size_t nl = out_buf_.find('\n'); nl != std::string::npos) {
      std::string line = out_buf_.substr(0, nl);
      out_buf_.erase(0, nl + 1);
      return line;
    }
    if (out_fd_ < 0) {
      if (out_buf_.empty()) return std::nullopt;
      return std::exchange(out_buf_, std::string());
    }
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
    if (left <= 0) {
      kill_and_reap();
      throw GoTimeout(who() + ": no reply within " + std::to_string(wait.count()) + " ms (" + limit_why +
                      "); the child was killed");
    }
    // A stop asked (a signal): the reply the runner waits for should come soon; a child silent
    // kStopGrace after the stop was first seen is killed (the flag is read at least once a second).
    // What came before the grace ran out is read first (the poll below), so a reply is never lost
    // to it (after a Ctrl-Z, say: the child, in a process group of its own, ran on meanwhile).
    int sig = 0;
    if (stop_ != nullptr && (sig = stop_->load(std::memory_order_acquire)) != 0) {
      const auto now = Clock::now();
      if (!stop_seen_) stop_seen_ = now;
      left = std::clamp<long long>(
          std::chrono::duration_cast<std::chrono::milliseconds>(*stop_seen_ + kStopGrace - now).count() + 1, 0, left);
    }
    pollfd pf[2] = {{out_fd_, POLLIN, 0}, {err_fd_, POLLIN, 0}};
    int n = ::poll(pf, 2, static_cast<int>(std::min<long long>(left, stop_ != nullptr ? 1000 : 60000)));
    if (n < 0 && errno != EINTR) throw GoProtocolError(who() + ": poll: " + std::strerror(errno));
    if (n > 0) {
      if (pf[1].revents != 0) {
        if (!read_into(err_fd_, err_tail_)) close_fd(err_fd_);
        keep_tail(err_tail_);
      }
      if (pf[0].revents != 0 && !read_into(out_fd_, out_buf_)) close_fd(out_fd_);
    }
    if (sig != 0 && Clock::now() - *stop_seen_ >= kStopGrace && out_fd_ >= 0 &&
        out_buf_.find('\n') == std::string::npos) {
      kill_and_reap();
      throw GoStopped(who() + ": no reply " + std::to_string(kStopGrace.count()) + " s after " + signal_name(sig) +
                      " asked the run to stop; the child was killed");
    }
  }
}

void GoPoint::fail_on(const std::optional<std::string>& line, const std::string& waiting_for) {
  auto j = line ? nlohmann::json::parse(*line, nullptr, false) : nlohmann::json();
  const bool error_event = field(j, "event") == "error";
  if (!error_event && line) {  // a line we do not understand: the child is not speaking the protocol
    kill_and_reap();
    throw GoProtocolError(who() + ": expected " + waiting_for + ", got: " + *line);
  }
  try {
    while (read_line()) {  // let the child finish writing and exit
    }
  } catch (const GoProtocolError&) {
  }
  reap();
  std::string err = err_tail_.empty() ? "" : "; stderr: " + tail(trim(err_tail_));
  if (error_event) {
    std::string message = field(j, "message");
    if (message.empty()) message = "(the error event has no message)";
    if (status_ && WIFEXITED(*status_) && WEXITSTATUS(*status_) == 1) throw WorkloadFailed(message);
    throw GoProtocolError(who() + ": " + message + " (" + describe_status(status_) + ")");
  }
  throw GoProtocolError(who() + " exited (" + describe_status(status_) + ") while we waited for " + waiting_for + err);
}

void GoPoint::reap() {
  if (pid_ < 0) return;
  rusage ru{};
  status_ = wait_child(pid_, &ru, std::chrono::seconds(10));
  auto ns = [](const timeval& tv) { return static_cast<double>(tv.tv_sec) * 1e9 + static_cast<double>(tv.tv_usec) * 1e3; };
  if (status_) usage_ = ChildUsage{ru.ru_nvcsw, ru.ru_nivcsw, ru.ru_maxrss, ns(ru.ru_utime) + ns(ru.ru_stime)};
  pid_ = -1;
}

// kill_and_reap() SIGKILLs the child's whole process group: the child leads its own (spawn() with
// a group mask: POSIX_SPAWN_SETPGROUP 0), and what it started is in it unless it moved out.
// Regression (session 51's Go review): only the child's pid was killed, and spawn capacity=1's
// `ccbench-go capacity` process, left orphaned on a timeout, grew on to ~1 GiB under PID 1. The
// group is checked first (an unreaped child keeps its pid and so its group id from reuse): a
// child that left its group is killed alone, never a group that is not ours.
void GoPoint::kill_and_reap() noexcept {
  if (pid_ < 0) return;
  ::kill(::getpgid(pid_) == pid_ ? -pid_ : pid_, SIGKILL);
  reap();
}

void GoPoint::close_fds() noexcept {
  close_fd(in_fd_);
  close_fd(out_fd_);
  close_fd(err_fd_);
}

}  // namespace ccb::harness
