// tests/runtime/select_test.cpp — select semantics (Go's select.go), at procs 1, 2 and 8.
#include <atomic>
#include <thread>

#include "procs_fixture.hpp"

using SelectTest = Procs;
CCB_INSTANTIATE_PROCS(SelectTest);

TEST_P(SelectTest, ChoosesUniformlyAmongReadyCases) {
  run([] {
    ccb::Chan<int> a(1), b(1);
    constexpr int kRounds = 100000;
    int hits[2] = {0, 0};
    for (int i = 0; i < kRounds; ++i) {
      a.try_send(1);
      b.try_send(2);
      int k = ccb::select(ccb::recv_case(a), ccb::recv_case(b));
      ++hits[k];
      // drain the other so both are ready again next round
      (k == 0 ? b : a).try_recv();
    }
    double share = double(hits[0]) / kRounds;
    EXPECT_NEAR(share, 0.5, 0.02) << hits[0] << " vs " << hits[1];
  });
}

TEST_P(SelectTest, DefaultNeverBlocks) {
  run([] {
    ccb::Chan<int> a(0), nil;
    int d = 0;
    for (int i = 0; i < 1000; ++i)
      if (ccb::select(ccb::recv_case(a), ccb::send_case(a, 1), ccb::recv_case(nil), ccb::default_case([&] { ++d; })) == 3) {}
    EXPECT_EQ(d, 1000);
  });
}

TEST_P(SelectTest, BlocksUntilOneCaseFiresAndWithdrawsTheOthers) {
  run([] {
    ccb::Chan<int> a(0), b(0), c(0);
    ccb::go([&] { b.send(42); });
    int got = -1;
    int k = ccb::select(ccb::recv_case(a, [&](std::optional<int> v) { got = *v; }),
                        ccb::recv_case(b, [&](std::optional<int> v) { got = *v; }),
                        ccb::recv_case(c));
    EXPECT_EQ(k, 1);
    EXPECT_EQ(got, 42);
    // The withdrawn waiters must not swallow later values.
    ccb::go([&] { a.send(1); });
    EXPECT_EQ(a.recv(), 1);
  });
}

TEST_P(SelectTest, SendCaseAndClosedChannels) {
  run([] {
    ccb::Chan<int> out(0), closed(0);
    closed.close();
    bool was_closed = false;
    int k = ccb::select(ccb::recv_case(closed, [&](std::optional<int> v) { was_closed = !v; }));
    EXPECT_EQ(k, 0);
    EXPECT_TRUE(was_closed);
    EXPECT_THROW(ccb::select(ccb::send_case(closed, 1)), ccb::SendOnClosedChannel);
    ccb::go([&] { EXPECT_EQ(out.recv(), 5); });
    bool sent = false;
    EXPECT_EQ(ccb::select(ccb::send_case(out, 5, [&] { sent = true; })), 0);
    EXPECT_TRUE(sent);
  });
}

TEST_P(SelectTest, ManySelectorsConserveMessages) {
  run([] {
    constexpr int kChans = 4, kPer = 5000, kConsumers = 3;
    std::vector<ccb::Chan<long>> chans;
    for (int i = 0; i < kChans; ++i) chans.emplace_back(i % 2 ? 0 : 8);
    ccb::Chan<long> done(kConsumers);
    for (int c = 0; c < kChans; ++c)
      ccb::go([&, c] {
        for (int i = 0; i < kPer; ++i) chans[c].send(long{c} * kPer + i);
        chans[c].close();
      });
    for (int w = 0; w < kConsumers; ++w)
      ccb::go([&] {
        std::vector<ccb::Chan<long>> mine = chans;
        long sum = 0;
        int open = kChans;
        while (open > 0) {
          auto on = [&](int i) {
            return [&, i](std::optional<long> v) {
              if (v) sum += *v; else { mine[i] = ccb::Chan<long>(); --open; }
            };
          };
          ccb::select(ccb::recv_case(mine[0], on(0)), ccb::recv_case(mine[1], on(1)),
                      ccb::recv_case(mine[2], on(2)), ccb::recv_case(mine[3], on(3)));
        }
        done.send(sum);
      });
    long total = 0;
    for (int w = 0; w < kConsumers; ++w) total += *done.recv();
    long n = long{kChans} * kPer;
    EXPECT_EQ(total, n * (n - 1) / 2);
  });
}

TEST_P(SelectTest, SelectSendAgainstSelectRecv) {
  run([] {
    ccb::Chan<int> ch(0), quit(0);
    constexpr int kN = 20000;
    // The task holds its own handles (Chan is shared like a Go channel value): after main's last
    // select it may still be unlinking its waiters from both channels while main's handles are
    // already gone (ThreadSanitizer reported the use after free when it captured them by reference).
    ccb::go([ch, quit]() mutable {
      for (int i = 0; i < kN; ++i) ccb::select(ccb::send_case(ch, i), ccb::recv_case(quit));
    });
    long sum = 0;
    for (int i = 0; i < kN; ++i)
      ccb::select(ccb::recv_case(ch, [&](std::optional<int> v) { sum += *v; }), ccb::recv_case(quit));
    EXPECT_EQ(sum, long{kN} * (kN - 1) / 2);
  });
}

// Outside a task (no worker), select still chooses at random among ready cases: fast_rand() keeps
// a per-thread state, seeded per thread; it used a fixed seed that never advanced (always case 0).
TEST(SelectOutsideATask, ChoosesAtRandomAmongReadyCases) {
  auto pick = [] {
    ccb::Chan<int> a(1), b(1);
    int hits[2] = {0, 0};
    for (int i = 0; i < 1000; ++i) {
      if (a.len() == 0) a.try_send(0);
      if (b.len() == 0) b.try_send(1);
      int k = ccb::select(ccb::recv_case(a), ccb::recv_case(b), ccb::default_case());
      ASSERT_LT(k, 2);
      ++hits[k];
    }
    EXPECT_GE(hits[0], 100) << hits[0] << " vs " << hits[1];
    EXPECT_GE(hits[1], 100) << hits[0] << " vs " << hits[1];
  };
  pick();
  std::thread(pick).join();  // another plain thread, its own state
}
