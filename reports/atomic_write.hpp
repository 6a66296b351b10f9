// reports/atomic_write.hpp — output files of `compare`, `calibrate` and `report` that are either
// complete or absent (the reports module may not link the harness's atomic_file.cpp).
// Guarantees: write_atomically() writes `text` to a temporary file next to `path`, flushes it to
// disk and renames it over `path`; on any failure the temporary is removed, `path` is untouched,
// and it returns false (the caller names the option in its error). New files get the default
// permissions (0666 & ~umask). Thread-safe for distinct paths (the temporary name includes the
// process id and a per-process counter).
#pragma once

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <string>

namespace ccb::reports {

inline bool write_atomically(const std::string& path, const std::string& text) {
  static std::atomic<unsigned> counter{0};
  const std::string tmp = path + ".tmp." + std::to_string(getpid()) + "." + std::to_string(counter.fetch_add(1));
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
  if (fd < 0) return false;
  bool ok = true;
  for (std::size_t done = 0; ok && done < text.size();) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n > 0) done += static_cast<std::size_t>(n);
    else ok = false;
  }
  ok = ::fsync(fd) == 0 && ok;
  ok = ::close(fd) == 0 && ok;
  ok = ok && std::rename(tmp.c_str(), path.c_str()) == 0;
  if (!ok) std::remove(tmp.c_str());
  return ok;
}

}  // namespace ccb::reports
