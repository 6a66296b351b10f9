// tests/runtime/chan_test.cpp — channel semantics (Go's chan.go), at procs 1, 2 and 8.
#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "procs_fixture.hpp"
#include "thrown_text.hpp"

using ChanTest = Procs;
CCB_INSTANTIATE_PROCS(ChanTest);

TEST_P(ChanTest, UnbufferedSendBlocksUntilReceive) {
  run([] {
    ccb::Chan<int> ch(0);
    std::atomic<bool> sent{false};
    ccb::WaitGroup wg;
    wg.add(1);
    ccb::go([&] {
      ch.send(7);
      sent = true;
      wg.done();
    });
    // The sender cannot complete before a receive exists: let it run as long as it wants.
    for (int i = 0; i < 100; ++i) ccb::yield();
    ccb::sleep_for(std::chrono::milliseconds(2));
    EXPECT_FALSE(sent.load());
    EXPECT_EQ(ch.recv(), 7);
    wg.wait();
    EXPECT_TRUE(sent.load());
  });
}

TEST_P(ChanTest, BufferedIsFifoAndBlocksWhenFull) {
  run([] {
    ccb::Chan<int> ch(3);
    EXPECT_EQ(ch.cap(), 3u);
    for (int i = 0; i < 3; ++i) EXPECT_TRUE(ch.try_send(i));
    EXPECT_FALSE(ch.try_send(99));
    EXPECT_EQ(ch.len(), 3u);
    for (int i = 0; i < 3; ++i) EXPECT_EQ(ch.recv(), i);
    auto [ok, v] = ch.try_recv();
    EXPECT_FALSE(ok);
    EXPECT_FALSE(v.has_value());
  });
}

TEST_P(ChanTest, PerProducerFifoWithManyProducers) {
  for (int cap : {0, 16}) {
    run([cap] {
      constexpr int kProducers = 8, kPer = 5000;
      ccb::Chan<std::pair<int, int>> ch(static_cast<std::size_t>(cap));
      ccb::WaitGroup wg;
      for (int p = 0; p < kProducers; ++p) {
        wg.add(1);
        ccb::go([&, p] {
          for (int i = 0; i < kPer; ++i) ch.send({p, i});
          wg.done();
        });
      }
      ccb::go([&] {
        wg.wait();
        ch.close();
      });
      std::vector<int> next(kProducers, 0);
      long total = 0;
      for (auto [p, i] : ch) {
        ASSERT_EQ(i, next[p]) << "producer " << p << " out of order";
        ++next[p];
        ++total;
      }
      EXPECT_EQ(total, long{kProducers} * kPer);
    });
  }
}

TEST_P(ChanTest, CloseWakesAllReceiversAndFailsBlockedSenders) {
  run([] {
    ccb::Chan<int> rx(0), tx(0);
    std::atomic<int> got_closed{0}, send_failed{0};
    ccb::WaitGroup wg;
    for (int i = 0; i < 10; ++i) {
      wg.add(2);
      ccb::go([&] {
        if (!rx.recv()) ++got_closed;
        wg.done();
      });
      ccb::go([&] {
        try {
          tx.send(1);
        } catch (const ccb::SendOnClosedChannel&) {
          ++send_failed;
        }
        wg.done();
      });
    }
    ccb::sleep_for(std::chrono::milliseconds(5));
    rx.close();
    tx.close();
    wg.wait();
    EXPECT_EQ(got_closed.load(), 10);
    EXPECT_EQ(send_failed.load(), 10);
  });
}

TEST_P(ChanTest, ClosedBufferedChannelDrainsThenReportsClosed) {
  run([] {
    ccb::Chan<std::string> ch(4);
    ch.send("a");
    ch.send("b");
    ch.close();
    EXPECT_EQ(ch.recv(), "a");
    EXPECT_EQ(ch.recv(), "b");
    EXPECT_EQ(ch.recv(), std::nullopt);
    auto [ok, v] = ch.try_recv();
    EXPECT_TRUE(ok);
    EXPECT_FALSE(v.has_value());
  });
}

TEST_P(ChanTest, MisuseThrowsGoPanics) {
  run([] {
    ccb::Chan<int> ch(1);
    ch.close();
    try {
      ch.send(1);
      ADD_FAILURE() << "send on closed channel did not throw";
    } catch (const ccb::SendOnClosedChannel& e) {
      EXPECT_STREQ(e.what(), "send on closed channel");
    }
    EXPECT_THROW(ch.try_send(1), ccb::SendOnClosedChannel);
    try {
      ch.close();
      ADD_FAILURE() << "close of closed channel did not throw";
    } catch (const ccb::CloseOfClosedChannel& e) {
      EXPECT_STREQ(e.what(), "close of closed channel");
    }
    ccb::Chan<int> nil;
    EXPECT_TRUE(nil.is_nil());
    try {
      nil.close();
      ADD_FAILURE() << "close of nil channel did not throw";
    } catch (const ccb::CloseOfNilChannel& e) {
      EXPECT_STREQ(e.what(), "close of nil channel");
    }
    EXPECT_FALSE(nil.try_send(1));
    EXPECT_FALSE(nil.try_recv().first);
  });
}

// Go's makechan panics "makechan: size out of range" for a negative size or a buffer over maxAlloc
// (2^48 bytes); `make(chan int, -1)`, `1 << 50` and `1 << 62` all recover that text (go1.19).
// Chan(cap) took a negative int as a huge size_t and threw std::bad_alloc (not a ccb::Panic), and
// tried to allocate 8 PiB for 1 << 50. The check needs no task: it throws before allocating.
TEST(ChanMisuse, CapacityOverGosLimitThrowsMakechanPanic) {
  const std::string want = "makechan: size out of range";
  EXPECT_EQ(thrown_text<ccb::InvalidArgument>([] { ccb::Chan<int> c(static_cast<std::size_t>(-1)); }), want);
  EXPECT_EQ(thrown_text<ccb::InvalidArgument>([] { ccb::Chan<int> c(std::size_t{1} << 50); }), want);
  EXPECT_EQ(thrown_text<ccb::InvalidArgument>([] { ccb::Chan<char> c((std::size_t{1} << 48) - 8); }), want);
  int n = -1;
  EXPECT_EQ(thrown_text<ccb::InvalidArgument>([n] { ccb::Chan<long> c(n); }), want);
  ccb::Chan<char> ok(1 << 20);  // far below the limit: an ordinary buffer
  EXPECT_EQ(ok.cap(), std::size_t{1} << 20);
}

TEST_P(ChanTest, DirectionalViewsAndMoveOnlyValues) {
  run([] {
    ccb::Chan<std::unique_ptr<int>> ch(0);
    ccb::SendChan<std::unique_ptr<int>> out = ch;
    ccb::RecvChan<std::unique_ptr<int>> in = ch;
    ccb::go([out]() mutable {
      for (int i = 0; i < 100; ++i) out.send(std::make_unique<int>(i));
      out.close();
    });
    int expect = 0;
    for (auto& p : in) EXPECT_EQ(*p, expect++);
    EXPECT_EQ(expect, 100);
  });
}

// Regression: RecvChan::chan() and SendChan::chan() handed back the Chan<T>, so a receive-only view
// could be closed or sent on (closing a Timer's c() that way made its next fire terminate the
// process; closing a Context's done() left err() empty with done closed), and a send-only view
// received from. In Go these do not compile; here neither do they. Views still compare like Go's
// channel values.
template <class V>
concept Closable = requires(V v) { v.close(); };
template <class V>
concept Sendable = requires(V v) { v.send(1); };
template <class V>
concept Receivable = requires(V v) { v.recv(); };
template <class V>
concept GivesBackTheChan = requires(V v) { v.chan(); };
static_assert(!Closable<ccb::RecvChan<int>> && !Sendable<ccb::RecvChan<int>> && Receivable<ccb::RecvChan<int>>);
static_assert(Closable<ccb::SendChan<int>> && Sendable<ccb::SendChan<int>> && !Receivable<ccb::SendChan<int>>);
static_assert(!GivesBackTheChan<ccb::RecvChan<int>> && !GivesBackTheChan<ccb::SendChan<int>>);

TEST(ChanViews, CompareEqualWhenTheyNameTheSameChannel) {
  ccb::Chan<int> a(1), b(1);
  ccb::RecvChan<int> ra = a, ra2 = a, rb = b, nil;
  ccb::SendChan<int> sa = a, sb = b;
  EXPECT_TRUE(ra == ra2);
  EXPECT_FALSE(ra == rb);
  EXPECT_TRUE(ra == a);  // a Chan converts, as in Go's comparison of chan T with <-chan T
  EXPECT_TRUE(nil == ccb::RecvChan<int>());
  EXPECT_FALSE(nil == ra);
  EXPECT_TRUE(sa == ccb::SendChan<int>(a));
  EXPECT_FALSE(sa == sb);
}

TEST(ChanOutsideTask, BlockingOpOutsideRunThrowsNotInTask) {
  ccb::Chan<int> ch(0);
  EXPECT_THROW(ch.send(1), ccb::NotInTask);
  EXPECT_THROW(ch.recv(), ccb::NotInTask);
  ccb::Chan<int> buf(1);
  EXPECT_TRUE(buf.try_send(1));  // non-blocking ops work anywhere
  EXPECT_EQ(buf.try_recv().second, 1);
}

// detail::engaged() (chan.hpp) builds small optionals from their bytes; it must agree with
// std::optional's own constructor for every kind of small trivially copyable value, and values of
// those types must come through buffered (recv's fast path) and unbuffered channels intact.
struct Small3 { char a, b, c; bool operator==(const Small3&) const = default; };
struct Pair12 { int32_t x; int64_t y; bool operator==(const Pair12&) const = default; };

template <class T>
void expect_engaged_matches(T v) {
  const std::optional<T> built = ccb::detail::engaged(T(v));
  ASSERT_TRUE(built.has_value());
  EXPECT_TRUE(*built == v);
  EXPECT_TRUE(built == std::optional<T>(v));
  // rebuilt() (recv_slow's return) gives back the same optional, engaged or empty; the emptied
  // one still holds v's bytes, which must not make it engaged.
  std::optional<T> full(v);
  const std::optional<T> again = ccb::detail::rebuilt(std::move(full));
  ASSERT_TRUE(again.has_value());
  EXPECT_TRUE(*again == v);
  std::optional<T> emptied(v);
  emptied.reset();
  EXPECT_FALSE(ccb::detail::rebuilt(std::move(emptied)).has_value());
  EXPECT_FALSE(ccb::detail::rebuilt(std::optional<T>()).has_value());
}

TEST(ChanEngaged, MatchesOptionalsConstructorAndRebuiltKeepsTheFlag) {
  static_assert(ccb::detail::EngagedRep<long>::ok && ccb::detail::EngagedRep<int>::ok &&
                ccb::detail::EngagedRep<char>::ok && ccb::detail::EngagedRep<double>::ok &&
                ccb::detail::EngagedRep<int*>::ok && ccb::detail::EngagedRep<Pair12>::ok);
  static_assert(!ccb::detail::EngagedRep<std::string>::ok);
  int x = 0;
  expect_engaged_matches<char>('q');
  expect_engaged_matches<int16_t>(-3);
  expect_engaged_matches<int>(-123456);
  expect_engaged_matches<long>(0x7eadbeefcafef00dL);
  expect_engaged_matches<double>(-2.5);
  expect_engaged_matches<int*>(&x);
  expect_engaged_matches<Small3>({'a', 'b', 'c'});
  expect_engaged_matches<Pair12>({-7, 1LL << 40});
  expect_engaged_matches<std::string>("not small");
}

template <class T>
void expect_round_trip(std::size_t cap, T v) {
  ccb::Chan<T> ch(cap);
  ccb::go([ch, v]() mutable {
    for (int i = 0; i < 300; ++i) ch.send(v);
    ch.close();
  });
  int n = 0;
  for (;;) {
    std::optional<T> got = ch.recv();
    if (!got) break;
    EXPECT_TRUE(*got == v);
    ++n;
  }
  EXPECT_EQ(n, 300);
}

TEST_P(ChanTest, SmallValuesSurviveBufferedAndUnbufferedChannels) {
  run([] {
    for (std::size_t cap : {0, 1, 64}) {
      expect_round_trip<char>(cap, 'z');
      expect_round_trip<int>(cap, -42);
      expect_round_trip<long>(cap, -0x123456789abL);
      expect_round_trip<double>(cap, 3.25);
      expect_round_trip<Small3>(cap, {'x', 'y', 'z'});
      expect_round_trip<Pair12>(cap, {9, -(1LL << 50)});
      expect_round_trip<std::string>(cap, std::string(40, 's'));
    }
  });
}
