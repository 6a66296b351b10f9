// latency_test.go — the Go latency histogram's bucket layout against values computed from the
// C++ LatencyHistogram's definition (workloads/latency_histogram.hpp), the sampler's period, and
// every latency-shaped workload reporting a latency member whose counts match its sampling.
package main

import (
	"math"
	"testing"
)

func TestLatencyBucketLayout(t *testing.T) {
	for v, want := range map[uint64]int{0: 0, 31: 31, 63: 63, 64: 64, 65: 64, 66: 65, 127: 95,
		128: 96, 1000: 4*32 + (1000 >> 4), math.MaxUint64: latBucketCount - 1} {
		if got := latBucketIndex(v); got != want {
			t.Errorf("latBucketIndex(%d) = %d, want %d", v, got, want)
		}
	}
	if latBucketCount != 1920 {
		t.Errorf("latBucketCount = %d, want 1920 (the C++ kBucketCount)", latBucketCount)
	}
	prev := 0
	for v := uint64(1); v < 1<<20; v++ { // monotonic and contiguous
		i := latBucketIndex(v)
		if i != prev && i != prev+1 {
			t.Fatalf("latBucketIndex(%d) = %d after %d", v, i, prev)
		}
		prev = i
	}
}

func TestSamplerPeriod(t *testing.T) {
	s := newSampler(8)
	n := 0
	for i := 0; i < 80; i++ {
		if s.due() {
			n++
		}
	}
	if n != 10 {
		t.Errorf("sampler(8) due %d times in 80 ops, want 10", n)
	}
}

func TestLatencyReported(t *testing.T) {
	cases := []struct {
		name  string
		raw   []string
		every uint64
		count uint64
	}{
		{"pingpong", []string{"n=640"}, everyPingpong, 10},
		{"context", []string{"n=80"}, everyContext, 10},
		{"timers", []string{"mode=startstop", "tasks=2", "k=128"}, everyStartStop, 4},
		{"timers", []string{"mode=sleep", "tasks=2", "k=3"}, everySleep, 6},
		{"select", []string{"n=640"}, everySelect, 0}, // count depends on the consumers' split
	}
	for _, c := range cases {
		w, p := mustResolve(t, c.name, c.raw)
		r, err := w.run(p)
		if err != nil {
			t.Fatalf("%s %v: %v", c.name, c.raw, err)
		}
		l := r.latency
		if l == nil || l.SampleEvery != c.every || l.OverheadPct < 0 || len(l.Buckets) == 0 {
			t.Fatalf("%s %v: latency %+v, want sample_every %d and buckets", c.name, c.raw, l, c.every)
		}
		var total uint64
		top := 0
		for _, b := range l.Buckets {
			total += b[1]
			top = int(b[0])
		}
		if c.count != 0 && total != c.count {
			t.Errorf("%s %v: %d samples, want %d", c.name, c.raw, total, c.count)
		}
		if latBucketIndex(l.Max) != top {
			t.Errorf("%s %v: max %d is not in the top bucket %d", c.name, c.raw, l.Max, top)
		}
		if latBucketIndex(l.Min) != int(l.Buckets[0][0]) {
			t.Errorf("%s %v: min %d is not in the lowest bucket %d", c.name, c.raw, l.Min, l.Buckets[0][0])
		}
		if l.Sum < l.Min*total || l.Sum > l.Max*total {
			t.Errorf("%s %v: sum %d is not between %d x min and x max", c.name, c.raw, l.Sum, total)
		}
	}
}

// The exact min and sum survive merging, whatever the order and with empty histograms.
func TestHistogramMinAndSumAreExact(t *testing.T) {
	var a, b, empty, all histogram
	for _, v := range []uint64{700, 95, 12000} {
		a.record(v)
		all.record(v)
	}
	for _, v := range []uint64{3000, 81} {
		b.record(v)
		all.record(v)
	}
	empty.merge(&a)
	empty.merge(&histogram{})
	empty.merge(&b)
	if empty.min != 81 || empty.sum != 700+95+12000+3000+81 || empty.count != 5 || empty.max != 12000 {
		t.Fatalf("merged min %d sum %d count %d max %d", empty.min, empty.sum, empty.count, empty.max)
	}
	if all.min != empty.min || all.sum != empty.sum {
		t.Fatalf("recorded min %d sum %d, merged %d %d", all.min, all.sum, empty.min, empty.sum)
	}
}
