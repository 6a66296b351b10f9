// parent_death.go — the child does not outlive ccbench. When the harness passes CCB_PARENT_PID
// (its own pid), `run` asks the kernel to SIGKILL this process when its parent dies (prctl
// PR_SET_PDEATHSIG), so a harness killed alone (SIGKILL, or the SIGTERM of a CI timeout sent to
// its pid only) leaves no Go child measuring on; and it exits at once if that parent is already
// gone (then its parent is no longer that pid), saying so on stderr. Without the variable
// (tests, a manual run) nothing changes.
package main

import (
	"fmt"
	"os"
	"strconv"
	"syscall"
)

func dieWithParent() {
	want := os.Getenv("CCB_PARENT_PID")
	if want == "" {
		return
	}
	// An error leaves the old behaviour: the child ends at its next read of the closed socket.
	_, _, _ = syscall.RawSyscall(syscall.SYS_PRCTL, syscall.PR_SET_PDEATHSIG, uintptr(syscall.SIGKILL), 0)
	if ppid := os.Getppid(); strconv.Itoa(ppid) != want {
		// say why: a wrapper that forks (instead of exec'ing) makes this exit look like a crash
		fmt.Fprintf(os.Stderr, "ccbench-go: exiting: started by pid %d, not by CCB_PARENT_PID=%s "+
			"(that ccbench has gone, or a wrapper forked this process: exec it instead)\n", ppid, want)
		os.Exit(1)
	}
}
