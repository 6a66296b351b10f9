// checks.go — self-checks shared by the workloads whose tasks each hand back a partial sum and
// count (fanout, select): the totals must account for every value 0..ops-1 exactly once.
package main

// checkTotals adds the per-task partial sums and counts and fails unless the count is ops and
// the sum is ops(ops-1)/2. who names the receiving tasks in the message ("workers", "consumers").
func checkTotals(workload, who string, sums, counts []int64, ops int64) error {
	var sum, count int64
	for i := range sums {
		sum += sums[i]
		count += counts[i]
	}
	if count != ops {
		return failf("%s: %s received %d values, want %d", workload, who, count, ops)
	}
	if want := ops * (ops - 1) / 2; sum != want {
		return failf("%s: values sum to %d, want %d", workload, sum, want)
	}
	return nil
}
