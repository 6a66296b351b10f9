// spawn_extras_test.go — spawn's seeds-table measurements at a small RSS budget: capacity stops
// at the budget (or the task cap) with every parked goroutine run; the switch cost is positive and a wrong hand-off fails it;
// spawn reports switch_ns; the internal capacity command rejects bad usage.
package main

import (
	"bytes"
	"strings"
	"testing"
)

func TestCapacityStopsAtBudget(t *testing.T) {
	c, err := measureCapacity(8<<20, capacityMaxTasks)
	if err != nil {
		t.Fatal(err)
	}
	if c.Limit != limitRss1GiB || c.RssBytes < 8<<20 || c.Tasks <= 0 || c.Tasks%capacityBatch != 0 {
		t.Errorf("capacity at 8 MiB: %+v", c)
	}
	c, err = measureCapacity(1<<40, 2*capacityBatch)
	if err != nil {
		t.Fatal(err)
	}
	if c.Limit != limitTaskCap || c.Tasks != 2*capacityBatch {
		t.Errorf("capacity with a 2-batch cap: %+v", c)
	}
}

func TestSwitchAndSpawnExtra(t *testing.T) {
	if ns, err := measureSwitch(0); err != nil || ns <= 0 {
		t.Errorf("switch ns %v, err %v", ns, err)
	}
	w, p := mustResolve(t, "spawn", []string{"n=100"})
	r, err := w.run(p)
	if err != nil {
		t.Fatal(err)
	}
	if r.extra["switch_ns"] <= 0 {
		t.Errorf("spawn extra %v has no switch_ns", r.extra)
	}
	if _, ok := r.extra["max_tasks_1gib"]; ok {
		t.Errorf("capacity=0 measured the capacity: %v", r.extra)
	}
}

func TestCapacityCommandUsage(t *testing.T) {
	var out bytes.Buffer
	if code := runMain([]string{"capacity", "--procs", "0"}, strings.NewReader(""), &out); code != 2 {
		t.Errorf("capacity --procs 0: exit %d (%s)", code, out.String())
	}
}

// A hand-off that returns another value than it was sent fails the switch measurement, as the
// C++ twins' check does, with a *checkError naming it.
func TestSwitchFailsOnAWrongHandOff(t *testing.T) {
	_, err := measureSwitch(1)
	if _, ok := err.(*checkError); !ok || !strings.Contains(err.Error(), "switch_ns): a hand-off lost its value (sent 0, got 1)") {
		t.Errorf("measureSwitch(1): err %v, want the hand-off check", err)
	}
}
