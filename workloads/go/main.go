// main.go — ccbench-go, the Go reference implementation of the ccbench workloads: the command
// line and the line-oriented JSON protocol of workloads/CONTRACT.md ("The Go child-process
// protocol").
//
//	ccbench-go list
//	ccbench-go run --workload W --procs P [--param name=value]… [--warmup N] [--repetitions R]
//
// Guarantees:
//   - stdout carries only protocol JSON, one object per line, each line written with one Write.
//   - Exit 0: success (including `quit` or end of stdin); 1: a self-check failed; 2: bad usage.
//     Both failures print {"event":"error","message":…} first.
//   - GOMAXPROCS is set to P before the first repetition; the N warm-up repetitions run before
//     {"event":"ready"} and are never printed; every repetition is verified before it is printed.
//   - A forced GC runs before every warm-up and every `rep`, outside the measured section, as
//     testing.B collects before each round of b.N iterations: a harness repetition of R runs
//     is one `rep` and R-1 `again`s, and `again` does not collect, so garbage made inside a
//     repetition is collected inside its timing when the pacer starts a collection there, and
//     what is left at its end by the next `rep`, untimed (workloads/CONTRACT.md says what that
//     means for the comparison).
package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"runtime"
	"strings"
)

func main() {
	os.Exit(runMain(os.Args[1:], os.Stdin, os.Stdout))
}

// runMain runs one command and returns the process exit code.
func runMain(args []string, stdin io.Reader, stdout io.Writer) int {
	out := &emitter{w: stdout}
	if len(args) == 0 {
		return out.fail(usagef("missing command; valid commands: list, run"))
	}
	switch args[0] {
	case "list":
		if len(args) > 1 {
			return out.fail(usagef("list takes no arguments"))
		}
		out.line(listing())
		return 0
	case "run":
		cfg, err := parseRun(args[1:])
		if err != nil {
			return out.fail(err)
		}
		dieWithParent()
		return serve(cfg, stdin, out)
	case "capacity": // internal: spawn's capacity measurement in a fresh process (spawn_extras.go)
		return capacityCommand(args[1:], out)
	default:
		return out.fail(usagef("unknown command %q; valid commands: list, run", args[0]))
	}
}

// serve runs the warm-ups, says ready, then runs repetitions in batch or interactive mode.
func serve(cfg runConfig, stdin io.Reader, out *emitter) int {
	runtime.GOMAXPROCS(cfg.procs)
	for i := 0; i < cfg.warmup; i++ {
		if _, err := repetition(cfg, true); err != nil {
			return out.fail(err)
		}
	}
	out.event("ready")
	if cfg.repetitions > 0 {
		for i := 0; i < cfg.repetitions; i++ {
			if code := runOne(cfg, out, true); code != 0 {
				return code
			}
		}
		out.event("done")
		return 0
	}
	sc := bufio.NewScanner(stdin)
	for sc.Scan() {
		switch cmd := strings.TrimSpace(sc.Text()); cmd {
		case "rep":
			if code := runOne(cfg, out, true); code != 0 {
				return code
			}
		case "again":
			if code := runOne(cfg, out, false); code != 0 {
				return code
			}
		case "quit":
			return 0
		case "":
		default:
			return out.fail(usagef("unknown command %q; valid commands: rep, again, quit", cmd))
		}
	}
	return 0
}

// runOne runs and prints one repetition (a forced GC first when collect); it returns a non-zero
// exit code on failure.
func runOne(cfg runConfig, out *emitter, collect bool) int {
	r, err := repetition(cfg, collect)
	if err != nil {
		return out.fail(err)
	}
	out.sample(r)
	return 0
}

// repetition runs one verified run of cfg's workload, after a forced GC when collect.
func repetition(cfg runConfig, collect bool) (result, error) {
	if collect {
		runtime.GC()
	}
	r, err := cfg.w.run(cfg.p)
	if err != nil {
		return result{}, err
	}
	if r.ops <= 0 {
		return result{}, failf("%s: repetition reported %d ops", cfg.w.name, r.ops)
	}
	return r, nil
}

// emitter writes protocol lines.
type emitter struct{ w io.Writer }

func (e *emitter) line(v any) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf) // Encode appends the newline
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		buf.Reset()
		_ = enc.Encode(errorLine{Event: "error", Message: "cannot encode output: " + err.Error()})
	}
	_, _ = e.w.Write(buf.Bytes())
}

type eventLine struct {
	Event string `json:"event"`
}

type errorLine struct {
	Event   string `json:"event"`
	Message string `json:"message"`
}

type sampleLine struct {
	Event     string             `json:"event"`
	Ops       int64              `json:"ops"`
	ElapsedNs int64              `json:"elapsed_ns"`
	NsPerOp   float64            `json:"ns_per_op"`
	Checked   bool               `json:"checked"`
	Extra     map[string]float64 `json:"extra,omitempty"`
	Latency   *latencyLine       `json:"latency,omitempty"`
}

func (e *emitter) event(name string) { e.line(eventLine{Event: name}) }

func (e *emitter) sample(r result) {
	ns := r.elapsed.Nanoseconds()
	e.line(sampleLine{Event: "sample", Ops: r.ops, ElapsedNs: ns,
		NsPerOp: float64(ns) / float64(r.ops), Checked: true, Extra: r.extra, Latency: r.latency})
}

// fail prints err as an error event and returns its exit code: 2 for usage, 1 otherwise.
func (e *emitter) fail(err error) int {
	e.line(errorLine{Event: "error", Message: err.Error()})
	var u *usageError
	if errors.As(err, &u) {
		return 2
	}
	return 1
}

// listing is the `list` document. go_version is the Go that built this binary, in the form of
// `go version`'s output ("go version go1.19.8 linux/amd64"): the harness records it, so that it
// names the Go that ran the points even for a binary built elsewhere (CCB_GO_BINARY).
type listDoc struct {
	GoVersion string         `json:"go_version"`
	Workloads []listWorkload `json:"workloads"`
}

type listWorkload struct {
	Name   string      `json:"name"`
	Unit   string      `json:"unit"`
	Params []listParam `json:"params"`
}

// listParam: name and default are the contract's; type, range and choices help the harness
// validate before it starts a child. Int defaults are JSON numbers, choice defaults strings.
type listParam struct {
	Name    string   `json:"name"`
	Default any      `json:"default"`
	Type    string   `json:"type"`
	Min     *int64   `json:"min,omitempty"`
	Max     *int64   `json:"max,omitempty"`
	Pow10   bool     `json:"power_of_10,omitempty"`
	Choices []string `json:"choices,omitempty"`
}

func listing() listDoc {
	doc := listDoc{GoVersion: "go version " + runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH,
		Workloads: []listWorkload{}}
	for _, w := range workloads {
		lw := listWorkload{Name: w.name, Unit: w.unit, Params: []listParam{}}
		for _, s := range w.params {
			s := s
			lp := listParam{Name: s.name}
			if s.choices != nil {
				lp.Type, lp.Default, lp.Choices = "choice", s.def, s.choices
			} else {
				lp.Type, lp.Min, lp.Max, lp.Pow10 = "int", &s.min, &s.max, s.pow10
				lp.Default = json.Number(s.def)
			}
			lw.Params = append(lw.Params, lp)
		}
		doc.Workloads = append(doc.Workloads, lw)
	}
	return doc
}
