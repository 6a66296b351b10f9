// timers.go — timers: tasks goroutines each do k timer operations. startstop: create a one-hour
// time.Timer and Stop it (Stop must report the timer was active). sleep: time.Sleep(20µs), which
// must not return earlier than 20µs after it was called.
//
// Guarantees: exactly tasks*k operations ran and every one passed its check, else a *checkError.
// ops = tasks*k.
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
	var wg sync.WaitGroup

	start := time.Now()
	wg.Add(int(tasks))
	for t := range done {
		go func(t int) {
			defer wg.Done()
			var d, b int64
			for j := int64(0); j < k; j++ {
				if mode == "startstop" {
					if !time.NewTimer(time.Hour).Stop() {
						b++
					}
				} else {
					s := time.Now()
					time.Sleep(timerSleep)
					if time.Since(s) < timerSleep {
						b++
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
	return result{ops: ops, elapsed: elapsed}, nil
}
