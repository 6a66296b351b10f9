// runtime/src/membarrier.hpp — a process-wide memory barrier on demand (Linux membarrier(2),
// MEMBARRIER_CMD_PRIVATE_EXPEDITED), for asymmetric protocols: the frequent side orders its
// accesses with the compiler only, the rare side calls process_barrier(), which returns once
// every other running thread of the process has executed a full memory barrier (so a store the
// frequent side made before that point is visible to the caller, and a load it makes after
// that point sees what the caller stored before the call).
// Used by the scheduler's runnext hand-off (scheduler.cpp, runnext_swap / steal).
#pragma once

namespace ccb::detail {

// process_barrier_available() registers the process for expedited private barriers on first use
// (thread-safe) and says whether process_barrier() works: false on kernels before 4.14 or where
// a seccomp filter refuses the call, and then callers keep their symmetric (locked) protocol.
bool process_barrier_available() noexcept;

// process_barrier() issues the barrier. Requires process_barrier_available(). Returns false if
// the kernel refused it (the caller must then not rely on the asymmetric ordering).
bool process_barrier() noexcept;

}  // namespace ccb::detail
