// harness/progress.cpp — see progress.hpp.
#include "harness/progress.hpp"

#include <cstdio>

namespace ccb::harness {

std::string format_duration(double s) {
  char buf[32];
  const long t = static_cast<long>(s + 0.5);
  if (t < 60) std::snprintf(buf, sizeof buf, "%lds", t);
  else if (t < 3600) std::snprintf(buf, sizeof buf, "%ldm%02lds", t / 60, t % 60);
  else std::snprintf(buf, sizeof buf, "%ldh%02ldm", t / 3600, (t % 3600) / 60);
  return buf;
}

Progress::Progress(std::ostream& err, bool enabled, size_t total_points, size_t total_units)
    : err_(err),
      enabled_(enabled),
      total_points_(total_points),
      total_units_(total_units),
      start_(std::chrono::steady_clock::now()) {}

void Progress::step(size_t point_index, const std::string& what, size_t units) {
  done_units_ += units;
  if (!enabled_) return;
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start_).count();
  std::string eta = "ETA --";
  if (done_units_ > 0 && done_units_ <= total_units_) {
    const double left = elapsed / static_cast<double>(done_units_) *
                        static_cast<double>(total_units_ - done_units_);
    eta = "ETA ~" + format_duration(left);
  }
  const int width = static_cast<int>(std::to_string(total_points_).size());
  char head[64];
  std::snprintf(head, sizeof head, "[%*zu/%zu] ", width, point_index + 1, total_points_);
  err_ << "\r\033[K" << head << what << " · " << eta << std::flush;
  shown_ = true;
}

void Progress::clear() {
  if (!enabled_ || !shown_) return;
  err_ << "\r\033[K" << std::flush;
  shown_ = false;
}

}  // namespace ccb::harness
