// tests/workloads/thread_chan_test.cpp — ThreadChan (workloads/threads/thread_chan.hpp), the
// channel of the threads impls: unbuffered send returns only after the value was taken; buffered
// holds `cap` values; close drains then yields nullopt; send on closed throws; thread_select
// wakes on a value from any channel and reports closes.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "workloads/threads/thread_chan.hpp"

namespace ccb::workloads::threads {
namespace {

TEST(ThreadChan, UnbufferedSendReturnsOnlyAfterTheValueWasTaken) {
  ThreadChan<int> ch(0);
  std::atomic<bool> sent{false};
  std::thread t([&] {
    ch.send(7);
    sent = true;
  });
  // No receiver has taken the value yet, so try_recv finds it in the slot; until then the sender
  // cannot have returned.
  std::pair<bool, std::optional<int>> got{false, std::nullopt};
  while (!got.first) {
    EXPECT_FALSE(sent.load());
    got = ch.try_recv();
  }
  t.join();
  EXPECT_TRUE(sent.load());
  EXPECT_EQ(got.second, 7);
}

TEST(ThreadChan, BufferedHoldsCapValuesThenCloseDrains) {
  ThreadChan<int> ch(2);
  ch.send(1);
  ch.send(2);
  ch.close();
  EXPECT_EQ(ch.recv(), 1);
  EXPECT_EQ(ch.recv(), 2);
  EXPECT_EQ(ch.recv(), std::nullopt);
  EXPECT_THROW(ch.send(3), std::logic_error);
  EXPECT_THROW(ch.close(), std::logic_error);
}

TEST(ThreadChan, TryRecvOnEmptyWouldBlock) {
  ThreadChan<int> ch(1);
  EXPECT_FALSE(ch.try_recv().first);
  ch.close();
  auto r = ch.try_recv();
  EXPECT_TRUE(r.first);
  EXPECT_EQ(r.second, std::nullopt);
}

TEST(ThreadSelect, ReceivesFromEveryChannelUntilAllClosed) {
  SelectSignal sig;
  ThreadChan<int> a(0, &sig), b(0, &sig);
  std::thread pa([&] { for (int i = 0; i < 100; ++i) a.send(1); a.close(); });
  std::thread pb([&] { for (int i = 0; i < 100; ++i) b.send(2); b.close(); });
  std::vector<ThreadChan<int>*> chans{&a, &b};
  std::size_t rotor = 0;
  int sum = 0;
  for (int open = 2; open > 0;) {
    auto [i, v] = thread_select(chans, sig, rotor);
    if (v) {
      sum += *v;
    } else {
      chans[static_cast<std::size_t>(i)] = nullptr;
      --open;
    }
  }
  pa.join();
  pb.join();
  EXPECT_EQ(sum, 300);
}

}  // namespace
}  // namespace ccb::workloads::threads
