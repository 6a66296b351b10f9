// reports/atomic_write.hpp — output files of `compare`, `calibrate` and `report` that are either
// complete or absent; the mechanics are common/output_file.hpp's (shared with the harness, which
// the reports module may not link).
// Guarantees: write_atomically() writes `text` to a temporary file next to `path` (a symlink's
// target: the link stays), flushes it to disk and renames it over it; an existing FIFO or device
// (/dev/null, /dev/stdout) is written in place, never replaced. On failure the temporary is
// removed, `path` is untouched, and it returns the reason (e.g. "write failed: No space left on
// device"); "" on success. output_problem() tells before any work whether the write can succeed.
// New files get 0666 & ~umask.
#pragma once

#include <string>

#include "common/output_file.hpp"

namespace ccb::reports {

using common::is_standard_output;
using common::output_problem;

inline std::string write_atomically(const std::string& path, const std::string& text) {
  return common::write_output(path, text);
}

}  // namespace ccb::reports
