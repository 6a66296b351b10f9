// harness/atomic_file.hpp — output files that are either complete or absent.
// Guarantees: write_file_atomically() writes a temporary file in the target's directory, flushes
// it to disk and renames it over the target, so a reader never sees a half-written file; on any
// failure the temporary is removed and the target is untouched. A symlink is written through (its
// target is replaced, the link stays); an existing FIFO or device (/dev/null, /dev/stdout) is
// written in place, never replaced (common/output_file.hpp). check_writable() proves, before a
// run starts, that the same write will be possible (it creates and removes a probe file).
// Errors: IoError naming the option, the path and the system's reason.
#pragma once

#include <string>

namespace ccb::harness {

// check_writable() checks that `path` can be (re)placed by write_file_atomically(): its
// directory exists and accepts new files, and `path` is not a directory. `what` names the option
// in messages (e.g. "--out"). Throws IoError.
void check_writable(const std::string& path, const std::string& what);

// ensure_directory() creates `dir` (and parents) if needed and checks it accepts new files.
// Throws UsageError for "-" (see common::directory_name_problem), else IoError.
void ensure_directory(const std::string& dir, const std::string& what);

// write_file_atomically() replaces `path` (or a symlink's target) with `content` (temp file +
// fsync + rename), keeping a replaced file's permissions (a new file gets those of a newly created
// file); writes a FIFO or device in place. Throws IoError.
// writes_in_place() is true for such a FIFO or device (what is written cannot be read back).
void write_file_atomically(const std::string& path, const std::string& content,
                           const std::string& what);
bool writes_in_place(const std::string& path);
// names_standard_output(): `path` is the file standard output is open on (common/output_file.hpp's
// is_standard_output(): /dev/stdout, /proc/self/fd/1, or the file stdout is redirected to).
bool names_standard_output(const std::string& path);

}  // namespace ccb::harness
