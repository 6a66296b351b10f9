// fanin.go — fanin: producers goroutines send on one shared channel, one consumer receives all.
//
// Guarantees: the consumer receives exactly ops = per*producers values summing to ops(ops-1)/2,
// and each producer's values arrive in increasing order, else a *checkError. The channel is
// closed by a goroutine that waits for the producers (Go's WaitGroup-then-close idiom).
package main

import (
	"sync"
	"time"
)

func runFanin(p params) (result, error) {
	producers, capacity, n := p.int("producers"), int(p.int("cap")), p.int("n")
	per := n / producers
	ops := per * producers
	ch := make(chan int64, capacity)
	last := make([]int64, producers) // last value seen from each producer
	for i := range last {
		last[i] = -1
	}
	var wg sync.WaitGroup

	start := time.Now()
	wg.Add(int(producers))
	for q := int64(0); q < producers; q++ {
		go func(base int64) {
			defer wg.Done()
			for i := int64(0); i < per; i++ {
				ch <- base + i
			}
		}(q * per)
	}
	go func() {
		wg.Wait()
		close(ch)
	}()
	var count, sum, disorder int64
	for v := range ch {
		if q := v / per; v < 0 || q >= producers || v <= last[q] {
			disorder++
		} else {
			last[q] = v
		}
		sum += v
		count++
	}
	elapsed := time.Since(start)

	if count != ops {
		return result{}, failf("fanin: received %d values, want %d", count, ops)
	}
	if disorder != 0 {
		return result{}, failf("fanin: %d values arrived out of their producer's order", disorder)
	}
	if want := ops * (ops - 1) / 2; sum != want {
		return result{}, failf("fanin: values sum to %d, want %d", sum, want)
	}
	return result{ops: ops, elapsed: elapsed}, nil
}
