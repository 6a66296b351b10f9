// harness/pinning.cpp — see pinning.hpp.
#include "harness/pinning.hpp"

#include <pthread.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <set>

namespace ccb::harness {

std::vector<int> allowed_cpus() {
  cpu_set_t set;
  CPU_ZERO(&set);
  std::vector<int> out;
  if (sched_getaffinity(0, sizeof set, &set) != 0) return out;
  for (int c = 0; c < CPU_SETSIZE; ++c)
    if (CPU_ISSET(c, &set)) out.push_back(c);
  return out;
}

int set_thread_cpus(const std::vector<int>& cpus) {
  if (cpus.empty()) return EINVAL;
  cpu_set_t set;
  CPU_ZERO(&set);
  for (int c : cpus) {
    if (c < 0 || c >= CPU_SETSIZE) return EINVAL;
    CPU_SET(c, &set);
  }
  return pthread_setaffinity_np(pthread_self(), sizeof set, &set);
}

ScopedAffinity::ScopedAffinity(const std::optional<std::vector<int>>& apply) {
  CPU_ZERO(&saved_);
  have_saved_ = pthread_getaffinity_np(pthread_self(), sizeof saved_, &saved_) == 0;
  if (apply) error_ = set_thread_cpus(*apply);
}

ScopedAffinity::~ScopedAffinity() {
  if (have_saved_) (void)pthread_setaffinity_np(pthread_self(), sizeof saved_, &saved_);
}

int Pinner::cpu_for(int worker_index) const {
  if (cpus_.empty()) return -1;
  const auto n = static_cast<int>(cpus_.size());
  return cpus_[static_cast<size_t>(((worker_index % n) + n) % n)];
}

std::vector<int> Pinner::cpus_for_procs(int procs) const {
  std::set<int> s;
  for (int i = 0; i < std::max(procs, 1); ++i) s.insert(cpu_for(i));
  return {s.begin(), s.end()};
}

std::string Pinner::probe() const {
  if (cpus_.empty()) return "no CPU is in this process's affinity mask (sched_getaffinity failed)";
  ScopedAffinity restore;
  for (int c : cpus_) {
    if (int e = set_thread_cpus({c}); e != 0)
      return "pthread_setaffinity_np(CPU " + std::to_string(c) + ") failed: " + std::strerror(e);
  }
  return "";
}

void Pinner::pin_worker(int worker_index) {
  if (set_thread_cpus({cpu_for(worker_index)}) != 0) failures_.fetch_add(1, std::memory_order_relaxed);
}

}  // namespace ccb::harness
