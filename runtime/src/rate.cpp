// runtime/src/rate.cpp — see ccb/rate.hpp. Limiter follows golang.org/x/time/rate (advance,
// reserveN, CancelAt, WaitN) with float token counts; windows are O(1) counters.
#include "ccb/rate.hpp"

#include <cmath>
#include <mutex>
#include <string>

#include "ccb/select.hpp"

namespace ccb::rate {

namespace {

using Ns = std::chrono::nanoseconds;

double seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

Clock::duration from_tokens(double tokens, double rate) {
  return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(tokens / rate));
}

void check_positive(double v, const char* what) {
  if (!(v > 0)) throw InvalidArgument(std::string(what) + " must be > 0, got " + std::to_string(v));
}

// window_index() numbers the window that `now` falls in (times before origin count as window 0).
int64_t window_index(Clock::time_point origin, Clock::time_point now, int64_t window) {
  int64_t d = std::chrono::duration_cast<Ns>(now - origin).count();
  return d <= 0 ? 0 : d / window;
}

}  // namespace

const char* message(WaitStatus s) noexcept {
  switch (s) {
    case WaitStatus::Ok: return "";
    case WaitStatus::Canceled: return "context canceled";
    case WaitStatus::DeadlineExceeded: return "context deadline exceeded";
    case WaitStatus::ExceedsBurst: return "rate: Wait(n) exceeds limiter's burst";
    case WaitStatus::WouldExceedDeadline: return "rate: Wait(n) would exceed context deadline";
  }
  return "";
}

// ---------------------------------------------------------------------------------------------
// Reservation

std::chrono::nanoseconds Reservation::delay_from(Clock::time_point now) const {
  if (!ok_ || act_ <= now) return Ns::zero();
  return std::chrono::duration_cast<Ns>(act_ - now);
}

void Reservation::cancel_at(Clock::time_point now) {
  if (!ok_ || tokens_ == 0 || act_ < now) return;
  std::lock_guard<detail::SpinLock> g(lim_->mu_);
  // Tokens reserved after this one were granted against these tokens; they cannot come back.
  const int n = tokens_;
  double restore = n - seconds(lim_->last_event_ - act_) * limit_;
  tokens_ = 0;
  if (restore <= 0) return;
  lim_->advance_locked(now);
  lim_->tokens_ = std::min(lim_->tokens_ + restore, static_cast<double>(lim_->burst_));
  if (act_ == lim_->last_event_) {
    Clock::time_point prev = act_ - from_tokens(n, limit_);
    if (prev >= now) lim_->last_event_ = prev;
  }
}

// ---------------------------------------------------------------------------------------------
// Limiter

Limiter::Limiter(double rate_per_sec, int burst) {
  check_positive(rate_per_sec, "rate::Limiter: rate_per_sec");
  check_positive(burst, "rate::Limiter: burst");
  rate_ = rate_per_sec;
  burst_ = burst;
  tokens_ = burst;
  last_ = last_event_ = Clock::now();
}

void Limiter::advance_locked(Clock::time_point now) {
  if (now <= last_) return;
  tokens_ = std::min(tokens_ + seconds(now - last_) * rate_, static_cast<double>(burst_));
  last_ = now;
}

bool Limiter::allow_n_at(Clock::time_point now, int n) {
  std::lock_guard<detail::SpinLock> g(mu_);
  advance_locked(now);
  if (n > burst_ || tokens_ < n) return false;
  tokens_ -= n;
  return true;
}

Reservation Limiter::reserve_at(Clock::time_point now, int n) {
  Reservation r;
  r.lim_ = this;
  std::lock_guard<detail::SpinLock> g(mu_);
  r.limit_ = rate_;
  if (n > burst_) return r;
  advance_locked(now);
  if (now < last_) now = last_;
  tokens_ -= n;
  r.ok_ = true;
  r.tokens_ = n;
  r.act_ = tokens_ < 0 ? now + from_tokens(-tokens_, rate_) : now;
  if (r.act_ > last_event_) last_event_ = r.act_;
  return r;
}

WaitStatus Limiter::wait(const Context& ctx, int n) {
  if (n > burst()) return WaitStatus::ExceedsBurst;
  if (ContextError e = ctx.err(); e != ContextError::None)
    return e == ContextError::Canceled ? WaitStatus::Canceled : WaitStatus::DeadlineExceeded;
  Clock::time_point now = Clock::now();
  Reservation r = reserve_at(now, n);
  if (!r.ok()) return WaitStatus::ExceedsBurst;  // burst lowered meanwhile
  if (auto dl = ctx.deadline(); dl && r.time_to_act() > *dl) {
    r.cancel_at(now);
    return WaitStatus::WouldExceedDeadline;
  }
  Ns delay = r.delay_from(now);
  if (delay <= Ns::zero()) return WaitStatus::Ok;
  Timer t(delay);  // stopped by its destructor when ctx wins
  bool fired = false;
  ccb::select(recv_case(t.c(), [&] { fired = true; }), recv_case(ctx.done()));
  if (fired) return WaitStatus::Ok;
  r.cancel();
  return ctx.err() == ContextError::DeadlineExceeded ? WaitStatus::DeadlineExceeded : WaitStatus::Canceled;
}

void Limiter::set_limit(double rate_per_sec) {
  check_positive(rate_per_sec, "rate::Limiter::set_limit: rate_per_sec");
  std::lock_guard<detail::SpinLock> g(mu_);
  advance_locked(Clock::now());
  rate_ = rate_per_sec;
}

void Limiter::set_burst(int burst) {
  check_positive(burst, "rate::Limiter::set_burst: burst");
  std::lock_guard<detail::SpinLock> g(mu_);
  advance_locked(Clock::now());
  burst_ = burst;
  tokens_ = std::min(tokens_, static_cast<double>(burst_));
}

double Limiter::limit() const {
  std::lock_guard<detail::SpinLock> g(mu_);
  return rate_;
}

int Limiter::burst() const {
  std::lock_guard<detail::SpinLock> g(mu_);
  return burst_;
}

double Limiter::tokens_at(Clock::time_point now) {
  std::lock_guard<detail::SpinLock> g(mu_);
  advance_locked(now);
  return tokens_;
}

// ---------------------------------------------------------------------------------------------
// Windows

FixedWindow::FixedWindow(int limit, std::chrono::nanoseconds window, Clock::time_point origin)
    : limit_(limit), window_(window.count()), origin_(origin) {
  check_positive(limit, "rate::FixedWindow: limit");
  check_positive(static_cast<double>(window.count()), "rate::FixedWindow: window (ns)");
}

bool FixedWindow::allow_at(Clock::time_point now) {
  std::lock_guard<detail::SpinLock> g(mu_);
  int64_t idx = window_index(origin_, now, window_);
  if (idx > index_) {
    index_ = idx;
    count_ = 0;
  }
  if (count_ >= limit_) return false;
  ++count_;
  return true;
}

SlidingWindow::SlidingWindow(int limit, std::chrono::nanoseconds window, Clock::time_point origin)
    : limit_(limit), window_(window.count()), origin_(origin) {
  check_positive(limit, "rate::SlidingWindow: limit");
  check_positive(static_cast<double>(window.count()), "rate::SlidingWindow: window (ns)");
}

bool SlidingWindow::allow_at(Clock::time_point now) {
  std::lock_guard<detail::SpinLock> g(mu_);
  int64_t idx = window_index(origin_, now, window_);
  if (idx > index_) {
    prev_count_ = idx == index_ + 1 ? count_ : 0;
    count_ = 0;
    index_ = idx;
  }
  int64_t into = std::chrono::duration_cast<Ns>(now - origin_).count() - index_ * window_;
  if (into < 0) into = 0;
  double weight = 1.0 - static_cast<double>(into) / static_cast<double>(window_);
  if (prev_count_ * weight + count_ >= limit_) return false;
  ++count_;
  return true;
}

}  // namespace ccb::rate
