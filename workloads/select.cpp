// workloads/select.cpp — select (CONTRACT.md): `channels` producers, producer c sends per =
// n/channels values c*per + i on its own channel (capacity `cap`) and closes it; `consumers`
// tasks each loop on a select over the channels not yet seen closed, setting a closed one to nil
// (Go's idiom), until all are closed. Mirrors workloads/go/select.go and select_cases.go: ccb::select
// takes a fixed set of cases, so the loop is instantiated for 2, 4, 8, 16, 32 and 64 cases and the
// smallest that fits is used; unused cases hold nil channels, which a select never chooses.
// Impls: "ccbench" and "threads" (std::thread per producer and consumer; thread_select polls the
// ThreadChans and sleeps on a shared condition variable, see threads/thread_chan.hpp).
// ops = per*channels. Check (checks::check_select): count = ops, sum = ops(ops-1)/2.
#include <ccb/runtime.hpp>

#include <array>
#include <memory>
#include <utility>
#include <vector>

#include "workloads/registry.hpp"
#include "workloads/threads/checks.hpp"
#include "workloads/threads/thread_chan.hpp"
#include "workloads/threads/thread_util.hpp"

namespace ccb::workloads {
namespace {

using Clock = std::chrono::steady_clock;

struct Slot {
  int64_t sum = 0, count = 0;
};

// select_loop<N>() receives from chs (size <= N) until each is seen closed.
template <std::size_t N, std::size_t... I>
Slot select_loop_impl(const std::vector<ccb::Chan<int64_t>>& chs, std::index_sequence<I...>) {
  std::array<ccb::Chan<int64_t>, N> c;
  for (std::size_t i = 0; i < chs.size(); ++i) c[i] = chs[i];
  Slot out;
  for (std::size_t open = chs.size(); open > 0;) {
    std::optional<int64_t> v;
    std::size_t which = 0;
    ccb::select(ccb::recv_case(c[I], [&](std::optional<int64_t> x) {
      v = x;
      which = I;
    })...);
    if (v) {
      out.sum += *v;
      ++out.count;
    } else {
      c[which] = ccb::Chan<int64_t>();
      --open;
    }
  }
  return out;
}

template <std::size_t N>
Slot select_loop(const std::vector<ccb::Chan<int64_t>>& chs) {
  return select_loop_impl<N>(chs, std::make_index_sequence<N>{});
}

Slot select_any(const std::vector<ccb::Chan<int64_t>>& chs) {
  const std::size_t n = chs.size();
  if (n <= 2) return select_loop<2>(chs);
  if (n <= 4) return select_loop<4>(chs);
  if (n <= 8) return select_loop<8>(chs);
  if (n <= 16) return select_loop<16>(chs);
  if (n <= 32) return select_loop<32>(chs);
  return select_loop<64>(chs);
}

RunResult finish(const std::vector<Slot>& slots, int64_t ops, double elapsed) {
  int64_t sum = 0, count = 0;
  for (const Slot& s : slots) {
    sum += s.sum;
    count += s.count;
  }
  checks::check_select(ops, count, sum);
  return RunResult{static_cast<uint64_t>(ops), elapsed, {}};
}

RunResult run_ccbench(const Params& p, int procs) {
  const int64_t channels = p.get_int("channels"), consumers = p.get_int("consumers");
  const auto cap = static_cast<std::size_t>(p.get_int("cap"));
  const int64_t per = p.get_int("n") / channels, ops = per * channels;
  std::vector<Slot> slots(static_cast<std::size_t>(consumers));
  double elapsed = 0;
  ccb::run(ccb::Config{.procs = procs}, [&] {
    std::vector<ccb::Chan<int64_t>> chs;
    for (int64_t c = 0; c < channels; ++c) chs.emplace_back(cap);
    ccb::WaitGroup wg;
    const auto t0 = Clock::now();
    for (int64_t c = 0; c < channels; ++c) {
      ccb::go([per](ccb::Chan<int64_t> ch, int64_t base) {
        for (int64_t i = 0; i < per; ++i) ch.send(base + i);
        ch.close();
      }, chs[static_cast<std::size_t>(c)], c * per);
    }
    wg.add(consumers);
    for (auto& slot : slots) {
      ccb::go([&] {
        slot = select_any(chs);
        wg.done();
      });
    }
    wg.wait();
    elapsed = checks::elapsed_ns_since(t0);
  });
  return finish(slots, ops, elapsed);
}

RunResult run_threads(const Params& p, int procs) {
  const int64_t channels = p.get_int("channels"), consumers = p.get_int("consumers");
  const auto cap = static_cast<std::size_t>(p.get_int("cap"));
  const int64_t per = p.get_int("n") / channels, ops = per * channels;
  threads::require_threads("select", channels + consumers);
  threads::AffinityScope affinity(procs);
  threads::SelectSignal sig;
  std::vector<std::unique_ptr<threads::ThreadChan<int64_t>>> chs;
  for (int64_t c = 0; c < channels; ++c) chs.push_back(std::make_unique<threads::ThreadChan<int64_t>>(cap, &sig));
  std::vector<Slot> slots(static_cast<std::size_t>(consumers));
  const auto t0 = Clock::now();
  threads::ThreadGroup g;
  g.reserve(static_cast<std::size_t>(channels + consumers));
  // Consumers first: if a producer then cannot start, closing the rest lets them finish.
  for (auto& slot : slots) {
    if (!g.try_spawn([&] {
          std::vector<threads::ThreadChan<int64_t>*> open;
          for (auto& ch : chs) open.push_back(ch.get());
          std::size_t rotor = 0;
          Slot mine;
          for (std::size_t left = open.size(); left > 0;) {
            auto [i, v] = threads::thread_select(open, sig, rotor);
            if (v) {
              mine.sum += *v;
              ++mine.count;
            } else {
              open[static_cast<std::size_t>(i)] = nullptr;
              --left;
            }
          }
          slot = mine;
        })) {
      for (auto& ch : chs) ch->close();
      g.throw_not_applicable("select");
    }
  }
  for (int64_t c = 0; c < channels; ++c) {
    auto* ch = chs[static_cast<std::size_t>(c)].get();
    if (!g.try_spawn([ch, per, base = c * per] {
          for (int64_t i = 0; i < per; ++i) ch->send(base + i);
          ch->close();
        })) {
      for (int64_t d = c; d < channels; ++d) chs[static_cast<std::size_t>(d)]->close();
      g.throw_not_applicable("select");
    }
  }
  g.join();
  const double elapsed = checks::elapsed_ns_since(t0);
  return finish(slots, ops, elapsed);
}

const bool registered = register_workload(Workload{
    .name = "select",
    .description = "consumers select over one channel per producer until all are closed",
    .unit = "message",
    .params = {
        ParamSpec{.name = "channels", .help = "producers, one channel each", .min = 2, .max = 64,
                  .choices = {}, .quick = {"4"}, .full = {"4"}},
        ParamSpec{.name = "consumers", .help = "selecting consumer tasks", .min = 1, .max = 64,
                  .choices = {}, .quick = {"2"}, .full = {"2"}},
        ParamSpec{.name = "cap", .help = "capacity of every channel (0 = unbuffered)", .min = 0,
                  .max = 1000000, .choices = {}, .quick = {"0", "64"}, .full = {"0", "64"}},
        ParamSpec{.name = "n", .help = "messages in total (n/channels per producer)", .min = 1,
                  .max = 1000000000, .choices = {}, .quick = {"200000"}, .full = {"2000000"}},
    },
    .impls = {{"ccbench", run_ccbench}, {"threads", run_threads}},
});

}  // namespace
}  // namespace ccb::workloads
