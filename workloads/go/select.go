// select.go — select: channels producers each send per = n/channels values on their own channel
// and close it; consumers goroutines each loop on a select over the channels they have not yet
// seen closed, setting a closed channel to nil (Go's idiom) until all are closed.
//
// Latency: each consumer times one select statement in every everySelect (from entering it to
// having the message or the close; it includes waiting for a producer), merged over consumers.
//
// Guarantees: the consumers together receive exactly ops = per*channels values summing to
// ops(ops-1)/2 whose squares sum (mod 2^64) to those of 0..ops-1 (checkTotals), each consumer
// getting every channel's values in increasing order (FIFO), else a *checkError. The select statements are static (see select_cases.go), as a
// Go programmer writes them; reflect.Select is not used because it would not be Go's fast path.
package main

import (
	"sync"
	"time"
)

func runSelect(p params) (result, error) {
	channels, consumers := p.int("channels"), p.int("consumers")
	capacity, n := int(p.int("cap")), p.int("n")
	per := n / channels
	ops := per * channels
	chs := make([]chan int64, channels)
	for i := range chs {
		chs[i] = make(chan int64, capacity)
	}
	receive := selectLoop(len(chs))
	sums := make([]int64, consumers)
	counts := make([]int64, consumers)
	sumsqs := make([]uint64, consumers)
	disorders := make([]int64, consumers)
	lats := make([]*sampler, consumers)
	for w := range lats {
		lats[w] = newSampler(everySelect)
	}
	var wg sync.WaitGroup

	start := time.Now()
	for c := range chs {
		go func(ch chan<- int64, base int64) {
			for i := int64(0); i < per; i++ {
				ch <- base + i
			}
			close(ch)
		}(chs[c], int64(c)*per)
	}
	wg.Add(int(consumers))
	for w := range sums {
		go func(w int) {
			defer wg.Done()
			sums[w], counts[w], sumsqs[w], disorders[w] = receive(chs, lats[w])
		}(w)
	}
	wg.Wait()
	elapsed := time.Since(start)

	if err := checkTotals("select", "consumers", sums, counts, sumsqs, ops); err != nil {
		return result{}, err
	}
	var disorder int64
	for _, d := range disorders {
		disorder += d
	}
	if disorder != 0 {
		return result{}, failf("select: %d values arrived out of their channel's order", disorder)
	}
	var h histogram
	for _, l := range lats {
		h.merge(&l.hist)
	}
	return result{ops: ops, elapsed: elapsed, latency: latencyOf(&h, everySelect, elapsed)}, nil
}

// selectLoop returns the receive loop with the fewest select cases that holds n channels; the
// unused cases hold nil channels, which a select never chooses.
func selectLoop(n int) func([]chan int64, *sampler) (sum, count int64, sumsq uint64, disorder int64) {
	switch {
	case n <= 2:
		return select2
	case n <= 4:
		return select4
	case n <= 8:
		return select8
	case n <= 16:
		return select16
	case n <= 32:
		return select32
	default:
		return select64
	}
}
