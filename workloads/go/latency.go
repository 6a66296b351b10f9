// latency.go — per-operation latency sampling for the latency-shaped workloads (pingpong, select,
// context, timers), the Go twin of workloads/latency_histogram.hpp and
// workloads/threads/latency_sampling.hpp.
//
// Guarantees:
//   - histogram uses exactly the C++ LatencyHistogram bucket layout (kSubBits = 5): values 0..63
//     have one bucket each; above, index(v) = (m-5)*32 + (v >> (m-5)) with m = floor(log2 v);
//     1920 buckets. The sample line's "latency" member carries its non-empty buckets, the exact
//     max, min and sum, the sampling period and the overhead estimate, and the harness rebuilds
//     the histogram (so Go's mean and min are exact, as the C++ sides' are).
//   - A sampler times one op in every K (K a power of two per workload, the same constants as the
//     C++ side); record is O(1) and never allocates.
//   - recordCostNs calibrates once per process the cost of one sample (two time.Now reads and a
//     record) as the median of 7 batches of 4096; overhead_pct = samples × cost / elapsed × 100.
//
// Concurrency: a sampler belongs to one goroutine while it records; merge after joining.
package main

import (
	"math/bits"
	"sort"
	"sync"
	"time"
)

const (
	latSubBits      = 5
	latSubCount     = 1 << latSubBits
	latBucketCount  = (64 - latSubBits + 1) * latSubCount
	everyPingpong   = 64
	everySelect     = 32
	everyContext    = 8
	everyStartStop  = 64
	everySleep      = 1
	calibrationSize = 4096
)

// histogram is a log-linear histogram of nanosecond values (layout in the file comment).
type histogram struct {
	counts [latBucketCount]uint64
	count  uint64
	max    uint64
	min    uint64 // valid when count > 0
	sum    uint64
}

func latBucketIndex(v uint64) int {
	if v < 2*latSubCount {
		return int(v)
	}
	m := 63 - bits.LeadingZeros64(v)
	g := m - latSubBits
	return g*latSubCount + int(v>>uint(g))
}

func (h *histogram) record(ns uint64) {
	h.counts[latBucketIndex(ns)]++
	h.count++
	h.sum += ns
	if ns > h.max {
		h.max = ns
	}
	if h.count == 1 || ns < h.min {
		h.min = ns
	}
}

func (h *histogram) merge(o *histogram) {
	if o.count == 0 {
		return
	}
	for i, c := range o.counts {
		h.counts[i] += c
	}
	if h.count == 0 || o.min < h.min {
		h.min = o.min
	}
	h.count += o.count
	h.sum += o.sum
	if o.max > h.max {
		h.max = o.max
	}
}

// sampler is one recorder's period counter and histogram.
type sampler struct {
	mask uint64
	n    uint64
	hist histogram
}

func newSampler(every uint64) *sampler { return &sampler{mask: every - 1} }

func (s *sampler) due() bool {
	d := s.n&s.mask == 0
	s.n++
	return d
}

func durNs(d time.Duration) uint64 {
	if d < 0 {
		return 0
	}
	return uint64(d)
}

var recordCost struct {
	once sync.Once
	ns   float64
}

// recordCostNs is the calibrated cost of one sample in ns (see the file comment).
func recordCostNs() float64 {
	recordCost.once.Do(func() {
		var scratch histogram
		per := make([]float64, 7)
		for b := range per {
			t0 := time.Now()
			for i := 0; i < calibrationSize; i++ {
				s := time.Now()
				scratch.record(durNs(time.Since(s)))
			}
			per[b] = float64(time.Since(t0).Nanoseconds()) / calibrationSize
		}
		sort.Float64s(per)
		recordCost.ns = per[3]
	})
	return recordCost.ns
}

// latencyLine is the sample line's "latency" member.
type latencyLine struct {
	Buckets     [][2]uint64 `json:"buckets"`
	Max         uint64      `json:"max"`
	Min         uint64      `json:"min"`
	Sum         uint64      `json:"sum"`
	SampleEvery uint64      `json:"sample_every"`
	OverheadPct float64     `json:"overhead_pct"`
}

// latencyOf summarises h, sampled one op in every `every`, for a repetition that took elapsed.
func latencyOf(h *histogram, every uint64, elapsed time.Duration) *latencyLine {
	l := &latencyLine{Buckets: [][2]uint64{}, Max: h.max, Min: h.min, Sum: h.sum, SampleEvery: every}
	for i, c := range h.counts {
		if c != 0 {
			l.Buckets = append(l.Buckets, [2]uint64{uint64(i), c})
		}
	}
	if elapsed > 0 {
		l.OverheadPct = float64(h.count) * recordCostNs() / float64(elapsed.Nanoseconds()) * 100
	}
	return l
}
