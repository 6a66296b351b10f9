// reports/results_loader.hpp — the strict, validating reader of ccbench results files (SCHEMA.md v1).
//
// Guarantees:
//  - load_results() either returns a fully validated Results (see results.hpp for what that means)
//    or throws InputError; it never returns partial data and never yields NaN or Inf.
//  - Every InputError names the file (as given) and the JSON path of the problem, in the form
//    `new.json: benchmarks[3].samples_ns[2]: expected a number, got string`. Syntax errors (including
//    truncated files and the non-JSON literals NaN/Infinity) carry the path being parsed and the
//    line/column; the path of a syntax error is "<root>" when it is outside any value.
//  - Rejected: unreadable or empty files, files over kMaxFileBytes, malformed or truncated JSON,
//    duplicate object keys, numbers that overflow a double, any array longer than
//    kMaxArrayElements, arrays and objects nested deeper than kMaxNestingDepth, wrong JSON types, context.schema_version != 1 (checked before any other
//    field), unknown status/impl values, negative samples, positive samples outside
//    [kMinSampleNs, kMaxSampleNs], an "ok" entry without samples, duplicate point names.
//  - Accepted: everything SCHEMA.md allows, including `null` for values that cannot be computed
//    (statistics, cpu_time, mhz_per_cpu, load averages, rusage counters), missing `extra`/`notes`,
//    and fields SCHEMA.md does not list (Google Benchmark writes some; they are ignored).
// Thread-safety: load_results() has no shared state; calls may run concurrently.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>

#include "common/sample_bounds.hpp"
#include "reports/results.hpp"

namespace ccb::reports {

// The only schema version this reader understands.
inline constexpr int kSchemaVersion = 1;
// Longest array accepted anywhere in a file (samples, benchmarks, …): a results file holds at most
// thousands of points with at most thousands of repetitions; a longer array is a corrupt or hostile
// file, and rejecting it while parsing bounds memory use.
inline constexpr std::size_t kMaxArrayElements = 1'000'000;
// Deepest nesting of arrays and objects accepted: a results file needs 3 levels (context.pin.cpus);
// nothing it holds needs more than a few. A deeper document is rejected while parsing: 100000
// levels of {"a": …} in an ignored context field crashed compare, report and calibrate (a stack
// overflow copying the nested values), and whatever later walks a document recurses per level.
inline constexpr std::size_t kMaxNestingDepth = 256;
// Range of a positive sample (ns per op; common/sample_bounds.hpp, which `run` checks too); 0
// stays allowed (compare calls a zero median "noisy"). Other *_ns fields are not bounded: nothing
// computes with them.
inline constexpr double kMinSampleNs = common::kMinSampleNs;
inline constexpr double kMaxSampleNs = common::kMaxSampleNs;
// Largest file accepted: 1e6 samples printed with 17 digits are ~20 MB; 256 MiB leaves ample room.
inline constexpr std::size_t kMaxFileBytes = std::size_t{256} << 20;

// InputError is a bad input file: exit code 2. what() is "<file>: <path>: <message>", where <path>
// is the JSON path of the bad value; a problem with the file itself (missing, a directory,
// unreadable, too large) has an empty path, and what() is "<file>: <message>".
class InputError : public std::runtime_error {
 public:
  InputError(std::string file, std::string path, const std::string& message)
      : std::runtime_error(file + ": " + (path.empty() ? std::string() : path + ": ") + message),
        file_(std::move(file)),
        path_(std::move(path)) {}
  const std::string& file() const { return file_; }
  const std::string& path() const { return path_; }

 private:
  std::string file_;
  std::string path_;
};

// load_results() reads and validates `file`. Throws: InputError (see above).
Results load_results(const std::string& file);

// parse_results() validates already-read text; `file` is only used in messages. Throws: InputError.
Results parse_results(const std::string& text, const std::string& file);

}  // namespace ccb::reports
