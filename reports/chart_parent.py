# reports/chart_parent.py — how the chart drawer dies with the ccbench that started it
# (CCB_PARENT_PID), so that no drawer outlives ccbench writing into its report directory.
#
# Part of the charts script: charts.py imports it when run by path, and the build inlines this
# file into the copy of charts.py that the ccbench binary embeds (reports/CMakeLists.txt), so it
# must stay importable on its own and free of names that charts.py defines. charts.py calls
# die_with_parent() first, before matplotlib's import, which takes a while.
#
# Guarantees (die_with_parent()): with CCB_PARENT_PID set, the process exits with status 4 at once
# when that process is gone (or a zombie) or this one was handed to init; started by ccbench
# itself, the kernel kills it when ccbench dies (PR_SET_PDEATHSIG); started through a wrapper that
# does not exec (CCB_REPORT_PYTHON a shell script running python3, timeout, nice), a daemon thread
# checks the pid every 0.2 s and ends it within that of ccbench's death.
import os
import sys


def parent_alive(pid):
    """True while process `pid` exists and has not exited (os.kill(pid, 0); EPERM: it exists, owned
    by another user; a zombie, state Z in /proc/PID/stat, has exited and waits to be reaped)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        pass
    try:
        with open("/proc/%d/stat" % pid, "rb") as fh:
            return fh.read().rpartition(b")")[2][1:2] != b"Z"
    except OSError:
        return True  # no /proc: kill() said it exists


def watch_parent(pid):
    """Ends this process (exit status 4) once `pid` is gone: checked every 0.2 s on a daemon thread."""
    import threading
    import time

    def watch():
        while parent_alive(pid):
            time.sleep(0.2)
        sys.stderr.write("charts.py: exiting: CCB_PARENT_PID=%d (the ccbench that started it) is gone\n" % pid)
        sys.stderr.flush()
        os._exit(4)

    threading.Thread(target=watch, name="ccb-parent-watch", daemon=True).start()


def die_with_parent():
    """Dies with the ccbench named by CCB_PARENT_PID (see the header); first, before matplotlib's
    import, which takes a while. Started by ccbench itself, the kernel kills it when ccbench dies
    (PR_SET_PDEATHSIG), and a ccbench that died before that was set is seen as gone here. Started
    through a wrapper that does not exec (a shell script running python3, timeout, nice), the death
    signal follows the wrapper, so a thread watches ccbench's pid instead (before, such a drawer
    exited at once: "started by pid X, not by CCB_PARENT_PID=Y (ccbench is gone)")."""
    want = os.environ.get("CCB_PARENT_PID")
    if not want:
        return
    try:
        pid = int(want)
    except ValueError:
        return  # not a pid ccbench set: nothing to die with
    try:
        import ctypes

        ctypes.CDLL(None).prctl(1, 9, 0, 0, 0)  # PR_SET_PDEATHSIG, SIGKILL
    except Exception:  # no prctl: the watching thread below still ends it with ccbench
        pass
    if pid <= 1 or not parent_alive(pid) or (os.getppid() == 1 and pid != 1):
        sys.stderr.write("charts.py: exiting: CCB_PARENT_PID=%s (the ccbench that started it) is gone\n" % want)
        sys.exit(4)
    if os.getppid() != pid:
        watch_parent(pid)
