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
		sum, count, sumsq, disorder := selectLoop(n)(chs, lat)
		if lat.hist.count != uint64(n+n) { // every select is timed: n values and n closes
			t.Errorf("selectLoop(%d): %d selects timed, want %d", n, lat.hist.count, 2*n)
		}
		if sum != int64(n) || count != int64(n) || sumsq != uint64(n) || disorder != 0 {
			t.Errorf("selectLoop(%d) (size %d): sum %d count %d sumsq %d disorder %d, want %d and 0", n, want,
				sum, count, sumsq, disorder, n)
		}
	}
}

// TestSelectLoopsCountDisorder: a channel whose values do not increase (as if it were not FIFO)
// is counted by every loop size, per channel (the last channel's values increase).
func TestSelectLoopsCountDisorder(t *testing.T) {
	for _, n := range []int{2, 3, 5, 16, 17, 33, 64} {
		chs := make([]chan int64, n)
		for i := range chs {
			chs[i] = make(chan int64, 3)
			if i == 0 {
				chs[i] <- 5
				chs[i] <- 4
				chs[i] <- 4
			} else {
				chs[i] <- int64(i)
			}
			close(chs[i])
		}
		if _, _, _, disorder := selectLoop(n)(chs, newSampler(1)); disorder != 2 {
			t.Errorf("selectLoop(%d): disorder %d, want 2", n, disorder)
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

// TestChecksCatchALostValueMadeUpByADuplicate: the values 0..3 received as {0,2,2,2} (count and
// sum still right) fail fanout's and select's check, and so do two lost for two duplicated; the
// right values pass, including sizes where n(n-1)(2n-1) overflows 64 bits.
func TestChecksCatchALostValueMadeUpByADuplicate(t *testing.T) {
	totals := func(vals []int64) ([]int64, []int64, []uint64) {
		var s, c int64
		var q uint64
		for _, v := range vals {
			s, c, q = s+v, c+1, q+uint64(v)*uint64(v)
		}
		return []int64{s}, []int64{c}, []uint64{q}
	}
	for _, w := range []string{"fanout", "select"} {
		s, c, q := totals([]int64{0, 1, 2, 3})
		if err := checkTotals(w, "tasks", s, c, q, 4); err != nil {
			t.Errorf("%s: the right values fail: %v", w, err)
		}
		for _, bad := range [][]int64{{0, 2, 2, 2}, {1, 1, 2, 2, 4, 5}, {0, 2, 2, 3, 3, 5}} {
			s, c, q := totals(bad)
			err := checkTotals(w, "tasks", s, c, q, int64(len(bad)))
			if _, ok := err.(*checkError); !ok || !strings.Contains(err.Error(), "lost and another received twice") {
				t.Errorf("%s: %v passed or failed otherwise: %v", w, bad, err)
			}
		}
	}
	for _, n := range []int64{1, 2, 3, 7, 400000, 3000000, 1000000000} {
		var want uint64
		if n <= 3000000 {
			for i := int64(0); i < n; i++ {
				want += uint64(i) * uint64(i)
			}
		} else { // n(n-1)(2n-1)/6 for n = 1e9, exactly: 333333332833333333500000000 mod 2^64
			want = 0x2e5524ba83927700
		}
		if got := sumOfSquares(n); got != want {
			t.Errorf("sumOfSquares(%d) = %d, want %d", n, got, want)
		}
	}
}

// TestSkynetNodeCatchesWrongReplies: a node accepts exactly its 10 children's sums in any order
// and poisons its sum otherwise (a lost reply made up by a duplicate, a reply that is no child's,
// a poisoned reply from below).
func TestSkynetNodeCatchesWrongReplies(t *testing.T) {
	for _, c := range []struct{ num, size int64 }{{0, 10}, {30, 10}, {0, 100}, {500, 100}, {0, 1000000}} {
		child := c.size / 10
		sums := make([]int64, 10)
		for i := range sums {
			n := c.num + int64(i)*child
			sums[i] = child*n + child*(child-1)/2
		}
		node := func(replies []int64) int64 {
			r := newSkynetReplies(c.num, c.size)
			for _, v := range replies {
				r.add(v)
			}
			return r.up()
		}
		var want int64
		for _, v := range sums {
			want += v
		}
		rev := append([]int64(nil), sums...)
		for i, j := 0, 9; i < j; i, j = i+1, j-1 {
			rev[i], rev[j] = rev[j], rev[i]
		}
		if got := node(rev); got != want {
			t.Errorf("%+v: the right replies give %d, want %d", c, got, want)
		}
		dup := append([]int64(nil), sums...)
		dup[1], dup[3] = dup[2], dup[2] // {0,1,2,3} as {0,2,2,2}: the sum is unchanged
		off := append([]int64(nil), sums...)
		off[0], off[9] = off[0]+1, off[9]-1
		poisoned := append([]int64(nil), sums...)
		poisoned[4] = skynetPoison
		for _, bad := range [][]int64{dup, off, poisoned} {
			if got := node(bad); got != skynetPoison {
				t.Errorf("%+v: replies %v give %d, want the poison", c, bad, got)
			}
		}
	}
}

// TestSpawnCheckCatchesATaskThatRanTwice: n goroutines' keys pass; one ran twice and another
// not at all (the count still n) fails, and so does a missing one.
func TestSpawnCheckCatchesATaskThatRanTwice(t *testing.T) {
	const n = 1000
	var all uint64
	for i := int64(0); i < n; i++ {
		all += spawnKey(i)
	}
	if err := checkSpawn(n, all); err != nil {
		t.Errorf("the right keys fail: %v", err)
	}
	swapped := all - spawnKey(1) + spawnKey(2)
	if err := checkSpawn(n, swapped); err == nil || !strings.Contains(err.Error(), "not each exactly once") {
		t.Errorf("a goroutine that ran twice passed or failed otherwise: %v", err)
	}
	if err := checkSpawn(n, all-spawnKey(7)); err == nil || !strings.Contains(err.Error(), "999 of 1000") {
		t.Errorf("a missing goroutine passed or failed otherwise: %v", err)
	}
}
