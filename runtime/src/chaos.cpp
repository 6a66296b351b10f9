// runtime/src/chaos.cpp — see chaos.hpp and ccb/detail/chaos_point.hpp.
#include "chaos.hpp"

#include <cerrno>
#include <cstdlib>
#include <mutex>
#include <random>
#include <string>

#include "ccb/errors.hpp"
#include "ccb/run.hpp"
#include "scheduler.hpp"

namespace ccb::detail {
Task* current_task() noexcept;
}

namespace ccb::detail::chaos {

std::atomic<bool> g_enabled{false};
thread_local int tl_suppress = 0;

namespace {

std::atomic<uint64_t> g_seed{0};
std::atomic<uint64_t> g_generation{0};  // bumped by every begin_run: threads reseed
std::atomic<uint64_t> g_points{0}, g_yields{0}, g_delays{0}, g_steals{0};

std::mutex g_override_mu;
bool g_override_set = false;  // guarded by g_override_mu
bool g_override_enabled = false;
uint64_t g_override_seed = 0;

struct Rng {
  uint64_t s = 0;
  uint64_t generation = ~0ULL;
  int worker = -1;
};
thread_local Rng tl_rng;

uint64_t splitmix(uint64_t x) noexcept {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// next() draws from the calling worker's generator, seeded from (seed, worker index) at the
// first draw of each run: the same seed gives every worker the same sequence in any run of any
// process, so a failing run repeats its injections when rerun alone (seeding from a process-wide
// thread count and the run's number, as before, gave a rerun other decisions).
uint64_t next() noexcept {
  Rng& r = tl_rng;
  const uint64_t gen = g_generation.load(std::memory_order_relaxed);
  const Worker* w = this_worker();
  const int worker = w != nullptr ? w->id : -1;
  if (r.generation != gen || r.worker != worker) {
    r.generation = gen;
    r.worker = worker;
    r.s = splitmix(g_seed.load(std::memory_order_relaxed) ^ splitmix(static_cast<uint64_t>(worker + 1))) | 1;
  }
  r.s ^= r.s << 13;
  r.s ^= r.s >> 7;
  r.s ^= r.s << 17;
  return r.s;
}

uint64_t parse_u64(const char* name, const char* text) {
  std::string s(text);
  if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos || s.size() > 20)
    throw ConfigError(std::string(name) + " must be an integer 0..18446744073709551615, got '" + s + "'");
  errno = 0;
  unsigned long long v = std::strtoull(s.c_str(), nullptr, 10);
  if (errno == ERANGE)
    throw ConfigError(std::string(name) + " must be an integer 0..18446744073709551615, got '" + s + "'");
  return v;
}

uint64_t random_seed() {
  std::random_device rd;
  return (static_cast<uint64_t>(rd()) << 32 | rd()) | 1;
}

}  // namespace

void begin_run() {
  bool enabled = false;
  uint64_t seed = 0;
  {
    std::lock_guard<std::mutex> g(g_override_mu);
    if (g_override_set) {
      enabled = g_override_enabled;
      seed = g_override_seed;
    } else {
      if (const char* e = std::getenv("CCB_CHAOS"); e != nullptr && *e != '\0') {
        std::string v(e);
        if (v == "1") enabled = true;
        else if (v != "0") throw ConfigError("CCB_CHAOS must be 1 (on) or 0 (off), got '" + v + "'");
      }
      if (const char* e = std::getenv("CCB_CHAOS_SEED"); e != nullptr && *e != '\0')
        seed = parse_u64("CCB_CHAOS_SEED", e);
    }
  }
  if (enabled && seed == 0) seed = random_seed();
  g_seed.store(seed, std::memory_order_relaxed);
  g_points.store(0, std::memory_order_relaxed);
  g_yields.store(0, std::memory_order_relaxed);
  g_delays.store(0, std::memory_order_relaxed);
  g_steals.store(0, std::memory_order_relaxed);
  g_generation.fetch_add(1, std::memory_order_relaxed);
  // Workers are started after this store (std::thread creation orders it for them).
  g_enabled.store(enabled, std::memory_order_release);
}

void point(Site site) {
  (void)site;
  if (tl_suppress > 0 || current_task() == nullptr) return;
  g_points.fetch_add(1, std::memory_order_relaxed);
  const uint64_t r = next();
  if ((r & 3) == 0) {
    g_yields.fetch_add(1, std::memory_order_relaxed);
    ccb::yield();
  } else if ((r & 31) == 1) {
    g_delays.fetch_add(1, std::memory_order_relaxed);
    const unsigned spins = static_cast<unsigned>((r >> 8) & 4095);
    for (unsigned i = 0; i < spins; ++i) CCB_CPU_RELAX();
  }
}

void stall() noexcept {
  const uint64_t r = next();
  if ((r & 3) != 0) return;
  const unsigned spins = static_cast<unsigned>((r >> 8) & 1023);
  for (unsigned i = 0; i < spins; ++i) CCB_CPU_RELAX();
}

bool roll(Site site) noexcept {
  (void)site;
  if (tl_suppress > 0) return false;
  if ((next() & 15) != 0) return false;
  g_steals.fetch_add(1, std::memory_order_relaxed);
  return true;
}

void set_override(bool enabled, uint64_t seed) noexcept {
  std::lock_guard<std::mutex> g(g_override_mu);
  g_override_set = true;
  g_override_enabled = enabled;
  g_override_seed = seed;
}

void clear_override() noexcept {
  std::lock_guard<std::mutex> g(g_override_mu);
  g_override_set = false;
}

State state() noexcept {
  State s;
  s.enabled = g_enabled.load(std::memory_order_acquire);
  s.seed = g_seed.load(std::memory_order_relaxed);
  s.points = g_points.load(std::memory_order_relaxed);
  s.yields = g_yields.load(std::memory_order_relaxed);
  s.delays = g_delays.load(std::memory_order_relaxed);
  s.steals = g_steals.load(std::memory_order_relaxed);
  return s;
}

}  // namespace ccb::detail::chaos
