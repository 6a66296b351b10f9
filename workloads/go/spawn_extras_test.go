// spawn_extras_test.go — spawn's seeds-table measurements at a small RSS budget: capacity stops
// at the budget (or the task cap) with every parked goroutine run; the switch cost is positive and a wrong hand-off fails it;
// spawn reports switch_ns; the internal capacity command rejects bad usage; the capacity child
// dies with the process that started it.
package main

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
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

// Regression (session 51's Go review): the capacity child (`ccbench-go capacity`) outlived a
// ccbench-go killed by the harness's timeout, re-parented to PID 1, growing to ~1 GiB. Here a
// helper process (this test binary again) starts capacityCmd on a stand-in that only sleeps, says
// its pid and is SIGKILLed: the stand-in must die with it.
func TestCapacityChildDiesWithItsParent(t *testing.T) {
	if stand := os.Getenv("CCB_TEST_CAPACITY_STAND_IN"); stand != "" { // the helper process
		cmd := capacityCmd(context.Background(), stand, 1)
		if err := cmd.Start(); err != nil {
			os.Exit(3)
		}
		os.Stdout.WriteString(strconv.Itoa(cmd.Process.Pid) + "\n")
		time.Sleep(time.Minute)
		os.Exit(0)
	}
	stand := filepath.Join(t.TempDir(), "capacity-stand-in")
	if err := os.WriteFile(stand, []byte("#!/bin/sh\nexec sleep 60\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	helper := exec.Command(os.Args[0], "-test.run=^TestCapacityChildDiesWithItsParent$")
	helper.Env = append(os.Environ(), "CCB_TEST_CAPACITY_STAND_IN="+stand)
	out, err := helper.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := helper.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	pid, perr := strconv.Atoi(strings.TrimSpace(line))
	_ = helper.Process.Kill()
	_ = helper.Wait()
	if err != nil || perr != nil {
		t.Fatalf("the helper said %q (%v, %v)", line, err, perr)
	}
	// gone, or a zombie waiting for a PID 1 that does not reap (some containers)
	gone := func() bool {
		stat, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
		if err != nil {
			return true
		}
		fields := strings.Fields(string(stat[bytes.LastIndexByte(stat, ')')+1:]))
		return len(fields) > 0 && (fields[0] == "Z" || fields[0] == "X")
	}
	for deadline := time.Now().Add(10 * time.Second); !gone() && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
	}
	if !gone() {
		_ = syscall.Kill(pid, syscall.SIGKILL)
		t.Fatalf("the capacity child %d outlived the process that started it", pid)
	}
}
