// ratelimit.go — ratelimit: tasks goroutines each call allow() k times on one shared token
// bucket (rate 1e8 tokens/s, burst 1000) and count the calls that returned true.
//
// tokenBucket is written by hand because golang.org/x/time/rate is not in the standard library;
// like rate.Limiter.Allow it reads the clock before taking its sync.Mutex, refills
// elapsed×rate tokens capped at burst, and spends one token if at least one is there. The bucket
// starts full. It reads only the monotonic clock (time.Since of a monotonic Time: one
// clock_gettime through the vDSO), as the C++ buckets read steady_clock once; time.Now reads the
// wall clock too, which cost Go ~25 ns of its ~75 ns per call (fairness audit, session 35).
//
// Guarantees: min(calls, burst) ≤ allowed ≤ burst + rate×elapsed_seconds + 1, else a *checkError
// (the bucket starts full, so its first min(calls, burst) calls pass; it is made inside the
// measured section, so it cannot have refilled before it). ops = tasks*k. Then, after the
// measured time, probeRatelimit: the run's bucket refills after a pause and a fresh bucket at
// 1000/s limits (at 1e8/s the measured calls rarely empty the bucket, so the first check alone
// cannot catch a bucket that never refills or never limits); else a *checkError.
package main

import (
	"fmt"
	"sync"
	"time"
)

// The probe's figures, the same as workloads/threads/checks.hpp's.
const (
	probePause = 100 * time.Microsecond // >= 10x burst/rate of the run's bucket
	probeRate  = 1000                   // tokens per second
	probeBurst = 10
	probeCalls = 1000
)

// allower is a token bucket as the probe sees it.
type allower interface{ allow() bool }

// checkRatelimit fails unless min(calls, burst) <= allowed <= burst + rate*elapsed + 1; what names
// the bucket in the message.
func checkRatelimit(what string, allowed, calls int64, rate float64, burst int64, elapsed time.Duration) error {
	limit := float64(burst) + rate*elapsed.Seconds() + 1
	least := calls
	if least > burst {
		least = burst
	}
	if allowed < least || float64(allowed) > limit {
		return failf("%s: %d of %d calls allowed, want %d..%.0f (the first min(calls, burst %d) pass; at most burst + rate %.0f/s × %v + 1)",
			what, allowed, calls, least, limit, burst, rate, elapsed)
	}
	return nil
}

// probeRatelimit pauses (sleep at least probePause), then requires the run's bucket to admit
// burst calls in a row, and a fresh bucket from makeSlow (rate probeRate, burst probeBurst)
// called probeCalls times in a row to pass checkRatelimit.
func probeRatelimit(bucket allower, burst int64, makeSlow func() allower, pause func()) error {
	pause()
	var refilled int64
	for i := int64(0); i < burst; i++ {
		if bucket.allow() {
			refilled++
		}
	}
	if refilled != burst {
		return failf("ratelimit: the bucket admitted %d of %d calls after a pause of %dus, want all (it must refill to its burst in burst/rate)",
			refilled, burst, probePause.Microseconds())
	}
	start := time.Now()
	slow := makeSlow()
	var allowed int64
	for i := 0; i < probeCalls; i++ {
		if slow.allow() {
			allowed++
		}
	}
	what := fmt.Sprintf("ratelimit (probe: a fresh bucket of rate %d/s, burst %d)", probeRate, probeBurst)
	return checkRatelimit(what, allowed, probeCalls, probeRate, probeBurst, time.Since(start))
}

const (
	limiterRate  = 1e8 // tokens per second
	limiterBurst = 1000
)

// tokenBucket is a mutex-protected token-bucket rate limiter. Safe for concurrent use.
type tokenBucket struct {
	rate, burst float64   // immutable after construction
	epoch       time.Time // immutable: the monotonic origin of last

	mu     sync.Mutex // guards tokens and last
	tokens float64
	last   time.Duration // since epoch
}

func newTokenBucket(rate, burst float64) *tokenBucket {
	return &tokenBucket{rate: rate, burst: burst, tokens: burst, epoch: time.Now()}
}

// allow reports whether a token was available now, and spends it if so. A caller whose clock
// reading is older than the bucket's last refill gets no refill (time does not run backwards).
func (b *tokenBucket) allow() bool {
	now := time.Since(b.epoch)
	b.mu.Lock()
	defer b.mu.Unlock()
	if d := now - b.last; d > 0 {
		b.tokens += d.Seconds() * b.rate
		if b.tokens > b.burst {
			b.tokens = b.burst
		}
		b.last = now
	}
	if b.tokens >= 1 {
		b.tokens--
		return true
	}
	return false
}

func runRatelimit(p params) (result, error) {
	tasks, k := p.int("tasks"), p.int("k")
	allowed := make([]int64, tasks)
	var wg sync.WaitGroup

	start := time.Now()
	bucket := newTokenBucket(limiterRate, limiterBurst)
	wg.Add(int(tasks))
	for t := range allowed {
		go func(t int) {
			defer wg.Done()
			var a int64
			for j := int64(0); j < k; j++ {
				if bucket.allow() {
					a++
				}
			}
			allowed[t] = a
		}(t)
	}
	wg.Wait()
	elapsed := time.Since(start)

	var total int64
	for _, a := range allowed {
		total += a
	}
	if err := checkRatelimit("ratelimit", total, tasks*k, limiterRate, limiterBurst, elapsed); err != nil {
		return result{}, err
	}
	err := probeRatelimit(bucket, limiterBurst,
		func() allower { return newTokenBucket(probeRate, probeBurst) },
		func() { time.Sleep(probePause) })
	if err != nil {
		return result{}, err
	}
	return result{ops: tasks * k, elapsed: elapsed}, nil
}
