// workloads/select.cpp — select (CONTRACT.md): `channels` producers, producer c sends per =
// n/channels values c*per + i on its own channel (capacity `cap`) and closes it; `consumers`
// tasks each loop on a select over the channels not yet seen closed, setting a closed one to nil
// (Go's idiom), until all are closed. Mirrors workloads/go/select.go and select_cases.go: ccb::select
// takes a fixed set of cases, so the loop is instantiated for 2, 4, 8, 16, 32 and 64 cases and the
// smallest that fits is used; unused cases hold nil channels, which a select never chooses.
// Impls: "ccbench" and "threads" (std::thread per producer and consumer; thread_select polls the
// ThreadChans and sleeps on a shared condition variable, see threads/thread_chan.hpp).
// ops = per*channels. Check (checks::check_select): count = ops, sum = ops(ops-1)/2, the sum of
// the squares (mod 2^64) is that of 0..ops-1, and every consumer got each channel's values in
// increasing order (a channel is FIFO and has one producer).
// Latency: each consumer times one select call in every latency::kEverySelect (from entering the
// select to having the message or the close; it includes waiting for a producer) into its own
// Sampler; the consumers' histograms are merged into RunResult::latency.
// threads: n is capped at threads::kCapHandOff / kCapSelectBuffered (by cap)
// per repetition (threads/thread_util.hpp, CONTRACT.md).
#include <ccb/runtime.hpp>

#include <algorithm>
#include <array>
#include <memory>
#include <utility>
#include <vector>

#include "workloads/ccb_run.hpp"
#include "workloads/registry.hpp"
#include "workloads/threads/checks.hpp"
#include "workloads/threads/latency_sampling.hpp"
#include "workloads/threads/thread_chan.hpp"
#include "workloads/threads/thread_util.hpp"

namespace ccb::workloads {
namespace {

using Clock = std::chrono::steady_clock;

struct Slot {
  int64_t sum = 0, count = 0;
  uint64_t sumsq = 0;    // sum of v*v mod 2^64
  int64_t disorder = 0;  // values not above the last one from the same channel
};

// select_loop<N>() receives from chs (size <= N) until each is seen closed.
template <std::size_t N, std::size_t... I>
Slot select_loop_impl(const std::vector<ccb::Chan<int64_t>>& chs, latency::Sampler& lat,
                      std::index_sequence<I...>) {
  std::array<ccb::Chan<int64_t>, N> c;
  for (std::size_t i = 0; i < chs.size(); ++i) c[i] = chs[i];
  std::array<int64_t, N> next{};  // per channel: one above the last value received (values are >= 0)
  Slot out;
  for (std::size_t open = chs.size(); open > 0;) {
    std::optional<int64_t> v;
    std::size_t which = 0;
    const bool timed = lat.due();
    const uint64_t s = timed ? latency::now_ns() : 0;
    ccb::select(ccb::recv_case(c[I], [&](std::optional<int64_t> x) {
      v = x;
      which = I;
    })...);
    if (timed) lat.record(latency::now_ns() - s);
    if (v) {
      out.sum += *v;
      out.sumsq += checks::square(*v);
      ++out.count;
      out.disorder += *v < next[which];
      next[which] = *v + 1;
    } else {
      c[which] = ccb::Chan<int64_t>();
      --open;
    }
  }
  return out;
}

template <std::size_t N>
Slot select_loop(const std::vector<ccb::Chan<int64_t>>& chs, latency::Sampler& lat) {
  return select_loop_impl<N>(chs, lat, std::make_index_sequence<N>{});
}

Slot select_any(const std::vector<ccb::Chan<int64_t>>& chs, latency::Sampler& lat) {
  const std::size_t n = chs.size();
  if (n <= 2) return select_loop<2>(chs, lat);
  if (n <= 4) return select_loop<4>(chs, lat);
  if (n <= 8) return select_loop<8>(chs, lat);
  if (n <= 16) return select_loop<16>(chs, lat);
  if (n <= 32) return select_loop<32>(chs, lat);
  return select_loop<64>(chs, lat);
}

// samplers() makes one latency Sampler per consumer (before the measured section).
std::vector<latency::Sampler> samplers(int64_t consumers) {
  std::vector<latency::Sampler> v;
  v.reserve(static_cast<std::size_t>(consumers));
  for (int64_t i = 0; i < consumers; ++i) v.emplace_back(latency::kEverySelect);
  return v;
}

RunResult finish(const std::vector<Slot>& slots, std::vector<latency::Sampler>& lats, int64_t ops,
                 double elapsed) {
  int64_t sum = 0, count = 0, disorder = 0;
  uint64_t sumsq = 0;
  for (const Slot& s : slots) {
    sum += s.sum;
    sumsq += s.sumsq;
    count += s.count;
    disorder += s.disorder;
  }
  checks::check_select(ops, count, sum, sumsq, disorder);
  RunResult r{static_cast<uint64_t>(ops), elapsed, {}, {}};
  LatencyHistogram all;
  for (auto& l : lats) all.merge(l.histogram());
  latency::attach(r, std::move(all), latency::kEverySelect);
  return r;
}

// n_problem() is the registry's check_params: every producer sends n/channels >= 1 values
// (else ops = 0, which the contract forbids).
std::string n_problem(const Params& p) {
  const int64_t channels = p.get_int("channels"), n = p.get_int("n");
  if (n >= channels) return {};
  return "n=" + std::to_string(n) + " must be at least channels=" + std::to_string(channels);
}

RunResult run_ccbench(const Params& p, int procs) {
  const int64_t channels = p.get_int("channels"), consumers = p.get_int("consumers");
  const auto cap = static_cast<std::size_t>(p.get_int("cap"));
  const int64_t per = p.get_int("n") / channels, ops = per * channels;
  std::vector<Slot> slots(static_cast<std::size_t>(consumers));
  auto lats = samplers(consumers);
  double elapsed = 0;
  run_checked(procs, [&] {
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
    for (std::size_t w = 0; w < slots.size(); ++w) {
      ccb::go([&, w] {
        slots[w] = select_any(chs, lats[w]);
        wg.done();
      });
    }
    wg.wait();
    elapsed = checks::elapsed_ns_since(t0);
  });
  return finish(slots, lats, ops, elapsed);
}

// threads_sizes(): the sizes run_threads runs at p (Workload::threads_sizes): n capped, but at
// least one message per channel.
Params threads_sizes(const Params& p) {
  const int64_t cap = threads::channel_cap(p.get_int("cap"), threads::kCapHandOff, threads::kCapSelectBuffered);
  return threads::capped_param(p, "n", cap, p.get_int("channels"));
}

// threads_needed(): the OS threads run_threads starts at point p (Workload::threads_needed).
int64_t threads_needed(const Params& p) {
  const Params sized = threads_sizes(p);
  return sized.get_int("channels") + sized.get_int("consumers");
}

RunResult run_threads(const Params& given, int procs) {
  const Params p = threads_sizes(given);
  const int64_t channels = p.get_int("channels"), consumers = p.get_int("consumers");
  const auto cap = static_cast<std::size_t>(p.get_int("cap"));
  const int64_t n = p.get_int("n");
  const int64_t per = n / channels, ops = per * channels;
  threads::require_threads("select", threads_needed(given));
  threads::ThreadsScope affinity(procs);
  threads::SelectSignal sig;
  std::vector<std::unique_ptr<threads::ThreadChan<int64_t>>> chs;
  for (int64_t c = 0; c < channels; ++c) chs.push_back(std::make_unique<threads::ThreadChan<int64_t>>(cap, &sig));
  std::vector<Slot> slots(static_cast<std::size_t>(consumers));
  auto lats = samplers(consumers);
  const auto t0 = Clock::now();
  threads::ThreadGroup g;
  g.reserve(static_cast<std::size_t>(channels + consumers));
  // Consumers first: if a producer then cannot start, closing the rest lets them finish.
  for (std::size_t w = 0; w < slots.size(); ++w) {
    if (!g.try_spawn([&, w] {
          std::vector<threads::ThreadChan<int64_t>*> open;
          for (auto& ch : chs) open.push_back(ch.get());
          std::size_t rotor = 0;
          std::vector<int64_t> next(open.size());  // as in select_loop_impl
          Slot mine;
          for (std::size_t left = open.size(); left > 0;) {
            const bool timed = lats[w].due();
            const uint64_t s = timed ? latency::now_ns() : 0;
            auto [i, v] = threads::thread_select(open, sig, rotor);
            if (timed) lats[w].record(latency::now_ns() - s);
            if (v) {
              mine.sum += *v;
              mine.sumsq += checks::square(*v);
              ++mine.count;
              mine.disorder += *v < next[static_cast<std::size_t>(i)];
              next[static_cast<std::size_t>(i)] = *v + 1;
            } else {
              open[static_cast<std::size_t>(i)] = nullptr;
              --left;
            }
          }
          slots[w] = mine;
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
  return finish(slots, lats, ops, elapsed);
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
                  .max = 1000000000, .choices = {}, .quick = {"120000"}, .full = {"120000"}},
    },
    .impls = {{"ccbench", run_ccbench}, {"threads", run_threads}},
    .check_params = n_problem,
    .ops = [](const Params& p) {
      return static_cast<uint64_t>(p.get_int("n") / p.get_int("channels") * p.get_int("channels"));
    },
    .threads_sizes = threads_sizes,
    .threads_needed = threads_needed,
});

}  // namespace
}  // namespace ccb::workloads
