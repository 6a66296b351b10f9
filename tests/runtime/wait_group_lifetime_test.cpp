// tests/runtime/wait_group_lifetime_test.cpp — a WaitGroup may be destroyed as soon as wait()
// returns: no done() still uses it. Regression: the last done() used to set the counter to zero
// and only then lock the WaitGroup to wake waiters, so a waiter whose wait() saw zero could
// return and destroy it under that done() (a heap WaitGroup makes ASan report the access; TSan
// reported it in `ccbench stress`, where WaitGroups are reused on the same stack slot).
#include <atomic>

#include "procs_fixture.hpp"

using WaitGroupLifetime = Procs;
CCB_INSTANTIATE_PROCS(WaitGroupLifetime);

TEST_P(WaitGroupLifetime, DestroyingRightAfterWaitIsSafe) {
  run([] {
    for (int round = 0; round < 3000 / kTsanDivisor; ++round) {
      auto* wg = new ccb::WaitGroup;
      wg->add(2);
      ccb::go([wg] { wg->done(); });
      ccb::go([wg] { ccb::yield(); wg->done(); });
      wg->wait();
      EXPECT_EQ(wg->count(), 0);
      delete wg;
    }
  });
}
