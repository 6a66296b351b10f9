// registry.go — the table of workloads (names, units, parameters, defaults, ranges) and the
// result and error types every workload shares.
//
// Guarantees:
//   - Names, units, parameter names, order, ranges and defaults are exactly those of
//     workloads/CONTRACT.md; changing one is a results-schema change.
//   - A run function executes ONE repetition with validated parameters, verifies its own result
//     and returns a *checkError (exit 1) on a mismatch — a wrong number is never returned.
//   - A *usageError (exit 2) is only produced while parsing the command line.
package main

import (
	"fmt"
	"time"
)

// result is one verified repetition: ops of the workload's unit done in elapsed.
type result struct {
	ops     int64
	elapsed time.Duration
	extra   map[string]float64
	latency *latencyLine // latency-shaped workloads only (latency.go)
}

// paramSpec describes one parameter. An int parameter accepts min..max (and, with pow10, only
// powers of 10); a choice parameter (choices non-nil) accepts one of choices. def is the default.
type paramSpec struct {
	name     string
	min, max int64
	pow10    bool
	choices  []string
	def      string
}

// workload is one entry of the contract. check (optional) validates combinations of parameters
// that each lie in range but cannot run together, e.g. fewer items than producers.
type workload struct {
	name   string
	unit   string
	params []paramSpec
	check  func(p params) error
	run    func(p params) (result, error)
}

// usageError is bad usage: unknown command, flag, workload or parameter, or a value out of range.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

// checkError is a failed self-check of a repetition.
type checkError struct{ msg string }

func (e *checkError) Error() string { return e.msg }

func usagef(format string, a ...any) error { return &usageError{fmt.Sprintf(format, a...)} }

func failf(format string, a ...any) error { return &checkError{fmt.Sprintf(format, a...)} }

const billion = 1000000000

func intParam(name string, min, max, def int64) paramSpec {
	return paramSpec{name: name, min: min, max: max, def: fmt.Sprint(def)}
}

func choiceParam(name string, choices ...string) paramSpec {
	return paramSpec{name: name, choices: choices, def: choices[0]}
}

// atLeast returns a check that `big` is at least `small`, so that per = big/small is > 0.
func atLeast(big, small string) func(p params) error {
	return func(p params) error {
		if p.int(big) < p.int(small) {
			return usagef("parameter %s (%d) must be >= %s (%d), so each gets at least one item",
				big, p.int(big), small, p.int(small))
		}
		return nil
	}
}

// workloads is the contract's table, in its order.
var workloads = []workload{
	{name: "pingpong", unit: "round trip", run: runPingpong, params: []paramSpec{
		intParam("cap", 0, 1, 0), intParam("n", 1, billion, 800000)}},
	{name: "fanin", unit: "message", run: runFanin, check: atLeast("n", "producers"), params: []paramSpec{
		intParam("producers", 1, 4096, 4), intParam("cap", 0, 1000000, 0), intParam("n", 1, billion, 400000)}},
	{name: "fanout", unit: "message", run: runFanout, params: []paramSpec{
		intParam("workers", 1, 4096, 4), intParam("cap", 0, 1000000, 0), intParam("n", 1, billion, 400000)}},
	{name: "pipeline", unit: "item", run: runPipeline, params: []paramSpec{
		intParam("stages", 1, 1024, 8), intParam("cap", 0, 1000000, 0), intParam("n", 1, billion, 30000)}},
	{name: "counter", unit: "increment", run: runCounter, params: []paramSpec{
		choiceParam("mode", "mutex", "atomic", "channel", "rwmutex"),
		intParam("tasks", 1, 4096, 5), intParam("k", 1, billion, 1000000)}},
	{name: "select", unit: "message", run: runSelect, check: atLeast("n", "channels"), params: []paramSpec{
		intParam("channels", 2, 64, 4), intParam("consumers", 1, 64, 2),
		intParam("cap", 0, 1000000, 0), intParam("n", 1, billion, 120000)}},
	{name: "skynet", unit: "run", run: runSkynet, params: []paramSpec{
		{name: "size", min: 10, max: 10000000, pow10: true, def: "100000"}}},
	{name: "spawn", unit: "task", run: runSpawn, params: []paramSpec{
		intParam("n", 1, 10000000, 10000), intParam("capacity", 0, 1, 0)}},
	{name: "timers", unit: "timer", run: runTimers, params: []paramSpec{
		choiceParam("mode", "startstop", "sleep"),
		intParam("tasks", 1, 4096, 4), intParam("k", 1, billion, 250)}},
	{name: "context", unit: "waiter", run: runContext, params: []paramSpec{
		intParam("n", 1, 1000000, 40000)}},
	{name: "ratelimit", unit: "allow call", run: runRatelimit, params: []paramSpec{
		intParam("tasks", 1, 4096, 4), intParam("k", 1, billion, 200000)}},
}

// findWorkload returns the workload named name, or nil.
func findWorkload(name string) *workload {
	for i := range workloads {
		if workloads[i].name == name {
			return &workloads[i]
		}
	}
	return nil
}

// workloadNames returns every workload name, in the contract's order.
func workloadNames() []string {
	names := make([]string, len(workloads))
	for i, w := range workloads {
		names[i] = w.name
	}
	return names
}
