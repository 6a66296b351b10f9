// workloads/threads/thread_chan.hpp — ThreadChan<T>: a Go-like channel for OS threads, built on
// std::mutex and std::condition_variable, used by the `threads` implementations; and
// SelectSignal, the shared wake-up of thread_select (a select over several ThreadChans).
//
// Guarantees:
//  - cap 0 (unbuffered) is a rendezvous: send() returns only after a receiver has taken the
//    value. One value at a time sits in the hand-over slot; other senders wait for it to free.
//  - cap > 0 is a bounded FIFO queue: send() blocks while `cap` values are queued.
//  - close() wakes everyone: recv() drains what is queued (or in the slot), then returns
//    std::nullopt; send() on a closed channel throws std::logic_error("send on closed channel")
//    (a value already in the slot when close() runs is still delivered).
//  - try_recv() never blocks: {true, v} took v, {true, nullopt} closed and drained, {false, …}
//    would block.
// Select: a channel built with a SelectSignal bumps the signal's epoch whenever it makes a
// receive possible (a value deposited, or close). thread_select() polls every channel with
// try_recv() and, when none is ready, sleeps on the signal's condition variable until the epoch
// moves. A shared condition variable was chosen over a short sleep: a sleep would add its
// quantum (≥ 50 µs of timer slack on Linux) to every empty poll and the workload would measure
// the sleep, not the channels. Lost wake-ups are impossible: the selector reads the epoch before
// polling, and it and notifiers form a Dekker pair (epoch vs waiters, both seq_cst), see bump().
// Concurrency: every field of ThreadChan is guarded by m_ (except the immutable cap_/sig_).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <utility>
#include <vector>

namespace ccb::workloads::threads {

// SelectSignal: an epoch counter plus a condition variable shared by every channel of a select.
class SelectSignal {
 public:
  // bump() records that some channel may have become ready and wakes the sleeping selectors.
  void bump() {
    epoch_.fetch_add(1, std::memory_order_seq_cst);
    if (waiters_.load(std::memory_order_seq_cst) > 0) {
      { std::lock_guard<std::mutex> g(m_); }  // a selector between its check and wait holds m_
      cv_.notify_all();
    }
  }
  uint64_t epoch() const { return epoch_.load(std::memory_order_seq_cst); }
  // wait_past() blocks until the epoch differs from seen.
  void wait_past(uint64_t seen) {
    std::unique_lock<std::mutex> lk(m_);
    waiters_.fetch_add(1, std::memory_order_seq_cst);
    cv_.wait(lk, [&] { return epoch_.load(std::memory_order_seq_cst) != seen; });
    waiters_.fetch_sub(1, std::memory_order_seq_cst);
  }

 private:
  std::atomic<uint64_t> epoch_{0};
  std::atomic<int> waiters_{0};
  std::mutex m_;
  std::condition_variable cv_;
};

template <class T>
class ThreadChan {
 public:
  explicit ThreadChan(std::size_t cap, SelectSignal* sig = nullptr) : cap_(cap), sig_(sig) {}
  ThreadChan(const ThreadChan&) = delete;
  ThreadChan& operator=(const ThreadChan&) = delete;

  void send(T v) {
    std::unique_lock<std::mutex> lk(m_);
    if (cap_ == 0) {
      space_cv_.wait(lk, [&] { return closed_ || !slot_.has_value(); });
      if (closed_) throw std::logic_error("send on closed channel");
      slot_.emplace(std::move(v));
      const uint64_t mine = ++put_seq_;
      lk.unlock();
      data_cv_.notify_one();
      if (sig_) sig_->bump();
      lk.lock();
      taken_cv_.wait(lk, [&] { return taken_seq_ >= mine; });
      return;
    }
    space_cv_.wait(lk, [&] { return closed_ || q_.size() < cap_; });
    if (closed_) throw std::logic_error("send on closed channel");
    q_.push_back(std::move(v));
    lk.unlock();
    data_cv_.notify_one();
    if (sig_) sig_->bump();
  }

  std::optional<T> recv() {
    std::unique_lock<std::mutex> lk(m_);
    data_cv_.wait(lk, [&] { return closed_ || has_data(); });
    return take(lk);
  }

  std::pair<bool, std::optional<T>> try_recv() {
    std::unique_lock<std::mutex> lk(m_);
    if (!closed_ && !has_data()) return {false, std::nullopt};
    return {true, take(lk)};
  }

  void close() {
    {
      std::lock_guard<std::mutex> g(m_);
      if (closed_) throw std::logic_error("close of closed channel");
      closed_ = true;
    }
    data_cv_.notify_all();
    space_cv_.notify_all();
    if (sig_) sig_->bump();
  }

 private:
  bool has_data() const { return cap_ == 0 ? slot_.has_value() : !q_.empty(); }

  // take() removes the next value (nullopt when closed and drained), unlocks and notifies.
  std::optional<T> take(std::unique_lock<std::mutex>& lk) {
    std::optional<T> out;
    if (cap_ == 0) {
      if (!slot_.has_value()) return out;
      out.emplace(std::move(*slot_));
      slot_.reset();
      ++taken_seq_;
      lk.unlock();
      taken_cv_.notify_all();  // only the depositor waits here, but it shares the cv across turns
      space_cv_.notify_one();
      return out;
    }
    if (q_.empty()) return out;
    out.emplace(std::move(q_.front()));
    q_.pop_front();
    lk.unlock();
    space_cv_.notify_one();
    return out;
  }

  const std::size_t cap_;
  SelectSignal* const sig_;
  std::mutex m_;
  std::condition_variable data_cv_;   // receivers: data or close
  std::condition_variable space_cv_;  // senders: slot free / queue not full, or close
  std::condition_variable taken_cv_;  // unbuffered depositor: its value was taken
  std::deque<T> q_;                   // buffered values
  std::optional<T> slot_;             // unbuffered hand-over slot
  uint64_t put_seq_ = 0, taken_seq_ = 0;
  bool closed_ = false;
};

// thread_select() receives from one of chans that is ready (nullptr entries are never ready,
// Go's nil channel). Returns {index, value}; value is nullopt when that channel is closed and
// drained. The poll starts at a rotating position so no channel starves. Requires at least one
// non-null channel, all built with `sig`.
template <class T>
std::pair<int, std::optional<T>> thread_select(std::vector<ThreadChan<T>*>& chans, SelectSignal& sig,
                                               std::size_t& rotor) {
  const std::size_t n = chans.size();
  for (;;) {
    const uint64_t seen = sig.epoch();
    for (std::size_t k = 0; k < n; ++k) {
      const std::size_t i = (rotor + k) % n;
      if (chans[i] == nullptr) continue;
      auto [ready, v] = chans[i]->try_recv();
      if (ready) {
        rotor = i + 1;
        return {static_cast<int>(i), std::move(v)};
      }
    }
    sig.wait_past(seen);
  }
}

}  // namespace ccb::workloads::threads
