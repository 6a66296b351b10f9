// pingpong.go — pingpong: two goroutines bounce a number over two channels of capacity cap.
//
// Guarantees: every reply equals the value sent plus one, the replies sum to n(n+1)/2 and none
// comes after the last round trip (a duplicated last reply), else a *checkError. ops = n round trips; the measured section includes starting the echo goroutine.
// Latency: one round trip (send + receive of the reply) in every everyPingpong is timed.
package main

import "time"

func runPingpong(p params) (result, error) {
	n, capacity := p.int("n"), int(p.int("cap"))
	ping := make(chan int64, capacity)
	pong := make(chan int64, capacity)
	lat := newSampler(everyPingpong) // before the timed section, as the C++ twins make theirs

	start := time.Now()
	go func() {
		for v := range ping {
			pong <- v + 1
		}
		close(pong)
	}()
	var sum int64
	bad, badReply := int64(-1), int64(0)
	for i := int64(0); i < n; i++ {
		var r int64
		if lat.due() {
			s := time.Now()
			ping <- i
			r = <-pong
			lat.hist.record(durNs(time.Since(s)))
		} else {
			ping <- i
			r = <-pong
		}
		if r != i+1 {
			bad, badReply = i, r
			break
		}
		sum += r
	}
	close(ping)
	extra := 0       // replies after the last round trip; none are due
	for range pong { // until the echo goroutine has finished
		extra++
	}
	elapsed := time.Since(start)

	if bad >= 0 {
		return result{}, failf("pingpong: sent %d, got reply %d, want %d", bad, badReply, bad+1)
	}
	if extra != 0 {
		return result{}, failf("pingpong: %d replies came after the last round trip, want 0", extra)
	}
	if want := n * (n + 1) / 2; sum != want {
		return result{}, failf("pingpong: replies sum to %d, want %d", sum, want)
	}
	return result{ops: n, elapsed: elapsed, latency: latencyOf(&lat.hist, everyPingpong, elapsed)}, nil
}
