// harness/stress/rss.cpp — see rss.hpp.
#include "harness/stress/rss.hpp"

#include <fstream>
#include <string>

namespace ccb::stress {

namespace {
uint64_t status_field(const char* name) {
  std::ifstream f("/proc/self/status");
  std::string key;
  uint64_t value = 0;
  while (f >> key) {
    if (key == name) {
      f >> value;
      return value;
    }
    f.ignore(1 << 16, '\n');
  }
  return 0;
}
}  // namespace

uint64_t rss_kib() { return status_field("VmRSS:"); }
uint64_t peak_rss_kib() { return status_field("VmHWM:"); }

bool reset_peak_rss() {
  std::ofstream f("/proc/self/clear_refs");
  if (!f) return false;
  f << "5";
  f.flush();
  return static_cast<bool>(f);
}

}  // namespace ccb::stress
