// tests/runtime/debug_test.cpp — ccb/debug.hpp: dump_tasks() from a non-task thread while run()
// is active lists every blocked task with what it waits on; live_tasks() counts tasks from a task
// and from another thread and returns to the baseline when tasks exit; repeated dumps while tasks
// spawn, park and exit (the TSan run checks that this is race-free); nothing is listed outside run.
#include <ccb/debug.hpp>

#include <atomic>
#include <string>
#include <thread>

#include "procs_fixture.hpp"

using DebugTest = Procs;
CCB_INSTANTIATE_PROCS(DebugTest);

namespace {
int count_of(const std::string& s, const std::string& what) {
  int n = 0;
  for (std::size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}

// wait_for() lets the runtime run (sleeping) until done is set by another thread.
void wait_for(const std::atomic<bool>& done) {
  while (!done.load()) ccb::sleep_for(std::chrono::microseconds(200));
}
}  // namespace

TEST_P(DebugTest, DumpFromAnotherThreadListsBlockedTasks) {
  run([] {
    ccb::Chan<int> ch(0);
    ccb::Mutex mu;
    mu.lock();
    ccb::WaitGroup wg;
    wg.add(7);
    for (int i = 0; i < 5; ++i) ccb::go([&] { ch.recv(); wg.done(); });
    for (int i = 0; i < 2; ++i) ccb::go([&] { mu.lock(); mu.unlock(); wg.done(); });
    // Let all seven block.
    while (ccb::debug::live_tasks() != 8 ||
           count_of(ccb::debug::dump_tasks(), "chan receive") + count_of(ccb::debug::dump_tasks(), "sync.Mutex.Lock") < 7)
      ccb::sleep_for(std::chrono::microseconds(100));
    std::string dump;
    uint64_t live_outside = 0;
    std::atomic<bool> done{false};
    std::thread watchdog([&] {
      dump = ccb::debug::dump_tasks();
      live_outside = ccb::debug::live_tasks();
      done = true;
    });
    wait_for(done);
    watchdog.join();
    EXPECT_EQ(count_of(dump, "chan receive"), 5) << dump;
    EXPECT_EQ(count_of(dump, "sync.Mutex.Lock"), 2) << dump;
    EXPECT_NE(dump.find("live tasks: 8"), std::string::npos) << dump;
    EXPECT_EQ(live_outside, 8u);
    ch.close();
    mu.unlock();
    wg.wait();
    while (ccb::debug::live_tasks() != 1) ccb::yield();  // back to the baseline: main only
  });
}

TEST_P(DebugTest, DumpsWhileTasksChurn) {
  std::atomic<bool> stop{false};
  std::atomic<int> dumps{0};
  std::thread watchdog;
  run([&] {
    watchdog = std::thread([&] {
      while (!stop.load()) {
        std::string d = ccb::debug::dump_tasks();
        EXPECT_EQ(d.rfind("live tasks: ", 0), 0u) << d;
        ccb::debug::live_tasks();
        dumps.fetch_add(1);
      }
    });
    ccb::Chan<int> ch(2);
    for (int round = 0; round < 200 / kTsanDivisor || dumps.load() < 5; ++round) {
      ccb::WaitGroup wg;
      wg.add(20);
      for (int i = 0; i < 20; ++i)
        ccb::go([&, i] {
          if (i % 2 == 0) ch.send(i); else ch.recv();
          wg.done();
        });
      wg.wait();
    }
    stop = true;
  });
  watchdog.join();
  EXPECT_GE(dumps.load(), 5);
}

TEST(DebugOutsideRun, NothingIsListed) {
  EXPECT_EQ(ccb::debug::live_tasks(), 0u);
  std::string d = ccb::debug::dump_tasks();
  EXPECT_EQ(d, "live tasks: 0 (0 running, 0 runnable, 0 blocked)\n");
}
