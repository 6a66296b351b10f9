// harness/stress/channels.cpp — the `channels` scenario. Rounds of 1..4 channels with random
// capacities (0, 1, 2, 8, 64), 1..8 producers and 1..4 consumers each; every message carries
// (producer, sequence). The channel's owner task closes it after a random time — either once its
// producers have stopped, or (one round in three) while they are still sending, so closes race
// sends. Invariants:
//  - continuously: each consumer receives only its own channel's producers' messages (no torn or
//    misrouted one), sees each producer's sequences strictly increasing (per-producer FIFO), and no
//    (producer, sequence) is received twice (a per-message flag);
//  - end of round: every send that returned normally was received exactly once, and nothing
//    whose send threw SendOnClosedChannel was received; a second close() throws
//    CloseOfClosedChannel (API misuse keeps its typed exception under stress).
// Test hook `violate`: one consumer drops one message without recording it (detected as a loss);
// `misroute`: one producer sends a message naming a producer its channel does not have.
#include <memory>

#include "harness/stress/scenario.hpp"

namespace ccb::stress {

namespace {

constexpr uint32_t kMaxPerRound = 2000;  // messages per producer per round (flag array size)

struct Msg {
  uint32_t producer;
  uint32_t seq;
};

struct Round {
  struct Producer {
    std::unique_ptr<std::atomic<uint8_t>[]> seen{new std::atomic<uint8_t>[kMaxPerRound]()};
    uint32_t sent = 0;  // sends that returned normally; written by the producer, read after join
  };
  std::vector<Producer> producers;
};

std::atomic<bool> g_hook_fired{false};
std::atomic<bool> g_misroute_fired{false};

void channel_round(ScenarioContext& ctx, Rng& rng, ccb::WaitGroup& wg, Round& round, uint32_t first,
                   uint32_t np, uint32_t nc, std::atomic<int>& bad_close) {
  static constexpr std::size_t kCaps[] = {0, 1, 2, 8, 64};
  ccb::Chan<Msg> ch(kCaps[rng.below(5)]);
  auto stop_producers = std::make_shared<std::atomic<bool>>(false);
  auto producers_wg = std::make_shared<ccb::WaitGroup>();
  producers_wg->add(np);
  wg.add(np + nc + 1);
  for (uint32_t k = 0; k < np; ++k) {
    ccb::go([&ctx, &wg, &round, ch, stop_producers, producers_wg, p = first + k, np]() mutable {
      Round::Producer& me = round.producers[p];
      if (ctx.hook == TestHook::Misroute && !g_misroute_fired.exchange(true)) {
        try {
          ch.send(Msg{p + np, 0});  // test hook: a message of a producer this channel does not have
        } catch (const ccb::SendOnClosedChannel&) {
          g_misroute_fired = false;  // not delivered: the next producer tries
        }
      }
      for (uint32_t seq = 0; seq < kMaxPerRound; ++seq) {
        if (stop_producers->load(std::memory_order_relaxed) || !ctx.running()) break;
        try {
          ch.send(Msg{p, seq});
        } catch (const ccb::SendOnClosedChannel&) {
          break;
        }
        me.sent = seq + 1;
        ctx.op();
      }
      producers_wg->done();
      wg.done();
    });
  }
  for (uint32_t k = 0; k < nc; ++k) {
    ccb::go([&ctx, &wg, &round, ch, first, np, drop = ctx.hook == TestHook::Violate && k == 0]() mutable {
      std::vector<int64_t> last(round.producers.size(), -1);
      for (Msg m : ch) {
        if (drop && m.seq == 10 && !g_hook_fired.exchange(true)) continue;  // test hook: lose it
        // Only this channel's producers' messages, and only sequences they can send: a torn or
        // misrouted message (another channel's) is a failure, not an index out of range, and
        // would otherwise pass every check below (session 51's stress review).
        if (!ctx.check(m.producer >= first && m.producer - first < np && m.seq < kMaxPerRound, [&] {
              return "channels: consumer received producer " + std::to_string(m.producer) + "'s sequence " +
                     std::to_string(m.seq) + ", which no producer of its channel (producers " +
                     std::to_string(first) + ".." + std::to_string(first + np - 1) + ", sequences < " +
                     std::to_string(kMaxPerRound) + ") sent (torn or misrouted)";
            }))
          continue;
        ctx.check(static_cast<int64_t>(m.seq) > last[m.producer], [&] {
          return "channels: consumer received producer " + std::to_string(m.producer) + "'s sequence " +
                 std::to_string(m.seq) + " after " + std::to_string(last[m.producer]) + " (order broken)";
        });
        last[m.producer] = m.seq;
        ctx.check(round.producers[m.producer].seen[m.seq].exchange(1) == 0, [&] {
          return "channels: producer " + std::to_string(m.producer) + "'s message " +
                 std::to_string(m.seq) + " received twice (duplicated)";
        });
        ctx.op();
      }
      wg.done();
    });
  }
  // The owner: closes the channel early (racing sends) or after its producers stopped.
  const bool early = rng.chance(3);
  const auto life = std::chrono::microseconds(200 + rng.below(20000));
  ccb::go([&ctx, &wg, &bad_close, ch, stop_producers, producers_wg, early, life]() mutable {
    ccb::sleep_for(life);
    if (!early) {
      stop_producers->store(true);
      producers_wg->wait();
    }
    ch.close();
    try {
      ch.close();
      bad_close.fetch_add(1);
    } catch (const ccb::CloseOfClosedChannel&) {
      ctx.passed();
    }
    ctx.op();
    wg.done();
  });
}

}  // namespace

void run_channels(ScenarioContext& ctx) {
  Rng rng(ctx.seed);
  const uint32_t per_channel = static_cast<uint32_t>(std::max(2, ctx.tasks / 4));
  while (ctx.running()) {
    const uint32_t nch = 1 + static_cast<uint32_t>(rng.below(4));
    std::vector<std::pair<uint32_t, uint32_t>> shape;  // producers, consumers per channel
    uint32_t total = 0;
    for (uint32_t c = 0; c < nch; ++c) {
      uint32_t np = 1 + static_cast<uint32_t>(rng.below(std::min<uint32_t>(8, per_channel)));
      uint32_t nc = 1 + static_cast<uint32_t>(rng.below(std::min<uint32_t>(4, per_channel)));
      shape.emplace_back(np, nc);
      total += np;
    }
    Round round;
    round.producers.resize(total);
    ccb::WaitGroup wg;
    std::atomic<int> bad_close{0};
    uint32_t first = 0;
    for (auto [np, nc] : shape) {
      channel_round(ctx, rng, wg, round, first, np, nc, bad_close);
      first += np;
    }
    ctx.join(wg);
    ctx.check(bad_close.load() == 0, [] { return std::string("channels: second close() did not throw CloseOfClosedChannel"); });
    for (uint32_t p = 0; p < total; ++p) {
      const Round::Producer& pr = round.producers[p];
      for (uint32_t s = 0; s < kMaxPerRound; ++s) {
        const bool seen = pr.seen[s].load(std::memory_order_relaxed) != 0;
        if (seen != (s < pr.sent)) {
          ctx.fail(seen ? "channels: producer " + std::to_string(p) + "'s message " + std::to_string(s) +
                              " was received although its send failed or never happened"
                        : "channels: producer " + std::to_string(p) + "'s message " + std::to_string(s) +
                              " was sent (send returned) but never received (lost); " +
                              std::to_string(pr.sent) + " sent");
          return;
        }
      }
      ctx.passed();
    }
  }
}

}  // namespace ccb::stress
