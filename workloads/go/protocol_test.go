// protocol_test.go — the command line and JSON protocol of main.go and params.go: `list`, batch
// and interactive `run`, exit codes, and usage errors that name the valid choices.
package main

import (
	"bytes"
	"encoding/json"
	"runtime"
	"strings"
	"testing"
)

// invoke runs runMain and returns its exit code and decoded output lines.
func invoke(t *testing.T, stdin string, args ...string) (int, []map[string]any) {
	t.Helper()
	var out bytes.Buffer
	code := runMain(args, strings.NewReader(stdin), &out)
	var lines []map[string]any
	for _, l := range strings.Split(strings.TrimRight(out.String(), "\n"), "\n") {
		if l == "" {
			continue
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(l), &m); err != nil {
			t.Fatalf("output line %q is not JSON: %v", l, err)
		}
		lines = append(lines, m)
	}
	return code, lines
}

func events(lines []map[string]any) string {
	var ev []string
	for _, l := range lines {
		ev = append(ev, l["event"].(string))
	}
	return strings.Join(ev, ",")
}

func TestList(t *testing.T) {
	var out bytes.Buffer
	if code := runMain([]string{"list"}, strings.NewReader(""), &out); code != 0 {
		t.Fatalf("list: exit %d", code)
	}
	var doc struct {
		GoVersion string `json:"go_version"`
		Workloads []struct {
			Name, Unit string
			Params     []struct {
				Name    string
				Default any
			}
		}
	}
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		t.Fatalf("list output is not the documented JSON: %v", err)
	}
	if want := "go version " + runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH; doc.GoVersion != want {
		t.Errorf("list go_version %q, want %q", doc.GoVersion, want)
	}
	want := map[string]string{
		"pingpong": "cap,n", "fanin": "producers,cap,n", "fanout": "workers,cap,n",
		"pipeline": "stages,cap,n", "counter": "mode,tasks,k", "select": "channels,consumers,cap,n",
		"skynet": "size", "spawn": "n,capacity", "timers": "mode,tasks,k", "context": "n", "ratelimit": "tasks,k",
	}
	if len(doc.Workloads) != len(want) {
		t.Fatalf("list has %d workloads, want %d", len(doc.Workloads), len(want))
	}
	for _, w := range doc.Workloads {
		var names []string
		for _, p := range w.Params {
			names = append(names, p.Name)
			if p.Default == nil {
				t.Errorf("%s.%s has no default", w.Name, p.Name)
			}
		}
		if got := strings.Join(names, ","); got != want[w.Name] || w.Unit == "" {
			t.Errorf("%s: params %q unit %q, want params %q", w.Name, got, w.Unit, want[w.Name])
		}
	}
	if d := doc.Workloads[0].Params[1].Default; d != float64(800000) {
		t.Errorf("pingpong n default %v, want the number 800000", d)
	}
	if d := doc.Workloads[4].Params[0].Default; d != "mutex" {
		t.Errorf("counter mode default %v, want the string mutex", d)
	}
}

func TestRunBatch(t *testing.T) {
	code, lines := invoke(t, "", "run", "--workload", "pingpong", "--procs", "2",
		"--param", "n=100", "--repetitions", "3", "--warmup", "2")
	if code != 0 || events(lines) != "ready,sample,sample,sample,done" {
		t.Fatalf("exit %d events %q", code, events(lines))
	}
	s := lines[1]
	if s["ops"] != float64(100) || s["checked"] != true || s["elapsed_ns"].(float64) <= 0 ||
		s["ns_per_op"].(float64) <= 0 {
		t.Errorf("bad sample line %v", s)
	}
}

func TestRunInteractive(t *testing.T) {
	code, lines := invoke(t, "rep\n\nrep\nquit\nrep\n", "run", "--workload=spawn", "--param=n=50")
	if code != 0 || events(lines) != "ready,sample,sample" {
		t.Fatalf("exit %d events %q", code, events(lines))
	}
	if extra, ok := lines[1]["extra"].(map[string]any); !ok || extra["rss_per_task_bytes"] == nil {
		t.Errorf("spawn sample has no rss_per_task_bytes: %v", lines[1])
	}
	code, lines = invoke(t, "rep\n", "run", "--workload", "context", "--param", "n=10", "--warmup", "0")
	if code != 0 || events(lines) != "ready,sample" {
		t.Errorf("end of input: exit %d events %q", code, events(lines))
	}
	code, lines = invoke(t, "bogus\n", "run", "--workload", "context", "--param", "n=10")
	if code != 2 || events(lines) != "ready,error" ||
		!strings.Contains(lines[1]["message"].(string), "rep, again, quit") {
		t.Errorf("unknown command: exit %d lines %v", code, lines)
	}
}

// TestRepCollectsAndAgainDoesNot: "rep" forces a GC before its run (a harness repetition's first
// run, as testing.B collects before each round); "again" (the repetition's later runs) does not.
func TestRepCollectsAndAgainDoesNot(t *testing.T) {
	gcs := func(stdin string) uint32 {
		var before, after runtime.MemStats
		runtime.ReadMemStats(&before)
		code, lines := invoke(t, stdin, "run", "--workload", "context", "--param", "n=10", "--warmup", "0")
		runtime.ReadMemStats(&after)
		if code != 0 || events(lines) != "ready,sample,sample,sample" {
			t.Fatalf("exit %d events %q", code, events(lines))
		}
		return after.NumForcedGC - before.NumForcedGC
	}
	if n := gcs("rep\nrep\nrep\n"); n != 3 {
		t.Errorf("three reps: %d forced GCs, want 3", n)
	}
	if n := gcs("rep\nagain\nagain\n"); n != 1 {
		t.Errorf("rep, again, again: %d forced GCs, want 1", n)
	}
}

func TestUsageErrors(t *testing.T) {
	cases := []struct {
		args    []string
		mention string // a valid choice the message must list
	}{
		{nil, "list, run"},
		{[]string{"frobnicate"}, "list, run"},
		{[]string{"list", "extra"}, "no arguments"},
		{[]string{"run"}, "pingpong, fanin"},
		{[]string{"run", "--workload", "nope"}, "ratelimit"},
		{[]string{"run", "--workload", "pingpong", "--param", "bogus=1"}, "cap (0..1), n (1..1000000000)"},
		{[]string{"run", "--workload", "pingpong", "--param", "cap=2"}, "0..1"},
		{[]string{"run", "--workload", "pingpong", "--param", "n=abc"}, "1..1000000000"},
		{[]string{"run", "--workload", "pingpong", "--param", "n"}, "name=value"},
		{[]string{"run", "--workload", "pingpong", "--param", "n=1", "--param", "n=2"}, "twice"},
		{[]string{"run", "--workload", "counter", "--param", "mode=spin"}, "mutex, atomic, channel, rwmutex"},
		{[]string{"run", "--workload", "skynet", "--param", "size=200"}, "power of 10"},
		{[]string{"run", "--workload", "fanin", "--param", "producers=8", "--param", "n=7"}, ">= producers"},
		{[]string{"run", "--workload", "pingpong", "--procs", "0"}, "1..1024"},
		{[]string{"run", "--workload", "pingpong", "--warmup", "-1"}, "0..1000000"},
		{[]string{"run", "--workload", "pingpong", "--repetitions", "0"}, "1..1000000"},
		{[]string{"run", "--workload", "pingpong", "--frob"}, "--workload W"},
		{[]string{"run", "--workload", "pingpong", "stray"}, "--repetitions R"},
	}
	for _, c := range cases {
		code, lines := invoke(t, "", c.args...)
		if code != 2 || len(lines) != 1 || lines[0]["event"] != "error" {
			t.Errorf("%v: exit %d lines %v, want exit 2 and one error event", c.args, code, lines)
			continue
		}
		if msg := lines[0]["message"].(string); !strings.Contains(msg, c.mention) {
			t.Errorf("%v: message %q does not mention %q", c.args, msg, c.mention)
		}
	}
}

func TestParamForms(t *testing.T) {
	w := findWorkload("pingpong")
	p, err := resolveParams(w, []string{"n=2e3"})
	if err != nil || p.int("n") != 2000 || p.int("cap") != 0 {
		t.Errorf("n=2e3: %v %v, want n=2000 and default cap=0", p, err)
	}
	if _, err := resolveParams(w, []string{"n=2.5"}); err == nil {
		t.Errorf("n=2.5 accepted")
	}
}

// TestFailedCheckExitsOne adds a workload whose check always fails.
func TestFailedCheckExitsOne(t *testing.T) {
	saved := workloads
	defer func() { workloads = saved }()
	workloads = append(append([]workload{}, saved...), workload{name: "broken", unit: "op",
		run: func(params) (result, error) { return result{}, failf("broken: sum 1, want 2") }})
	for _, args := range [][]string{
		{"run", "--workload", "broken", "--repetitions", "1"},
		{"run", "--workload", "broken", "--warmup", "0", "--repetitions", "1"},
	} {
		code, lines := invoke(t, "", args...)
		last := lines[len(lines)-1]
		if code != 1 || last["event"] != "error" || last["message"] != "broken: sum 1, want 2" {
			t.Errorf("%v: exit %d lines %v, want exit 1 and the check's message", args, code, lines)
		}
	}
}
