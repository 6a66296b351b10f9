// context.go — context: n goroutines each derive a child of one cancellable root context
// (context.WithCancel) and wait on its Done channel; when a WaitGroup has counted all n in, the
// root is cancelled and a second WaitGroup counts the waiters out.
//
// Guarantees: all n waiters observed the cancellation and every child's Err() is
// "context canceled", else a *checkError. ops = n. The measured section runs from cancel() to
// the last waiter having observed it; starting the waiters is set-up.
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
	in.Add(int(n))
	out.Add(int(n))
	for i := int64(0); i < n; i++ {
		go func() {
			ctx, stop := context.WithCancel(root)
			defer stop()
			in.Done()
			<-ctx.Done()
			observed.Add(1)
			if err := ctx.Err(); err == nil || err.Error() != "context canceled" {
				wrong.Add(1)
			}
			out.Done()
		}()
	}
	in.Wait()

	start := time.Now()
	cancel()
	out.Wait()
	elapsed := time.Since(start)

	if got := observed.Load(); got != n {
		return result{}, failf("context: %d of %d waiters observed the cancellation", got, n)
	}
	if w := wrong.Load(); w != 0 {
		return result{}, failf("context: %d of %d children have Err() other than \"context canceled\"", w, n)
	}
	return result{ops: n, elapsed: elapsed}, nil
}
