// ccb/chan.hpp — Go channels: Chan<T>, and the directional views SendChan<T> / RecvChan<T>.
// Mirrors Go 1.19 runtime/chan.go (chansend, chanrecv, closechan).
//
// Guarantees (pinned by tests/runtime/chan_test.cpp):
//  - Unbuffered (cap 0): send blocks until a receiver takes the value, which is handed directly
//    from the sender to the receiver (and vice versa).
//  - Buffered: a FIFO ring of `cap` values; send blocks only when full, recv only when empty.
//  - Waiters are FIFO per direction. close() wakes every waiter: receivers get std::nullopt
//    (after the buffer drains), blocked senders throw SendOnClosedChannel.
//  - A default-constructed Chan is nil: send/recv block forever (a deadlock if nothing else
//    runs), close throws CloseOfNilChannel, and in select it is a never-ready case.
//  - T must be nothrow move constructible (a static_assert): values move under the lock.
//  - Chan is a cheap shared handle (an intrusive reference count), like Go's channel value. A
//    task that uses a channel must hold a handle (capture it by value): a select woken by its
//    partner still touches every channel of the select after the partner has gone on.
// Invariants (as chan.go): sendq and recvq are never both non-empty except when one select
// waits on both directions of the same channel; count > 0 implies recvq empty; count < cap
// implies sendq empty.
// Concurrency: every field of ChanState is guarded by `lock` except `count` (atomic so len()
// can read it unlocked) and the immutable `cap`. Operations that block park the task (never the
// worker) and may resume on another worker thread.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <new>
#include <optional>
#include <type_traits>
#include <utility>

#include "ccb/detail/task_api.hpp"
#include "ccb/errors.hpp"

namespace ccb {

namespace detail {

// engaged(v) returns std::optional<T>(v). For a small trivially copyable T it builds the optional's
// bytes as {v, flag word = 1} (libstdc++'s layout: the value, then the engaged bool; checked by
// tests/runtime/chan_test.cpp): GCC 12 builds optional<T>(v) in a stack slot with a 1-byte store of
// the flag and then reads that slot back 8 bytes at a time into the return registers, a read the
// CPU cannot forward from the pending 1-byte store, so it stalls until the store reaches the cache.
// That stall was most of a buffered receive's time (Chan<long>::recv; see the commit).
template <std::size_t N> struct UIntOfSize {};
template <> struct UIntOfSize<1> { using type = uint8_t; };
template <> struct UIntOfSize<2> { using type = uint16_t; };
template <> struct UIntOfSize<4> { using type = uint32_t; };
template <> struct UIntOfSize<8> { using type = uint64_t; };
template <class T, class = void>
struct EngagedRep {
  static constexpr bool ok = false;
};
template <class T>
struct EngagedRep<T, std::void_t<typename UIntOfSize<sizeof(std::optional<T>) - sizeof(T)>::type>> {
  struct Rep {
    T v;
    typename UIntOfSize<sizeof(std::optional<T>) - sizeof(T)>::type flag;
  };
  static constexpr bool ok = std::is_trivially_copyable_v<T> &&
                             std::is_trivially_copyable_v<std::optional<T>> &&
                             sizeof(Rep) == sizeof(std::optional<T>) &&
                             alignof(Rep) == alignof(std::optional<T>);
};
template <class T>
std::optional<T> engaged(T&& v) {
  using U = std::remove_cvref_t<T>;
  if constexpr (EngagedRep<U>::ok) return std::bit_cast<std::optional<U>>(typename EngagedRep<U>::Rep{v, 1});
  else return std::optional<U>(std::forward<T>(v));
}

// rebuilt(o) returns o (moved). For the types engaged() handles it copies o's value bytes and
// builds the flag word from has_value(), with no branch, so a function returning it has one exit:
// recv_slow() returned `engaged(*out)` on one path and `out` on others, and GCC merged them
// through a 16-byte stack copy loaded with one `movdqa` just after engaged() had stored its two
// 8-byte halves, a load the CPU cannot forward from them (~half of recv_slow's samples in
// pingpong cap=0 procs=1). o's value bytes are copied even when it is empty (as bytes of a
// trivially copyable object), and are then never read as a T.
template <class T>
std::optional<T> rebuilt(std::optional<T>&& o) {
  if constexpr (EngagedRep<T>::ok) {
    using Flag = decltype(EngagedRep<T>::Rep::flag);
    struct Raw {
      alignas(T) unsigned char v[sizeof(T)];
      Flag flag;
    };
    static_assert(sizeof(Raw) == sizeof(std::optional<T>));
    Raw r;
    std::memcpy(r.v, static_cast<const void*>(&o), sizeof(T));  // the value comes first
    r.flag = o.has_value() ? 1 : 0;
    return std::bit_cast<std::optional<T>>(r);
  } else {
    return std::move(o);
  }
}

// throw_makechan_size() throws Go's makechan panic; out of line, so make() stays small.
[[noreturn, gnu::cold, gnu::noinline]] inline void throw_makechan_size() {
  throw InvalidArgument("makechan: size out of range");
}

// ChanState<T>: the shared channel object (Go's hchan).
// make() allocates the state and its buffer in one block, as Go's makechan does for pointer-free
// elements (one malloc/free pair less per buffered channel: timers mode=startstop makes one
// capacity-1 channel per timer; see the commit that added it). A buffer over Go's maxAlloc
// (2^48 bytes on 64-bit Linux, less the header; a negative capacity converted to size_t included)
// throws InvalidArgument("makechan: size out of range"), as Go's makechan panics; an allocation
// that fails below it throws std::bad_alloc.
template <class T>
struct ChanState {
  // Values are moved while `lock` is held, so a move that threw would leave the lock held (and
  // a dequeued waiter lost): every later operation on the channel would spin forever.
  static_assert(std::is_nothrow_move_constructible_v<T>,
                "ccb::Chan<T> requires T to be nothrow move constructible (values move under the channel's lock)");
  static ChanState* make(std::size_t c) {
    if (c > (kMaxAlloc - buf_offset()) / sizeof(T)) throw_makechan_size();
    const std::size_t bytes = buf_offset() + c * sizeof(T);
    void* mem;
    if constexpr (over_aligned()) mem = ::operator new(bytes, std::align_val_t{align()});
    else mem = ::operator new(bytes);
    T* b = c > 0 ? reinterpret_cast<T*>(static_cast<char*>(mem) + buf_offset()) : nullptr;
    return ::new (mem) ChanState(c, b);
  }
  ChanState(const ChanState&) = delete;
  ChanState& operator=(const ChanState&) = delete;
  void retain() noexcept { refs.fetch_add(1, std::memory_order_relaxed); }
  void release() noexcept {
    if (refs.fetch_sub(1, std::memory_order_acq_rel) == 1) {
      void* mem = static_cast<void*>(this);
      this->~ChanState();
      if constexpr (over_aligned()) ::operator delete(mem, std::align_val_t{align()});
      else ::operator delete(mem);
    }
  }

  enum class Try { Done, WouldBlock, Closed };

  // try_send_locked() delivers v to a waiting receiver or the buffer. Requires lock. On Done
  // with a receiver, *wake is the task to ready after unlocking.
  Try try_send_locked(T& v, Task** wake) {
    if (closed) return Try::Closed;
    if (Waiter* w = recvq.dequeue()) {
      static_cast<std::optional<T>*>(w->elem)->emplace(std::move(v));
      w->success = true;
      *wake = w->task;
      return Try::Done;
    }
    if (count.load(std::memory_order_relaxed) < cap) {
      push_locked(std::move(v));
      return Try::Done;
    }
    return Try::WouldBlock;
  }

  // push_locked() appends v to the buffer. Requires lock and count < cap.
  void push_locked(T&& v) {
    ::new (&buf[sendx]) T(std::move(v));
    if (++sendx == cap) sendx = 0;
    count.store(count.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  }

  // pop_locked() takes the buffer's head. Requires lock and count > 0.
  T pop_locked() {
    T v(std::move(buf[recvx]));
    buf[recvx].~T();
    if (++recvx == cap) recvx = 0;
    count.store(count.load(std::memory_order_relaxed) - 1, std::memory_order_relaxed);
    return v;
  }

  // try_recv_locked() takes a value from a waiting sender or the buffer into out; on a closed
  // and drained channel it leaves out empty and returns Done. Requires lock.
  Try try_recv_locked(std::optional<T>& out, Task** wake) {
    std::size_t n = count.load(std::memory_order_relaxed);
    if (Waiter* w = sendq.dequeue()) {
      T* sv = static_cast<T*>(w->elem);
      if (cap == 0) {
        out.emplace(std::move(*sv));
      } else {
        // Buffer is full: take its head, put the sender's value at its tail (same slot).
        out.emplace(std::move(buf[recvx]));
        buf[recvx].~T();
        ::new (&buf[recvx]) T(std::move(*sv));
        if (++recvx == cap) recvx = 0;
        sendx = recvx;
      }
      w->success = true;
      *wake = w->task;
      return Try::Done;
    }
    if (n > 0) {
      out.emplace(pop_locked());
      return Try::Done;
    }
    if (closed) return Try::Done;  // out stays empty: closed and drained
    return Try::WouldBlock;
  }

  // close_locked() closes the channel and returns every waiter it had, receivers first then
  // senders (Go: closechan's glist), for the caller to ready after unlocking; all get success =
  // false (a Waiter's default). Requires lock and !closed. ccb::Context closes its done channel
  // this way while holding its node's lock, as Go's cancelCtx closes done under its mutex.
  WokenList close_locked() noexcept {
    closed = true;
    WokenList woken = take_all(recvq);
    while (Waiter* w = sendq.dequeue()) woken.push_back(w);
    return woken;
  }

  // wait_locked() queues the current task on q (sendq or recvq) as `me`, its element at elem, and
  // parks it until a partner or close() dequeues it. Requires lock, which the park releases.
  // Outside a task it unlocks and throws NotInTask(op). Being a member, it needs no handle: the
  // Chan the caller came through may be gone by the time an unwind passes here.
  void wait_locked(OwnedWaitQueue& q, Waiter& me, void* elem, WaitReason reason, const char* op) {
    me.task = current_task();
    if (me.task == nullptr) {
      lock.unlock();
      throw NotInTask(op);
    }
    me.elem = elem;
    q.push_back(&me);
    park_queued(lock, q, me, reason, this);
  }

  // Immutable after construction:
  const std::size_t cap;
  T* const buf;
  // Guarded by lock:
  SpinLock lock;
  std::atomic<std::size_t> count{0};  // written under lock; read unlocked by len()
  std::size_t sendx = 0, recvx = 0;
  bool closed = false;
  OwnedWaitQueue sendq, recvq;
  // Reference count of handles:
  std::atomic<uint32_t> refs{1};

 private:
  static constexpr std::size_t kMaxAlloc = sizeof(std::size_t) >= 8 ? std::size_t{1} << 48 : SIZE_MAX;  // Go's maxAlloc
  static constexpr std::size_t align() noexcept {
    return alignof(ChanState) > alignof(T) ? alignof(ChanState) : alignof(T);
  }
  static constexpr bool over_aligned() noexcept {
    return align() > __STDCPP_DEFAULT_NEW_ALIGNMENT__;
  }
  static constexpr std::size_t buf_offset() noexcept {  // the buffer starts after the state
    return (sizeof(ChanState) + alignof(T) - 1) / alignof(T) * alignof(T);
  }
  ChanState(std::size_t c, T* b) noexcept : cap(c), buf(b) {}
  ~ChanState() {
    std::size_t n = count.load(std::memory_order_relaxed);
    for (std::size_t i = 0; i < n; ++i) buf[(recvx + i) % cap].~T();
  }
};


}  // namespace detail

template <class T> class SendChan;
template <class T> class RecvChan;

template <class T>
class Chan {
 public:
  // Chan() is the nil channel.
  Chan() noexcept = default;
  // Chan(cap) makes a channel with a buffer of `cap` values (0 = unbuffered). Throws
  // InvalidArgument ("makechan: size out of range", Go's panic) when the buffer would exceed
  // 2^48 bytes (a negative int capacity does), std::bad_alloc when allocation fails.
  explicit Chan(std::size_t cap) : s_(detail::ChanState<T>::make(cap)) {}
  Chan(const Chan& o) noexcept : s_(o.s_) { if (s_) s_->retain(); }
  Chan(Chan&& o) noexcept : s_(std::exchange(o.s_, nullptr)) {}
  Chan& operator=(Chan o) noexcept { std::swap(s_, o.s_); return *this; }
  ~Chan() { if (s_) s_->release(); }

  // send() blocks until v is delivered. Throws SendOnClosedChannel (also when closed while
  // blocked; v is then lost, as in Go). On a nil channel it blocks forever.
  void send(T v);
  // recv() blocks until a value arrives; std::nullopt when closed and drained (Go's comma-ok).
  std::optional<T> recv();
  // try_send() sends without blocking; returns false (v untouched) if it would block.
  // Throws SendOnClosedChannel on a closed channel.
  bool try_send(T& v);
  bool try_send(T&& v) { return try_send(v); }
  // try_recv() receives without blocking: {true, value} when a value was taken, {true, nullopt}
  // when closed and drained, {false, nullopt} when it would block.
  std::pair<bool, std::optional<T>> try_recv();
  // close() closes the channel. Throws CloseOfNilChannel / CloseOfClosedChannel.
  void close();
  std::size_t len() const noexcept { return s_ ? s_->count.load(std::memory_order_relaxed) : 0; }
  std::size_t cap() const noexcept { return s_ ? s_->cap : 0; }
  bool is_nil() const noexcept { return s_ == nullptr; }
  explicit operator bool() const noexcept { return s_ != nullptr; }
  friend bool operator==(const Chan& a, const Chan& b) noexcept { return a.s_ == b.s_; }

  // Range-for: `for (T v : ch)` receives until the channel is closed and drained.
  class iterator {
   public:
    explicit iterator(Chan* c) : c_(c) { advance(); }
    iterator() = default;
    T& operator*() { return *v_; }
    iterator& operator++() { advance(); return *this; }
    bool operator!=(const iterator& o) const { return c_ != o.c_; }
   private:
    void advance() { if (c_) { v_ = c_->recv(); if (!v_) c_ = nullptr; } }
    Chan* c_ = nullptr;
    std::optional<T> v_;
  };
  iterator begin() { return iterator(this); }
  iterator end() { return iterator(); }

  detail::ChanState<T>* state() const noexcept { return s_; }

 private:
  // send_slow() is send() past its fast path: a nil channel (no lock held), or a non-nil one
  // whose lock the caller holds and that is closed, full or has a receiver waiting. Out of line.
  [[gnu::noinline]] void send_slow(T& v);
  // recv_slow() is recv() past its fast path: a nil channel (no lock held), or a non-nil one
  // whose lock the caller holds and whose buffer is empty or has a blocked sender. Out of line.
  [[gnu::noinline]] std::optional<T> recv_slow();
  detail::ChanState<T>* s_ = nullptr;
};

// SendChan<T>: a send-only view (Go's chan<- T). Converts implicitly from Chan<T>.
template <class T>
class SendChan {
 public:
  SendChan() = default;
  SendChan(Chan<T> c) noexcept : c_(std::move(c)) {}  // NOLINT: implicit like Go's conversion
  void send(T v) { c_.send(std::move(v)); }
  bool try_send(T& v) { return c_.try_send(v); }
  bool try_send(T&& v) { return c_.try_send(v); }
  void close() { c_.close(); }
  std::size_t len() const noexcept { return c_.len(); }
  std::size_t cap() const noexcept { return c_.cap(); }
  bool is_nil() const noexcept { return c_.is_nil(); }
  // Views compare like Go's channel values: equal when they name the same channel (or both nil).
  friend bool operator==(const SendChan& a, const SendChan& b) noexcept { return a.c_ == b.c_; }
  // state(): for select (send_case) only. A view gives no Chan<T> back, so a send-only view
  // cannot be received from, as in Go.
  detail::ChanState<T>* state() const noexcept { return c_.state(); }
 private:
  Chan<T> c_;
};

// RecvChan<T>: a receive-only view (Go's <-chan T). Converts implicitly from Chan<T>.
template <class T>
class RecvChan {
 public:
  RecvChan() = default;
  RecvChan(Chan<T> c) noexcept : c_(std::move(c)) {}  // NOLINT: implicit like Go's conversion
  std::optional<T> recv() { return c_.recv(); }
  std::pair<bool, std::optional<T>> try_recv() { return c_.try_recv(); }
  std::size_t len() const noexcept { return c_.len(); }
  std::size_t cap() const noexcept { return c_.cap(); }
  bool is_nil() const noexcept { return c_.is_nil(); }
  typename Chan<T>::iterator begin() { return c_.begin(); }
  typename Chan<T>::iterator end() { return c_.end(); }
  friend bool operator==(const RecvChan& a, const RecvChan& b) noexcept { return a.c_ == b.c_; }
  // state(): for select (recv_case) only. A view gives no Chan<T> back, so a receive-only view
  // (a Timer's or Ticker's c(), a Context's done()) cannot be sent on or closed, as in Go, where
  // close(t.C) does not compile. (It could once: chan() returned the Chan, and closing a timer's
  // channel that way made the next fire terminate the process.)
  detail::ChanState<T>* state() const noexcept { return c_.state(); }
 private:
  Chan<T> c_;
};

// ---------------------------------------------------------------------------------------------
// Template definitions.

template <class T>
void Chan<T>::send(T v) {
  CCB_CHAOS_POINT(ChanSend);
  if (s_ != nullptr) [[likely]] {
    s_->lock.lock();
    if (s_->recvq.empty() && s_->count.load(std::memory_order_relaxed) < s_->cap && !s_->closed) {
      // The common buffered case, with v still in registers (send_slow() takes its address).
      s_->push_locked(std::move(v));
      s_->lock.unlock();
      return;
    }
  }
  send_slow(v);
}

template <class T>
void Chan<T>::send_slow(T& v) {
  if (s_ == nullptr) {
    detail::park(nullptr, nullptr, detail::WaitReason::NilChanSend, nullptr);
    return;
  }
  detail::Task* wake = nullptr;
  auto r = s_->try_send_locked(v, &wake);
  if (r == detail::ChanState<T>::Try::Done) {
    s_->lock.unlock();
    if (wake) detail::ready(wake);
    return;
  }
  if (r == detail::ChanState<T>::Try::Closed) {
    s_->lock.unlock();
    throw SendOnClosedChannel();
  }
  detail::Waiter me;
  s_->wait_locked(s_->sendq, me, &v, detail::WaitReason::ChanSend, "chan send");
  if (!me.success) throw SendOnClosedChannel();
}

template <class T>
std::optional<T> Chan<T>::recv() {
  CCB_CHAOS_POINT(ChanRecv);
  if (s_ != nullptr) [[likely]] {
    s_->lock.lock();
    if (s_->sendq.empty() && s_->count.load(std::memory_order_relaxed) > 0) {
      // The common buffered case: no waiter to wake, the value goes straight to the result.
      T v = s_->pop_locked();
      s_->lock.unlock();
      return detail::engaged(std::move(v));
    }
  }
  return recv_slow();
}

template <class T>
std::optional<T> Chan<T>::recv_slow() {
  std::optional<T> out;
  if (s_ == nullptr) {
    detail::park(nullptr, nullptr, detail::WaitReason::NilChanRecv, nullptr);
    return out;
  }
  detail::Task* wake = nullptr;
  if (s_->try_recv_locked(out, &wake) == detail::ChanState<T>::Try::Done) {
    s_->lock.unlock();
    if (wake) detail::ready(wake);
  } else {
    detail::Waiter me;
    s_->wait_locked(s_->recvq, me, &out, detail::WaitReason::ChanRecv, "chan receive");
  }
  return detail::rebuilt(std::move(out));  // empty if closed (or woken by close)
}

template <class T>
bool Chan<T>::try_send(T& v) {
  if (s_ == nullptr) return false;
  detail::Task* wake = nullptr;
  s_->lock.lock();
  auto r = s_->try_send_locked(v, &wake);
  s_->lock.unlock();
  if (r == detail::ChanState<T>::Try::Closed) throw SendOnClosedChannel();
  if (wake) detail::ready(wake);
  return r == detail::ChanState<T>::Try::Done;
}

template <class T>
std::pair<bool, std::optional<T>> Chan<T>::try_recv() {
  std::pair<bool, std::optional<T>> res{false, std::nullopt};
  if (s_ == nullptr) return res;
  detail::Task* wake = nullptr;
  s_->lock.lock();
  res.first = s_->try_recv_locked(res.second, &wake) == detail::ChanState<T>::Try::Done;
  s_->lock.unlock();
  if (wake) detail::ready(wake);
  return res;
}

template <class T>
void Chan<T>::close() {
  CCB_CHAOS_POINT(ChanClose);
  if (s_ == nullptr) throw CloseOfNilChannel();
  s_->lock.lock();
  if (s_->closed) {
    s_->lock.unlock();
    throw CloseOfClosedChannel();
  }
  detail::WokenList woken = s_->close_locked();
  s_->lock.unlock();
  detail::ready_all(woken);
}

}  // namespace ccb
