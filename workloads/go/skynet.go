// skynet.go — skynet: the skynet tree (github.com/atemerev/skynet, go/skynet.go). A goroutine of
// size 1 sends its number up; a larger one starts 10 children, child i with number
// num + i*(size/10) and size size/10, and sums their replies from its own unbuffered channel
// (as the original Go version does) before sending the sum up.
//
// Guarantees: the root's sum is size(size-1)/2 and every inner node received exactly its 10
// children's sums, each once (skynetReplies, checks.go; a node that did not sends skynetPoison up),
// else a *checkError. ops = 1: ns_per_op is the
// time of the whole tree.
package main

import "time"

func skynet(up chan<- int64, num, size int64) {
	if size == 1 {
		up <- num
		return
	}
	replies := make(chan int64)
	for i := int64(0); i < 10; i++ {
		go skynet(replies, num+i*(size/10), size/10)
	}
	got := newSkynetReplies(num, size)
	for i := 0; i < 10; i++ {
		got.add(<-replies)
	}
	up <- got.up()
}

func runSkynet(p params) (result, error) {
	size := p.int("size")
	root := make(chan int64)

	start := time.Now()
	go skynet(root, 0, size)
	sum := <-root
	elapsed := time.Since(start)

	if sum == skynetPoison {
		return result{}, failf("skynet: a node received other replies than its 10 children's sums, each once")
	}
	if want := size * (size - 1) / 2; sum != want {
		return result{}, failf("skynet: sum %d, want %d", sum, want)
	}
	return result{ops: 1, elapsed: elapsed}, nil
}
