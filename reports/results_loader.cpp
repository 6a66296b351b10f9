// reports/results_loader.cpp — validation of a parsed results document against SCHEMA.md v1 and
// conversion to the structs of results.hpp. Syntax-level checks (NaN, limits, duplicates) live in
// json_path_parser.cpp; this file checks presence, types and allowed values, field by field, and
// reports the first problem with its JSON path. See results_loader.hpp for the full contract.
#include "reports/results_loader.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <initializer_list>
#include <set>
#include <sstream>

#include "reports/json_path_parser.hpp"

namespace ccb::reports {
namespace {

using Json = nlohmann::ordered_json;

std::string join(const std::string& path, const std::string& key) {
  return path.empty() ? key : path + "." + key;
}

// fmt_bound() prints a sample bound as JSON would ("1e-06", "1e+15").
std::string fmt_bound(double v) { return Json(v).dump(); }

std::string describe(const Json& v) {
  if (v.is_number_float()) return "number " + v.dump();
  if (v.is_number()) return "integer " + v.dump();
  if (v.is_string()) return "string " + v.dump();
  return v.type_name();
}

// Reader turns type and value problems into InputError(file, path, message).
class Reader {
 public:
  explicit Reader(const std::string& file) : file_(file) {}

  [[noreturn]] void fail(const std::string& path, const std::string& message) const {
    throw InputError(file_, path, message);
  }

  const Json& object(const Json& v, const std::string& path) const {
    if (!v.is_object()) fail(path, "expected an object, got " + describe(v));
    return v;
  }
  const Json& array(const Json& v, const std::string& path) const {
    if (!v.is_array()) fail(path, "expected an array, got " + describe(v));
    return v;
  }
  // field() returns obj[key]; a missing key is an error naming the field.
  const Json& field(const Json& obj, const char* key, const std::string& path) const {
    auto it = obj.find(key);
    if (it == obj.end()) fail(join(path, key), "missing required field");
    return *it;
  }

  std::string string(const Json& v, const std::string& path) const {
    if (!v.is_string()) fail(path, "expected a string, got " + describe(v));
    return v.get<std::string>();
  }
  double number(const Json& v, const std::string& path) const {
    if (!v.is_number()) fail(path, "expected a number, got " + describe(v));
    return v.get<double>();
  }
  std::int64_t integer(const Json& v, const std::string& path) const {
    if (v.is_number_integer()) {
      if (v.is_number_unsigned() && v.get<std::uint64_t>() > std::uint64_t{INT64_MAX}) {
        fail(path, "integer out of range");
      }
      return v.get<std::int64_t>();
    }
    // JSON Schema's "integer" also admits numbers with a zero fraction, such as 2.0.
    if (v.is_number_float()) {
      double d = v.get<double>();
      if (d == std::floor(d) && std::fabs(d) < 9.0e15) return static_cast<std::int64_t>(d);
    }
    fail(path, "expected an integer, got " + describe(v));
  }
  bool boolean(const Json& v, const std::string& path) const {
    if (!v.is_boolean()) fail(path, "expected a boolean, got " + describe(v));
    return v.get<bool>();
  }

  // Field accessors: required key; the `_or_null` forms also accept JSON null.
  std::string str(const Json& o, const char* k, const std::string& p) const {
    return string(field(o, k, p), join(p, k));
  }
  std::optional<std::string> str_or_null(const Json& o, const char* k, const std::string& p) const {
    const Json& v = field(o, k, p);
    if (v.is_null()) return std::nullopt;
    return string(v, join(p, k));
  }
  std::int64_t int_field(const Json& o, const char* k, const std::string& p) const {
    return integer(field(o, k, p), join(p, k));
  }
  std::optional<std::int64_t> int_or_null(const Json& o, const char* k, const std::string& p) const {
    const Json& v = field(o, k, p);
    if (v.is_null()) return std::nullopt;
    return integer(v, join(p, k));
  }
  std::optional<double> num_or_null(const Json& o, const char* k, const std::string& p) const {
    const Json& v = field(o, k, p);
    if (v.is_null()) return std::nullopt;
    return number(v, join(p, k));
  }
  std::string one_of(const Json& o, const char* k, const std::string& p,
                     std::initializer_list<const char*> allowed) const {
    std::string s = str(o, k, p);
    std::string list;
    for (const char* a : allowed) {
      if (s == a) return s;
      list += (list.empty() ? "\"" : ", \"") + std::string(a) + "\"";
    }
    fail(join(p, k), "expected one of " + list + ", got \"" + s + "\"");
  }
  std::vector<std::string> strings(const Json& o, const char* k, const std::string& p) const {
    const std::string path = join(p, k);
    std::vector<std::string> out;
    const Json& arr = array(field(o, k, p), path);
    for (std::size_t i = 0; i < arr.size(); ++i) {
      out.push_back(string(arr[i], path + "[" + std::to_string(i) + "]"));
    }
    return out;
  }

 private:
  const std::string& file_;
};

Context read_context(const Reader& r, const Json& root) {
  const std::string p = "context";
  const Json& c = r.object(r.field(root, "context", ""), p);
  Context ctx;
  // The version comes first: a reader must not misreport fields of a schema it does not know.
  ctx.schema_version = r.int_field(c, "schema_version", p);
  if (ctx.schema_version != kSchemaVersion) {
    r.fail("context.schema_version", "unsupported schema version " +
                                         std::to_string(ctx.schema_version) + " (this ccbench reads version " +
                                         std::to_string(kSchemaVersion) + ")");
  }
  ctx.ccbench_version = r.str(c, "ccbench_version", p);
  ctx.git_commit = r.str(c, "git_commit", p);
  ctx.date = r.str(c, "date", p);
  ctx.host_name = r.str(c, "host_name", p);
  ctx.executable = r.str(c, "executable", p);
  ctx.command_line = r.str(c, "command_line", p);
  if (auto it = c.find("invocation"); it != c.end()) {
    const std::string ip = "context.invocation";
    const Json& inv = r.object(*it, ip);
    ctx.argv = r.strings(inv, "argv", ip);
    ctx.executable_size = r.int_or_null(inv, "executable_size", ip);
    ctx.executable_mtime_ns = r.int_or_null(inv, "executable_mtime_ns", ip);
    ctx.invocation_known = true;
  }
  ctx.num_cpus = r.int_field(c, "num_cpus", p);
  ctx.mhz_per_cpu = r.num_or_null(c, "mhz_per_cpu", p);
  ctx.cpu_model = r.str(c, "cpu_model", p);
  const Json& caches = r.array(r.field(c, "caches", p), "context.caches");
  for (std::size_t i = 0; i < caches.size(); ++i) {
    const std::string cp = "context.caches[" + std::to_string(i) + "]";
    const Json& e = r.object(caches[i], cp);
    ctx.caches.push_back(Cache{r.str(e, "type", cp), r.int_field(e, "level", cp), r.int_field(e, "size", cp),
                               r.int_field(e, "num_sharing", cp)});
  }
  const Json& load = r.array(r.field(c, "load_avg", p), "context.load_avg");
  for (std::size_t i = 0; i < load.size(); ++i) {
    const std::string lp = "context.load_avg[" + std::to_string(i) + "]";
    ctx.load_avg.push_back(load[i].is_null() ? std::nullopt : std::optional(r.number(load[i], lp)));
  }
  ctx.kernel = r.str(c, "kernel", p);
  ctx.cpu_governor = r.str_or_null(c, "cpu_governor", p);
  ctx.library_build_type = r.str(c, "library_build_type", p);
  ctx.build_type = r.str(c, "build_type", p);
  ctx.compiler = r.str(c, "compiler", p);
  ctx.compiler_flags = r.str(c, "compiler_flags", p);
  ctx.sanitizer = r.one_of(c, "sanitizer", p, {"", "thread", "address"});
  ctx.go_version = r.str_or_null(c, "go_version", p);
  if (auto it = c.find("go_binary"); it != c.end() && !it->is_null()) {
    const std::string gp = "context.go_binary";
    const Json& g = r.object(*it, gp);
    ctx.go_binary = Context::Program{r.str(g, "path", gp), r.int_field(g, "size", gp), r.int_field(g, "mtime_ns", gp),
                                     std::nullopt};
    if (ctx.go_binary->path.empty()) r.fail(gp + ".path", "expected a path, not an empty string");
    if (ctx.go_binary->size < 0) r.fail(gp + ".size", "expected a size >= 0");
    if (g.find("fnv1a64") != g.end()) {
      ctx.go_binary->fnv1a64 = r.str_or_null(g, "fnv1a64", gp);
      const std::optional<std::string>& h = ctx.go_binary->fnv1a64;
      if (h && (h->size() != 16 || h->find_first_not_of("0123456789abcdef") != std::string::npos))
        r.fail(gp + ".fnv1a64", "expected 16 lowercase hex digits");
    }
  }
  ctx.preset = r.str_or_null(c, "preset", p);
  ctx.repetitions = r.int_field(c, "repetitions", p);
  ctx.warmup = r.int_field(c, "warmup", p);
  if (auto it = c.find("min_time_s"); it != c.end()) {
    ctx.min_time_s = r.number(*it, "context.min_time_s");
    if (*ctx.min_time_s < 0) r.fail("context.min_time_s", "expected a number >= 0");
  }
  ctx.warnings = r.strings(c, "warnings", p);
  if (auto it = c.find("environment_warnings"); it != c.end()) {
    const std::string ep = "context.environment_warnings";
    const Json& arr = r.array(*it, ep);
    for (std::size_t i = 0; i < arr.size(); ++i) {
      const std::string wp = ep + "[" + std::to_string(i) + "]";
      const Json& w = r.object(arr[i], wp);
      ctx.environment_warnings.emplace_back(r.str(w, "code", wp), r.str(w, "message", wp));
    }
  }
  if (auto it = c.find("pin"); it != c.end())
    ctx.pin_effective = r.boolean(r.field(r.object(*it, "context.pin"), "effective", "context.pin"), "context.pin.effective");
  if (auto it = c.find("shuffle"); it != c.end()) {
    const Json& sh = r.object(*it, "context.shuffle");
    if (r.boolean(r.field(sh, "enabled", "context.shuffle"), "context.shuffle.enabled")) {
      const Json& seed = r.field(sh, "seed", "context.shuffle");
      if (!seed.is_number_unsigned()) r.fail("context.shuffle.seed", "expected an integer from 0 to 2^64-1");
      ctx.shuffle_seed = seed.get<std::uint64_t>();
    }
  }
  if (auto it = c.find("injection"); it != c.end() && !it->is_null()) {
    const Json& inj = r.object(*it, "context.injection");
    ctx.injection = true;
    ctx.injection_delay_ns = r.num_or_null(inj, "delay_ns_per_op", "context.injection");
    ctx.injection_workload = r.str_or_null(inj, "workload", "context.injection");
    if (inj.contains("slowdown")) ctx.injection_slowdown = r.num_or_null(inj, "slowdown", "context.injection");
  }
  if (auto it = c.find("chaos"); it != c.end() && !it->is_null()) {
    const Json& ch = r.object(*it, "context.chaos");
    ctx.chaos = true;
    const Json& seed = r.field(ch, "seed", "context.chaos");
    if (!seed.is_null()) {
      if (!seed.is_number_unsigned()) r.fail("context.chaos.seed", "expected an integer from 0 to 2^64-1 or null");
      ctx.chaos_seed = seed.get<std::uint64_t>();
    }
  }
  if (auto it = c.find("interrupted"); it != c.end() && !it->is_null()) {
    const Json& in = r.object(*it, "context.interrupted");
    const std::int64_t done = r.int_field(in, "points_done", "context.interrupted");
    const std::int64_t planned = r.int_field(in, "points_planned", "context.interrupted");
    if (done < 0 || planned < 1 || done > planned)
      r.fail("context.interrupted", "expected 0 <= points_done <= points_planned and points_planned >= 1");
    ctx.interrupted = r.str(in, "signal", "context.interrupted") + " after " + std::to_string(done) + " of " +
                      std::to_string(planned) + " points";
  }
  if (auto it = c.find("resumed"); it != c.end() && !it->is_null()) {
    const Json& in = r.object(*it, "context.resumed");
    const std::int64_t points = r.int_field(in, "points", "context.resumed");
    if (points < 0) r.fail("context.resumed.points", "expected an integer >= 0");
    ctx.resumed = std::to_string(points) + " points from " + r.str(in, "file", "context.resumed") +
                  ", whose run started " + r.str(in, "date", "context.resumed");
  }
  return ctx;
}

void read_params(const Reader& r, const Json& b, const std::string& p, Point& pt) {
  const std::string pp = join(p, "params");
  const Json& params = r.object(r.field(b, "params", p), pp);
  for (const auto& [k, v] : params.items()) {
    if (v.is_string()) {
      pt.params.emplace_back(k, v.get<std::string>());
    } else if (v.is_number()) {
      pt.params.emplace_back(k, v.dump());
    } else {
      r.fail(join(pp, k), "expected a number or a string, got " + describe(v));
    }
  }
}

void read_samples(const Reader& r, const Json& b, const std::string& p, Point& pt) {
  const std::string sp = join(p, "samples_ns");
  const Json& samples = r.array(r.field(b, "samples_ns", p), sp);
  pt.samples_ns.reserve(samples.size());
  for (std::size_t i = 0; i < samples.size(); ++i) {
    const std::string ep = sp + "[" + std::to_string(i) + "]";
    double v = r.number(samples[i], ep);
    if (v < 0) r.fail(ep, "expected a non-negative number of ns per op, got " + samples[i].dump());
    // A positive sample outside [kMinSampleNs, kMaxSampleNs] is no measurement: ratios of such
    // medians underflow or overflow (a subnormal median made compare's geomean throw).
    if (v > 0 && (v < kMinSampleNs || v > kMaxSampleNs)) {
      r.fail(ep, "expected 0 or a number of ns per op from " + fmt_bound(kMinSampleNs) + " to " + fmt_bound(kMaxSampleNs) +
                     ", got " + samples[i].dump());
    }
    pt.samples_ns.push_back(v);
  }
}

void read_optional_parts(const Reader& r, const Json& b, const std::string& p, Point& pt) {
  if (auto it = b.find("extra"); it != b.end()) {
    const std::string ep = join(p, "extra");
    for (const auto& [k, v] : r.object(*it, ep).items()) {
      pt.extra.emplace_back(k, v.is_null() ? std::nullopt : std::optional(r.number(v, join(ep, k))));
    }
  }
  if (b.contains("notes")) pt.notes = r.strings(b, "notes", p);
  if (auto it = b.find("outliers"); it != b.end()) {
    const std::string op = join(p, "outliers");
    const Json& o = r.object(*it, op);
    Point::Outliers out;
    out.low_mild = r.int_field(o, "low_mild", op);
    out.low_extreme = r.int_field(o, "low_extreme", op);
    out.high_mild = r.int_field(o, "high_mild", op);
    out.high_extreme = r.int_field(o, "high_extreme", op);
    pt.outliers = out;
  }
  if (auto it = b.find("disturbance"); it != b.end()) {
    const std::string dp = join(p, "disturbance");
    const Json& d = r.object(*it, dp);
    for (const char* k : {"other_cpus", "steal_cpus", "wall_s"}) {
      const double v = r.number(r.field(d, k, dp), join(dp, k));
      if (v < 0) r.fail(join(dp, k), "expected a number >= 0, got " + r.field(d, k, dp).dump());
    }
    pt.other_cpus = r.number(r.field(d, "other_cpus", dp), join(dp, "other_cpus"));
  }
  if (auto it = b.find("latency"); it != b.end()) {
    const std::string lp = join(p, "latency");
    const Json& l = r.object(*it, lp);
    Point::Latency lat;
    lat.count = r.int_field(l, "count", lp);
    lat.p50 = r.int_field(l, "p50_ns", lp);
    lat.p90 = r.int_field(l, "p90_ns", lp);
    lat.p99 = r.int_field(l, "p99_ns", lp);
    lat.p99_9 = r.int_field(l, "p99_9_ns", lp);
    lat.max = r.int_field(l, "max_ns", lp);
    lat.mean = r.num_or_null(l, "mean_ns", lp);
    lat.sample_every = r.num_or_null(l, "sample_every", lp);
    lat.overhead_pct = r.num_or_null(l, "overhead_pct", lp);
    pt.latency = lat;
  }
}

Point read_point(const Reader& r, const Json& b, std::size_t index) {
  const std::string p = "benchmarks[" + std::to_string(index) + "]";
  r.object(b, p);
  Point pt;
  pt.index = index;
  pt.name = r.str(b, "name", p);
  if (pt.name.empty()) r.fail(join(p, "name"), "expected a non-empty point name");
  r.str(b, "run_name", p);
  r.str(b, "run_type", p);
  pt.iterations = r.int_or_null(b, "iterations", p);
  pt.repetitions = r.int_field(b, "repetitions", p);
  r.num_or_null(b, "real_time", p);
  r.num_or_null(b, "cpu_time", p);
  r.one_of(b, "time_unit", p, {"ns"});
  pt.workload = r.str(b, "workload", p);
  read_params(r, b, p, pt);
  pt.procs = r.int_field(b, "procs", p);
  if (pt.procs < 1) r.fail(join(p, "procs"), "expected an integer >= 1, got " + std::to_string(pt.procs));
  pt.impl = r.one_of(b, "impl", p, {"ccbench", "go", "threads"});
  pt.unit = r.str(b, "unit", p);
  pt.status = r.one_of(b, "status", p, {"ok", "failed", "not_applicable"});
  if (!pt.ok()) {
    pt.error = r.str(b, "error", p);
  } else if (b.contains("error")) {
    r.str(b, "error", p);
  }
  pt.checked = r.boolean(r.field(b, "checked", p), join(p, "checked"));
  read_samples(r, b, p, pt);
  // An "ok" entry always carries numbers (SCHEMA.md); without samples compare called it "too few
  // samples" and calibrate "median is 0 ns", neither of which said what was wrong with the file.
  if (pt.ok() && pt.samples_ns.empty()) r.fail(join(p, "samples_ns"), "expected at least one sample for status \"ok\"");
  pt.median_ns = r.num_or_null(b, "median_ns", p);
  pt.mean_ns = r.num_or_null(b, "mean_ns", p);
  pt.stddev_ns = r.num_or_null(b, "stddev_ns", p);
  pt.min_ns = r.num_or_null(b, "min_ns", p);
  pt.max_ns = r.num_or_null(b, "max_ns", p);
  pt.cv = r.num_or_null(b, "cv", p);
  pt.ops_per_sec = r.num_or_null(b, "ops_per_sec", p);
  pt.cpu_ns_per_op = r.num_or_null(b, "cpu_ns_per_op", p);
  pt.ctx_switches_voluntary = r.int_or_null(b, "ctx_switches_voluntary", p);
  pt.ctx_switches_involuntary = r.int_or_null(b, "ctx_switches_involuntary", p);
  pt.max_rss_kb = r.int_or_null(b, "max_rss_kb", p);
  read_optional_parts(r, b, p, pt);
  return pt;
}

}  // namespace

Results parse_results(const std::string& text, const std::string& file) {
  const Json root = parse_json_strict(text, file);
  Reader r(file);
  r.object(root, "<root>");
  // Another ccbench document given by mistake: say which, not "context: missing required field".
  if (!root.contains("context")) {
    const auto kind = [&](const char* key) -> std::string {
      const auto it = root.find(key);
      return it != root.end() && it->is_string() ? it->get<std::string>() : std::string();
    };
    if (kind("format") == "ccbench-stress")
      r.fail("<root>", "this is a `ccbench stress` summary (\"format\": \"ccbench-stress\"), not the results of "
                       "`ccbench run`");
    if (const std::string tool = kind("tool"); tool.rfind("ccbench ", 0) == 0)
      r.fail("<root>", "this is the output of `" + tool + "` (\"tool\"), not the results of `ccbench run`");
  }
  Results res;
  res.file = file;
  res.context = read_context(r, root);
  const Json& benchmarks = r.array(r.field(root, "benchmarks", ""), "benchmarks");
  std::set<std::string> names;
  for (std::size_t i = 0; i < benchmarks.size(); ++i) {
    Point pt = read_point(r, benchmarks[i], i);
    if (!names.insert(pt.name).second) {
      r.fail("benchmarks[" + std::to_string(i) + "].name", "duplicate point name \"" + pt.name + "\"");
    }
    res.benchmarks.push_back(std::move(pt));
  }
  return res;
}

Results load_results(const std::string& file) {
  std::error_code ec;
  if (!std::filesystem::exists(file, ec)) throw InputError(file, "", "no such file");
  if (!std::filesystem::is_regular_file(file, ec)) throw InputError(file, "", "not a regular file");
  std::ifstream in(file, std::ios::binary);
  if (!in) throw InputError(file, "", "cannot open file for reading");
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  if (size < 0) throw InputError(file, "", "cannot read file (not a regular file?)");
  if (static_cast<std::uint64_t>(size) > kMaxFileBytes) {
    throw InputError(file, "", "file is " + std::to_string(size) + " bytes, more than the limit of " +
                                 std::to_string(kMaxFileBytes));
  }
  in.seekg(0, std::ios::beg);
  std::ostringstream buf;
  buf << in.rdbuf();
  if (!in && !in.eof()) throw InputError(file, "", "read error");
  return parse_results(buf.str(), file);
}

}  // namespace ccb::reports
