// harness/stress/rss.hpp — the process's resident memory, from /proc/self/status (Linux).
// Guarantees: values in KiB; 0 when the kernel does not report them. reset_peak_rss() asks the
// kernel to restart VmHWM from the current RSS (writes "5" to /proc/self/clear_refs); it returns
// false (and peak_rss_kib() stays the process-lifetime peak) when that is not permitted.
// Thread-safe (each call reads the file afresh).
#pragma once

#include <cstdint>

namespace ccb::stress {

uint64_t rss_kib();
uint64_t peak_rss_kib();
bool reset_peak_rss();

}  // namespace ccb::stress
