// harness/go_errors.hpp — the errors of the Go implementation's plumbing (go_impl.cpp and the
// process helpers under it, child_process.cpp), apart from both so that the helpers need not see
// the protocol. go_backend.cpp maps them to a failed point (GoProtocolError, GoTimeout) or to a
// skipped or refused implementation (GoUnavailable).
#pragma once

#include <stdexcept>

namespace ccb::harness {

// GoUnavailable: `go` is missing or the build failed; the message says how to fix it
// (scripts/setup installs golang-go) and carries the tail of the compiler's output.
class GoUnavailable : public std::runtime_error {
 public:
  using runtime_error::runtime_error;
};

// GoProtocolError: the child misbehaved (crash, bad line, timeout) or reported bad usage (exit 2).
class GoProtocolError : public std::runtime_error {
 public:
  using runtime_error::runtime_error;
};

// GoTimeout: the child gave no reply within its line timeout and was killed (a GoProtocolError).
class GoTimeout : public GoProtocolError {
 public:
  using GoProtocolError::GoProtocolError;
};

// GoStopped: a stop was asked (a signal) and the child gave no reply kStopGrace after it; it was
// killed (a GoProtocolError, but not the child's fault: the run is ending anyway).
class GoStopped : public GoProtocolError {
 public:
  using GoProtocolError::GoProtocolError;
};

}  // namespace ccb::harness
