// common/fnv1a.cpp — see fnv1a.hpp.
#include "common/fnv1a.hpp"

#include <cstdio>
#include <fstream>
#include <vector>

namespace ccb::common {

std::optional<std::string> file_fnv1a64(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::uint64_t h = kFnv1aBasis;
  std::vector<char> buf(1 << 16);
  while (in) {
    in.read(buf.data(), static_cast<std::streamsize>(buf.size()));
    h = fnv1a64(std::string_view(buf.data(), static_cast<std::size_t>(in.gcount())), h);
  }
  if (in.bad()) return std::nullopt;
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(h));
  return std::string(hex);
}

}  // namespace ccb::common
