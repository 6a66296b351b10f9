// ratelimit.go — ratelimit: tasks goroutines each call allow() k times on one shared token
// bucket (rate 1e8 tokens/s, burst 1000) and count the calls that returned true.
//
// tokenBucket is written by hand because golang.org/x/time/rate is not in the standard library;
// like rate.Limiter.Allow it reads the clock before taking its sync.Mutex, refills
// elapsed×rate tokens capped at burst, and spends one token if at least one is there. The bucket
// starts full.
//
// Guarantees: min(calls, burst) ≤ allowed ≤ burst + rate×elapsed_seconds + 1, else a *checkError
// (the bucket starts full, so its first min(calls, burst) calls pass; it is made inside the
// measured section, so it cannot have refilled before it). ops = tasks*k.
package main

import (
	"sync"
	"time"
)

const (
	limiterRate  = 1e8 // tokens per second
	limiterBurst = 1000
)

// tokenBucket is a mutex-protected token-bucket rate limiter. Safe for concurrent use.
type tokenBucket struct {
	rate, burst float64 // immutable after construction

	mu     sync.Mutex // guards tokens and last
	tokens float64
	last   time.Time
}

func newTokenBucket(rate, burst float64) *tokenBucket {
	return &tokenBucket{rate: rate, burst: burst, tokens: burst, last: time.Now()}
}

// allow reports whether a token was available now, and spends it if so. A caller whose clock
// reading is older than the bucket's last refill gets no refill (time does not run backwards).
func (b *tokenBucket) allow() bool {
	now := time.Now()
	b.mu.Lock()
	defer b.mu.Unlock()
	if d := now.Sub(b.last); d > 0 {
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
	limit := limiterBurst + limiterRate*elapsed.Seconds() + 1
	least := tasks * k
	if least > limiterBurst {
		least = limiterBurst
	}
	if total < least || float64(total) > limit {
		return result{}, failf("ratelimit: %d of %d calls allowed, want %d..%.0f (the first min(calls, burst %d) pass; at most burst + rate %.0f/s × %v + 1)",
			total, tasks*k, least, limit, limiterBurst, limiterRate, elapsed)
	}
	return result{ops: tasks * k, elapsed: elapsed}, nil
}
