// spawn_extras.go — the seeds' table measured by spawn besides creation cost and RSS per task,
// the Go twin of workloads/threads/spawn_extras.hpp (same methods, constants and limit codes):
//
//   - switch_ns: two goroutines alternate strictly over two unbuffered channels with GOMAXPROCS
//     set to 1 for the measurement (then restored), switchRounds round trips = 2 × switchRounds
//     switches; switch_ns = elapsed / switches. Measured once per process, before the first
//     repetition's measured section.
//   - with parameter capacity=1: max_tasks_1gib, max_tasks_limit, max_tasks_rss_bytes. Goroutines
//     are started in batches of capacityBatch that each park on one shared channel; after each
//     batch has parked, RSS (/proc/self/statm) is compared with the RSS before; it stops when the
//     growth reaches 1 GiB (limit code 0) or capacityMaxTasks goroutines (code 1); then all are
//     released and the count that ran is verified. It runs once per process in a fresh child
//     process (this executable with the internal command `capacity --procs P`), because the Go
//     runtime keeps freed stacks and heap resident: measured in-process, the 1 GiB would stay and
//     distort the following repetitions' rss_per_task_bytes. That child is SIGKILLed when this
//     process dies (capacityCmd): killed on a timeout, ccbench-go took none with it, and the
//     orphan went on growing to 1 GiB.
//
// Concurrency: measureSwitch and measureCapacity run on the calling goroutine and wait for every
// goroutine they start; the once-per-process results are guarded by sync.Once.
package main

import (
	"context"
	"encoding/json"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

const (
	switchRounds      = 10000
	capacityBatch     = 1024
	capacityRssBytes  = int64(1) << 30
	capacityMaxTasks  = 10000000
	limitRss1GiB      = 0
	limitTaskCap      = 1
	capacityChildTime = 300 * time.Second
)

// capacityResult is the capacity measurement (and the child's output line).
type capacityResult struct {
	Event    string `json:"event"`
	Tasks    int64  `json:"tasks"`
	Limit    int    `json:"limit"`
	RssBytes int64  `json:"rss_bytes"`
}

var switchOnce struct {
	once sync.Once
	ns   float64
	err  error
}

// switchNs returns the per-process switch cost (see the file comment), or the error of its
// measurement (a hand-off that did not return the value sent).
func switchNs() (float64, error) {
	switchOnce.once.Do(func() { switchOnce.ns, switchOnce.err = measureSwitch(0) })
	return switchOnce.ns, switchOnce.err
}

// measureSwitch alternates two goroutines switchRounds times; every reply must be the value sent
// (as the C++ twins check), else a *checkError. The echo adds skew to what it returns: 0 when
// measuring; a test passes 1 to prove that a wrong hand-off fails.
func measureSwitch(skew int64) (float64, error) {
	prev := runtime.GOMAXPROCS(1)
	defer runtime.GOMAXPROCS(prev)
	a, b := make(chan int64), make(chan int64)
	start := time.Now()
	go func() {
		for v := range a {
			b <- v + skew
		}
		close(b)
	}()
	bad, badReply := int64(-1), int64(0)
	for r := int64(0); r < switchRounds; r++ {
		a <- r
		if got := <-b; got != r {
			bad, badReply = r, got
			break
		}
	}
	close(a)
	for range b {
	}
	elapsed := time.Since(start)
	if bad >= 0 {
		return 0, failf("spawn (switch_ns): a hand-off lost its value (sent %d, got %d)", bad, badReply)
	}
	return float64(elapsed.Nanoseconds()) / float64(2*switchRounds), nil
}

// measureCapacity parks goroutines in batches until RSS grew by rssBudget bytes or maxTasks ran.
func measureCapacity(rssBudget, maxTasks int64) (capacityResult, error) {
	before, err := residentBytes()
	if err != nil {
		return capacityResult{}, err
	}
	release := make(chan struct{})
	var out sync.WaitGroup
	var ran atomic.Int64
	c := capacityResult{Event: "capacity"}
	for {
		if c.Tasks >= maxTasks {
			c.Limit = limitTaskCap
			break
		}
		var in sync.WaitGroup
		in.Add(capacityBatch)
		out.Add(capacityBatch)
		for i := 0; i < capacityBatch; i++ {
			go func() {
				in.Done()
				<-release
				ran.Add(1)
				out.Done()
			}()
		}
		in.Wait()
		c.Tasks += capacityBatch
		rss, err := residentBytes()
		if err != nil {
			close(release)
			out.Wait()
			return capacityResult{}, err
		}
		c.RssBytes = rss - before
		if c.RssBytes >= rssBudget {
			c.Limit = limitRss1GiB
			break
		}
	}
	close(release)
	out.Wait()
	if got := ran.Load(); got != c.Tasks {
		return capacityResult{}, failf("spawn (capacity): %d of %d goroutines ran after the release", got, c.Tasks)
	}
	return c, nil
}

// capacityCommand is the internal `capacity --procs P` command: one JSON line, exit 0 or 1.
func capacityCommand(args []string, out *emitter) int {
	if len(args) != 2 || args[0] != "--procs" {
		return out.fail(usagef("capacity: usage: capacity --procs P"))
	}
	procs, err := strconv.Atoi(args[1])
	if err != nil || procs < 1 || procs > 1024 {
		return out.fail(usagef("capacity: --procs %q out of range; valid: 1..1024", args[1]))
	}
	runtime.GOMAXPROCS(procs)
	c, err := measureCapacity(capacityRssBytes, capacityMaxTasks)
	if err != nil {
		return out.fail(err)
	}
	out.line(c)
	return 0
}

var capacityOnce struct {
	once sync.Once
	c    capacityResult
	err  error
}

// capacityInChild runs the capacity command in a fresh child once per process.
func capacityInChild() (capacityResult, error) {
	capacityOnce.once.Do(func() {
		capacityOnce.c, capacityOnce.err = runCapacityChild(runtime.GOMAXPROCS(0))
	})
	return capacityOnce.c, capacityOnce.err
}

func runCapacityChild(procs int) (capacityResult, error) {
	self, err := os.Executable()
	if err != nil {
		return capacityResult{}, failf("spawn (capacity): cannot find this executable: %v", err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), capacityChildTime)
	defer cancel()
	b, err := capacityCmd(ctx, self, procs).Output()
	var c capacityResult
	if jerr := json.Unmarshal(b, &c); jerr != nil || c.Event != "capacity" {
		return capacityResult{}, failf("spawn (capacity): the measuring child failed (%v): %s", err, b)
	}
	return c, nil
}

// capacityCmd is the command that runs `self capacity --procs P`, a child the kernel SIGKILLs when
// this process dies (Pdeathsig, set between fork and exec; if this process is already gone by
// then, Go's fork code kills the child at once). Regression (session 51's Go review): started
// with exec.CommandContext alone, the capacity child outlived ccbench-go when the harness killed
// it (CCB_GO_TIMEOUT) or ccbench died, and went on, re-parented to PID 1, growing to ~1 GiB; it
// does not call dieWithParent itself, since its parent is ccbench-go, not CCB_PARENT_PID.
// The signal is sent when the OS thread that forked exits; Go ends a thread only when a
// goroutine locked to it (runtime.LockOSThread) exits, which nothing in ccbench-go does.
func capacityCmd(ctx context.Context, self string, procs int) *exec.Cmd {
	cmd := exec.CommandContext(ctx, self, "capacity", "--procs", strconv.Itoa(procs))
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGKILL}
	return cmd
}

// capacityExtra adds the capacity metrics to extra.
func capacityExtra(extra map[string]float64, c capacityResult) {
	extra["max_tasks_1gib"] = float64(c.Tasks)
	extra["max_tasks_limit"] = float64(c.Limit)
	extra["max_tasks_rss_bytes"] = float64(c.RssBytes)
}
