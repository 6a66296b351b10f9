// counter.go — counter: tasks goroutines each do k operations on one shared counter, guarded by
// a sync.Mutex, a sync/atomic add, an owner goroutine fed through a channel of capacity 128, or a
// read-mostly sync.RWMutex (op j is a write when j%10 == 0, otherwise a read).
//
// Guarantees: the final counter is tasks*k (rwmutex: tasks*ceil(k/10)), else a *checkError.
// rwmutex: a write increments the counter and then a shadow copy, and every read XORs the two
// into its task's `torn`; a read that saw a write half done (the write lock did not exclude
// it) is a *checkError, as is a shadow that differs at the end. ops = tasks*k. The channel owner is
// not one of the tasks.
package main

import (
	"sync"
	"sync/atomic"
	"time"
)

func runCounter(p params) (result, error) {
	mode, tasks, k := p.str("mode"), p.int("tasks"), p.int("k")
	want := tasks * k
	var got int64
	var elapsed time.Duration
	switch mode {
	case "mutex":
		got, elapsed = counterMutex(tasks, k)
	case "atomic":
		got, elapsed = counterAtomic(tasks, k)
	case "channel":
		got, elapsed = counterChannel(tasks, k)
	case "rwmutex":
		var torn int64
		got, torn, elapsed = counterRWMutex(tasks, k)
		want = tasks * ((k + 9) / 10)
		if torn != 0 {
			return result{}, failf("counter (rwmutex): a read saw a write half done (the write lock did not exclude readers)")
		}
	default:
		return result{}, failf("counter: unknown mode %q", mode)
	}
	if got != want {
		return result{}, failf("counter (%s): final count %d, want %d", mode, got, want)
	}
	return result{ops: tasks * k, elapsed: elapsed}, nil
}

// spawnTasks starts tasks goroutines running body and waits for them; it returns the wall time
// from before the first start to after the last finished.
func spawnTasks(tasks int64, body func(t int64)) time.Duration {
	var wg sync.WaitGroup
	start := time.Now()
	wg.Add(int(tasks))
	for t := int64(0); t < tasks; t++ {
		go func(t int64) {
			defer wg.Done()
			body(t)
		}(t)
	}
	wg.Wait()
	return time.Since(start)
}

func counterMutex(tasks, k int64) (int64, time.Duration) {
	var mu sync.Mutex
	var c int64
	elapsed := spawnTasks(tasks, func(int64) {
		for j := int64(0); j < k; j++ {
			mu.Lock()
			c++
			mu.Unlock()
		}
	})
	return c, elapsed
}

func counterAtomic(tasks, k int64) (int64, time.Duration) {
	var c atomic.Int64
	elapsed := spawnTasks(tasks, func(int64) {
		for j := int64(0); j < k; j++ {
			c.Add(1)
		}
	})
	return c.Load(), elapsed
}

func counterChannel(tasks, k int64) (int64, time.Duration) {
	ch := make(chan int64, 128)
	total := make(chan int64)
	start := time.Now()
	go func() {
		var c int64
		for v := range ch {
			c += v
		}
		total <- c
	}()
	spawnTasks(tasks, func(int64) {
		for j := int64(0); j < k; j++ {
			ch <- 1
		}
	})
	close(ch)
	c := <-total
	return c, time.Since(start)
}

func counterRWMutex(tasks, k int64) (int64, int64, time.Duration) {
	var mu sync.RWMutex
	var c, shadow int64
	seen := make([]int64, tasks) // each task's sum of what it read, so the reads are kept
	torn := make([]int64, tasks) // each task's OR of c^shadow over its reads: 0 unless a read was torn
	elapsed := spawnTasks(tasks, func(t int64) {
		var s, x int64
		for j := int64(0); j < k; j++ {
			if j%10 == 0 {
				mu.Lock()
				c++
				shadow++
				mu.Unlock()
			} else {
				mu.RLock()
				s += c
				x |= c ^ shadow
				mu.RUnlock()
			}
		}
		seen[t], torn[t] = s, x
	})
	x := c ^ shadow
	for _, v := range torn {
		x |= v
	}
	return c, x, elapsed
}
