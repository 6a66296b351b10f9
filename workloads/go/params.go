// params.go — parsing of `ccbench-go run` flags and of `--param name=value` against a workload's
// parameter specs.
//
// Guarantees:
//   - Every error is a *usageError whose message names the offending flag, parameter or value
//     and lists the valid choices (flags, workloads, parameters with ranges, or choice values).
//   - A successfully resolved params holds every declared parameter of the workload, each value
//     normalised (ints in decimal), so run functions never see a missing or invalid value.
package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
)

// params maps parameter name to its validated value.
type params map[string]string

// int returns an int parameter. A missing or non-numeric value is a programming error.
func (p params) int(name string) int64 {
	v, err := strconv.ParseInt(p[name], 10, 64)
	if err != nil {
		panic(fmt.Sprintf("params: %s is not a resolved int parameter", name))
	}
	return v
}

// str returns a choice parameter.
func (p params) str(name string) string { return p[name] }

// runConfig is a parsed `run` command line.
type runConfig struct {
	w           *workload
	p           params
	procs       int
	warmup      int
	repetitions int // 0 means interactive (commands from stdin)
}

const validFlags = "valid flags: --workload W, --procs P (1..1024), --param name=value (repeatable), " +
	"--warmup N (0..1000000, default 1), --repetitions R (1..1000000; without it, commands come from stdin)"

// paramFlags collects repeated --param flags.
type paramFlags []string

func (f *paramFlags) String() string     { return strings.Join(*f, ",") }
func (f *paramFlags) Set(s string) error { *f = append(*f, s); return nil }

// parseRun parses the arguments that follow `run`.
func parseRun(args []string) (runConfig, error) {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	name := fs.String("workload", "", "")
	procs := fs.Int("procs", 1, "")
	warmup := fs.Int("warmup", 1, "")
	reps := fs.Int("repetitions", 0, "")
	var raw paramFlags
	fs.Var(&raw, "param", "")
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return runConfig{}, usagef("run: %s", validFlags)
		}
		return runConfig{}, usagef("run: %v; %s", err, validFlags)
	}
	if fs.NArg() > 0 {
		return runConfig{}, usagef("run: unexpected argument %q; %s", fs.Arg(0), validFlags)
	}
	set := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	if *name == "" {
		return runConfig{}, usagef("run: --workload is required; valid workloads: %s",
			strings.Join(workloadNames(), ", "))
	}
	w := findWorkload(*name)
	if w == nil {
		return runConfig{}, usagef("unknown workload %q; valid workloads: %s",
			*name, strings.Join(workloadNames(), ", "))
	}
	if *procs < 1 || *procs > 1024 {
		return runConfig{}, usagef("--procs %d out of range; valid: 1..1024", *procs)
	}
	if *warmup < 0 || *warmup > 1000000 {
		return runConfig{}, usagef("--warmup %d out of range; valid: 0..1000000", *warmup)
	}
	if set["repetitions"] && (*reps < 1 || *reps > 1000000) {
		return runConfig{}, usagef("--repetitions %d out of range; valid: 1..1000000", *reps)
	}
	p, err := resolveParams(w, raw)
	if err != nil {
		return runConfig{}, err
	}
	return runConfig{w: w, p: p, procs: *procs, warmup: *warmup, repetitions: *reps}, nil
}

// resolveParams validates name=value pairs against w's specs and fills in defaults.
func resolveParams(w *workload, raw []string) (params, error) {
	p := params{}
	for _, kv := range raw {
		name, value, ok := strings.Cut(kv, "=")
		if !ok || name == "" {
			return nil, usagef("--param %q is not name=value; valid parameters of %s: %s",
				kv, w.name, describeParams(w))
		}
		spec := w.param(name)
		if spec == nil {
			return nil, usagef("workload %s has no parameter %q; valid parameters: %s",
				w.name, name, describeParams(w))
		}
		if _, dup := p[name]; dup {
			return nil, usagef("parameter %s given twice", name)
		}
		norm, err := spec.parse(value)
		if err != nil {
			return nil, usagef("%s: parameter %s=%q: %v", w.name, name, value, err)
		}
		p[name] = norm
	}
	for _, s := range w.params {
		if _, ok := p[s.name]; !ok {
			p[s.name] = s.def
		}
	}
	if w.check != nil {
		if err := w.check(p); err != nil {
			return nil, usagef("%s: %v", w.name, err)
		}
	}
	return p, nil
}

// param returns the spec named name, or nil.
func (w *workload) param(name string) *paramSpec {
	for i := range w.params {
		if w.params[i].name == name {
			return &w.params[i]
		}
	}
	return nil
}

// describe returns the spec's valid values, e.g. "0..1" or "one of mutex, atomic".
func (s *paramSpec) describe() string {
	switch {
	case s.choices != nil:
		return "one of " + strings.Join(s.choices, ", ")
	case s.pow10:
		return fmt.Sprintf("a power of 10 in %d..%d", s.min, s.max)
	default:
		return fmt.Sprintf("%d..%d", s.min, s.max)
	}
}

func describeParams(w *workload) string {
	parts := make([]string, len(w.params))
	for i := range w.params {
		parts[i] = fmt.Sprintf("%s (%s)", w.params[i].name, w.params[i].describe())
	}
	return strings.Join(parts, ", ")
}

// parse validates one value and returns it normalised. Ints may be written in decimal or as an
// exact float such as 2e6.
func (s *paramSpec) parse(value string) (string, error) {
	if s.choices != nil {
		for _, c := range s.choices {
			if value == c {
				return c, nil
			}
		}
		return "", fmt.Errorf("valid: %s", s.describe())
	}
	v, err := strconv.ParseInt(value, 10, 64)
	if err != nil {
		f, ferr := strconv.ParseFloat(value, 64)
		if ferr != nil || f != math.Trunc(f) || math.Abs(f) > 1e18 {
			return "", fmt.Errorf("not an integer; valid: %s", s.describe())
		}
		v = int64(f)
	}
	if v < s.min || v > s.max || (s.pow10 && !isPow10(v)) {
		return "", fmt.Errorf("out of range; valid: %s", s.describe())
	}
	return strconv.FormatInt(v, 10), nil
}

func isPow10(v int64) bool {
	for v >= 10 && v%10 == 0 {
		v /= 10
	}
	return v == 1
}
