// harness/entry.hpp — ccbench's main, callable in-process: main.cpp only converts argv, fills
// Hooks and calls ccbench_main(); tests call it with argv vectors and string streams.
// This is the ONE place where typed errors become exit codes:
//   0  success (also --help, --version);
//   1  a workload failed its own self-check (the run still finished and wrote its results), or a
//      command's own verdict failed (compare's gate, calibrate, a stress invariant);
//   2  bad usage or input: CLI11 parse errors, UsageError, IoError — the message says what is
//      valid. No benchmark has run when 2 is returned for an input problem;
//   3  internal error (kExitInternal): any other exception, e.g. a workload that threw something
//      other than its self-check failure (run then writes no results).
#pragma once

#include <string>
#include <vector>

#include "harness/hooks.hpp"

namespace ccb::harness {

// ccbench_main() runs the command line `argv` (argv[0] = program name) and returns the exit code.
int ccbench_main(const std::vector<std::string>& argv, const Io& io, const Hooks& hooks = {});

}  // namespace ccb::harness
