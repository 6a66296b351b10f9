// runtime/src/sync/rw_mutex.cpp — ccb::RWMutex slow paths, slot ids and the membarrier set-up
// (see ccb/rw_mutex.hpp).
//
// Ordering argument. The reader count is R = shared_ + sum(slot.in - released(slot)), where
// released(slot) = (slot.out + 1) / 2 (see the last point below). A writer sets
// kWriter by taking w_ (a seq_cst RMW on the state word; in starvation mode w_ passes from writer
// to writer with the bit left set) and then reads shared_ first and the slots after it (seq_cst
// loads), each slot's `out` before its `in`: every release counted in `out` comes after (same
// thread) the increment of `in` that made it allowed, so a slot never reads below its true count.
//  - Entering: a reader adds 1 to its counter (seq_cst RMW) and then loads the state word. By the
//    single total order of seq_cst operations, either the reader sees kWriter and backs out, or the
//    writer's reads see its 1. So every reader that stays in is counted by every later scan.
//  - A reader that took its lock on slot A and releases it on slot B (it moved to another worker)
//    made A's increment happen-before B's release (out's odd store); a scan that sees the release
//    (reading B before A) then also sees the increment, and a scan that reads A first sees it
//    (entered before kWriter). So while kWriter is set each reader adds 0 or 1 to a scan, never
//    -1, and R == 0 proves that no reader is in; R < 0 proves an RUnlock without an RLock.
//  - A queued reader's hand-off (release_writer: shared_ += q, before kWriter is cleared or w_
//    handed on, so the next writer's scan sees it) is moved to its slot by adding to the slot
//    before subtracting from shared_, so a scan reading shared_ first never misses it.
//  - Leaving with a plain store (g_rw_plain_unlock): the store and the following load of the state
//    word can pass each other in the CPU, so a reader may miss kWriter while the writer still reads
//    its old count. Harmless while the writer spins (it re-reads); before the writer parks it
//    sets waiting_ and calls membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED), which puts a full
//    barrier into every thread of the process: a reader whose load of the state came before that
//    barrier had its store visible to the writer's next scan, one whose load came after sees
//    kWriter and, in reader_left(), takes waiting_ with an RMW and posts writer_sem_. After the
//    first barrier every leaving reader sees kWriter, and the RMW on waiting_ orders its store
//    before the writer's next exchange of waiting_, so later rounds need no barrier.
//    Without membarrier the reader's store is an exchange (a full barrier) instead.
//  - A slot's `out` counts (out + 1) / 2 releases: the release is its odd store, and the even one
//    that ends the tail (the header's "Destruction") leaves the count as it was.
#include "ccb/rw_mutex.hpp"

#include <linux/membarrier.h>
#include <sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ccb/errors.hpp"
#include "ccb/run.hpp"

namespace ccb {

namespace detail {
namespace {

bool register_membarrier() noexcept {
  const long cmds = syscall(__NR_membarrier, MEMBARRIER_CMD_QUERY, 0, 0);
  if (cmds < 0 || !(cmds & MEMBARRIER_CMD_PRIVATE_EXPEDITED)) return false;
  return syscall(__NR_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0, 0) == 0;
}

bool g_refuse_membarrier = false;  // tests: membarrier_all() fails as if the kernel refused it

bool membarrier_all() noexcept {
  return !g_refuse_membarrier && syscall(__NR_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0, 0) == 0;
}

// g_slots_used: bit i set while a live thread owns slot id i.
std::atomic<uint32_t> g_slots_used{0};
static_assert(kRWSlots <= 32);

// SlotRelease frees this thread's slot id at thread exit. The counts stay in every RWMutex's slot
// and the next owner goes on from them (the bit's release/acquire orders the two threads). A read
// lock taken later in this thread's exit (another thread_local's destructor) counts in shared_.
struct SlotRelease {
  int id = -1;
  ~SlotRelease() {
    if (id < 0) return;
    tl_rw_slot = -1;
    g_slots_used.fetch_and(~(1u << id), std::memory_order_release);
  }
};
thread_local SlotRelease tl_slot_release;

}  // namespace

bool g_rw_plain_unlock = register_membarrier();
void (*g_rw_tail_hook_for_tests)() = nullptr;

int claim_rw_slot() noexcept {
  uint32_t used = g_slots_used.load(std::memory_order_relaxed);
  int id = -1;
  for (;;) {
    const uint32_t free = ~used & ((1u << kRWSlots) - 1);
    if (free == 0) break;
    const int i = __builtin_ctz(free);
    if (g_slots_used.compare_exchange_weak(used, used | (1u << i), std::memory_order_acquire)) {
      id = i;
      tl_slot_release.id = i;
      break;
    }
  }
  tl_rw_slot = id;
  return id;
}

void set_rw_plain_unlock_for_tests(bool on, bool refuse_barrier) noexcept {
  g_rw_plain_unlock = on && register_membarrier();
  g_refuse_membarrier = refuse_barrier;
}

}  // namespace detail

namespace {
// Before it parks (a membarrier(2), ~1-12 us here), a writer that finds readers in yields
// kWriterYields times, re-reading the counts each time: readers that a writer's unlock let in
// hold the lock until they have run, often on the waiting writer's own worker. Measured with
// counter mode=rwmutex tasks=8 (docs/performance-notes.md): spinning only, 5500 parks per 3
// repetitions and 14.3 / 12.4 ns/op at procs 2 / 4; with 4 yields 48 parks, 10.9 / 11.0.
// Spinning before the yields (20 rounds of 4 pauses) measured the same on counter (10.8-11.7 ns,
// procs 2-8, 3 alternations) and lower on `ccbench stress sync` (ops/s at procs 2 / 8, 3 runs:
// 330-352K / 336-369K with the spin, 373-390K / 394-419K without), so there is none.
constexpr int kWriterYields = 4;
}  // namespace

// LeaveMark counts its scope in leavers_: a tail that must not outlive the mutex (Destruction).
struct RWMutex::LeaveMark {
  std::atomic<uint32_t>& n;
  explicit LeaveMark(std::atomic<uint32_t>& leavers) noexcept : n(leavers) { n.fetch_add(1, std::memory_order_seq_cst); }
  ~LeaveMark() { n.fetch_sub(1, std::memory_order_release); }  // the tail's last access
  LeaveMark(const LeaveMark&) = delete;
  LeaveMark& operator=(const LeaveMark&) = delete;
};

RWMutex::~RWMutex() {
  // Whoever destroys the mutex saw the last release (a tail's mark is set before it), so a tail
  // still running is seen here; it never blocks: wait it out. Yielding to tasks as well covers
  // a misuse, destroying the mutex while a writer's lock() is in progress (tails_running()).
  for (int i = 0; tails_running(); ++i) {
    if (i < 64) {
      CCB_CPU_RELAX();
    } else if (detail::current_task() != nullptr) {
      try {
        ccb::yield();
      } catch (...) {  // abandoned at the end of the run: nothing left to wait for
        return;
      }
    } else {
      sched_yield();
    }
  }
}

bool RWMutex::tails_running() const noexcept {
  // kWriter with wgen_ even: a release_writer() is letting readers in (or a try_lock() counts, or
  // a lock() has taken w_ and not yet marked wgen_, or a starvation hand-off gave w_ to a writer
  // that has not run yet): brief, unlike a writer holding the lock. Destroying the mutex in the
  // last three cases is a misuse (a writer is in lock()); the wait then lasts until that writer
  // runs, endless if it never does.
  if ((state().load(std::memory_order_seq_cst) & kWriter) && !(wgen_.load(std::memory_order_seq_cst) & 1))
    return true;
  if (leavers_.load(std::memory_order_seq_cst) != 0) return true;
  for (const Slot& s : slots_)
    if (s.out.load(std::memory_order_acquire) & 1) return true;
  return false;
}

int64_t RWMutex::readers() const noexcept {
  int64_t r = shared_.load(std::memory_order_seq_cst);  // first: see the ordering argument
  for (const Slot& s : slots_) {
    const int64_t out = s.out.load(std::memory_order_seq_cst);  // before `in`: see the argument
    r += s.in.load(std::memory_order_seq_cst) - (out + 1) / 2;  // see Slot
  }
  return r;
}

void RWMutex::reader_left() {
  // An RMW even when it finds false: it orders this reader's count before the writer's next
  // exchange of waiting_ (see the ordering argument).
  if (waiting_.exchange(false, std::memory_order_seq_cst)) writer_sem_.release();
}

bool RWMutex::writer_proves_below(int64_t limit) const noexcept {
  // See wgen_: an odd value unchanged across the count means kWriter stayed set, so the count is
  // exact (ordering argument); without such a writer this proves nothing (returns false).
  const uint64_t g = wgen_.load(std::memory_order_seq_cst);
  if (!(g & 1)) return false;
  const int64_t r = readers();
  return r < limit && wgen_.load(std::memory_order_seq_cst) == g;
}

void RWMutex::slot_left(std::atomic<int64_t>& slot_out, int64_t out) {
  // This thread's slot counted a read lock, but the slots of a reader that moved between threads
  // stay apart (one +1, one -1), so that alone proves nothing: with a writer in, the exact count
  // does. Below 0 after this release: no read lock was held. Undo (only this thread writes `out`)
  // and report it. A pending writer may see the count at -1 meanwhile and report it too.
  if (detail::g_rw_tail_hook_for_tests != nullptr) [[unlikely]] detail::g_rw_tail_hook_for_tests();
  if (writer_proves_below(0)) {
    slot_out.store(out - 1, std::memory_order_seq_cst);  // undone, still odd: out / 2 releases
    reader_left();
    slot_out.store(out, std::memory_order_release);  // the tail's last access
    throw UnlockOfUnlockedMutex("sync: RUnlock of unlocked RWMutex");
  }
  reader_left();
}

bool RWMutex::try_writer() noexcept {
  // Mutex::try_lock() (fails while locked or starving, as Go's TryLock), setting kTrying with
  // kWriter in the same CAS.
  uint32_t s = state().load(std::memory_order_relaxed);
  while (!(s & (kWriter | Mutex::kStarving)))
    if (state().compare_exchange_weak(s, s | kWriter | kTrying, std::memory_order_seq_cst)) return true;
  return false;
}

uint32_t RWMutex::wait_trying() const noexcept {
  // The holder of kTrying counts the readers and clears it without blocking, so this ends; it
  // yields the CPU after a while in case the holder's thread was preempted on this core.
  uint32_t s = state().load(std::memory_order_seq_cst);
  for (int i = 0; s & kTrying; ++i) {
    if (i < 64) CCB_CPU_RELAX();
    else sched_yield();
    s = state().load(std::memory_order_seq_cst);
  }
  return s;
}

bool RWMutex::enter_contended(std::atomic<int64_t>& n, uint32_t s) {
  // A try_lock() in progress is not a writer: wait for its outcome with this reader's count kept
  // in. Either its count saw this reader (it fails and clears kWriter: this reader is in, and any
  // later writer's count sees it, as on the fast path) or it did not (it succeeds: back out).
  if (s & kTrying) {
    s = wait_trying();
    if (!(s & kWriter)) return true;
  }
  back_out(n);
  return false;
}

void RWMutex::back_out(std::atomic<int64_t>& n) {
  n.fetch_sub(1, std::memory_order_seq_cst);
  reader_left();
}

void RWMutex::lock_shared_slow() {
  for (;;) {
    uint32_t s = state().load(std::memory_order_seq_cst);
    while (s & kWriter) {
      if (s & kTrying) {  // not a writer (yet): see enter_contended()
        s = wait_trying();
        continue;
      }
      if (detail::current_task() == nullptr) throw NotInTask(detail::wait_reason_name(detail::WaitReason::RWMutexRead));
      if (state().compare_exchange_weak(s, s + kQueued, std::memory_order_seq_cst)) {
        int unwound = detail::Sema::kOwnerGone;
        try {
          reader_sem_.acquire(detail::WaitReason::RWMutexRead, &unwound, &reader_dead, this);
        } catch (...) {
          if (unwound != detail::Sema::kOwnerGone) reader_abandoned(unwound == detail::Sema::kHanded);
          throw;
        }
        // The writer's unlock counted this read lock in shared_: move it to this thread's slot.
        const int id = detail::rw_slot_id();
        if (id >= 0) {
          slots_[id].in.fetch_add(1, std::memory_order_seq_cst);
          shared_.fetch_sub(1, std::memory_order_seq_cst);
        }
        return;
      }
    }
    if (try_enter()) return;
  }
}

void RWMutex::reader_abandoned(bool handed) {
  if (handed) {
    // The writer's unlock counted this read lock in shared_ and handed it over: release it.
    shared_.fetch_sub(1, std::memory_order_seq_cst);
    if (state().load(std::memory_order_seq_cst) & kWriter) reader_left();
    return;
  }
  // Withdrawn from reader_sem_'s queue: take back one kQueued. Queued readers are interchangeable
  // (a writer's unlock counts q of them in shared_ and posts q tokens, which go to whoever is
  // queued), and with every task of the run parked (see the header) the count of kQueued equals
  // that of readers queued without a token, so one is there to take.
  uint32_t s = state().load(std::memory_order_seq_cst);
  while (s >= kQueued)
    if (state().compare_exchange_weak(s, s - kQueued, std::memory_order_seq_cst)) return;
}

void RWMutex::reader_dead(void* self) noexcept {
  // Parked here inside a destructor at the end of a run (Dead, never resumed): its waiter has
  // left reader_sem_'s queue; its kQueued goes too, as for a withdrawn reader, or a writer's
  // unlock would count a read lock for it and post a token that lets the next reader queued
  // behind a writer straight in.
  static_cast<RWMutex*>(self)->reader_abandoned(false);
}

void RWMutex::writer_abandoned(int unwound) {
  // A leaving reader that took waiting_ posts writer_sem_ once. Unless that token was handed to
  // this writer (kHanded), withdraw waiting_; if a reader had already taken it, its token went
  // to the semaphore's count: take it, or the next writer to park would not wait.
  if (unwound == detail::Sema::kWithdrawn && !waiting_.exchange(false, std::memory_order_seq_cst))
    writer_sem_.try_acquire();
  release_writer();  // clears kWriter (and wgen_'s odd mark), lets queued readers in
}

void RWMutex::runlock_remote() {
  // This thread's slot holds no read lock: the lock was taken on another thread (the task moved)
  // or not at all. With a writer in, the exact count proves which before anything changes: a held
  // read lock counts 1 in it, so 0 means none (RUnlock while write-locked: p4/p5 in the commit).
  if (writer_proves_below(1)) throw UnlockOfUnlockedMutex("sync: RUnlock of unlocked RWMutex");
  const LeaveMark tail(leavers_);  // before the release: see Destruction
  // shared_ may go negative; the sum over all counters may not.
  const int64_t r = shared_.fetch_sub(1, std::memory_order_seq_cst) - 1;
  if (detail::g_rw_tail_hook_for_tests != nullptr) [[unlikely]] detail::g_rw_tail_hook_for_tests();
  if (state().load(std::memory_order_seq_cst) & kWriter) reader_left();
  if (r >= 0 || readers() >= 0) return;
  // The sum looked negative, but a scan without kWriter can see a moving reader's decrement and
  // miss its increment. Prove it: with kWriter set the scan is exact. If a writer holds w_, its
  // lock() scans instead.
  if (!try_writer()) return;  // sets kWriter (with kTrying: readers wait for it, not fail)
  const bool misuse = readers() < 0;
  if (misuse) shared_.fetch_add(1, std::memory_order_seq_cst);  // undo: leave the mutex as it was
  release_writer();
  if (misuse) throw UnlockOfUnlockedMutex("sync: RUnlock of unlocked RWMutex");
}

void RWMutex::release_writer() {
  const uint64_t g = wgen_.load(std::memory_order_relaxed);  // only the holder of w_ writes it
  if (g & 1) wgen_.store(g + 1, std::memory_order_seq_cst);  // even before kWriter is cleared
  // Nobody queued (no reader behind this writer, no writer on w_): one CAS, as Mutex::unlock().
  uint32_t s = kWriter;
  if (state().compare_exchange_strong(s, 0, std::memory_order_seq_cst)) [[likely]] return;
  // Readers let in below may finish and destroy the mutex before this returns: while kWriter is
  // set, wgen_ even says so to ~RWMutex(); after it clears, only waking a writer is left.
  for (;;) {
    if (s >= kQueued) {
      // Readers queued behind this writer: count their read locks in shared_ while kWriter still
      // holds the next writer off (its scan must see them), then let them in. More may queue
      // meanwhile; the loop takes them too, so none is left behind when kWriter clears.
      const uint32_t q = state().fetch_and(kQueued - 1, std::memory_order_seq_cst) / kQueued;
      shared_.fetch_add(static_cast<int64_t>(q), std::memory_order_seq_cst);
      // One release of q tokens, not q releases: from a plain thread each would ready one reader,
      // and a reader that is main could end the run before the rest were readied (ccb/run.hpp).
      reader_sem_.release(q);
      s = state().load(std::memory_order_seq_cst);
      continue;
    }
    if (s & Mutex::kStarving) {
      // Hand w_ to the writer at its queue's head: kWriter stays set, so a reader that queues from
      // here on waits for that writer, who counts the readers let in above before it goes on. A
      // failed try (kTrying) hands it on the same way; from here on kWriter means that writer.
      if (s & kTrying) s = state().fetch_and(~kTrying, std::memory_order_seq_cst) & ~kTrying;
      if (w_.hand_off()) return;
      s = state().load(std::memory_order_seq_cst);  // nobody queued after all: release below
      continue;
    }
    // A writer queued on w_ and none woken yet: claim the wake-up (kWoken, Go's mutexWoken) in the
    // release itself, as Mutex::unlock() does. Until that writer runs, which
    // takes this wake-up, nobody can rightly destroy the mutex, so the wake-up is no tail to mark.
    const bool wake = (s & Mutex::kWaiters) && !(s & Mutex::kWoken);
    if (state().compare_exchange_weak(s, (s & ~(kWriter | kTrying)) | (wake ? Mutex::kWoken : 0u),
                                      std::memory_order_seq_cst)) {
      if (wake) w_.wake_claimed();
      return;
    }
  }
}

void RWMutex::writer_park() {
  int unwound = detail::Sema::kOwnerGone;
  try {
    writer_sem_.acquire(detail::WaitReason::RWMutexWrite, &unwound);
  } catch (...) {
    if (unwound != detail::Sema::kOwnerGone) writer_abandoned(unwound);
    throw;
  }
}

void RWMutex::wait_for_readers() {
  int64_t r = readers();
  if (r > 0 && detail::current_task() == nullptr) {
    release_writer();
    throw NotInTask(detail::wait_reason_name(detail::WaitReason::RWMutexWrite));
  }
  try {
    for (int i = 0; i < kWriterYields && r > 0; ++i) {
      ccb::yield();
      r = readers();
    }
  } catch (...) {  // abandoned at a yield: waiting_ is false, no token pending (as if handed)
    writer_abandoned(detail::Sema::kHanded);
    throw;
  }
  bool barrier = !detail::g_rw_plain_unlock;  // true: no barrier needed (or already done)
  for (;;) {
    if (r == 0) return;
    if (r < 0) readers_below_zero(r);
    if (!barrier && !detail::membarrier_all()) {
      // Registered at start-up but refused now: without the barrier a parked writer could miss
      // a leaving reader's wake-up, so it polls instead (yielding between reads) and never parks.
      try {
        do {
          ccb::yield();
          r = readers();
        } while (r > 0);
      } catch (...) {
        writer_abandoned(detail::Sema::kHanded);
        throw;
      }
      continue;
    }
    barrier = true;
    waiting_.exchange(true, std::memory_order_seq_cst);
    r = readers();
    if (r <= 0) {
      // Withdraw; a reader that already took waiting_ has posted (or will post) the semaphore.
      if (!waiting_.exchange(false, std::memory_order_seq_cst)) writer_park();
      continue;
    }
    writer_park();  // a leaving reader took waiting_
    r = readers();
  }
}

void RWMutex::lock() {
  try {
    w_.lock();  // sets kWriter
  } catch (const NotInTask&) {  // another writer holds it: name this call, not the inner Mutex's
    throw NotInTask(detail::wait_reason_name(detail::WaitReason::RWMutexWrite));
  }
  // odd after kWriter; release suffices: an acquire load that reads it odd sees kWriter set
  wgen_.store(wgen_.load(std::memory_order_relaxed) + 1, std::memory_order_release);
  wait_for_readers();
}

bool RWMutex::try_lock() {
  if (!try_writer()) return false;  // sets kWriter and kTrying
  const int64_t r = readers();
  if (r == 0) {
    wgen_.store(wgen_.load(std::memory_order_relaxed) + 1, std::memory_order_release);  // see lock()
    state().fetch_and(~kTrying, std::memory_order_seq_cst);  // a writer now: waiting readers back out
    return true;
  }
  if (r < 0) readers_below_zero(r);
  release_writer();  // clears kWriter and kTrying: the readers waiting for the outcome are in
  return false;
}

void RWMutex::readers_below_zero(int64_t r) {
  // The caller holds kWriter, so the count is exact (ordering argument): -r RUnlocks had no
  // RLock. Go fails at the RUnlock that made the count negative; here the first writer to count
  // finds it. Take them back, so that the mutex is usable again rather than refusing every
  // writer from now on, then release and report.
  shared_.fetch_add(-r, std::memory_order_seq_cst);
  release_writer();
  throw UnlockOfUnlockedMutex("sync: RUnlock of unlocked RWMutex");
}

void RWMutex::unlock() {
  const uint32_t s = state().load(std::memory_order_seq_cst);
  if (!(s & kWriter) || (s & kTrying))  // kTrying: another thread's try, no writer holds it
    throw UnlockOfUnlockedMutex("sync: Unlock of unlocked RWMutex");
  release_writer();
}

}  // namespace ccb
