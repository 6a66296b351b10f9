// select_cases.go — the receive loops of the select workload, one per number of select cases
// (2, 4, 8, 16, 32, 64). Go's select statement has a fixed set of cases, so a loop over a
// run-time number of channels is written once per size; selectLoop (select.go) picks the smallest
// that fits and the unused cases hold nil channels, which a select never chooses.
//
// Guarantees: each loop receives from the channels given until it has seen every one closed
// (setting a closed channel to nil, Go's idiom) and returns the sum, count and sum of squares (mod
// 2^64) of what it got, and disorder: how many values were not above the last one from the same
// channel (each channel is FIFO with one producer, so 0);
// it times one select statement in every lat's period into lat.
// Requires len(chs) <= the loop's size. Every case body is identical apart from its index.
package main

import "time"

func select2(chs []chan int64, lat *sampler) (sum, count int64, sumsq uint64, disorder int64) {
	var c [2]chan int64
	var next [2]int64 // per channel: one above the last value received (values are >= 0)
	for open := copy(c[:], chs); open > 0; {
		var v int64
		var ok bool
		var i int
		timed := lat.due()
		var s time.Time
		if timed {
			s = time.Now()
		}
		select {
		case v, ok = <-c[0]:
			i = 0
		case v, ok = <-c[1]:
			i = 1
		}
		if timed {
			lat.hist.record(durNs(time.Since(s)))
		}
		if ok {
			sum += v
			sumsq += uint64(v) * uint64(v)
			count++
			if v < next[i] {
				disorder++
			}
			next[i] = v + 1
		} else {
			c[i] = nil
			open--
		}
	}
	return sum, count, sumsq, disorder
}

func select4(chs []chan int64, lat *sampler) (sum, count int64, sumsq uint64, disorder int64) {
	var c [4]chan int64
	var next [4]int64 // per channel: one above the last value received (values are >= 0)
	for open := copy(c[:], chs); open > 0; {
		var v int64
		var ok bool
		var i int
		timed := lat.due()
		var s time.Time
		if timed {
			s = time.Now()
		}
		select {
		case v, ok = <-c[0]:
			i = 0
		case v, ok = <-c[1]:
			i = 1
		case v, ok = <-c[2]:
			i = 2
		case v, ok = <-c[3]:
			i = 3
		}
		if timed {
			lat.hist.record(durNs(time.Since(s)))
		}
		if ok {
			sum += v
			sumsq += uint64(v) * uint64(v)
			count++
			if v < next[i] {
				disorder++
			}
			next[i] = v + 1
		} else {
			c[i] = nil
			open--
		}
	}
	return sum, count, sumsq, disorder
}

func select8(chs []chan int64, lat *sampler) (sum, count int64, sumsq uint64, disorder int64) {
	var c [8]chan int64
	var next [8]int64 // per channel: one above the last value received (values are >= 0)
	for open := copy(c[:], chs); open > 0; {
		var v int64
		var ok bool
		var i int
		timed := lat.due()
		var s time.Time
		if timed {
			s = time.Now()
		}
		select {
		case v, ok = <-c[0]:
			i = 0
		case v, ok = <-c[1]:
			i = 1
		case v, ok = <-c[2]:
			i = 2
		case v, ok = <-c[3]:
			i = 3
		case v, ok = <-c[4]:
			i = 4
		case v, ok = <-c[5]:
			i = 5
		case v, ok = <-c[6]:
			i = 6
		case v, ok = <-c[7]:
			i = 7
		}
		if timed {
			lat.hist.record(durNs(time.Since(s)))
		}
		if ok {
			sum += v
			sumsq += uint64(v) * uint64(v)
			count++
			if v < next[i] {
				disorder++
			}
			next[i] = v + 1
		} else {
			c[i] = nil
			open--
		}
	}
	return sum, count, sumsq, disorder
}

func select16(chs []chan int64, lat *sampler) (sum, count int64, sumsq uint64, disorder int64) {
	var c [16]chan int64
	var next [16]int64 // per channel: one above the last value received (values are >= 0)
	for open := copy(c[:], chs); open > 0; {
		var v int64
		var ok bool
		var i int
		timed := lat.due()
		var s time.Time
		if timed {
			s = time.Now()
		}
		select {
		case v, ok = <-c[0]:
			i = 0
		case v, ok = <-c[1]:
			i = 1
		case v, ok = <-c[2]:
			i = 2
		case v, ok = <-c[3]:
			i = 3
		case v, ok = <-c[4]:
			i = 4
		case v, ok = <-c[5]:
			i = 5
		case v, ok = <-c[6]:
			i = 6
		case v, ok = <-c[7]:
			i = 7
		case v, ok = <-c[8]:
			i = 8
		case v, ok = <-c[9]:
			i = 9
		case v, ok = <-c[10]:
			i = 10
		case v, ok = <-c[11]:
			i = 11
		case v, ok = <-c[12]:
			i = 12
		case v, ok = <-c[13]:
			i = 13
		case v, ok = <-c[14]:
			i = 14
		case v, ok = <-c[15]:
			i = 15
		}
		if timed {
			lat.hist.record(durNs(time.Since(s)))
		}
		if ok {
			sum += v
			sumsq += uint64(v) * uint64(v)
			count++
			if v < next[i] {
				disorder++
			}
			next[i] = v + 1
		} else {
			c[i] = nil
			open--
		}
	}
	return sum, count, sumsq, disorder
}

func select32(chs []chan int64, lat *sampler) (sum, count int64, sumsq uint64, disorder int64) {
	var c [32]chan int64
	var next [32]int64 // per channel: one above the last value received (values are >= 0)
	for open := copy(c[:], chs); open > 0; {
		var v int64
		var ok bool
		var i int
		timed := lat.due()
		var s time.Time
		if timed {
			s = time.Now()
		}
		select {
		case v, ok = <-c[0]:
			i = 0
		case v, ok = <-c[1]:
			i = 1
		case v, ok = <-c[2]:
			i = 2
		case v, ok = <-c[3]:
			i = 3
		case v, ok = <-c[4]:
			i = 4
		case v, ok = <-c[5]:
			i = 5
		case v, ok = <-c[6]:
			i = 6
		case v, ok = <-c[7]:
			i = 7
		case v, ok = <-c[8]:
			i = 8
		case v, ok = <-c[9]:
			i = 9
		case v, ok = <-c[10]:
			i = 10
		case v, ok = <-c[11]:
			i = 11
		case v, ok = <-c[12]:
			i = 12
		case v, ok = <-c[13]:
			i = 13
		case v, ok = <-c[14]:
			i = 14
		case v, ok = <-c[15]:
			i = 15
		case v, ok = <-c[16]:
			i = 16
		case v, ok = <-c[17]:
			i = 17
		case v, ok = <-c[18]:
			i = 18
		case v, ok = <-c[19]:
			i = 19
		case v, ok = <-c[20]:
			i = 20
		case v, ok = <-c[21]:
			i = 21
		case v, ok = <-c[22]:
			i = 22
		case v, ok = <-c[23]:
			i = 23
		case v, ok = <-c[24]:
			i = 24
		case v, ok = <-c[25]:
			i = 25
		case v, ok = <-c[26]:
			i = 26
		case v, ok = <-c[27]:
			i = 27
		case v, ok = <-c[28]:
			i = 28
		case v, ok = <-c[29]:
			i = 29
		case v, ok = <-c[30]:
			i = 30
		case v, ok = <-c[31]:
			i = 31
		}
		if timed {
			lat.hist.record(durNs(time.Since(s)))
		}
		if ok {
			sum += v
			sumsq += uint64(v) * uint64(v)
			count++
			if v < next[i] {
				disorder++
			}
			next[i] = v + 1
		} else {
			c[i] = nil
			open--
		}
	}
	return sum, count, sumsq, disorder
}

func select64(chs []chan int64, lat *sampler) (sum, count int64, sumsq uint64, disorder int64) {
	var c [64]chan int64
	var next [64]int64 // per channel: one above the last value received (values are >= 0)
	for open := copy(c[:], chs); open > 0; {
		var v int64
		var ok bool
		var i int
		timed := lat.due()
		var s time.Time
		if timed {
			s = time.Now()
		}
		select {
		case v, ok = <-c[0]:
			i = 0
		case v, ok = <-c[1]:
			i = 1
		case v, ok = <-c[2]:
			i = 2
		case v, ok = <-c[3]:
			i = 3
		case v, ok = <-c[4]:
			i = 4
		case v, ok = <-c[5]:
			i = 5
		case v, ok = <-c[6]:
			i = 6
		case v, ok = <-c[7]:
			i = 7
		case v, ok = <-c[8]:
			i = 8
		case v, ok = <-c[9]:
			i = 9
		case v, ok = <-c[10]:
			i = 10
		case v, ok = <-c[11]:
			i = 11
		case v, ok = <-c[12]:
			i = 12
		case v, ok = <-c[13]:
			i = 13
		case v, ok = <-c[14]:
			i = 14
		case v, ok = <-c[15]:
			i = 15
		case v, ok = <-c[16]:
			i = 16
		case v, ok = <-c[17]:
			i = 17
		case v, ok = <-c[18]:
			i = 18
		case v, ok = <-c[19]:
			i = 19
		case v, ok = <-c[20]:
			i = 20
		case v, ok = <-c[21]:
			i = 21
		case v, ok = <-c[22]:
			i = 22
		case v, ok = <-c[23]:
			i = 23
		case v, ok = <-c[24]:
			i = 24
		case v, ok = <-c[25]:
			i = 25
		case v, ok = <-c[26]:
			i = 26
		case v, ok = <-c[27]:
			i = 27
		case v, ok = <-c[28]:
			i = 28
		case v, ok = <-c[29]:
			i = 29
		case v, ok = <-c[30]:
			i = 30
		case v, ok = <-c[31]:
			i = 31
		case v, ok = <-c[32]:
			i = 32
		case v, ok = <-c[33]:
			i = 33
		case v, ok = <-c[34]:
			i = 34
		case v, ok = <-c[35]:
			i = 35
		case v, ok = <-c[36]:
			i = 36
		case v, ok = <-c[37]:
			i = 37
		case v, ok = <-c[38]:
			i = 38
		case v, ok = <-c[39]:
			i = 39
		case v, ok = <-c[40]:
			i = 40
		case v, ok = <-c[41]:
			i = 41
		case v, ok = <-c[42]:
			i = 42
		case v, ok = <-c[43]:
			i = 43
		case v, ok = <-c[44]:
			i = 44
		case v, ok = <-c[45]:
			i = 45
		case v, ok = <-c[46]:
			i = 46
		case v, ok = <-c[47]:
			i = 47
		case v, ok = <-c[48]:
			i = 48
		case v, ok = <-c[49]:
			i = 49
		case v, ok = <-c[50]:
			i = 50
		case v, ok = <-c[51]:
			i = 51
		case v, ok = <-c[52]:
			i = 52
		case v, ok = <-c[53]:
			i = 53
		case v, ok = <-c[54]:
			i = 54
		case v, ok = <-c[55]:
			i = 55
		case v, ok = <-c[56]:
			i = 56
		case v, ok = <-c[57]:
			i = 57
		case v, ok = <-c[58]:
			i = 58
		case v, ok = <-c[59]:
			i = 59
		case v, ok = <-c[60]:
			i = 60
		case v, ok = <-c[61]:
			i = 61
		case v, ok = <-c[62]:
			i = 62
		case v, ok = <-c[63]:
			i = 63
		}
		if timed {
			lat.hist.record(durNs(time.Since(s)))
		}
		if ok {
			sum += v
			sumsq += uint64(v) * uint64(v)
			count++
			if v < next[i] {
				disorder++
			}
			next[i] = v + 1
		} else {
			c[i] = nil
			open--
		}
	}
	return sum, count, sumsq, disorder
}
