// timers.go — timers: tasks goroutines each do k timer operations. startstop: create a one-hour
// time.Timer and Stop it (Stop must report the timer was active). sleep: time.Sleep(20µs), which
// must not return earlier than 20µs after it was called.
//
// Guarantees: exactly tasks*k operations ran and every one passed its check, else a *checkError.
// ops = tasks*k.
// Latency: each goroutine times one op in every K (startstop: everyStartStop, the NewTimer+Stop
// pair; sleep: everySleep = every sleep, the same clock reads the check uses).
package main

import (
	"sync"
	"time"
)

const timerSleep = 20 * time.Microsecond

func runTimers(p params) (result, error) {
	mode, tasks, k := p.str("mode"), p.int("tasks"), p.int("k")
	if mode != "startstop" && mode != "sleep" {
		return result{}, failf("timers: unknown mode %q", mode)
	}
	done := make([]int64, tasks)
	bad := make([]int64, tasks)
	startStop := mode == "startstop" // compared once, as the C++ impls pass a bool
	every := uint64(everyStartStop)
	if mode == "sleep" {
		every = everySleep
	}
	lats := make([]*sampler, tasks)
	for t := range lats {
		lats[t] = newSampler(every)
	}
	var wg sync.WaitGroup

	start := time.Now()
	wg.Add(int(tasks))
	for t := range done {
		go func(t int) {
			defer wg.Done()
			var d, b int64
			lat := lats[t]
			for j := int64(0); j < k; j++ {
				if startStop {
					timed := lat.due()
					var s time.Time
					if timed {
						s = time.Now()
					}
					ok := time.NewTimer(time.Hour).Stop()
					if timed {
						lat.hist.record(durNs(time.Since(s)))
					}
					if !ok {
						b++
					}
				} else {
					timed := lat.due()
					s := time.Now()
					time.Sleep(timerSleep)
					took := time.Since(s)
					if took < timerSleep {
						b++
					}
					if timed {
						lat.hist.record(durNs(took))
					}
				}
				d++
			}
			done[t], bad[t] = d, b
		}(t)
	}
	wg.Wait()
	elapsed := time.Since(start)

	var ops, failed int64
	for t := range done {
		ops += done[t]
		failed += bad[t]
	}
	if ops != tasks*k {
		return result{}, failf("timers (%s): %d operations ran, want %d", mode, ops, tasks*k)
	}
	if failed != 0 {
		what := "Stop calls reported an inactive timer"
		if mode == "sleep" {
			what = "sleeps returned earlier than 20µs"
		}
		return result{}, failf("timers (%s): %d of %d %s", mode, failed, ops, what)
	}
	var h histogram
	for _, l := range lats {
		h.merge(&l.hist)
	}
	return result{ops: ops, elapsed: elapsed, latency: latencyOf(&h, every, elapsed)}, nil
}
