// harness/stress/select.cpp — the `select` scenario. Each round, 2..6 never-closed channels with
// capacities 0, 1 or 4 and --tasks tasks that loop over selects on random channel pairs: send +
// receive + default, send + receive + timeout (ccb::after), receive + receive + timeout, or a
// blocking receive/send pair raced against a timeout. Every payload carries a checksum.
// Invariants:
//  - continuously: every received payload's checksum matches (no torn or invented values), and
//    each select runs the callback of the one case it returns, and no other;
//  - end of round: after draining the buffers, values sent == values received + drained, as a
//    count and as a sum (totals conserved: nothing lost, nothing duplicated).
// Test hook `double-select`: one select of case 0 that sent also receives from its case 1 channel.
#include "harness/stress/scenario.hpp"

namespace ccb::stress {

namespace {

struct Payload {
  uint64_t v = 0;
  uint64_t check = 0;
  static Payload of(uint64_t v) { return {v, v * 0x9E3779B97F4A7C15ULL ^ 0xC0FFEEULL}; }
  bool ok() const { return check == (v * 0x9E3779B97F4A7C15ULL ^ 0xC0FFEEULL); }
};

struct Totals {
  std::atomic<uint64_t> sent_n{0}, sent_sum{0}, recv_n{0}, recv_sum{0};
};

std::atomic<bool> g_double_select_fired{false};

void select_task(ScenarioContext& ctx, std::vector<ccb::Chan<Payload>>& chans, Totals& totals, uint64_t seed) {
  Rng rng(seed);
  uint64_t sent_n = 0, sent_sum = 0, recv_n = 0, recv_sum = 0;
  unsigned fired = 0;  // the cases of the current select whose callback ran, one bit each
  const auto one_case_ran = [&](int chosen) {
    ctx.check(fired == 1u << chosen, [&] {
      std::string ran;
      for (int i = 0; i < 3; ++i)
        if (fired & (1u << i)) ran += (ran.empty() ? "" : ", ") + std::to_string(i);
      return "select: case " + std::to_string(chosen) + " was chosen, but the callbacks of cases {" + ran +
             "} ran (a select runs exactly one case)";
    });
  };
  auto on_recv = [&](std::optional<Payload> p) {
    ctx.check(p.has_value() && p->ok(), [&] {
      return std::string("select: received a payload with a bad checksum (value ") +
             (p ? std::to_string(p->v) : std::string("none")) + ")";
    });
    if (p) {
      ++recv_n;
      recv_sum += p->v;
    }
  };
  while (ctx.running()) {
    ccb::Chan<Payload>& a = chans[rng.below(chans.size())];
    ccb::Chan<Payload>& b = chans[rng.below(chans.size())];
    const uint64_t v = rng.next() >> 20;
    auto on_sent = [&] {
      ++sent_n;
      sent_sum += v;
    };
    const auto timeout = std::chrono::microseconds(20 + rng.below(300));
    // The callbacks mark the case they belong to: a select that carries out two cases (sends on a
    // and receives from b) keeps the totals balanced, and only `fired` shows it.
    fired = 0;
    const auto sent_as = [&](unsigned i) {
      return [&, i] {
        fired |= 1u << i;
        on_sent();
      };
    };
    const auto recv_as = [&](unsigned i) {
      return [&, i](std::optional<Payload> p) {
        fired |= 1u << i;
        on_recv(p);
      };
    };
    const auto timed_out_as = [&](unsigned i) {
      return [&, i](std::optional<ccb::Clock::time_point>) { fired |= 1u << i; };
    };
    switch (rng.below(4)) {
      case 0: {
        const int chosen = ccb::select(ccb::send_case(a, Payload::of(v), sent_as(0)), ccb::recv_case(b, recv_as(1)),
                                       ccb::default_case([&] { fired |= 1u << 2; }));
        if (ctx.hook == TestHook::DoubleSelect && chosen == 0 && !g_double_select_fired.exchange(true)) {
          auto [got, p] = b.try_recv();  // test hook: carry out case 1 as well
          if (got) recv_as(1)(p);
          else fired |= 1u << 1;
        }
        one_case_ran(chosen);
        break;
      }
      case 1:
        one_case_ran(ccb::select(ccb::send_case(a, Payload::of(v), sent_as(0)), ccb::recv_case(b, recv_as(1)),
                                 ccb::recv_case(ccb::after(timeout), timed_out_as(2))));
        break;
      case 2:
        one_case_ran(ccb::select(ccb::recv_case(a, recv_as(0)), ccb::recv_case(b, recv_as(1)),
                                 ccb::recv_case(ccb::after(timeout), timed_out_as(2))));
        break;
      default:
        if (rng.chance(2)) {
          if (a.try_send(Payload::of(v))) on_sent();
        } else {
          auto [got, p] = b.try_recv();
          if (got) on_recv(p);
        }
        ccb::yield();
        break;
    }
    ctx.op();
  }
  totals.sent_n += sent_n;
  totals.sent_sum += sent_sum;
  totals.recv_n += recv_n;
  totals.recv_sum += recv_sum;
}

}  // namespace

void run_select(ScenarioContext& ctx) {
  Rng rng(ctx.seed);
  // Rounds of ~50 ms so that the conservation check runs often.
  while (ctx.running()) {
    static constexpr std::size_t kCaps[] = {0, 1, 4};
    std::vector<ccb::Chan<Payload>> chans;
    const std::size_t n = 2 + rng.below(5);
    for (std::size_t i = 0; i < n; ++i) chans.emplace_back(kCaps[rng.below(3)]);
    Totals totals;
    ScenarioContext* outer = &ctx;
    auto round_stop = std::make_shared<ScenarioContext>(ctx.seed, ctx.tasks, ctx.hook, ctx.exclusive);
    ccb::WaitGroup wg;
    const int tasks = std::max(2, ctx.tasks);
    wg.add(tasks);
    // Tasks run against a round context whose stop follows the outer one or the round's end;
    // progress and checks are forwarded to the outer context.
    for (int t = 0; t < tasks; ++t)
      ccb::go([&, s = rng.next()] {
        select_task(*round_stop, chans, totals, s);
        wg.done();
      });
    const auto round_end = ccb::Clock::now() + std::chrono::milliseconds(20 + rng.below(60));
    uint64_t seen_progress = 0, seen_checks = 0;
    // forward() reads each counter once: reading it again to remember it lost what the tasks
    // added in between (session 51's stress review: 2 ops lost in 2 s).
    const auto forward = [&] {
      const uint64_t progress = round_stop->progress(), checks = round_stop->checks();
      outer->op(progress - seen_progress);
      outer->passed(checks - seen_checks);
      seen_progress = progress;
      seen_checks = checks;
    };
    while (ccb::Clock::now() < round_end && outer->running() && round_stop->running()) {
      ccb::sleep_for(std::chrono::milliseconds(1));
      forward();
    }
    round_stop->request_stop();
    while (wg.count() > 0) {
      ccb::sleep_for(std::chrono::microseconds(200));
      forward();
    }
    wg.wait();  // the last done() may still be inside wg
    forward();
    if (round_stop->failed()) {
      outer->fail(round_stop->failure());
      return;
    }
    uint64_t drained_n = 0, drained_sum = 0;
    for (auto& c : chans) {
      for (;;) {
        auto [got, p] = c.try_recv();
        if (!got || !p) break;
        ++drained_n;
        drained_sum += p->v;
      }
    }
    ctx.check(totals.sent_n.load() == totals.recv_n.load() + drained_n &&
                  totals.sent_sum.load() == totals.recv_sum.load() + drained_sum,
              [&] {
                return "select: totals not conserved: sent " + std::to_string(totals.sent_n.load()) +
                       " values (sum " + std::to_string(totals.sent_sum.load()) + "), received " +
                       std::to_string(totals.recv_n.load()) + " + drained " + std::to_string(drained_n) +
                       " (sum " + std::to_string(totals.recv_sum.load()) + " + " + std::to_string(drained_sum) + ")";
              });
  }
}

}  // namespace ccb::stress
