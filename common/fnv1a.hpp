// common/fnv1a.hpp — FNV-1a, 64 bits: a fast, non-cryptographic hash, for seeds derived from names
// and for telling two builds of a file apart (context.go_binary.fnv1a64). Not for input an
// adversary chooses. No state: safe from any thread.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ccb::common {

inline constexpr std::uint64_t kFnv1aBasis = 0xcbf29ce484222325ULL;  // FNV-1a 64-bit offset basis
inline constexpr std::uint64_t kFnv1aPrime = 0x100000001b3ULL;       // FNV-1a 64-bit prime

// fnv1a64() continues hash `h` over `bytes`: fnv1a64(b, fnv1a64(a)) == fnv1a64(a + b).
constexpr std::uint64_t fnv1a64(std::string_view bytes, std::uint64_t h = kFnv1aBasis) {
  for (const char c : bytes) {
    h ^= static_cast<unsigned char>(c);
    h *= kFnv1aPrime;
  }
  return h;
}

// file_fnv1a64() is the hash of the file's content as 16 lowercase hex digits (the form of
// context.go_binary.fnv1a64); nullopt when it cannot be read. Defined in fnv1a.cpp.
std::optional<std::string> file_fnv1a64(const std::string& path);

}  // namespace ccb::common
