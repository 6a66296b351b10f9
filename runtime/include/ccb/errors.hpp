// ccb/errors.hpp — the exceptions the runtime throws.
//
// Misuse of the API is Go's `panic`: a ccb::Panic subclass, thrown in every build type, with Go's
// message verbatim. The object that was misused is left valid (checks happen before mutation).
// Broken runtime invariants are not exceptions: they abort with file:line (CCB_CHECK).
//  - Panic                      base of every misuse error (std::logic_error); thrown as itself by
//                               ccb::run called from inside a task ("ccb::run called from inside a
//                               task (run is not reentrant)") or while another thread's run is in
//                               progress ("ccb::run: another run is in progress in this process"),
//                               and by ccb::release_stacks during a run
//  - SendOnClosedChannel        "send on closed channel"
//  - CloseOfClosedChannel       "close of closed channel"
//  - CloseOfNilChannel          "close of nil channel"
//  - NegativeWaitGroupCounter   "sync: negative WaitGroup counter"
//  - UnlockOfUnlockedMutex      "sync: unlock of unlocked mutex" (also RWMutex variants)
//  - NotInTask                  a blocking runtime call made outside ccb::run's tasks
//  - ConfigError                an invalid ccb::Config field (std::invalid_argument), names field and
//                               range; also ccb::run with an empty main
//  - Deadlock                   thrown by ccb::run when every task is blocked and nothing can wake them
#pragma once

#include <stdexcept>
#include <string>

namespace ccb {

class Panic : public std::logic_error {
 public:
  using std::logic_error::logic_error;
};

class SendOnClosedChannel : public Panic {
 public:
  SendOnClosedChannel() : Panic("send on closed channel") {}
};

class CloseOfClosedChannel : public Panic {
 public:
  CloseOfClosedChannel() : Panic("close of closed channel") {}
};

class CloseOfNilChannel : public Panic {
 public:
  CloseOfNilChannel() : Panic("close of nil channel") {}
};

class NegativeWaitGroupCounter : public Panic {
 public:
  NegativeWaitGroupCounter() : Panic("sync: negative WaitGroup counter") {}
};

class UnlockOfUnlockedMutex : public Panic {
 public:
  explicit UnlockOfUnlockedMutex(const char* what = "sync: unlock of unlocked mutex") : Panic(what) {}
};

class NotInTask : public Panic {
 public:
  explicit NotInTask(const std::string& op)
      : Panic("ccb: " + op + " called outside a task (call it from inside ccb::run)") {}
};

class ConfigError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

class Deadlock : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace ccb
