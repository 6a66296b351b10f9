// checks.go — self-checks shared by several workloads (the Go twins of
// workloads/threads/checks.hpp): fanout and select, whose tasks each hand back a partial sum,
// count and sum of squares, must account for every value 0..ops-1 exactly once; skynet's nodes
// check their children's replies (skynetReplies); spawn's goroutines add spawnKey(i).
package main

// sumOfSquares is the sum of i*i for i = 0..n-1, mod 2^64: each factor of n(n-1)(2n-1)/6 is
// divided exactly before the wrapping product.
func sumOfSquares(n int64) uint64 {
	if n <= 0 {
		return 0
	}
	a, b, c := uint64(n), uint64(n-1), uint64(2*n-1)
	if a%2 == 0 {
		a /= 2
	} else {
		b /= 2
	}
	switch {
	case a%3 == 0:
		a /= 3
	case b%3 == 0:
		b /= 3
	default:
		c /= 3
	}
	return a * b * c
}

// checkTotals adds the per-task partial sums, counts and sums of squares (mod 2^64) and fails
// unless the count is ops, the sum ops(ops-1)/2 and the squares' sum that of 0..ops-1: with the
// squares, a lost value made up by a duplicated one ({0,1,2,3} received as {0,2,2,2}) fails too.
// who names the receiving tasks in the message ("workers", "consumers").
func checkTotals(workload, who string, sums, counts []int64, sumsqs []uint64, ops int64) error {
	var sum, count int64
	var sumsq uint64
	for i := range sums {
		sum += sums[i]
		count += counts[i]
		sumsq += sumsqs[i]
	}
	if count != ops {
		return failf("%s: %s received %d values, want %d", workload, who, count, ops)
	}
	if want := ops * (ops - 1) / 2; sum != want {
		return failf("%s: values sum to %d, want %d", workload, sum, want)
	}
	if want := sumOfSquares(ops); sumsq != want {
		return failf("%s: the squares of the values sum to %d (mod 2^64), want %d: a value was lost and another received twice", workload, sumsq, want)
	}
	return nil
}

// skynetPoison is what a skynet node sends up instead of its sum when its replies were not
// exactly its 10 children's sums, each once; its parent then fails too, up to the root.
const skynetPoison = -1

// skynetReplies is one skynet node's check of its children's replies: child i of node
// (num, size) replies child*num_i + child(child-1)/2 with child = size/10 and num_i = num + i*child,
// i.e. base + i*step with step = child^2.
type skynetReplies struct {
	base, step, sum int64
	seen            uint32 // bit i: child i's sum arrived; bit 10: a reply that is no child's
}

func newSkynetReplies(num, size int64) skynetReplies {
	child := size / 10
	return skynetReplies{base: child*num + child*(child-1)/2, step: child * child}
}

func (s *skynetReplies) add(r int64) {
	s.sum += r
	off := r - s.base
	if s.step != 1 && off >= 0 {
		if off%s.step == 0 {
			off /= s.step
		} else {
			off = -1
		}
	}
	if off >= 0 && off < 10 && s.seen>>off&1 == 0 {
		s.seen |= 1 << off
	} else {
		s.seen |= 1 << 10
	}
}

// up is the value the node sends to its parent: its sum, or skynetPoison.
func (s *skynetReplies) up() int64 {
	if s.seen == 0x3FF {
		return s.sum
	}
	return skynetPoison
}

// spawnKey is what goroutine i adds to spawn's shared counter: 1 + (mix(i) >> 32 << 32), so that
// the low 32 bits count the goroutines (n <= 10^7 < 2^32) and the high 32 bits sum a hash of each
// index; a goroutine that ran twice while another did not keeps the count, not the hash sum.
// mix is splitmix64's finaliser (checks.hpp's spawn_key, the same constants).
func spawnKey(i int64) uint64 {
	x := uint64(i)
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return 1 + (x >> 32 << 32)
}

// checkSpawn fails unless got, the counter after n goroutines each added their spawnKey, shows
// n goroutines that each ran exactly once.
func checkSpawn(n int64, got uint64) error {
	if ran := int64(got & 0xFFFFFFFF); ran != n {
		return failf("spawn: %d of %d goroutines ran", ran, n)
	}
	var want uint64
	for i := int64(0); i < n; i++ {
		want += spawnKey(i)
	}
	if got != want {
		return failf("spawn: %d goroutines ran but not each exactly once (one ran twice, another not at all)", n)
	}
	return nil
}
