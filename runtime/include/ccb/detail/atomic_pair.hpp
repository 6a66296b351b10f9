// ccb/detail/atomic_pair.hpp — AtomicPair: two 64-bit words compared-and-swapped as one unit
// (what rate::Limiter's lock-free allow() is built on). Not API.
//
// Guarantees:
//  - compare_exchange(expected, desired): if the pair equals `expected`, stores `desired` and
//    returns true; otherwise stores nothing, loads the current pair into `expected` and returns
//    false. Atomic with respect to every other compare_exchange/store on the same object, and a
//    full barrier (acquire + release) either way.
//  - load_guess(): reads each word with an acquire load. On the lock-free path the two words may
//    come from different stores (a torn read): treat the result as a guess and validate it with
//    compare_exchange, which fails for any value that is not the current pair.
//  - load(): a consistent snapshot (a compare_exchange that stores what it finds).
//  - Lock-free (`lock cmpxchg16b`) on x86-64 CPUs that have CMPXCHG16B, outside ThreadSanitizer
//    builds (TSan cannot see inline assembly). Everywhere else a SpinLock guards the pair and
//    load_guess() is consistent. The choice is made per object at construction (lock_free()).
// Concurrency: v_ is written only by compare_exchange (the lock-free path) or under mu_.
#pragma once

#include <cstdint>
#include <mutex>

#include "ccb/detail/task_api.hpp"

#if defined(__x86_64__) && !defined(__SANITIZE_THREAD__)
#define CCB_ATOMIC_PAIR_CX16 1
#include <cpuid.h>
#endif

namespace ccb::detail {

struct alignas(16) Pair64 {
  uint64_t lo = 0, hi = 0;
  friend bool operator==(const Pair64&, const Pair64&) = default;
};

class AtomicPair {
 public:
  // try_lock_free = false forces the locked path (tests run both).
  explicit AtomicPair(Pair64 v = {}, bool try_lock_free = true)
      : v_(v), lock_free_(try_lock_free && cpu_has_cx16()) {}
  AtomicPair(const AtomicPair&) = delete;
  AtomicPair& operator=(const AtomicPair&) = delete;

  bool lock_free() const noexcept { return lock_free_; }

  Pair64 load_guess() const noexcept {
#ifdef CCB_ATOMIC_PAIR_CX16
    if (lock_free_)
      return Pair64{__atomic_load_n(&v_.lo, __ATOMIC_ACQUIRE),
                    __atomic_load_n(&v_.hi, __ATOMIC_ACQUIRE)};
#endif
    std::lock_guard<SpinLock> g(mu_);
    return v_;
  }

  Pair64 load() noexcept {
    Pair64 v = load_guess();
    while (!compare_exchange(v, v)) {
    }
    return v;
  }

  bool compare_exchange(Pair64& expected, Pair64 desired) noexcept {
#ifdef CCB_ATOMIC_PAIR_CX16
    if (lock_free_) {
      bool ok;
      __asm__ __volatile__("lock cmpxchg16b %1"
                           : "=@ccz"(ok), "+m"(v_), "+a"(expected.lo), "+d"(expected.hi)
                           : "b"(desired.lo), "c"(desired.hi)
                           : "memory");
      return ok;
    }
#endif
    std::lock_guard<SpinLock> g(mu_);
    if (v_ == expected) {
      v_ = desired;
      return true;
    }
    expected = v_;
    return false;
  }

 private:
  static bool cpu_has_cx16() noexcept {
#ifdef CCB_ATOMIC_PAIR_CX16
    static const bool has = [] {
      unsigned a = 0, b = 0, c = 0, d = 0;
      return __get_cpuid(1, &a, &b, &c, &d) != 0 && (c & bit_CMPXCHG16B) != 0;
    }();
    return has;
#else
    return false;
#endif
  }

  Pair64 v_;               // the pair; on the locked path guarded by mu_
  mutable SpinLock mu_;    // used only when !lock_free_
  const bool lock_free_;
};

}  // namespace ccb::detail
