// parent_death.go — the child does not outlive ccbench. When the harness passes CCB_PARENT_PID
// (its own pid), `run` asks the kernel to SIGKILL this process when its parent dies (prctl
// PR_SET_PDEATHSIG), so a harness killed alone (SIGKILL, or the SIGTERM of a CI timeout sent to
// its pid only) leaves no Go child measuring on; and it exits at once if that parent is already
// gone (then its parent is no longer that pid). Without the variable (tests, a manual run) nothing
// changes.
package main

import (
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
	if strconv.Itoa(os.Getppid()) != want {
		os.Exit(1)
	}
}
