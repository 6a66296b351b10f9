// ccb/context.hpp — Go's context package (context/context.go): cancellation, deadlines and
// request-scoped values for trees of tasks.
//
//   auto [ctx, cancel] = ccb::with_timeout(ccb::background(), 50ms);
//   ccb::select(ccb::recv_case(work), ccb::recv_case(ctx.done()));
//   cancel();
//
// Guarantees (tests/runtime/context_test.cpp):
//  - background() is never cancelled: done() is the nil channel (a select case on it never
//    fires), err() is ContextError::None, no deadline, no values.
//  - with_cancel/with_timeout/with_deadline derive a cancellable child. Cancelling a context
//    (its cancel function, its deadline, or an ancestor's cancellation) sets err() once, closes
//    done() (from the cancelling task or timer) and cancels every descendant, iteratively, so deep
//    trees do not grow the stack. A child of an already cancelled parent starts cancelled.
//  - As in Go, where cancelling holds the context's mutex until the children are cancelled and
//    Err() and a second cancel take it: once err() is not None, or a cancel function has
//    returned (the first call or a later one, even while a deadline or another thread is still
//    cancelling), every descendant the context had then is cancelled too. (done() is closed
//    before the descendants are cancelled, in Go too: a task woken by it that calls err() waits
//    for the rest, briefly: the canceller never blocks meanwhile.)
//  - Cancel functions are idempotent and safe to call from any task or thread (a plain thread:
//    while the run is in progress; tasks it wakes go on the run's global queue, and the deadlock
//    check cannot see it: Config::detect_deadlock); the first cause wins (Canceled or
//    DeadlineExceeded). A cancelled context is unlinked from its parent and a destroyed one
//    unlinks itself, so a long-lived parent keeps no reference to finished children
//    (num_children() is the test hook). The timer of a cancelled context is stopped.
//  - with_deadline(parent, t) keeps the parent's deadline when it is earlier (Go); a deadline in
//    the past cancels at once with DeadlineExceeded. The deadline timer fires inside a worker's
//    scheduler and cancels there, without a task of its own; when part of the subtree is being
//    cancelled by another canceller, the wait for it goes to a new task (Go runs a deadline's
//    cancel in a goroutine of its own), and until then those nodes' err() waits as above.
//  - with_value(parent, key, value) adds one key/value; value(key) walks up the chain and returns
//    the nearest match, or an empty std::any. Keys are ContextKey: a tag address (of a static,
//    collision-free like Go's unexported key types) or a string (char pointers and literals are
//    strings, compared by content). Values are std::any, copied into the node, immutable
//    afterwards.
//  - Context is a cheap shared handle (std::shared_ptr). A child holds its parent; a parent
//    holds its children only weakly, so dropping every handle of a subtree frees it. Freeing a
//    chain does not grow the stack with its depth either (a chain deeper than 16 may have its
//    upper part freed by another thread that is freeing a deep chain at the same time).
// Runs: a context may outlive the run it was made in (a handle kept by the caller of ccb::run).
// Its deadline timer, still pending when that run ends, is dropped with the run; the context's
// next done(), err(), or with_* child in a later run's task re-arms it there, so a task of that
// run waiting on done() is woken at the deadline; once the deadline has passed, that call (from a
// task or any thread), or its cancel function, cancels the context with DeadlineExceeded first. A done() channel fetched
// in the ended run and waited on in a later one without any such call is not woken by the
// deadline. (Before, such a context was never cancelled by its deadline again.)
// Errors: with_timeout/with_deadline outside a task throw NotInTask (they create a timer); a null
// ContextKey (null tag or C string) throws InvalidArgument.
// Concurrency: per cancellable node, a spin lock guards err, the children map and the timer.
// done is closed under it (Go closes done under cancelCtx.mu: a child linked meanwhile is cancelled
// only after its parent's done is closed); it is never held while readying the tasks that close
// wakes, stopping the timer or touching another node. Lock order: a node's lock < done's channel
// lock; a node's lock < its children's locks is never needed (one node lock at a time).
#pragma once

#include <any>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <variant>

#include "ccb/chan.hpp"
#include "ccb/time.hpp"

namespace ccb {

// ContextError: Go's ctx.Err(): nil, context.Canceled, context.DeadlineExceeded.
enum class ContextError { None, Canceled, DeadlineExceeded };
// message() returns Go's text: "" / "context canceled" / "context deadline exceeded".
const char* message(ContextError e) noexcept;

// ContextKey: a tag address (`&some_static` of any non-char type; compared by address) or a string
// (compared by content). Any char pointer, a string literal included, is a string key:
// with_value(ctx, "user", v) is found by value(std::string("user")). A null tag or null C string
// throws InvalidArgument (Go's WithValue panics on a nil key).
class ContextKey {
 public:
  ContextKey() = default;  // the null tag: with_value refuses it, so value() finds nothing for it
  ContextKey(const char* s);  // NOLINT(google-explicit-constructor): keys convert implicitly
  ContextKey(std::string s) noexcept : k_(std::move(s)) {}  // NOLINT(google-explicit-constructor)
  ContextKey(std::string_view s) : k_(std::string(s)) {}     // NOLINT(google-explicit-constructor)
  template <class T>
    requires(!std::is_same_v<std::remove_cv_t<T>, char>)
  ContextKey(const T* tag) : ContextKey(static_cast<const void*>(tag), 0) {}  // NOLINT
  ContextKey(std::nullptr_t) = delete;

  bool is_string() const noexcept { return k_.index() == 1; }
  bool is_null() const noexcept { return k_.index() == 0 && std::get<0>(k_) == nullptr; }
  friend bool operator==(const ContextKey&, const ContextKey&) = default;

 private:
  ContextKey(const void* tag, int);
  std::variant<const void*, std::string> k_;
};

// Unit: the element type of done channels (Go's struct{}); they are only ever closed.
struct Unit {};

namespace detail {
struct CtxNode;
}

class Context {
 public:
  // Context() is background().
  Context() = default;

  // done() is closed when the context is cancelled; nil for background (and value-only chains
  // over it).
  RecvChan<Unit> done() const;
  // err() is None until done() is closed, then why (exactly, as Go's Err: a task that sees it set
  // finds done() closed, and one that sees done() closed sees it set).
  ContextError err() const;
  // deadline() is the time the context will be cancelled by itself, if any.
  std::optional<Clock::time_point> deadline() const;
  // value() returns the nearest ancestor's (or own) value for key, or an empty std::any.
  std::any value(const ContextKey& key) const;
  // num_children() is a test hook: cancellable children currently linked to this context.
  std::size_t num_children() const;

  explicit Context(std::shared_ptr<detail::CtxNode> n) : n_(std::move(n)) {}
  const std::shared_ptr<detail::CtxNode>& node() const noexcept { return n_; }

 private:
  std::shared_ptr<detail::CtxNode> n_;  // null = background
};

// CancelFunc: cancels its context with ContextError::Canceled. Idempotent, thread-safe.
using CancelFunc = std::function<void()>;

struct WithCancel {
  Context ctx;
  CancelFunc cancel;
};

Context background();
WithCancel with_cancel(const Context& parent);
WithCancel with_deadline(const Context& parent, Clock::time_point deadline);
WithCancel with_timeout(const Context& parent, std::chrono::nanoseconds timeout);
Context with_value(const Context& parent, ContextKey key, std::any value);

}  // namespace ccb
