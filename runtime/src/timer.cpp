// runtime/src/timer.cpp — ccb::Timer, Ticker, after, after_func (Go: time/sleep.go, time/tick.go
// and the Go 1.23 runtime/time.go stop/reset semantics). See ccb/time.hpp for the guarantees.
//
// TimerShared is one heap node plus the state that decides what a fire delivers.
// Invariants (under TimerShared::mu):
//  - armed: the current arming has neither fired nor been stopped.
//  - stale: fires already popped off the heap (or still in it, when the runtime could not be
//    reached) that belong to an invalidated arming; each such fire delivers nothing and
//    decrements it. A fire is the result of a pop, and fires of one node serialize on mu, so the
//    one fire that delivers for the current arming always runs after its deadline.
//  - delivered: a fire has put a value into ch since disarm_locked() last drained it. Only a
//    fire (under mu) adds to ch, so with it false the buffer is empty and stop/reset skip the
//    channel's lock (timers mode=startstop: see the commit that added it).
//  - rt: the run the timer belongs to; changes (under mu) when a task of a later run re-arms a
//    timer whose run has ended (rebind_locked). An arming still pending when its run ends is
//    dropped with the run's heaps (drop_timer: no longer armed). Before, a timer used in a later
//    run re-armed or not depending on whether that run's Runtime happened to sit at the old
//    address, and one pending at the end of its run stayed "armed", so its next reset() counted
//    a fire that never came and swallowed the next real one (runtime audit, session 38, t12).
//    Rejected: carrying pending timers into the next run. A timer left pending by one run (a
//    1-hour Timer whose handle outlived it) then counted as pending in every later run, whose
//    deadlock was never reported (runtime_tests hung in TwoTaskDeadlockIsReported).
// Reference count: one per handle (Timer/Ticker) and one per heap insertion; a fire consumes its
// insertion's reference at the end (a ticker transfers it to the re-insertion), a successful
// remove_locked() or the end-of-run drop hook releases it. So run_due() calling fire(n) after
// dropping the heap lock can never touch a freed node, whoever destroys the handle meanwhile.
// Rejected: waiting in the handle's destructor for an in-flight fire — the destructor cannot tell
// "popped, about to fire" from "already fired" without changing run_due().
// Lock order: TimerShared::mu < ChanState::lock < TimerHeap::mu (each is taken inside the one before);
// from a thread outside the run, the runtime registry mutex (Runtime::lock_if_alive) between
// TimerShared::mu and TimerHeap::mu.
#include <atomic>
#include <string>

#include "ccb/run.hpp"
#include "ccb/time.hpp"
#include "scheduler.hpp"

namespace ccb::detail {

struct TimerShared : TimerNode {
  enum class Kind { Chan, Func, Callback };
  TimerShared(Runtime* r, Kind k) : kind(k), rt(r), rt_id(r->id()) {}

  void retain() noexcept { refs.fetch_add(1, std::memory_order_relaxed); }
  void release() noexcept {
    if (refs.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
  }

  // Immutable after construction:
  const Kind kind;
  Chan<Clock::time_point> ch;  // Kind::Chan only (capacity 1)
  std::function<void()> fn;    // Kind::Func / Kind::Callback
  std::atomic<uint32_t> refs{0};
  // Guarded by mu:
  SpinLock mu;
  Runtime* rt;     // the run the timer belongs to; may be gone (an ended run's)
  uint64_t rt_id;  // rt->id() when it was set: rt alone may name a later run at the same address
  int64_t period = 0;  // > 0 for a ticker
  bool armed = false;
  bool delivered = false;
  uint32_t stale = 0;
};

struct TimerAccess {
  static Timer make(TimerShared* s) {
    Timer t;
    t.s_ = s;
    return t;
  }
  static TimerShared* shared(const Timer& t) { return t.s_; }
  static Timer& timer(Ticker& k) { return k.t_; }
};

namespace {

void fire_timer(TimerNode* n) noexcept;

// drop_timer() is TimerHeap::clear()'s hook at the end of a run, when no fire is in flight: the
// entry is an invalidated arming's (stale) or the current one's, which will now never fire.
void drop_timer(TimerNode* n) noexcept {
  auto* s = static_cast<TimerShared*>(n);
  s->mu.lock();
  if (s->stale > 0) {
    --s->stale;
  } else {
    if (s->armed && s->kind == TimerShared::Kind::Callback)
      g_callback_drops.fetch_add(1, std::memory_order_release);
    s->armed = false;
  }
  s->mu.unlock();
  s->release();
}

// insert_locked() puts s in its runtime's heap for the caller (local_timers(): worker 0's for a
// thread outside the run) to fire at `when`. Requires s->mu, and s->rt alive. A heap its run's end
// has cleared (closed) takes nothing: s stays disarmed, as a timer pending at the end of its run
// is left. Only a plain thread can find it so: it checked shutting_down() before, but the run may
// have ended since (its Runtime waits for the thread's lock_if_alive() before it is destroyed,
// not before it clears its heaps); it armed a cleared heap, and the next reset() aborted on
// "timer armed while already pending" (session 48's review, endrace.cpp, under gdb).
void insert_locked(TimerShared* s, int64_t when) {
  TimerHeap& h = s->rt->local_timers();
  h.mu.lock();
  if (h.closed_locked()) {
    h.mu.unlock();
    return;
  }
  s->retain();
  s->armed = true;
  s->when = when;
  bool earliest = h.add_locked(s);
  h.mu.unlock();
  if (earliest) s->rt->timer_became_earliest(when);
}

// rebind_locked() makes s a timer of the current task's run when its own run has ended (only one
// run is in progress at a time, so a task of another run means that). Requires s->mu and s not
// pending (disarm_locked() first). Returns the current runtime (nullptr off the workers), which
// its callers compare with s->rt, so arming reads the thread's worker once.
Runtime* rebind_locked(TimerShared* s) {
  Runtime* rt = current_runtime();
  if (rt != nullptr && (rt != s->rt || rt->id() != s->rt_id) && current_task() != nullptr) {
    s->rt = rt;
    s->rt_id = rt->id();
  }
  return rt;
}

// arm_locked() arms s to fire at `when`. Requires s->mu and s not pending (disarm_locked() first).
// From a task of s's run, directly; from a task of a later run, after rebind_locked(). From a
// plain thread s->rt may be gone: it arms only while the runtime is alive and not ending, holding
// it alive meanwhile (Runtime::lock_if_alive); otherwise the timer stays disarmed (time.hpp: "a
// call from a plain thread while no run is in progress only invalidates the timer"). `rt_held`:
// as for disarm_locked().
void arm_locked(TimerShared* s, int64_t when, bool rt_held = false) {
  Runtime* const cur = rt_held ? current_runtime() : rebind_locked(s);
  if (cur == s->rt && cur->id() == s->rt_id) return insert_locked(s, when);
  if (rt_held) {
    if (!s->rt->shutting_down()) {
      if (g_outside_arm_hook_for_tests != nullptr) g_outside_arm_hook_for_tests();
      insert_locked(s, when);
    }
    return;
  }
  if (auto alive = Runtime::lock_if_alive(s->rt, s->rt_id); alive.owns_lock()) arm_locked(s, when, true);
}

// drain_locked() takes a value a fire left in the channel, if any; true if it took one. Requires
// s->mu (or the only reference to s).
bool drain_locked(TimerShared* s) {
  if (!s->delivered) return false;
  s->delivered = false;
  auto [got, v] = s->ch.try_recv();
  return got && v;
}

// disarm_locked() invalidates the current arming and drains a buffered value; returns whether
// that prevented a delivery (Go 1.23 stop's "pending"). Requires s->mu; `rt_held`: the caller, a
// thread outside the run, holds Runtime::lock_if_alive(s->rt, s->rt_id).
bool disarm_locked(TimerShared* s, bool rt_held = false) {
  bool active = s->armed;
  if (s->armed) {
    s->armed = false;
    bool removed = false;
    // The heap it went into (local_timers() of the worker that armed it), if still pending.
    // Acquire, pairing with remove_locked()'s release (TimerNode::heap in timers.hpp): nullptr
    // can mean run_due() popped s and has not fired it yet, and arm_locked() may then write s.
    // A thread outside the run reads it only while the runtime (its heaps) cannot be destroyed;
    // a runtime already gone cleared its heaps (TimerHeap::clear() leaves heap null) or never
    // ran. Removing the node from whatever thread keeps it out of the heap when reset() re-arms
    // it: a stale entry left queued there was inserted twice and corrupted the heap.
    auto remove = [s] {
      TimerHeap* h = s->heap.load(std::memory_order_acquire);
      if (h == nullptr) return false;
      h->mu.lock();
      bool r = h->remove_locked(s);
      h->mu.unlock();
      return r;
    };
    if (rt_held || current_runtime() == s->rt) {
      removed = remove();
    } else if (auto alive = Runtime::lock_if_alive(s->rt, s->rt_id); alive.owns_lock()) {
      removed = remove();
    }
    if (removed) s->release();  // the heap's reference; the caller's handle keeps s alive
    else ++s->stale;            // a fire is in flight (or the run is over: nothing will fire)
  }
  if (drain_locked(s)) active = true;
  return active;
}

// rearm_locked() is disarm_locked() then arm_locked(s, when) (Timer/Ticker reset); returns what
// disarm_locked() returned. Requires s->mu. From a thread outside the run the timer is out of its
// heap between the two, so the run could see no pending timer and end with a false Deadlock;
// that thread holds the runtime alive across both and is counted meanwhile
// (Runtime::OutsideRearm, which check_deadlock_locked() reads). With the runtime gone it only
// invalidates the timer, as arm_locked() would leave it disarmed.
bool rearm_locked(TimerShared* s, int64_t when) {
  if (rebind_locked(s) == s->rt) {
    const bool active = disarm_locked(s);
    insert_locked(s, when);
    return active;
  }
  auto alive = Runtime::lock_if_alive(s->rt, s->rt_id);
  if (!alive.owns_lock()) return disarm_locked(s);
  Runtime::OutsideRearm counted(*s->rt);
  const bool active = disarm_locked(s, true);
  arm_locked(s, when, true);
  return active;
}

// release_handle() drops a handle's reference to s, stopping the timer first. When the handle
// holds the only reference there is no heap entry (an arming holds one) and no fire in flight (it
// holds its insertion's), so the timer is not armed and nothing else can reach s: it is drained
// and freed without its lock or a locked decrement (timers mode=startstop). The acquire pairs with
// the release of whoever dropped the other references, so their writes under mu are visible.
void release_handle(TimerShared* s) noexcept {
  if (s->refs.load(std::memory_order_acquire) == 1) {
    drain_locked(s);
    delete s;
    return;
  }
  s->mu.lock();
  disarm_locked(s);
  s->mu.unlock();
  s->release();
}

void fire_timer(TimerNode* n) noexcept {
  auto* s = static_cast<TimerShared*>(n);
  s->mu.lock();
  if (s->stale > 0) {
    --s->stale;
    s->mu.unlock();
    s->release();
    return;
  }
  switch (s->kind) {
    case TimerShared::Kind::Chan: {
      Clock::time_point v = Clock::now();
      s->ch.try_send(v);  // capacity 1: a full buffer drops the value (ticker semantics)
      s->delivered = true;  // a value is buffered now (this one or an earlier tick's)
      if (s->period > 0) {
        // Next tick on the period grid after now (Go: t.when += t.period * (1 + -delta/t.period)).
        int64_t now = now_ns();
        int64_t when = s->when + s->period * (1 + (now - s->when) / s->period);
        TimerHeap& h = s->rt->local_timers();
        h.mu.lock();
        s->when = when;
        bool earliest = h.add_locked(s);  // keeps this fire's reference
        h.mu.unlock();
        Runtime* rt = s->rt;  // s may be freed once mu is released: the heap holds the reference
        s->mu.unlock();
        if (earliest) rt->timer_became_earliest(when);
        return;
      }
      s->armed = false;
      s->mu.unlock();
      break;
    }
    case TimerShared::Kind::Func:
      s->armed = false;
      s->mu.unlock();
      go(s->fn);
      break;
    case TimerShared::Kind::Callback:
      s->armed = false;
      s->mu.unlock();
      s->fn();
      break;
  }
  s->release();
}

TimerShared* new_shared(const char* op, TimerShared::Kind kind) {
  Runtime* rt = current_runtime();
  if (rt == nullptr || current_task() == nullptr) throw NotInTask(op);
  auto* s = new TimerShared(rt, kind);
  s->fire = &fire_timer;
  s->drop = &drop_timer;
  if (kind == TimerShared::Kind::Chan) s->ch = Chan<Clock::time_point>(1);
  return s;
}

int64_t deadline_after(std::chrono::nanoseconds d) {
  return TimerHeap::deadline(now_ns(), d.count() > 0 ? d.count() : 0);  // saturates (kLatest)
}

// start() arms a fresh shared timer owned by one handle.
Timer start(TimerShared* s, std::chrono::nanoseconds d) {
  s->refs.store(1, std::memory_order_relaxed);  // the handle's reference (s is not shared yet)
  Timer t = TimerAccess::make(s);
  s->mu.lock();
  arm_locked(s, deadline_after(d));
  s->mu.unlock();
  return t;
}

}  // namespace

// Callback timers (context deadlines) dropped still armed at the end of their run; incremented by
// drop_timer() only. See callback_timer_drops() in ccb/time.hpp.
std::atomic<uint64_t> g_callback_drops{0};

Revive revive_dropped(Timer& t, Clock::time_point at) {
  TimerShared* s = TimerAccess::shared(t);
  if (s == nullptr) return Revive::Kept;
  s->mu.lock();
  // Armed (pending, in this run or one still in progress), or a stale fire still to come (only
  // a stop() or reset() makes one, and a context never re-arms its timer: not a dropped timer).
  if (s->armed || s->stale > 0) {
    s->mu.unlock();
    return Revive::Kept;
  }
  const Clock::time_point now = Clock::now();
  if (at <= now) {
    s->mu.unlock();
    return Revive::Expired;
  }
  // Not armed and not pending: rebind_locked()'s precondition holds.
  if (rebind_locked(s) != s->rt || current_task() == nullptr) {
    s->mu.unlock();
    return Revive::NotInTask;
  }
  insert_locked(s, deadline_after(at - now));
  s->mu.unlock();
  return Revive::Rearmed;
}

Timer make_callback_timer(std::chrono::nanoseconds d, std::function<void()> f) {
  TimerShared* s = new_shared("ccb::with_deadline", TimerShared::Kind::Callback);
  s->fn = std::move(f);
  return start(s, d);
}

}  // namespace ccb::detail

namespace ccb {

using detail::TimerShared;

Timer::Timer(std::chrono::nanoseconds d) {
  CCB_CHAOS_POINT(Timer);
  *this = detail::start(detail::new_shared("ccb::Timer", TimerShared::Kind::Chan), d);
}

Timer::Timer(Timer&& o) noexcept : s_(std::exchange(o.s_, nullptr)) {}

Timer& Timer::operator=(Timer&& o) noexcept {
  if (this != &o) {
    if (s_ != nullptr) detail::release_handle(s_);
    s_ = std::exchange(o.s_, nullptr);
  }
  return *this;
}

Timer::~Timer() {
  if (s_ != nullptr) detail::release_handle(s_);
}

RecvChan<Clock::time_point> Timer::c() const {
  return s_ != nullptr ? RecvChan<Clock::time_point>(s_->ch) : RecvChan<Clock::time_point>();
}

bool Timer::stop() {
  if (s_ == nullptr) return false;
  s_->mu.lock();
  bool active = detail::disarm_locked(s_);
  s_->mu.unlock();
  return active;
}

bool Timer::reset(std::chrono::nanoseconds d) {
  if (s_ == nullptr) return false;
  CCB_CHAOS_POINT(Timer);
  s_->mu.lock();
  const bool active = detail::rearm_locked(s_, detail::deadline_after(d));
  s_->mu.unlock();
  return active;
}

Ticker::Ticker(std::chrono::nanoseconds period) {
  if (period.count() <= 0) throw InvalidArgument("non-positive interval for NewTicker");
  TimerShared* s = detail::new_shared("ccb::Ticker", TimerShared::Kind::Chan);
  s->period = period.count();
  t_ = detail::start(s, period);
}

void Ticker::reset(std::chrono::nanoseconds period) {
  if (period.count() <= 0) throw InvalidArgument("non-positive interval for Ticker.Reset");
  TimerShared* s = detail::TimerAccess::shared(t_);
  if (s == nullptr) throw InvalidArgument("time: Reset called on uninitialized Ticker");  // Go's text (time/tick.go)
  s->mu.lock();
  s->period = period.count();  // read by a fire only under s->mu
  detail::rearm_locked(s, detail::deadline_after(period));
  s->mu.unlock();
}

RecvChan<Clock::time_point> after(std::chrono::nanoseconds d) {
  CCB_CHAOS_POINT(Timer);
  TimerShared* s = detail::new_shared("ccb::after", TimerShared::Kind::Chan);
  RecvChan<Clock::time_point> c = s->ch;
  s->mu.lock();
  detail::arm_locked(s, detail::deadline_after(d));  // the heap's reference is the only one
  s->mu.unlock();
  return c;
}

Timer after_func(std::chrono::nanoseconds d, std::function<void()> f) {
  detail::check_callable(f, "ccb::after_func: f");  // not when it fires: that would end the run
  TimerShared* s = detail::new_shared("ccb::after_func", TimerShared::Kind::Func);
  s->fn = std::move(f);
  return detail::start(s, d);
}

}  // namespace ccb
