// common/output_file.cpp — see output_file.hpp.
#include "common/output_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

namespace ccb::common {

namespace {

namespace fs = std::filesystem;

// Target: what write_output() does with a path. Either write `path` in place, or atomically
// replace `path` (a symlink's final target), or nothing because of `error`.
struct Target {
  std::string path;
  bool in_place = false;
  std::string error;
  bool exists = false;  // a regular file to replace: its mode and owner are kept
  mode_t mode = 0;
  uid_t uid = 0;
  gid_t gid = 0;
};

// names_descriptor() is true for the paths that name an open descriptor rather than a file
// (/dev/stdout, /dev/stderr, /dev/fd/N, /proc/...): replacing what they resolve to would not
// reach the descriptor. A regular file elsewhere under /dev (/dev/shm) is an ordinary file.
bool names_descriptor(const std::string& path) {
  const std::string abs = fs::absolute(fs::path(path)).lexically_normal().string();
  return abs == "/dev/stdout" || abs == "/dev/stderr" || abs.rfind("/dev/fd/", 0) == 0 ||
         abs.rfind("/proc/", 0) == 0;
}

// follow_dangling() follows a chain of symlinks whose end does not exist; returns the end.
std::string follow_dangling(std::string p) {
  for (int hops = 0; hops < 40; ++hops) {
    std::error_code ec;
    if (!fs::is_symlink(fs::symlink_status(p, ec))) break;
    const fs::path next = fs::read_symlink(p, ec);
    if (ec) break;
    p = next.is_absolute() ? next.string() : (fs::path(p).parent_path() / next).string();
  }
  return p;
}

Target resolve(const std::string& path) {
  Target t;
  t.path = path;
  if (path.empty()) {
    t.error = "empty file name";
    return t;
  }
  // Many tools read "-" as standard output; writing a file called "-" instead would surprise.
  if (path == "-") {
    t.error = "'-' is not standard output here; give /dev/stdout for that, or ./- for a file named '-'";
    return t;
  }
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    if (S_ISDIR(st.st_mode)) t.error = "is a directory; give a file name";
    else if (!S_ISREG(st.st_mode) || names_descriptor(path)) t.in_place = true;
    else {
      t.exists = true;
      t.mode = st.st_mode & 07777;
      t.uid = st.st_uid;
      t.gid = st.st_gid;
      struct stat lst {};
      if (::lstat(path.c_str(), &lst) == 0 && S_ISLNK(lst.st_mode)) {
        std::error_code ec;
        const fs::path real = fs::canonical(path, ec);
        if (!ec) t.path = real.string();
      }
    }
    return t;
  }
  if (errno != ENOENT) {
    t.error = std::strerror(errno);
    return t;
  }
  t.path = follow_dangling(path);
  return t;
}

std::string dir_of(const std::string& path) {
  const fs::path parent = fs::path(path).parent_path();
  return parent.empty() ? std::string(".") : parent.string();
}

// make_temp() creates an empty temporary file next to `path`; returns its fd or -1 (errno set).
int make_temp(const std::string& path, std::string& temp) {
  const fs::path p(path);
  std::string leaf(1, '.');
  leaf.append(p.filename().string()).append(".ccbench-XXXXXX");
  temp = (p.parent_path() / leaf).string();
  std::vector<char> buf(temp.begin(), temp.end());
  buf.push_back('\0');
  const int fd = ::mkstemp(buf.data());
  temp = buf.data();
  return fd;
}

bool write_all(int fd, const std::string& text) {
  for (size_t done = 0; done < text.size();) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

std::string write_in_place(const std::string& path, const std::string& text) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC | O_NOCTTY);
  if (fd < 0) return std::string("cannot open: ") + std::strerror(errno);
  bool ok = write_all(fd, text);
  const int saved = errno;
  ok = ::close(fd) == 0 && ok;
  return ok ? std::string() : std::string("write failed: ") + std::strerror(ok ? errno : saved);
}

std::string replace_atomically(const Target& t, const std::string& text) {
  const std::string& path = t.path;
  std::string temp;
  const int fd = make_temp(path, temp);
  if (fd < 0)
    return "cannot create a file in directory '" + dir_of(path) + "': " + std::strerror(errno);
  mode_t mode = t.mode;
  if (!t.exists) {
    const mode_t mask = ::umask(0);
    ::umask(mask);
    mode = 0666 & ~mask;
  } else if (::geteuid() == 0) {
    // only root can give the file back to its owner; anyone else becomes its owner, as with mv
    (void)::fchown(fd, t.uid, t.gid);
  }
  int err = 0;
  if (!(::fchmod(fd, mode) == 0 && write_all(fd, text) && ::fsync(fd) == 0)) err = errno;
  if (::close(fd) != 0 && err == 0) err = errno;
  if (err == 0 && ::rename(temp.c_str(), path.c_str()) != 0) err = errno;
  if (err == 0) return {};
  ::unlink(temp.c_str());
  return std::string("write failed: ") + std::strerror(err);
}

}  // namespace

std::string output_problem(const std::string& path) {
  const Target t = resolve(path);
  if (!t.error.empty()) return t.error;
  if (t.in_place)
    return ::access(t.path.c_str(), W_OK) == 0 ? std::string()
                                                : std::string("not writable: ") + std::strerror(errno);
  const std::string dir = dir_of(t.path);
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) return "directory '" + dir + "' does not exist";
  std::string temp;
  const int fd = make_temp(t.path, temp);
  if (fd < 0) return "cannot create a file in directory '" + dir + "': " + std::strerror(errno);
  ::close(fd);
  ::unlink(temp.c_str());
  return {};
}

std::string directory_name_problem(const std::string& dir) {
  if (dir != "-") return "";
  return "'-' is not standard output here: the report is a directory (index.html, charts/); give ./- for a "
         "directory named '-'";
}

bool writes_in_place(const std::string& path) { return resolve(path).in_place; }

bool is_standard_output(const std::string& path) {
  struct stat target {}, out {};
  return !path.empty() && ::stat(path.c_str(), &target) == 0 && ::fstat(STDOUT_FILENO, &out) == 0 &&
         target.st_dev == out.st_dev && target.st_ino == out.st_ino;
}

std::string write_output(const std::string& path, const std::string& text) {
  const Target t = resolve(path);
  if (!t.error.empty()) return t.error;
  return t.in_place ? write_in_place(t.path, text) : replace_atomically(t, text);
}

}  // namespace ccb::common
