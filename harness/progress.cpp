// harness/progress.cpp — see progress.hpp.
#include "harness/progress.hpp"

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>

#include "common/text_width.hpp"

namespace ccb::harness {

std::string format_duration(double s) {
  char buf[32];
  const long t = static_cast<long>(s + 0.5);
  if (t < 60) std::snprintf(buf, sizeof buf, "%lds", t);
  else if (t < 3600) std::snprintf(buf, sizeof buf, "%ldm%02lds", t / 60, t % 60);
  else std::snprintf(buf, sizeof buf, "%ldh%02ldm", t / 3600, (t % 3600) / 60);
  return buf;
}

ProgressMode progress_mode(const std::string& option, bool err_is_tty, bool quiet, bool dumb_terminal) {
  if (quiet || option == "never") return ProgressMode::Off;
  if (option == "lines") return ProgressMode::Lines;
  return err_is_tty && !dumb_terminal ? ProgressMode::InPlace : ProgressMode::Lines;
}

int stderr_columns() {
  winsize ws{};
  if (::ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) != 0) return 0;
  return ws.ws_col;
}

namespace {

// fit() shortens `what` by its middle so that `fixed` columns plus it take at most `columns` - 1
// (the last column stays free: some terminals wrap on writing it); unchanged when it fits or the
// width is unknown (0). Point names are ASCII, so a byte is a column.
std::string fit(const std::string& what, std::size_t fixed, int columns) {
  if (columns <= 0) return what;
  const std::size_t room = static_cast<std::size_t>(columns) - 1;
  if (fixed + what.size() <= room) return what;
  constexpr std::size_t kMin = 8;  // below this the name says nothing; let the terminal wrap
  const std::size_t keep = room > fixed + 1 ? room - fixed - 1 : 0;  // 1 for the ellipsis
  if (keep < kMin) return what;
  const std::size_t head = keep / 2, tail = keep - head;
  return what.substr(0, head) + "\u2026" + what.substr(what.size() - tail);
}

}  // namespace

Progress::Progress(std::ostream& err, ProgressMode mode, size_t total_points, size_t total_units,
                   double interval_s, Clock clock, Columns columns)
    : err_(err),
      mode_(mode),
      total_points_(total_points),
      total_units_(total_units),
      interval_(interval_s),
      clock_(std::move(clock)),
      columns_(std::move(columns)),
      start_(clock_()),
      last_heartbeat_(start_) {}

std::string Progress::eta_text(double elapsed) const {
  if (done_units_ == 0 || done_units_ > total_units_) return "ETA --";
  const double left =
      elapsed / static_cast<double>(done_units_) * static_cast<double>(total_units_ - done_units_);
  return "ETA ~" + format_duration(left);
}

void Progress::step(size_t point_index, const std::string& what, size_t units) {
  done_units_ += units;
  if (mode_ == ProgressMode::Off) return;
  const auto now = clock_();
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  if (mode_ == ProgressMode::Lines) {
    if (now - last_heartbeat_ < interval_) return;
    last_heartbeat_ = now;
    err_ << "ccbench run: " << done_points_ << "/" << total_points_ << " points done, "
         << format_duration(elapsed) << " elapsed, " << eta_text(elapsed) << "\n"
         << std::flush;
    return;
  }
  const int width = static_cast<int>(std::to_string(total_points_).size());
  char head[64];
  std::snprintf(head, sizeof head, "[%*zu/%zu] ", width, point_index + 1, total_points_);
  const std::string tail = " · " + eta_text(elapsed);
  const std::string name = fit(what, common::display_width(head) + common::display_width(tail), columns_());
  err_ << "\r\033[K" << head << name << tail << std::flush;
  shown_ = true;
}

void Progress::skip(size_t units) { total_units_ -= std::min(units, total_units_ - std::min(done_units_, total_units_)); }

void Progress::point_done() { ++done_points_; }

void Progress::clear() {
  if (mode_ != ProgressMode::InPlace || !shown_) return;
  err_ << "\r\033[K" << std::flush;
  shown_ = false;
}

}  // namespace ccb::harness
