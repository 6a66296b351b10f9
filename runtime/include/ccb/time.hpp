// ccb/time.hpp — time for tasks: sleeping parks the task (not the worker) on the runtime's timer
// heap; idle workers sleep until the next deadline, so only sleeping tasks use ~0% CPU.
// Durations <= 0 return at once (Go's time.Sleep). Throws NotInTask outside a task.
#pragma once

#include <chrono>

namespace ccb {

using Clock = std::chrono::steady_clock;

void sleep_for(std::chrono::nanoseconds d);
void sleep_until(Clock::time_point t);

}  // namespace ccb
