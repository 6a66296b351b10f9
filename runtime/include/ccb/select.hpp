// ccb/select.hpp — Go's select statement (runtime/select.go: selectgo).
//
//   int i = ccb::select(ccb::recv_case(a, [](std::optional<int> v) { … }),
//                       ccb::send_case(b, 42, [] { … }),
//                       ccb::default_case([] { … }));
//
// Guarantees (pinned by tests/runtime/select_test.cpp):
//  - If one or more cases are ready, one of them is chosen uniformly at random and runs.
//  - Otherwise the default case runs, if present, without blocking.
//  - Otherwise the task parks on every channel at once; the first operation to complete wins and
//    the other registrations are withdrawn before select returns.
//  - A nil channel's case is never ready. With no non-nil case and no default, select blocks
//    forever (a deadlock if nothing else can run).
//  - A send case on a closed channel throws SendOnClosedChannel (as Go panics); a receive case
//    on a closed channel is ready and its callback gets std::nullopt.
//  - Returns the 0-based position of the case that ran (default included).
//  - Unlike Go, which evaluates every case's channel and send expressions once, in source order,
//    before choosing, the case expressions here are function arguments: C++ evaluates them in an
//    unspecified order (all before select starts, each once). Write side effects that must
//    happen in order as separate statements before the select.
// Channel locks are taken in address order (each channel once), so concurrent selects over the
// same channels cannot deadlock. The callback runs after every lock is released, so it may use
// any channel. The channels must stay alive for the duration of the call.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <type_traits>
#include <utility>

#include "ccb/chan.hpp"

namespace ccb {

namespace detail {

// SelectCaseDesc: one case with its channel operations type-erased for the select core. No
// default member initializers: select() leaves its array uninitialized and each case's
// describe() writes every field (zeroing the array first cost a `rep stos` per select).
struct SelectCaseDesc {
  void* state;  // ChanState<T>*, null for a nil channel
  SpinLock* lock;
  bool is_send;
  void* elem;   // send: T*; recv: std::optional<T>*
  // try_op: 0 would block, 1 done, 2 send on closed. Requires the lock.
  int (*try_op)(void* state, void* elem, Task** wake);
  WaitQueue& (*queue)(void* state, bool is_send);
};

// select_core() runs selectgo over n cases. Returns the chosen case index, or -1 for default
// (only when has_default). Throws SendOnClosedChannel.
int select_core(SelectCaseDesc* cases, int n, bool has_default);

template <class T>
int try_send_op(void* st, void* elem, Task** wake) {
  auto r = static_cast<ChanState<T>*>(st)->try_send_locked(*static_cast<T*>(elem), wake);
  return r == ChanState<T>::Try::Done ? 1 : r == ChanState<T>::Try::Closed ? 2 : 0;
}
template <class T>
int try_recv_op(void* st, void* elem, Task** wake) {
  auto r = static_cast<ChanState<T>*>(st)->try_recv_locked(*static_cast<std::optional<T>*>(elem), wake);
  return r == ChanState<T>::Try::Done ? 1 : 0;
}
template <class T>
WaitQueue& chan_queue(void* st, bool is_send) {
  auto* s = static_cast<ChanState<T>*>(st);
  return is_send ? s->sendq : s->recvq;
}

template <class T, class F>
struct RecvCase {
  ChanState<T>* s;
  F fn;
  std::optional<T> slot;
  void describe(SelectCaseDesc& d) {
    d.state = s;
    d.lock = s ? &s->lock : nullptr;
    d.is_send = false;
    d.elem = &slot;
    d.try_op = &try_recv_op<T>;
    d.queue = &chan_queue<T>;
  }
  void fire() {
    if constexpr (std::is_invocable_v<F&, std::optional<T>>) std::invoke(fn, std::move(slot));
    else std::invoke(fn);
  }
};

template <class T, class F>
struct SendCase {
  ChanState<T>* s;
  T value;
  F fn;
  void describe(SelectCaseDesc& d) {
    d.state = s;
    d.lock = s ? &s->lock : nullptr;
    d.is_send = true;
    d.elem = &value;
    d.try_op = &try_send_op<T>;
    d.queue = &chan_queue<T>;
  }
  void fire() { std::invoke(fn); }
};

template <class F>
struct DefaultCase {
  F fn;
  void fire() { std::invoke(fn); }
};

template <class C> struct is_default : std::false_type {};
template <class F> struct is_default<DefaultCase<F>> : std::true_type {};

struct NoOp {
  void operator()() const noexcept {}
};

}  // namespace detail

// An empty fn (an empty std::function, a null function pointer) makes recv_case, send_case and
// default_case throw InvalidArgument ("ccb::recv_case: fn is empty (...)"), before the select runs;
// the check is compiled out for lambdas and other function objects.

// recv_case() receives from ch; fn takes std::optional<T> (nullopt = closed) or nothing.
template <class T, class F = detail::NoOp>
detail::RecvCase<T, F> recv_case(const Chan<T>& ch, F fn = {}) {
  detail::check_callable(fn, "ccb::recv_case: fn");
  return {ch.state(), std::move(fn), std::nullopt};
}
template <class T, class F = detail::NoOp>
detail::RecvCase<T, F> recv_case(const RecvChan<T>& ch, F fn = {}) {
  detail::check_callable(fn, "ccb::recv_case: fn");
  return {ch.state(), std::move(fn), std::nullopt};
}

// send_case() sends v on ch; fn() runs if this case is chosen.
template <class T, class V, class F = detail::NoOp>
detail::SendCase<T, F> send_case(const Chan<T>& ch, V&& v, F fn = {}) {
  detail::check_callable(fn, "ccb::send_case: fn");
  return {ch.state(), T(std::forward<V>(v)), std::move(fn)};
}
template <class T, class V, class F = detail::NoOp>
detail::SendCase<T, F> send_case(const SendChan<T>& ch, V&& v, F fn = {}) {
  detail::check_callable(fn, "ccb::send_case: fn");
  return {ch.state(), T(std::forward<V>(v)), std::move(fn)};
}

// default_case() makes the select non-blocking.
template <class F = detail::NoOp>
detail::DefaultCase<F> default_case(F fn = {}) {
  detail::check_callable(fn, "ccb::default_case: fn");
  return {std::move(fn)};
}

// select() runs Go's select over the given cases; see the guarantees above.
template <class... Cases>
int select(Cases&&... cases) {
  constexpr int kDefaults = (0 + ... + (detail::is_default<std::decay_t<Cases>>::value ? 1 : 0));
  static_assert(kDefaults <= 1, "ccb::select: at most one default_case");
  constexpr int kN = sizeof...(Cases);
  detail::SelectCaseDesc descs[kN > 0 ? kN : 1];
  int map[kN > 0 ? kN : 1];  // desc index -> argument position
  int nd = 0, pos = 0, default_pos = -1;
  // [[maybe_unused]]: select() with no cases (Go's `select {}`, blocks forever) calls neither.
  [[maybe_unused]] auto add = [&](auto& c) {
    if constexpr (detail::is_default<std::decay_t<decltype(c)>>::value) {
      default_pos = pos;
    } else {
      c.describe(descs[nd]);
      map[nd++] = pos;
    }
    ++pos;
  };
  (add(cases), ...);
  int chosen = detail::select_core(descs, nd, kDefaults > 0);
  int arg = chosen < 0 ? default_pos : map[chosen];
  int i = 0;
  [[maybe_unused]] auto fire = [&](auto& c) {
    if (i++ == arg) c.fire();
  };
  (fire(cases), ...);
  return arg;
}

}  // namespace ccb
