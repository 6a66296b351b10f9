// ccb/rw_mutex.hpp — ccb::RWMutex, Go's sync.RWMutex for tasks, with per-thread reader counts.
//
// Guarantees (tests/runtime/rw_mutex_test.cpp): any number of readers or one writer. Go's
// semantics: writer-preferring — once a writer waits in lock(), new readers block until it has
// had its turn, so writers do not starve; the readers that blocked behind a writer all get in
// when it unlocks, before the next writer, so readers do not starve either. A read lock may be
// released by another task or on another worker than the one that took it. Unlock of an unlocked
// mutex throws UnlockOfUnlockedMutex ("sync: Unlock of unlocked RWMutex"); RUnlock of an unread
// one throws UnlockOfUnlockedMutex ("sync: RUnlock of unlocked RWMutex") when the RUnlock can
// prove it (exactly, never on a correct program), else the next lock() or try_lock() that counts
// the readers throws it, after taking the surplus RUnlocks back so that the mutex is usable again.
// Until that count, unlike Go (which fails at the RUnlock itself), the surplus cancels out read
// locks taken meanwhile, and a writer that counts them as none gets in beside them.
// While a writer holds or waits for the lock, an RUnlock with no read lock held anywhere (Go's
// fatal case, e.g. RUnlock while write-locked) is always proven: it throws at once and leaves the
// mutex as it was. (An RUnlock of a read lock another task holds cannot be told apart, as in Go.)
// A try_lock() that fails never makes a concurrent try_lock_shared() fail, nor a lock_shared()
// wait (or throw NotInTask on a plain thread): readers wait out its count instead (kTrying).
//
// Why not Go's single reader count: a read lock there is two atomic read-modify-writes on one
// shared word (lock xadd in and out), ~12 ns on this machine even without contention. Here a
// reader counts itself in its thread's slot: lock_shared() is one atomic add to the slot's `in`
// (only this thread writes the slot), unlock_shared() a plain store to its `out` (see
// rw_mutex.cpp for the ordering argument, which pairs that store with membarrier(2) in the
// writer's slow path; without membarrier the store is an exchange), then a second one that ends
// its tail (Destruction). A writer sets kWriter (by taking the writers' mutex) and waits until
// shared_ plus the sum of every slot's count (see Slot) is zero.
// Concurrency: slots_[i] (both counts) is written only by the thread that owns slot id i (ids are
// process-wide, detail::rw_slot_id()); threads without an id (more than kRWSlots threads) count in
// shared_, which also holds the read locks a writer's unlock hands to the readers that queued
// behind it. The state word is the writers' mutex's own (w_.state_, see ccb/mutex.hpp): kWriter
// is its locked bit, so taking w_ is what holds new readers off, and the readers queued behind a
// writer count from bit Mutex::kForeignShift + 1 up (they queue only while kWriter is set, and
// the writer takes them out before it clears kWriter); bit kForeignShift is kTrying (below).
// Uncontended, a write lock is one `lock bts` and its release one CAS, as a plain Mutex's.
// waiting_ is true while the writer is parked (or about to park) on writer_sem_.
// Abandoned tasks (unwound at the end of a run, which may reuse the mutex in a later one): a
// writer unwound while it waits for readers releases the write lock (release_writer); a reader
// unwound while queued behind a writer withdraws its kQueued count, or releases the read lock the
// writer's unlock had already handed it. A writer unwound while queued on w_ is w_'s (Mutex)
// business: it releases w_ if it had been handed it. This bookkeeping assumes, as the unwinding
// does, that every task of the run is parked meanwhile; a plain thread using the same RWMutex
// during the end-of-run unwinding is not supported. A reader that parks here inside a destructor
// during the unwinding (left Dead, never resumed) withdraws its kQueued the same way; a writer
// that does keeps the write lock for good, as a task blocked forever holding it would.
// Destruction: as for std::shared_mutex, an RWMutex may be destroyed by whoever saw it free last
// (e.g. a writer that got in after the last reader's unlock_shared(), then unlocked), even while
// that unlock_shared() has not returned yet. A release is visible before the call's last access
// to the object (the reader must still check for a writer to wake), so every such tail is marked
// and ~RWMutex() waits for the marks to clear (a few instructions; the tails never block): a
// slot's `out` is odd while its thread is inside unlock_shared() past its release; leavers_
// counts runlock_remote()'s tails; kWriter set with wgen_ even marks a release_writer() letting
// queued readers in (no extra cost). A writer's wake-up after kWriter clears needs no mark: it is
// claimed in the same CAS (Mutex::wake_claimed()), and the writer it wakes is still to come.
// A CI run found this: a reader's tail read the state of a mutex freed under it and threw.
#pragma once

#include <atomic>
#include <cstdint>

#include "ccb/detail/sema.hpp"
#include "ccb/mutex.hpp"

namespace ccb {

namespace detail {
// kRWSlots: reader slots per RWMutex, one per worker up to procs 8 (the full preset's largest).
// Session 27, counter mode=rwmutex tasks=5,8 procs 1-8, 5 repetitions, 3 alternated rounds,
// median ns per op for 8 / 4 / 16 slots: procs 1 8.55,8.33 / 8.39,8.31 / 8.73,8.68; procs 2
// 9.71,10.2 / 9.92,9.88 / 10.2,10.2; procs 4 10.1,10.6 / 10.0,10.0 / 10.4,10.3; procs 8
// 10.9,10.5 / 11.6,12.2 / 10.2,10.1. 4 loses at procs 8 (slotless readers share one count),
// 16 is 2-5% slower at procs 1-2 (a writer reads twice the slot lines); 8 is within 7% of the
// best everywhere.
inline constexpr int kRWSlots = 8;
// tl_rw_slot: this thread's slot id in [0, kRWSlots), -1 when all are taken, -2 before the
// first read lock (constant-initialised: reading it is one TLS load). A task may resume on another
// thread after any call that parks or yields, so the variable must be read relative to the
// current thread pointer each time: initial-exec guarantees that even in -fPIC code, where the
// general-dynamic model's address may be kept across such calls (GCC bug 26461).
inline thread_local int tl_rw_slot __attribute__((tls_model("initial-exec"))) = -2;
int claim_rw_slot() noexcept;  // assigns tl_rw_slot (rw_mutex.cpp); the id is freed at thread exit
inline int rw_slot_id() noexcept {
  const int id = tl_rw_slot;
  return id != -2 ? id : claim_rw_slot();
}
// g_rw_plain_unlock: membarrier(2) is registered, so unlock_shared() may use a plain store.
extern bool g_rw_plain_unlock;
// Tests only, while no RWMutex is in use: off forces the exchange in unlock_shared(); on uses the
// plain store when membarrier(2) can be registered. refuse_barrier makes the writer's membarrier
// call fail (the writer then polls instead of parking).
void set_rw_plain_unlock_for_tests(bool on, bool refuse_barrier = false) noexcept;
// Tests only: called in unlock_shared()'s tails right after the release, while the tail's mark is
// set (see RWMutex's "Destruction"), in slot_left() and runlock_remote(); nullptr: none.
extern void (*g_rw_tail_hook_for_tests)();
}  // namespace detail

class RWMutex {
 public:
  RWMutex() = default;
  ~RWMutex();  // waits for unlock_shared() tails still running (see "Destruction" above)
  RWMutex(const RWMutex&) = delete;
  RWMutex& operator=(const RWMutex&) = delete;

  void lock_shared() {
    if (!try_enter()) lock_shared_slow();
  }
  void unlock_shared() {
    const int id = detail::rw_slot_id();
    if (id >= 0) {
      Slot& sl = slots_[id];
      const int64_t out = sl.out.load(std::memory_order_relaxed);  // even: see Slot
      // This thread's slot counts a read lock: release one there.
      if (sl.in.load(std::memory_order_relaxed) - out / 2 > 0) {
        if (detail::g_rw_plain_unlock) sl.out.store(out + 1, std::memory_order_release);
        else sl.out.exchange(out + 1, std::memory_order_seq_cst);
        // The compiler must keep the store before the load (rw_mutex.cpp: the CPU may not).
        std::atomic_signal_fence(std::memory_order_seq_cst);
        if (state().load(std::memory_order_seq_cst) & kWriter) [[unlikely]] slot_left(sl.out, out);
        sl.out.store(out + 2, std::memory_order_release);  // the last access (see Destruction)
        return;
      }
    }
    runlock_remote();
  }
  bool try_lock_shared() { return try_enter(); }
  void lock();
  bool try_lock();
  void unlock();
  // Go spellings.
  void rlock() { lock_shared(); }
  void runlock() { unlock_shared(); }

 private:
  // The state word: w_'s. kWriter (its locked bit): a writer holds w_, pending or active.
  static constexpr uint32_t kWriter = Mutex::kLocked;
  // kTrying: set with kWriter (one CAS) while a try_lock() or runlock_remote()'s proof holds w_
  // only to count the readers. That is not a writer yet and may fail: a reader that meets it
  // keeps its count in and waits (bounded: the holder counts and decides without blocking), then
  // sees whether a writer came of it. Cleared when the try succeeds (a writer from then on),
  // with kWriter in one CAS when it fails, or as it hands w_ to a starving writer. Go's TryLock
  // likewise never makes a concurrent TryRLock fail unless it succeeds.
  static constexpr uint32_t kTrying = 1u << Mutex::kForeignShift;
  static constexpr uint32_t kQueued = 1u << (Mutex::kForeignShift + 1);  // one reader queued behind it
  std::atomic<uint32_t>& state() noexcept { return w_.state_; }
  const std::atomic<uint32_t>& state() const noexcept { return w_.state_; }

  // try_enter() counts this thread in and keeps the count when no writer is pending.
  bool try_enter() {
    const int id = detail::rw_slot_id();
    auto& n = id >= 0 ? slots_[id].in : shared_;
    n.fetch_add(1, std::memory_order_seq_cst);
    const uint32_t s = state().load(std::memory_order_seq_cst);
    if (!(s & kWriter)) [[likely]] return true;
    return enter_contended(n, s);
  }
  bool enter_contended(std::atomic<int64_t>& n, uint32_t s);  // try_enter() met kWriter
  uint32_t wait_trying() const noexcept;  // waits out a try_writer(); returns the state after it
  bool try_writer() noexcept;             // w_.try_lock() with kTrying (see kTrying)
  void back_out(std::atomic<int64_t>& n);
  void lock_shared_slow();
  void runlock_remote();
  void reader_left();
  // slot_left(): reader_left(), checking misuse; `out` is the slot's even value before the release.
  void slot_left(std::atomic<int64_t>& slot_out, int64_t out);
  bool writer_proves_below(int64_t limit) const noexcept;
  [[noreturn]] void readers_below_zero(int64_t r);  // a writer's count < 0: repair, release, throw
  int64_t readers() const noexcept;
  bool tails_running() const noexcept;
  struct LeaveMark;  // runlock_remote()'s tail, counted in leavers_ (see Destruction)
  void wait_for_readers();
  void writer_park();  // waits on writer_sem_; unwound: writer_abandoned()
  // Unwinding at the end of a run (park() or yield() threw in an abandoned task): what the task
  // held or had queued is given back, so the mutex is left as if it had never come.
  void reader_abandoned(bool handed);  // a reader queued behind a writer
  static void reader_dead(void* self) noexcept;  // such a reader left Dead (Sema::acquire)
  void writer_abandoned(int unwound);  // a writer in wait_for_readers(), holding w_
  void release_writer();  // hands read locks to queued readers, then unlocks w_ (clears kWriter)

  Mutex w_{Mutex::WakeOne{}};  // writers wake one at a time (see Mutex::WakeOne); own line
  alignas(64) std::atomic<bool> waiting_{false};
  // Odd while a writer that went through lock() or a successful try_lock() holds w_ (made odd after
  // it set kWriter, even again before kWriter is cleared; written by the holder of w_ only). The
  // same odd value before and after a reader count proves kWriter was set throughout, so the
  // count was exact: how unlock_shared() proves "no read lock held" while a writer holds the lock
  // (Go: fatal "sync: RUnlock of unlocked RWMutex") without costing the reader fast path anything.
  std::atomic<uint64_t> wgen_{0};
  std::atomic<int64_t> shared_{0};
  std::atomic<uint32_t> leavers_{0};  // runlock_remote() tails (see Destruction)
  detail::Sema writer_sem_;
  detail::Sema reader_sem_;
  // A slot counts its thread's read locks as in - (out + 1) / 2: lock_shared() adds to `in` (an
  // atomic RMW, the barrier the ordering argument needs), unlock_shared() stores out + 1, then
  // out + 2 (Destruction). One word for
  // both made every read lock's locked add wait for the previous unlock's plain store to the same
  // address: a single-thread loop of lock_shared/unlock_shared took 5.0-5.1 ns per pair on this
  // machine that way and 2.7-3.3 ns with `out` beside `in` (scratch loop, 3 rounds).
  // Slots share lines (four per line). With one-word slots, a line per slot measured the same
  // (counter mode=rwmutex tasks=8 procs 1-8, two alternations: 8.7-13.8 ns/op either way) and
  // later 1.00-1.06x slower (docs/performance-notes.md); not re-measured with in/out slots.
  // `out` moves by two per release: odd from the release until the last access of that
  // unlock_shared() (Destruction), even again after it; (out + 1) / 2 releases are counted.
  struct Slot {
    std::atomic<int64_t> in{0};   // read locks taken on this slot (and hand-offs moved to it)
    std::atomic<int64_t> out{0};  // twice the read locks released on this slot, +1 in a tail
  };
  alignas(64) Slot slots_[detail::kRWSlots];
};

}  // namespace ccb
