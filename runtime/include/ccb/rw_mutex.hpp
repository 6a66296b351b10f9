// ccb/rw_mutex.hpp — ccb::RWMutex, Go's sync.RWMutex (sync/rwmutex.go) for tasks.
//
// Guarantees: any number of readers or one writer; writer-preferring: once a writer waits in
// lock(), new readers block until it has had its turn, so writers do not starve. RUnlock of an
// unread mutex and Unlock of an unlocked one throw UnlockOfUnlockedMutex with Go's texts.
// Concurrency (Go's algorithm): reader_count_ counts readers, minus kMaxReaders while a writer is
// pending; reader_wait_ counts readers the pending writer still waits for; w_ serialises writers.
#pragma once

#include <atomic>
#include <cstdint>

#include "ccb/detail/sema.hpp"
#include "ccb/mutex.hpp"

namespace ccb {

class RWMutex {
 public:
  RWMutex() = default;
  RWMutex(const RWMutex&) = delete;
  RWMutex& operator=(const RWMutex&) = delete;

  void lock_shared() {
    if (reader_count_.fetch_add(1, std::memory_order_acquire) + 1 < 0)
      reader_sem_.acquire(detail::WaitReason::RWMutexRead);
  }
  void unlock_shared() {
    int32_t r = reader_count_.fetch_sub(1, std::memory_order_release) - 1;
    if (r < 0) runlock_slow(r);
  }
  bool try_lock_shared() noexcept {
    int32_t c = reader_count_.load(std::memory_order_relaxed);
    while (c >= 0)
      if (reader_count_.compare_exchange_weak(c, c + 1, std::memory_order_acquire)) return true;
    return false;
  }
  void lock();
  bool try_lock();
  void unlock();
  // Go spellings.
  void rlock() { lock_shared(); }
  void runlock() { unlock_shared(); }

 private:
  static constexpr int32_t kMaxReaders = 1 << 30;
  void runlock_slow(int32_t r);

  Mutex w_{Mutex::WakeOne{}};  // writers wake one at a time (see Mutex::WakeOne)
  detail::Sema writer_sem_;
  detail::Sema reader_sem_;
  std::atomic<int32_t> reader_count_{0};
  std::atomic<int32_t> reader_wait_{0};
};

}  // namespace ccb
