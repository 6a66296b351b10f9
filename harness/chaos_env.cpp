// harness/chaos_env.cpp — see chaos_env.hpp.
#include "harness/chaos_env.hpp"

#include <cerrno>
#include <cstdlib>
#include <string>

#include "harness/errors.hpp"

namespace ccb::harness {

void check_chaos_env() {
  if (const char* e = std::getenv("CCB_CHAOS"); e != nullptr && *e != '\0') {
    const std::string v(e);
    if (v != "0" && v != "1")
      throw UsageError("CCB_CHAOS must be 1 (on) or 0 (off), got '" + v + "'");
  }
  if (const char* e = std::getenv("CCB_CHAOS_SEED"); e != nullptr && *e != '\0') {
    const std::string v(e);
    bool ok = v.size() <= 20 && v.find_first_not_of("0123456789") == std::string::npos;
    if (ok) {
      errno = 0;
      (void)std::strtoull(v.c_str(), nullptr, 10);
      ok = errno != ERANGE;
    }
    if (!ok)
      throw UsageError("CCB_CHAOS_SEED must be an integer 0..18446744073709551615, got '" + v + "'");
  }
}

std::optional<ChaosEnv> chaos_from_env() {
  check_chaos_env();
  const char* on = std::getenv("CCB_CHAOS");
  if (on == nullptr || std::string(on) != "1") return std::nullopt;
  ChaosEnv c;
  if (const char* e = std::getenv("CCB_CHAOS_SEED"); e != nullptr && *e != '\0') {
    const uint64_t seed = std::strtoull(e, nullptr, 10);
    if (seed != 0) c.seed = seed;
  }
  return c;
}

}  // namespace ccb::harness
