// common/output_file.hpp — where and how an output file (`--out`, `--report`, report pages) is
// written; shared by the harness and the reports module, so it depends on nothing but POSIX.
// Guarantees:
//  - A regular file (or a path that does not exist yet) is either complete or absent:
//    write_output() writes a temporary file next to it, flushes it to disk and renames it over the
//    path; on failure the temporary is removed and the old file is untouched. A replaced file
//    keeps its permission bits (a read-only file is replaced all the same, as `sed -i` does), and
//    its owner when ccbench runs as root.
//  - A symbolic link is followed, never replaced: the file written atomically is the link's
//    final target (created if the link dangles), and the link itself stays as it was.
//  - An existing file that is not a regular file (FIFO, character device such as /dev/null, a
//    terminal, /dev/stdout) is never replaced: it is opened and written in place. So are
//    /dev/stdout, /dev/stderr, /dev/fd/N and paths under /proc/, which name open descriptors
//    (when stdout is redirected to a file, `--out /dev/stdout` writes into that open file).
//  - output_problem() says, before any work, whether write_output() can succeed, with the reason.
// Errors are returned as one-line reasons ("" = fine); callers prefix the option and the path.
#pragma once

#include <string>

namespace ccb::common {

// output_problem() returns "" if `path` can be written by write_output(), else the reason
// ("directory 'nodir' does not exist", "is a directory; give a file name", "'-' is not standard
// output here; ...": the path "-" is refused, as it means standard output to many tools). It may create
// and remove a probe file next to the file to be replaced; it never opens a FIFO or device.
std::string output_problem(const std::string& path);

// directory_name_problem() returns "" or why `dir` may not name an output directory: "-" is refused,
// as output_problem() refuses it for a file (`report --out -` and `run --report -` made a directory
// named "-").
std::string directory_name_problem(const std::string& dir);

// writes_in_place() is true when write_output() would write `path` in place (a device, FIFO,
// terminal or descriptor path such as /dev/null or /dev/stdout): what it writes there cannot be
// read back from `path`.
bool writes_in_place(const std::string& path);

// is_standard_output() is true when `path` names the file standard output (descriptor 1) is open
// on: /dev/stdout, /proc/self/fd/1, or the very file or pipe stdout is redirected to (the same
// device and inode). Writing such a path through a descriptor of its own (write_output()) while
// the process also prints on stdout interleaves or overwrites the two: the caller prints the text
// on stdout itself instead, in order.
bool is_standard_output(const std::string& path);

// write_output() writes `text` to `path` as the header describes. New files get the permissions
// a newly created file would get (0666 & ~umask). Returns "" or the reason it failed.
std::string write_output(const std::string& path, const std::string& text);

}  // namespace ccb::common
