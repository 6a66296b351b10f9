// context.go — context: n goroutines each derive a child of one cancellable root context
// (context.WithCancel) and wait on its Done channel; when a WaitGroup has counted all n in, the
// root is cancelled and a second WaitGroup counts the waiters out.
//
// Guarantees: all n waiters observed the cancellation and every child's Err() is
// "context canceled", else a *checkError. ops = n. The measured section runs from cancel() to
// the last waiter having observed it; starting the waiters is set-up.
// Latency: per waiter, from cancel() being called to that waiter having observed it; waiter i
// with i % everyContext == 0 reads the clock once and stores time.Since(cancelAt) in its own slot
// (cancelAt is written before cancel(), which happens-before every observation).
package main

import (
	"context"
	"sync"
	"sync/atomic"
	"time"
)

func runContext(p params) (result, error) {
	n := p.int("n")
	root, cancel := context.WithCancel(context.Background())
	defer cancel()
	var in, out sync.WaitGroup
	var observed, wrong atomic.Int64
	var cancelAt time.Time
	slots := make([]uint64, (n+everyContext-1)/everyContext)
	in.Add(int(n))
	out.Add(int(n))
	for i := int64(0); i < n; i++ {
		go func(i int64) {
			ctx, stop := context.WithCancel(root)
			in.Done()
			<-ctx.Done()
			if i%everyContext == 0 {
				slots[i/everyContext] = durNs(time.Since(cancelAt))
			}
			observed.Add(1)
			if err := ctx.Err(); err == nil || err.Error() != "context canceled" {
				wrong.Add(1)
			}
			stop() // before counting out, where the C++ impls call it (not deferred past out.Done)
			out.Done()
		}(i)
	}
	in.Wait()

	start := time.Now()
	cancelAt = time.Now()
	cancel()
	out.Wait()
	elapsed := time.Since(start)

	if got := observed.Load(); got != n {
		return result{}, failf("context: %d of %d waiters observed the cancellation", got, n)
	}
	if w := wrong.Load(); w != 0 {
		return result{}, failf("context: %d of %d children have Err() other than \"context canceled\"", w, n)
	}
	var h histogram
	for _, v := range slots {
		h.record(v)
	}
	return result{ops: n, elapsed: elapsed, latency: latencyOf(&h, everyContext, elapsed)}, nil
}
