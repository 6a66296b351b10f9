// spawn.go — spawn: start n goroutines that each park on one shared start channel; when a
// WaitGroup has counted all n in, close the channel; each then adds 1 to a shared atomic and is
// counted out by a second WaitGroup the spawner waits on.
//
// Guarantees: the atomic ends at n, and goroutine i's 1 carries a hash of i (spawnKey, checks.go)
// so that it also shows each ran exactly once, else a *checkError. ops = n. The measured section is the
// spawning plus the release, excluding the /proc read in between.
//
// extra rss_per_task_bytes = (RSS with all n started − RSS before spawning) / n, from
// /proc/self/statm resident pages. "Before spawning" is read once, before this process's first
// spawn: the Go runtime keeps freed stacks and heap resident for reuse, so a baseline read before
// a later repetition would already hold the previous repetition's goroutines and the difference
// would be near zero. Returning that memory first (debug.FreeOSMemory) was rejected: the page
// faults it causes made each spawn ~10× slower than a steady-state Go program (measured on
// the 2-core dev VM: 6.2 µs vs 0.63 µs per goroutine to spawn). When /proc/self/statm cannot
// be read the metric is left out. switch_ns (always) and, with capacity=1, max_tasks_1gib,
// max_tasks_limit and max_tasks_rss_bytes are measured as spawn_extras.go says, outside the
// measured section.
package main

import (
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// spawnBaseline is the RSS before this process's first spawn; only runSpawn touches it.
var spawnBaseline struct {
	once sync.Once
	rss  int64
	err  error
}

func runSpawn(p params) (result, error) {
	n := p.int("n")
	sw, err := switchNs()
	if err != nil {
		return result{}, err
	}
	var capacity *capacityResult
	if p.int("capacity") == 1 {
		c, err := capacityInChild()
		if err != nil {
			return result{}, err
		}
		capacity = &c
	}
	spawnBaseline.once.Do(func() { spawnBaseline.rss, spawnBaseline.err = residentBytes() })
	before, errBefore := spawnBaseline.rss, spawnBaseline.err
	start := make(chan struct{})
	var in, out sync.WaitGroup
	var count atomic.Uint64

	t0 := time.Now()
	in.Add(int(n))
	out.Add(int(n))
	for i := int64(0); i < n; i++ {
		go func(key uint64) {
			in.Done()
			<-start
			count.Add(key)
			out.Done()
		}(spawnKey(i))
	}
	in.Wait()
	spawned := time.Since(t0)
	peak, errPeak := residentBytes()
	t1 := time.Now()
	close(start)
	out.Wait()
	elapsed := spawned + time.Since(t1)

	if err := checkSpawn(n, count.Load()); err != nil {
		return result{}, err
	}
	r := result{ops: n, elapsed: elapsed, extra: map[string]float64{"switch_ns": sw}}
	if errBefore == nil && errPeak == nil {
		r.extra["rss_per_task_bytes"] = float64(peak-before) / float64(n)
	}
	if capacity != nil {
		capacityExtra(r.extra, *capacity)
	}
	return r, nil
}

// residentBytes returns the resident set size from /proc/self/statm (second field, in pages).
func residentBytes() (int64, error) {
	b, err := os.ReadFile("/proc/self/statm")
	if err != nil {
		return 0, err
	}
	fields := strings.Fields(string(b))
	if len(fields) < 2 {
		return 0, failf("spawn: /proc/self/statm has %d fields", len(fields))
	}
	pages, err := strconv.ParseInt(fields[1], 10, 64)
	if err != nil {
		return 0, err
	}
	return pages * int64(os.Getpagesize()), nil
}
