// runtime/src/sync/rw_mutex.cpp — ccb::RWMutex slow paths (Go 1.19 sync/rwmutex.go's algorithm).
#include "ccb/rw_mutex.hpp"

#include "ccb/errors.hpp"

namespace ccb {

void RWMutex::runlock_slow(int32_t r) {
  if (r + 1 == 0 || r + 1 == -kMaxReaders) {
    reader_count_.fetch_add(1, std::memory_order_relaxed);  // undo: leave the mutex as it was
    throw UnlockOfUnlockedMutex("sync: RUnlock of unlocked RWMutex");
  }
  // A writer is pending: the last departing reader lets it in.
  if (reader_wait_.fetch_sub(1, std::memory_order_acq_rel) - 1 == 0) writer_sem_.release();
}

void RWMutex::lock() {
  w_.lock();
  // Announce the pending writer, then wait for the active readers to leave.
  int32_t r = reader_count_.fetch_sub(kMaxReaders, std::memory_order_acq_rel);
  if (r != 0 && reader_wait_.fetch_add(r, std::memory_order_acq_rel) + r != 0)
    writer_sem_.acquire(detail::WaitReason::RWMutexWrite);
}

bool RWMutex::try_lock() {
  if (!w_.try_lock()) return false;
  int32_t zero = 0;
  if (!reader_count_.compare_exchange_strong(zero, -kMaxReaders, std::memory_order_acquire)) {
    w_.unlock();
    return false;
  }
  return true;
}

void RWMutex::unlock() {
  int32_t r = reader_count_.fetch_add(kMaxReaders, std::memory_order_release) + kMaxReaders;
  if (r >= kMaxReaders) {
    reader_count_.fetch_sub(kMaxReaders, std::memory_order_relaxed);  // undo
    throw UnlockOfUnlockedMutex("sync: Unlock of unlocked RWMutex");
  }
  for (int32_t i = 0; i < r; ++i) reader_sem_.release();  // readers that queued behind us
  w_.unlock();
}

}  // namespace ccb
