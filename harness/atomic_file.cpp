// harness/atomic_file.cpp — see atomic_file.hpp.
#include "harness/atomic_file.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <vector>

#include "harness/errors.hpp"

namespace ccb::harness {

namespace {

namespace fs = std::filesystem;

std::string dir_of(const std::string& path) {
  fs::path parent = fs::path(path).parent_path();
  return parent.empty() ? std::string(".") : parent.string();
}

// make_temp() creates an empty temporary file next to `path` and returns its name and fd.
int make_temp(const std::string& path, std::string& temp, const std::string& what) {
  const fs::path p(path);
  std::string leaf(1, '.');
  leaf.append(p.filename().string()).append(".ccbench-XXXXXX");
  temp = (p.parent_path() / leaf).string();
  std::vector<char> buf(temp.begin(), temp.end());
  buf.push_back('\0');
  int fd = mkstemp(buf.data());
  if (fd < 0)
    throw IoError(what + " " + path + ": cannot create a file in directory '" + dir_of(path) +
                  "': " + std::strerror(errno));
  temp = buf.data();
  return fd;
}

}  // namespace

void check_writable(const std::string& path, const std::string& what) {
  if (path.empty()) throw IoError(what + ": empty file name");
  std::error_code ec;
  if (fs::is_directory(path, ec))
    throw IoError(what + " " + path + ": is a directory; give a file name");
  const std::string dir = dir_of(path);
  if (!fs::is_directory(dir, ec))
    throw IoError(what + " " + path + ": directory '" + dir + "' does not exist");
  std::string temp;
  int fd = make_temp(path, temp, what);
  ::close(fd);
  ::unlink(temp.c_str());
}

void ensure_directory(const std::string& dir, const std::string& what) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir))
    throw IoError(what + " " + dir + ": cannot create directory: " +
                  (ec ? ec.message() : std::string("a file of that name exists")));
  check_writable((fs::path(dir) / "probe").string(), what);
}

void write_file_atomically(const std::string& path, const std::string& content,
                           const std::string& what) {
  std::string temp;
  int fd = make_temp(path, temp, what);
  const mode_t mask = ::umask(0);
  ::umask(mask);
  bool ok = ::fchmod(fd, 0666 & ~mask) == 0;
  size_t done = 0;
  while (ok && done < content.size()) {
    ssize_t n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    ok = n > 0;
    if (ok) done += static_cast<size_t>(n);
  }
  ok = ok && ::fsync(fd) == 0;
  const int saved = errno;
  ok = ::close(fd) == 0 && ok;
  ok = ok && ::rename(temp.c_str(), path.c_str()) == 0;
  if (!ok) {
    const int err = errno ? errno : saved;
    ::unlink(temp.c_str());
    throw IoError(what + " " + path + ": write failed: " + std::strerror(err));
  }
}

}  // namespace ccb::harness
