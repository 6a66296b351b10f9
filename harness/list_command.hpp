// harness/list_command.hpp — `ccbench list [WORKLOAD...]`: the named workloads, in the order
// named (every registered one, in registry order, when none is named), with their description,
// unit, implementations, parameters (name, type, default, allowed values, quick/full sweeps, help)
// and procs sweeps, as a table or as JSON.
// JSON shape: {"workloads":[{"name","description","unit","impls":[…],"params":[{"name","type":
// "int"|"choice","default","min","max" | "choices","quick":[…],"full":[…],"help"}],
// "procs":{"quick":[…],"full":[…]}}]}; integer values are JSON numbers.
#pragma once

#include "harness/cli.hpp"
#include "harness/hooks.hpp"

namespace ccb::harness {

// list_command() prints the list and returns 0; an unknown or repeated workload name throws
// UsageError (select_workloads) before anything is printed. `impls` includes "go" for the workloads the Go
// backend (hooks.go, when built in and available here) supports.
int list_command(const ListOptions& options, const Io& io, const Hooks& hooks);

}  // namespace ccb::harness
