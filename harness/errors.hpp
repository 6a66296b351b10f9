// harness/errors.hpp — the harness's typed errors. Each maps to one exit code, and only
// ccbench_main() (entry.hpp) performs that mapping: UsageError and IoError -> 2,
// ccb::workloads::WorkloadFailed -> 1 (after the run finishes), anything else -> 3 (kExitInternal,
// exit_status.hpp: an internal error). A std::bad_alloc or a std::system_error (ccb::run's
// ThreadStartFailed) from a point's run is not internal: the runner records that point as failed
// with out_of_memory_text() or os_refused_text() and goes on (exit 1).
// Messages are complete sentences for the user and list the valid choices where there are any.
#pragma once

#include <stdexcept>
#include <string>

namespace ccb::harness {

// UsageError: bad command line or bad input (unknown workload/parameter/value, bad list syntax,
// duplicated option, unavailable implementation that was asked for explicitly). Exit code 2.
class UsageError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// IoError: an output file or directory cannot be created or written. Exit code 2.
class IoError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// ImplUnavailable: an implementation cannot run on this machine at all (e.g. Go is not
// installed). Thrown by ImplBackend::check_available(); `ccbench run` turns it into a UsageError
// when the implementation was named explicitly, or a one-line notice for `--impl all`.
class ImplUnavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// ImplMisconfigured: the user's own setting for an implementation is wrong (CCB_GO_BINARY names no
// executable file, CCB_GO_TIMEOUT is out of range). `ccbench run` turns it into a UsageError even
// under `--impl all`: the user asked for that setting, so skipping the implementation with a
// notice would hide the mistake behind exit 0. `ccbench list` notes it like any ImplUnavailable.
class ImplMisconfigured : public ImplUnavailable {
 public:
  using ImplUnavailable::ImplUnavailable;
};

// out_of_memory_text() is the error of a point whose run threw std::bad_alloc: the machine or a
// limit (ulimit -v, a cgroup) refused it memory, which says nothing of the runtime's correctness
// and need not cost the other points' results.
inline std::string out_of_memory_text() {
  return "out of memory (std::bad_alloc): the machine or a limit such as ulimit -v refused this point memory; "
         "smaller sizes (--set) or fewer points in a shuffle window may fit";
}

// os_refused_text(what) is the error of a point whose run threw std::system_error (`what`): the
// OS refused it a resource, as ccb::run's ccb::ThreadStartFailed when a worker thread is refused.
// Like memory, that says nothing of the runtime's correctness.
inline std::string os_refused_text(const std::string& what) {
  return what + ": the machine or a limit (ulimit -u or -v, a cgroup's pids.max) refused this point an OS "
         "resource; fewer procs or smaller sizes (--set) may fit";
}

}  // namespace ccb::harness
