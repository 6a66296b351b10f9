// harness/resume.hpp — `ccbench run --resume FILE`: the points an earlier run already measured (an
// interrupted run, most often) are taken from its results file instead of being measured again.
//
// Guarantees:
//  - entry_from_json() reads one benchmarks[] object as results_json.cpp writes it: writing the
//    entry again gives the same object (stats and outliers are recomputed from samples_ns by the
//    functions that computed them).
//  - load_resume() takes only what was measured as this run would measure it. It throws
//    UsageError (exit 2), naming the difference, when FILE is not a results file of `ccbench run`
//    (unreadable, not JSON, another schema_version, an entry it cannot read), was measured on
//    another host or by another ccbench binary (size, modification time), with other measurement
//    settings (preset, --repetitions, --warmup, --min-time, --pin, and when both pin, the CPUs:
//    context.pin.cpus), under a test hook (CCB_INJECT_*, CCB_CHAOS) or while this run has one, or,
//    when a point it would reuse has a Go entry, by another ccbench-go build (content hash) or
//    with other Go runtime settings (GOGC, GOMEMLIMIT, GODEBUG: the go_env warnings). The
//    repetition order (--shuffle) is not compared: a file of several implementations, shuffled,
//    may be resumed by a run of one of them.
//  - A point is reused whole: when FILE holds a finished entry ("ok", or "not_applicable": the
//    threads implementation of a point it cannot run) for every implementation this run measures
//    at it; "failed" is not finished. Otherwise the point is measured again, all its implementations together, as
//    in any run (FILE's entries of that point are dropped). FILE's points outside this run's
//    matrix are left out (counted in Resumed::outside, and said).
// Nothing here is shared between threads.
#pragma once

#include <cstddef>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/matrix.hpp"
#include "harness/results.hpp"
#include "harness/results_json.hpp"

namespace ccb::harness {

// entry_from_json() reads a benchmarks[] object; throws std::exception (nlohmann's, or
// std::invalid_argument) when a field is missing or of the wrong type.
Entry entry_from_json(const nlohmann::json& j);

// Resumed: the points taken from --resume's file, by base_name, each with its entries in the
// order of the run's implementations.
struct Resumed {
  std::string file;
  std::string date;  // FILE's context.date: when its run started
  std::map<std::string, std::vector<Entry>> points;
  size_t partial = 0;  // points FILE holds only some ok entries of: measured again
  size_t outside = 0;  // points FILE holds that this run does not measure: left out
};

// load_resume() reads FILE and checks it against this run (`info`: its machine, build and
// settings, as written into context) — see the header. `impls_of(p)` is the implementations this
// run measures at point p.
Resumed load_resume(const std::string& file, const RunInfo& info, const std::vector<Point>& points,
                    const std::function<std::vector<std::string>(const Point&)>& impls_of);

// resume_note() is what `run` says of it: "--resume: 2 of 4 points taken from FILE (its run
// started DATE), 2 to measure", and, when there are such points, how many were held there for
// only some implementations and how many are not in this run's matrix.
std::string resume_note(const Resumed& r, size_t points, size_t to_measure);

// in_matrix_order() is the entries of `points` in their order: a point's reused entries, else its
// measured ones (in the order run_points() gave them); a point with neither is left out.
std::vector<Entry> in_matrix_order(const std::vector<Point>& points, std::map<std::string, std::vector<Entry>> reused,
                                   std::vector<Entry> measured);

}  // namespace ccb::harness
