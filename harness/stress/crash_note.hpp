// harness/stress/crash_note.hpp — what `ccbench stress` says when a run dies of a fatal signal.
//
// A crash inside a run (a runtime bug: a segfault, an abort) used to end the process with nothing
// on stderr: no scenario, no seed, no reproduce line (session 51's stress review). While a
// CrashNote exists, a fatal signal (SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT) first writes its
// text and the signal's name to file descriptor 2 (write(2) only: async-signal-safe), once, then
// takes the action installed before (for SIGSEGV, the runtime's stack-overflow handler when a run
// installed it first; else the default), so the process still dies of that signal, with its
// status. Handlers are installed on the first CrashNote and stay; with no CrashNote they only
// pass the signal on.
// Concurrency: one CrashNote at a time (the stress command's runs are sequential); the text is
// published through an atomic pointer, and the handler claims it with an exchange, so two
// threads crashing at once print it once.
#pragma once

#include <string>

namespace ccb::stress {

class CrashNote {
 public:
  // `text`: what to print before the signal's name, e.g. "ccbench stress: CRASHED: scenario X
  // (procs 2)"; `footer`: printed after it (the seed and reproduce lines).
  CrashNote(const std::string& text, const std::string& footer);
  ~CrashNote();
  CrashNote(const CrashNote&) = delete;
  CrashNote& operator=(const CrashNote&) = delete;
  const char* head() const noexcept { return head_.c_str(); }
  const char* footer() const noexcept { return footer_.c_str(); }

 private:
  std::string head_, footer_;
};

}  // namespace ccb::stress
