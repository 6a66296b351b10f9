// harness/go_backend.hpp — the "go" implementation as an ImplBackend, over the Go runner of
// harness/go_impl.hpp (GoPoint speaks the child-process protocol of workloads/CONTRACT.md).
// Built into the ccbench executable only when the ccb_go_impl target exists; main.cpp installs it
// in Hooks::go.
// Guarantees: check_available() builds/finds ccbench-go once (go_binary()) and turns GoUnavailable
// into ImplUnavailable (whose message names scripts/setup), or into ImplMisconfigured when the
// user's own CCB_GO_BINARY (no executable file) or CCB_GO_TIMEOUT is wrong; supports() asks
// `ccbench-go list` once (go_list), waiting at most CCB_GO_TIMEOUT or 60 s, whichever is less (a
// child that hangs there marks the binary hung: every go point then fails at once);
// GoProtocolError and GoUnavailable during a point fail that point (WorkloadFailed), never the run;
// so does a child that exits non-zero on `quit` or prints something after it (PointUsage::failure).
// Measurement limits: the child's CPU time is only known when it exits (getrusage
// RUSAGE_CHILDREN), so cpu_time is its whole-life CPU time over its ops, warm-ups and start-up
// included (noted in the entry); context switches and peak RSS are the child's (wait4).
// Pinning (pinning.hpp): with a Pinner the child is spawned with the affinity of the CPUs the
// ccbench workers of the same procs use, inherited from the main thread during the spawn.
#pragma once

#include <memory>

#include "harness/impl_runner.hpp"

namespace ccb::harness {

std::shared_ptr<ImplBackend> make_go_backend();

}  // namespace ccb::harness
