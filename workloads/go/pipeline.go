// pipeline.go — pipeline: a source, a chain of stages goroutines each adding one, and a sink,
// linked by channels of capacity cap and closed down the chain.
//
// Guarantees: the sink receives exactly n items, item i equal to i+stages, in order, else a
// *checkError. ops = n. Making the channels is set-up (not measured); starting the goroutines is.
package main

import "time"

func runPipeline(p params) (result, error) {
	stages, capacity, n := p.int("stages"), int(p.int("cap")), p.int("n")
	chans := make([]chan int64, stages+1)
	for i := range chans {
		chans[i] = make(chan int64, capacity)
	}

	start := time.Now()
	go func(out chan<- int64) {
		for i := int64(0); i < n; i++ {
			out <- i
		}
		close(out)
	}(chans[0])
	for s := int64(0); s < stages; s++ {
		go func(in <-chan int64, out chan<- int64) {
			for v := range in {
				out <- v + 1
			}
			close(out)
		}(chans[s], chans[s+1])
	}
	var got int64
	bad, badValue := int64(-1), int64(0)
	for v := range chans[stages] {
		if v != got+stages && bad < 0 {
			bad, badValue = got, v
		}
		got++
	}
	elapsed := time.Since(start)

	if bad >= 0 {
		return result{}, failf("pipeline: item %d is %d, want %d", bad, badValue, bad+stages)
	}
	if got != n {
		return result{}, failf("pipeline: sink received %d items, want %d", got, n)
	}
	return result{ops: n, elapsed: elapsed}, nil
}
