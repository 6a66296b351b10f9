// workloads_test.go — every workload at tiny sizes, at GOMAXPROCS 1 and 2, through the same
// parameter resolution the command line uses; plus the select loops of every size and the token
// bucket's limit. Sizes are small: the dev machine has 2 cores shared by several builds.
package main

import (
	"fmt"
	"runtime"
	"strings"
	"testing"
	"time"
)

// tinyRuns lists one or more tiny parameter sets per workload; every workload must appear.
var tinyRuns = map[string][][]string{
	"pingpong": {{"n=500"}, {"cap=1", "n=500"}},
	"fanin":    {{"producers=3", "n=1000"}, {"producers=16", "cap=128", "n=1000"}},
	"fanout":   {{"workers=3", "n=1000"}, {"workers=16", "cap=128", "n=1000"}},
	"pipeline": {{"stages=3", "n=500"}, {"stages=8", "cap=128", "n=500"}},
	"counter": {{"mode=mutex", "tasks=3", "k=500"}, {"mode=atomic", "tasks=3", "k=500"},
		{"mode=channel", "tasks=3", "k=500"}, {"mode=rwmutex", "tasks=3", "k=505"}},
	"select":    {{"n=1000"}, {"channels=5", "consumers=3", "cap=64", "n=1000"}},
	"skynet":    {{"size=1000"}},
	"spawn":     {{"n=1000"}},
	"timers":    {{"mode=startstop", "tasks=2", "k=100"}, {"mode=sleep", "tasks=2", "k=5"}},
	"context":   {{"n=300"}},
	"ratelimit": {{"tasks=2", "k=2000"}},
}

func mustResolve(t *testing.T, name string, raw []string) (*workload, params) {
	t.Helper()
	w := findWorkload(name)
	if w == nil {
		t.Fatalf("workload %s not found", name)
	}
	p, err := resolveParams(w, raw)
	if err != nil {
		t.Fatalf("resolveParams(%s, %v): %v", name, raw, err)
	}
	return w, p
}

func TestEveryWorkloadHasTinyRuns(t *testing.T) {
	for _, name := range workloadNames() {
		if len(tinyRuns[name]) == 0 {
			t.Errorf("workload %s has no tiny run in this test", name)
		}
	}
}

func TestWorkloadsTiny(t *testing.T) {
	old := runtime.GOMAXPROCS(0)
	defer runtime.GOMAXPROCS(old)
	for _, procs := range []int{1, 2} {
		runtime.GOMAXPROCS(procs)
		for _, name := range workloadNames() {
			for _, raw := range tinyRuns[name] {
				t.Run(fmt.Sprintf("%s/%v/procs:%d", name, raw, procs), func(t *testing.T) {
					w, p := mustResolve(t, name, raw)
					for rep := 0; rep < 2; rep++ {
						r, err := w.run(p)
						if err != nil {
							t.Fatalf("rep %d: %v", rep, err)
						}
						if r.ops <= 0 || r.elapsed <= 0 {
							t.Fatalf("rep %d: ops %d elapsed %v, want both > 0", rep, r.ops, r.elapsed)
						}
						if name == "spawn" && r.extra["rss_per_task_bytes"] == 0 {
							t.Errorf("spawn: rss_per_task_bytes missing or zero: %v", r.extra)
						}
					}
				})
			}
		}
	}
}

func TestOpsMatchContract(t *testing.T) {
	cases := []struct {
		name string
		raw  []string
		ops  int64
	}{
		{"pingpong", []string{"n=77"}, 77},
		{"fanin", []string{"producers=4", "n=1003"}, 1000},
		{"select", []string{"channels=3", "n=1001"}, 999},
		{"counter", []string{"mode=rwmutex", "tasks=2", "k=11"}, 22},
		{"skynet", []string{"size=100"}, 1},
		{"timers", []string{"tasks=3", "k=7"}, 21},
		{"ratelimit", []string{"tasks=3", "k=9"}, 27},
	}
	for _, c := range cases {
		w, p := mustResolve(t, c.name, c.raw)
		r, err := w.run(p)
		if err != nil || r.ops != c.ops {
			t.Errorf("%s %v: ops %d err %v, want ops %d", c.name, c.raw, r.ops, err, c.ops)
		}
	}
}

// TestSelectEveryChannelCount runs every channel count, so each case index of every loop in
// select_cases.go is exercised (a wrong index loses or duplicates a channel and fails the check).
func TestSelectEveryChannelCount(t *testing.T) {
	for ch := 2; ch <= 64; ch++ {
		w, p := mustResolve(t, "select", []string{fmt.Sprintf("channels=%d", ch), "consumers=2",
			"cap=4", fmt.Sprintf("n=%d", ch*20)})
		if _, err := w.run(p); err != nil {
			t.Errorf("channels=%d: %v", ch, err)
		}
	}
}

func TestSelectLoopSizes(t *testing.T) {
	for n, want := range map[int]int{2: 2, 3: 4, 4: 4, 5: 8, 16: 16, 17: 32, 33: 64, 64: 64} {
		chs := make([]chan int64, n)
		for i := range chs {
			chs[i] = make(chan int64, 1)
			chs[i] <- 1
			close(chs[i])
		}
		lat := newSampler(1)
		sum, count := selectLoop(n)(chs, lat)
		if lat.hist.count != uint64(n+n) { // every select is timed: n values and n closes
			t.Errorf("selectLoop(%d): %d selects timed, want %d", n, lat.hist.count, 2*n)
		}
		if sum != int64(n) || count != int64(n) {
			t.Errorf("selectLoop(%d) (size %d): sum %d count %d, want %d", n, want, sum, count, n)
		}
	}
}

func TestTokenBucketLimitsToBurst(t *testing.T) {
	b := newTokenBucket(1, 5) // one token per second: no refill worth a token during the test
	allowed := 0
	for i := 0; i < 100; i++ {
		if b.allow() {
			allowed++
		}
	}
	if allowed < 5 || allowed > 6 {
		t.Errorf("allowed %d of 100 calls, want 5 (burst), at most 6", allowed)
	}
}

func TestIsPow10(t *testing.T) {
	for v, want := range map[int64]bool{1: true, 10: true, 1000000: true, 20: false, 11: false, 0: false, 110: false} {
		if isPow10(v) != want {
			t.Errorf("isPow10(%d) = %v, want %v", v, !want, want)
		}
	}
}

// neverRefills and neverLimits are broken buckets that ratelimit's probe must reject.
type neverRefills struct{ tokens int }

func (b *neverRefills) allow() bool {
	if b.tokens > 0 {
		b.tokens--
		return true
	}
	return false
}

type neverLimits struct{}

func (neverLimits) allow() bool { return true }

func TestRatelimitProbeCatchesABucketThatNeverRefillsOrNeverLimits(t *testing.T) {
	pause := func() { time.Sleep(probePause) }
	drain := func(b allower) allower {
		for i := 0; i < 5000; i++ {
			b.allow()
		}
		return b
	}
	ok := drain(newTokenBucket(limiterRate, limiterBurst))
	if err := probeRatelimit(ok, limiterBurst, func() allower { return newTokenBucket(probeRate, probeBurst) }, pause); err != nil {
		t.Errorf("a correct bucket failed the probe: %v", err)
	}
	bad := drain(&neverRefills{tokens: limiterBurst})
	err := probeRatelimit(bad, limiterBurst, func() allower { return &neverRefills{tokens: probeBurst} }, pause)
	if err == nil || !strings.Contains(err.Error(), "the bucket admitted 0 of 1000 calls after a pause of 100us") {
		t.Errorf("a bucket that never refills: got %v", err)
	}
	err = probeRatelimit(neverLimits{}, limiterBurst, func() allower { return neverLimits{} }, pause)
	if err == nil || !strings.Contains(err.Error(), "ratelimit (probe: a fresh bucket of rate 1000/s, burst 10): 1000 of 1000 calls allowed") {
		t.Errorf("a bucket that never limits: got %v", err)
	}
}
