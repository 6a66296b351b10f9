// fanout.go — fanout: one producer sends 0..n-1 on one channel and closes it; workers goroutines
// range over it; a WaitGroup joins them.
//
// Guarantees: the workers together receive exactly n values summing to n(n-1)/2 whose squares
// sum (mod 2^64) to those of 0..n-1 (checkTotals), else a *checkError. ops = n.
package main

import (
	"sync"
	"time"
)

func runFanout(p params) (result, error) {
	workers, capacity, n := p.int("workers"), int(p.int("cap")), p.int("n")
	ch := make(chan int64, capacity)
	sums := make([]int64, workers)
	counts := make([]int64, workers)
	sumsqs := make([]uint64, workers)
	var wg sync.WaitGroup

	start := time.Now()
	wg.Add(int(workers))
	for w := range sums {
		go func(w int) {
			defer wg.Done()
			var s, c int64
			var q uint64
			for v := range ch {
				s += v
				q += uint64(v) * uint64(v)
				c++
			}
			sums[w], counts[w], sumsqs[w] = s, c, q
		}(w)
	}
	for i := int64(0); i < n; i++ {
		ch <- i
	}
	close(ch)
	wg.Wait()
	elapsed := time.Since(start)

	if err := checkTotals("fanout", "workers", sums, counts, sumsqs, n); err != nil {
		return result{}, err
	}
	return result{ops: n, elapsed: elapsed}, nil
}
