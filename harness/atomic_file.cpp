// harness/atomic_file.cpp — see atomic_file.hpp. The mechanics are common/output_file.cpp's (shared
// with the reports module); this file adds the harness's IoError and option names.
#include "harness/atomic_file.hpp"

#include <filesystem>

#include "common/output_file.hpp"
#include "harness/errors.hpp"

namespace ccb::harness {

void check_writable(const std::string& path, const std::string& what) {
  if (path.empty()) throw IoError(what + ": empty file name");
  const std::string problem = common::output_problem(path);
  if (!problem.empty()) throw IoError(what + " " + path + ": " + problem);
}

void ensure_directory(const std::string& dir, const std::string& what) {
  namespace fs = std::filesystem;
  if (dir.empty()) throw UsageError(what + ": empty directory name");
  if (const std::string problem = common::directory_name_problem(dir); !problem.empty())
    throw UsageError(what + " " + dir + ": " + problem);
  std::error_code ec;
  // said as `report --out FILE` says it (helper-80: "cannot create directory: Not a directory")
  if (fs::exists(dir, ec) && !fs::is_directory(dir, ec))
    throw UsageError(what + " " + dir + ": is a file, not a directory: give a directory name");
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir))
    throw IoError(what + " " + dir + ": cannot create directory: " +
                  (ec ? ec.message() : std::string("a file of that name exists")));
  // the probe file's name stays out of the message: "--report ro: cannot create a file in ..."
  const std::string problem = common::output_problem((fs::path(dir) / "probe").string());
  if (!problem.empty()) throw IoError(what + " " + dir + ": " + problem);
}

bool writes_in_place(const std::string& path) { return common::writes_in_place(path); }

bool names_standard_output(const std::string& path) { return common::is_standard_output(path); }

void write_file_atomically(const std::string& path, const std::string& content,
                           const std::string& what) {
  if (path.empty()) throw IoError(what + ": empty file name");
  const std::string problem = common::write_output(path, content);
  if (!problem.empty()) throw IoError(what + " " + path + ": " + problem);
}

}  // namespace ccb::harness
