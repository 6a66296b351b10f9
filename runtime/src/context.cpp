// runtime/src/context.cpp — see ccb/context.hpp (Go: context/context.go, cancelCtx/timerCtx/valueCtx).
//
// CtxNode is one link of the chain. Value nodes and the deadline are immutable. A cancellable
// node ("cancel node") owns a done channel and, guarded by mu:
//  - err: None until cancelled (also mirrored in the atomic err_fast for lock-free reads, which
//    is stored under done's channel lock as done closes, so err() != None <=> done is closed).
//    done is closed under mu (Go closes it under cancelCtx.mu), so link(), which reads err under
//    mu, never cancels a child before its parent's done is closed;
//  - children: cancellable descendants whose nearest cancellable ancestor is this node, held
//    weakly so that a child's destruction frees it; a child erases itself on cancel and in its
//    destructor (Go: removeChild), so the list only holds live, uncancelled ones. The list is a
//    vector with swap-removal, each child knowing its slot (`slot`, guarded by the parent's mu):
//    a hash map of 10000 children made cancel() walk and free 10000 heap nodes (context n=10000
//    procs=1: ~10% of the time in malloc/free and map iteration);
//  - timer: the deadline timer, stopped when the node is cancelled. Its run may end with it still
//    pending (the run drops it); the next done(), err() or derivation through the node re-arms
//    it in the caller's run or, past the deadline, cancels (revive_deadlines()). The timer's own
//    lock nests inside mu there (lock_order.md).
// A child holds its parent strongly. cancel() walks the subtree with an explicit work list, taking
// one node lock at a time; it closes done inside that lock (done's channel lock nests in it, the
// tasks it wakes are readied after both) and stops timers outside it.
// Dropping a chain is iterative too, in steps of kReleaseBreak levels: releasing a node's parent
// runs the parent's destructor, which releases its own parent, one stack frame per level (a
// 2000-deep chain overflowed a 64 KiB task stack when dropped). A node whose depth is a multiple
// of kReleaseBreak hands its parent to the process-wide queue `Graveyard` instead, and the first
// destructor that finds no drain running releases the queued parents one at a time; so a
// destructor nests at most 2 x kReleaseBreak levels, and chains shallower than that never touch
// the queue. Graveyard::items is guarded by Graveyard::mu; `draining` names the one drainer.
#include "ccb/context.hpp"

#include <atomic>
#include <cstdint>
#include <utility>
#include <vector>

#include "ccb/detail/task_api.hpp"
#include "ccb/run.hpp"

namespace ccb {
namespace detail {

struct CtxNode {
  // Immutable after construction:
  std::shared_ptr<CtxNode> parent;
  CtxNode* cancel_parent = nullptr;        // nearest cancellable ancestor (kept alive via parent)
  bool cancellable = false;
  std::optional<Clock::time_point> deadline;
  bool has_value = false;
  ContextKey key;
  std::any value;
  Chan<Unit> done;                         // cancellable nodes only; closed once, by the canceller
  // settled (atomic; not guarded by mu): set once this node and every descendant it had when it
  // was cancelled are cancelled (Go: cancelCtx.cancel holds c.mu while it cancels the children,
  // and Err() and a second cancel() take c.mu, so neither returns halfway). Written by the
  // canceller that set err. Here, in the padding after mu, a node stays 184 bytes.
  std::atomic<bool> settled{false};
  // Guarded by mu:
  SpinLock mu;
  ContextError err = ContextError::None;
  std::vector<std::pair<CtxNode*, std::weak_ptr<CtxNode>>> children;
  std::size_t slot = 0;  // index in cancel_parent->children; guarded by cancel_parent->mu
  Timer timer;
  std::atomic<ContextError> err_fast{ContextError::None};
  std::uint32_t depth = 1;  // 1 + the parent's depth (immutable)
  // callback_timer_drops() when this node's chain (itself and its ancestors) last had every
  // deadline timer dropped by an ended run re-armed or expired (revive_deadlines()).
  std::atomic<std::uint64_t> revived_at{0};

  ~CtxNode();
};

namespace {

// unlink() removes child from its cancellable parent's children (Go: removeChild).
void unlink(CtxNode* child) {
  CtxNode* p = child->cancel_parent;
  if (p == nullptr) return;
  p->mu.lock();
  auto& v = p->children;
  // After p was cancelled its list is gone (moved out); the slot then no longer names child.
  if (child->slot < v.size() && v[child->slot].first == child) {
    if (child->slot + 1 != v.size()) {
      v[child->slot] = std::move(v.back());
      v[child->slot].first->slot = child->slot;  // alive: it unlinks itself under p->mu first
    }
    v.pop_back();
  }
  p->mu.unlock();
}

// wait_settled() returns once n is settled: its canceller (another task, thread or timer) is
// walking n's subtree, which never blocks or yields, so the wait is short. A task yields to the
// other tasks of its worker meanwhile.
[[gnu::cold, gnu::noinline]] void wait_settled(const CtxNode& n) {
  const bool in_task = current_task() != nullptr;
  for (unsigned spins = 0; !n.settled.load(std::memory_order_acquire);) {
    if (in_task) ccb::yield();
    else spin_wait(spins);
  }
}

// cancel() cancels root and its subtree with err and returns once they are all cancelled; a
// later call returns once the first one's subtree is (as Go's, which waits for cancelCtx.mu).
// One node lock at a time: a node is claimed (err set, done closed) under its lock, then its
// children are walked. A child another canceller claimed first is that canceller's to walk, and
// this one waits for it to settle before it settles its own nodes: waits only go down the tree,
// so two cancellers never wait for each other.
// Wait::Never is the deadline timer's cancel: its fire runs inside the scheduler (a worker's loop,
// or the stack of a task yielding or exiting there: TimerHeap::run_due from next_local), where
// waiting is wrong. Yielding there re-entered the scheduler from inside it, and hung for good
// when the task it ran on had claimed the node waited for further down its own stack; spinning
// on a worker's loop waits for tasks only that worker may run. So it cancels everything it can
// claim at once, as always, but does not wait: a root already claimed is left to its canceller
// (no one waits for the timer), and when children another canceller claimed are unsettled, the
// wait for them and the settling of this walk's nodes go to a task of their own (Go runs a
// deadline's cancel in a goroutine of its own). Until that task runs, those nodes read as
// cancelled but unsettled, so err() and cancel() on them wait, as they wait for any canceller.
enum class Wait { Settled, Never };
void cancel(const std::shared_ptr<CtxNode>& root, ContextError err, Wait wait = Wait::Settled) {
  CCB_CHAOS_POINT(ChanClose);  // before any change: an unwind here leaves nothing half-cancelled
  // Already cancelled: settled (or once it is), and nothing is allocated. Every waiter of the
  // context workload cancels its own context after the root's walk did (callgrind, n=20000
  // procs 1: the walk's bookkeeping below cost ~47 instructions more per waiter than the old
  // early return, and this path costs fewer: no vector).
  root->mu.lock();
  const bool cancelled = root->err != ContextError::None;
  root->mu.unlock();
  if (cancelled) {
    if (wait == Wait::Settled && !root->settled.load(std::memory_order_acquire)) wait_settled(*root);
    return;
  }
  std::vector<std::shared_ptr<CtxNode>> work{root};
  // Every node this walk claimed settles when it returns, even by an exception (std::bad_alloc
  // growing a vector: a half-done subtree then reads as settled rather than leave its waiters
  // spinning). A node without children settles as it is claimed. Then the root leaves its
  // parent's children (Go: removeChild after the children are cancelled): an ancestor's canceller
  // meanwhile finds it there, unsettled, and waits for it.
  struct Claimed {
    std::vector<std::shared_ptr<CtxNode>> nodes;
    CtxNode* root = nullptr;  // set once the walk claimed the root
    void settle() noexcept {
      for (auto& n : nodes) n->settled.store(true, std::memory_order_release);
      nodes.clear();
      if (root != nullptr) unlink(std::exchange(root, nullptr));
    }
    ~Claimed() { settle(); }
  } claimed;
  std::vector<std::shared_ptr<CtxNode>> foreign;  // children claimed by another canceller
  bool first = true;
  // From a thread that is no worker, every node's waiters are readied together at the end: readied
  // node by node, main (waiting on the root, say) could return and end the run while the walk still
  // had tasks to ready (tests/runtime/outside_wake_test.cpp). On a worker, as it goes, so that other
  // workers start on them meanwhile (context n=10000 measures from cancel to the last waiter).
  const bool outside = !on_worker();
  WokenList outside_woken;
  while (!work.empty()) {
    std::shared_ptr<CtxNode> n = std::move(work.back());
    work.pop_back();
    n->mu.lock();
    if (n->err != ContextError::None) {
      n->mu.unlock();
      if (!n->settled.load(std::memory_order_acquire)) {
        if (first) {  // already cancelled: idempotent, once it is done
          if (wait == Wait::Settled) wait_settled(*n);
          return;
        }
        foreign.push_back(std::move(n));
      }
      continue;
    }
    n->err = err;
    auto children = std::move(n->children);
    n->children.clear();
    Timer timer = std::move(n->timer);
    // Close done under mu, as Go's cancelCtx does under its mutex: link() reads err under mu, so
    // a child made meanwhile is cancelled only once this done is closed. err_fast (what err()
    // reads) is stored under done's lock as it closes: err() != None <=> done is closed, for
    // every observer (a closedness check takes that lock). Woken tasks are readied after both.
    ChanState<Unit>* d = n->done.state();
    d->lock.lock();
    WokenList woken = d->close_locked();  // open until now: only cancel() closes it, once
    n->err_fast.store(err, std::memory_order_release);
    d->lock.unlock();
    n->mu.unlock();
    if (children.empty()) n->settled.store(true, std::memory_order_release);  // before its waiters run
    if (outside) outside_woken.append(std::move(woken));
    else ready_all(woken);
    timer.stop();
    for (auto& [ptr, weak] : children)
      if (auto c = weak.lock()) work.push_back(std::move(c));
    if (first) claimed.root = n.get();  // descendants were already dropped by their parents' maps
    first = false;
    if (!children.empty()) claimed.nodes.push_back(std::move(n));
  }
  if (wait == Wait::Never && !foreign.empty()) {
    // The timer's fire, on a worker (outside_woken is empty). If the task never runs (its run
    // ends first and discards it), destroying it settles the nodes (~Claimed) without the wait.
    auto later = std::make_shared<Claimed>();
    later->nodes = std::move(claimed.nodes);
    claimed.nodes.clear();
    later->root = std::exchange(claimed.root, nullptr);
    try {
      go([later, foreign = std::move(foreign)] {
        for (const auto& n : foreign) wait_settled(*n);
        later->settle();
      });
    } catch (...) {
      // No task (out of memory): settled now, without the wait. A later cancel() or err() of these
      // nodes may then return while the other canceller still walks below them.
    }
    return;
  }
  for (const auto& n : foreign) wait_settled(*n);
  claimed.settle();  // here, before the readying
  ready_all(outside_woken);  // last: nothing of the run is touched after it
}

// revive_deadlines_slow() walks the chain from `from` up and, for each deadline whose timer an
// ended run dropped, re-arms it in the calling task's run, or cancels its node with
// DeadlineExceeded if the deadline has passed (as the timer would have). `nearest` (the nearest
// cancellable node of the chain) records `drops` when nothing was left dropped; a caller outside
// a task cannot re-arm a deadline still to come, so the next call checks again.
[[gnu::noinline]] void revive_deadlines_slow(const std::shared_ptr<CtxNode>& from, CtxNode* nearest,
                                             std::uint64_t drops) {
  bool complete = true;
  for (const std::shared_ptr<CtxNode>* p = &from; *p; p = &(*p)->parent) {
    CtxNode& n = **p;
    if (!n.cancellable || !n.deadline) continue;
    n.mu.lock();
    Revive r = Revive::Kept;
    if (n.err == ContextError::None) r = revive_dropped(n.timer, *n.deadline);  // timer: under mu
    n.mu.unlock();
    if (r == Revive::Expired) cancel(*p, ContextError::DeadlineExceeded);
    if (r == Revive::NotInTask) complete = false;
  }
  if (complete) nearest->revived_at.store(drops, std::memory_order_relaxed);
}

// revive_deadlines() is the check every use of a context makes (done(), err(), deriving a child):
// a context whose deadline timer was still pending when its run ended would otherwise never be
// cancelled by that deadline in a later run (ccb/context.hpp, "Runs"). A chain without a deadline
// has none to revive: `nearest` carries the earliest deadline of its ancestors (each derivation
// copies its parent's, with_deadline keeps the sooner), so one byte read settles it (context
// workload: its children of a with_cancel root pay only that). With a deadline, two loads and a
// comparison unless a run has ended with a deadline pending since this chain was last checked.
inline void revive_deadlines(const std::shared_ptr<CtxNode>& from, CtxNode* nearest) {
  if (!nearest->deadline) return;
  const std::uint64_t drops = callback_timer_drops();
  if (drops != nearest->revived_at.load(std::memory_order_relaxed)) [[unlikely]]
    revive_deadlines_slow(from, nearest, drops);
}

// link() attaches a new cancellable node to its nearest cancellable ancestor, or cancels it at
// once when that ancestor is already cancelled (Go: propagateCancel).
void link(const std::shared_ptr<CtxNode>& n) {
  CtxNode* p = n->cancel_parent;
  if (n->deadline) {  // its own (armed after link, in this run) or one above it
    std::uint64_t drops = callback_timer_drops();
    if (p != nullptr && p->deadline) {
      revive_deadlines(n->parent, p);  // dropped above n: cancelled now (so is n, below), or re-armed
      drops = p->revived_at.load(std::memory_order_relaxed);  // still old if p's check was incomplete
    }
    n->revived_at.store(drops, std::memory_order_relaxed);
  }
  if (p == nullptr) return;
  p->mu.lock();
  ContextError perr = p->err;
  if (perr == ContextError::None) {
    n->slot = p->children.size();
    p->children.emplace_back(n.get(), n);
  }
  p->mu.unlock();
  if (perr != ContextError::None) cancel(n, perr);
}

void set_parent(CtxNode& n, const Context& parent) {
  n.parent = parent.node();
  n.depth = n.parent ? n.parent->depth + 1 : 1;
}

CtxNode* nearest_cancel(const std::shared_ptr<CtxNode>& n) {
  for (CtxNode* p = n.get(); p != nullptr; p = p->parent.get())
    if (p->cancellable) return p;
  return nullptr;
}

std::shared_ptr<CtxNode> new_cancel_node(const Context& parent) {
  auto n = std::make_shared<CtxNode>();
  set_parent(*n, parent);
  n->cancel_parent = nearest_cancel(n->parent);
  n->cancellable = true;
  n->deadline = parent.deadline();
  n->done = Chan<Unit>(0);
  return n;
}

CancelFunc cancel_func(const std::shared_ptr<CtxNode>& n) {
  return [n] {
    // A deadline its ended run dropped, and which has passed since, cancels first (as its timer
    // would have): Go's cancel() after the deadline leaves DeadlineExceeded.
    if (n->deadline) revive_deadlines(n, n.get());
    cancel(n, ContextError::Canceled);
  };
}

// Every kReleaseBreak-th level defers its parent's release (see the header comment), so at most
// 2 x 16 destructors nest: inside the smallest task stack (16 KiB) even under ThreadSanitizer,
// whose frames are larger (with 64, ContextTest.DroppingAVeryDeepChainDoesNotOverflowTheStack
// overflowed 16 KiB under TSan). Chains shallower than 16 never use the queue.
constexpr std::uint32_t kReleaseBreak = 16;

struct Graveyard {
  SpinLock mu;
  std::vector<std::shared_ptr<CtxNode>> items;  // guarded by mu
  std::atomic<bool> draining{false};
};

Graveyard& graveyard() {
  static Graveyard* g = new Graveyard;  // never destroyed: contexts may die during static destruction
  return *g;
}

// release_later() queues p's release; the caller drains the queue unless a drain is running (an
// outer destructor of this chain, or another thread), which will release p instead.
void release_later(std::shared_ptr<CtxNode> p) {
  Graveyard& g = graveyard();
  g.mu.lock();
  g.items.push_back(std::move(p));
  g.mu.unlock();
  while (!g.draining.exchange(true)) {
    for (;;) {
      g.mu.lock();
      if (g.items.empty()) {
        g.mu.unlock();
        break;
      }
      std::shared_ptr<CtxNode> next = std::move(g.items.back());
      g.items.pop_back();
      g.mu.unlock();
      next.reset();  // nests at most kReleaseBreak destructors, which may queue more
    }
    g.draining.store(false);
    g.mu.lock();  // an item queued while `draining` was still true is this drainer's to release
    const bool empty = g.items.empty();
    g.mu.unlock();
    if (empty) break;
  }
}

}  // namespace

CtxNode::~CtxNode() {
  // A node is destroyed only when no handle, child or cancel function refers to it, so its
  // children map is empty of live entries; a never-cancelled node must leave its parent's map.
  if (cancellable && err_fast.load(std::memory_order_acquire) == ContextError::None) unlink(this);
  if (depth % kReleaseBreak == 0 && parent) release_later(std::move(parent));
}

}  // namespace detail

const char* message(ContextError e) noexcept {
  switch (e) {
    case ContextError::None: return "";
    case ContextError::Canceled: return "context canceled";
    case ContextError::DeadlineExceeded: return "context deadline exceeded";
  }
  return "";
}

RecvChan<Unit> Context::done() const {
  detail::CtxNode* c = n_ ? detail::nearest_cancel(n_) : nullptr;
  if (c == nullptr) return RecvChan<Unit>();
  detail::revive_deadlines(n_, c);
  return c->done;
}

ContextError Context::err() const {
  detail::CtxNode* c = n_ ? detail::nearest_cancel(n_) : nullptr;
  if (c == nullptr) return ContextError::None;
  detail::revive_deadlines(n_, c);
  const ContextError e = c->err_fast.load(std::memory_order_acquire);
  // Cancelled, but its canceller may still be walking the subtree: Go's Err() waits for it too.
  if (e != ContextError::None && !c->settled.load(std::memory_order_acquire)) [[unlikely]]
    detail::wait_settled(*c);
  return e;
}

std::optional<Clock::time_point> Context::deadline() const {
  return n_ ? n_->deadline : std::nullopt;
}

ContextKey::ContextKey(const char* s) {
  if (s == nullptr) throw InvalidArgument("ccb::ContextKey: null string key (Go: nil key)");
  k_ = std::string(s);
}

ContextKey::ContextKey(const void* tag, int) : k_(tag) {
  if (tag == nullptr) throw InvalidArgument("ccb::ContextKey: null tag key (Go: nil key)");
}

std::any Context::value(const ContextKey& key) const {
  for (detail::CtxNode* p = n_.get(); p != nullptr; p = p->parent.get())
    if (p->has_value && p->key == key) return p->value;
  return {};
}

std::size_t Context::num_children() const {
  detail::CtxNode* c = n_ ? detail::nearest_cancel(n_) : nullptr;
  if (c == nullptr) return 0;
  c->mu.lock();
  std::size_t k = c->children.size();
  c->mu.unlock();
  return k;
}

Context background() { return Context(); }

WithCancel with_cancel(const Context& parent) {
  auto n = detail::new_cancel_node(parent);
  detail::link(n);
  return {Context(n), detail::cancel_func(n)};
}

WithCancel with_deadline(const Context& parent, Clock::time_point d) {
  if (auto pd = parent.deadline(); pd && *pd <= d) return with_cancel(parent);  // Go: parent's is sooner
  auto n = detail::new_cancel_node(parent);
  n->deadline = d;
  detail::link(n);
  // Compared before subtracting: d - now overflows for d near time_point::min(). A deadline near
  // time_point::max() gives a timer clamped to TimerHeap::kLatest, which never fires.
  const Clock::time_point now = Clock::now();
  auto left = d > now ? d - now : Clock::duration::zero();
  if (left <= Clock::duration::zero()) {
    detail::cancel(n, ContextError::DeadlineExceeded);
    return {Context(n), detail::cancel_func(n)};
  }
  std::weak_ptr<detail::CtxNode> weak = n;
  Timer t = detail::make_callback_timer(left, [weak] {
    if (auto c = weak.lock()) detail::cancel(c, ContextError::DeadlineExceeded, detail::Wait::Never);
  });
  n->mu.lock();
  bool cancelled = n->err != ContextError::None;
  if (!cancelled) n->timer = std::move(t);
  n->mu.unlock();
  if (cancelled) t.stop();  // cancelled by the parent meanwhile
  return {Context(n), detail::cancel_func(n)};
}

WithCancel with_timeout(const Context& parent, std::chrono::nanoseconds timeout) {
  // now + timeout saturated to the clock's range: a timeout near nanoseconds::max() is a deadline
  // that never comes (Go's Time.Add cannot overflow there either), not one wrapped into the past.
  const Clock::rep now = Clock::now().time_since_epoch().count();
  const Clock::rep dt = std::chrono::duration_cast<Clock::duration>(timeout).count();
  Clock::rep at;
  if (__builtin_add_overflow(now, dt, &at)) at = dt > 0 ? Clock::duration::max().count() : Clock::duration::min().count();
  return with_deadline(parent, Clock::time_point(Clock::duration(at)));
}

Context with_value(const Context& parent, ContextKey key, std::any value) {
  if (key.is_null()) throw InvalidArgument("ccb::with_value: null key (Go: nil key)");
  auto n = std::make_shared<detail::CtxNode>();
  detail::set_parent(*n, parent);
  n->cancel_parent = nullptr;
  n->deadline = parent.deadline();
  n->has_value = true;
  n->key = std::move(key);
  n->value = std::move(value);
  return Context(n);
}

}  // namespace ccb
