// ccb/runtime.hpp — the umbrella header of the ccbench concurrency runtime: Go's model in C++.
#pragma once

#include "ccb/chan.hpp"
#include "ccb/cond.hpp"
#include "ccb/context.hpp"
#include "ccb/errors.hpp"
#include "ccb/mutex.hpp"
#include "ccb/once.hpp"
#include "ccb/patterns.hpp"
#include "ccb/rate.hpp"
#include "ccb/run.hpp"
#include "ccb/rw_mutex.hpp"
#include "ccb/select.hpp"
#include "ccb/time.hpp"
#include "ccb/wait_group.hpp"
