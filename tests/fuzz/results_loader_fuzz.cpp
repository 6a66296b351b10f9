// tests/fuzz/results_loader_fuzz.cpp — libFuzzer target for the results loader
// (reports/results_loader.hpp): any byte string given to parse_results() must either load or throw
// ccb::reports::InputError — never crash, hang, trip ASan/UBSan, or throw anything else (an
// escaping exception aborts the fuzzer, which reports the input). Loaded results must be finite.
// Built only with a compiler that supports -fsanitize=fuzzer (the `fuzz` preset: clang++).
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#include "reports/results_loader.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    ccb::reports::Results r = ccb::reports::parse_results(text, "fuzz.json");
    for (const auto& p : r.benchmarks)
      for (double s : p.samples_ns)
        if (!std::isfinite(s) || s < 0) std::abort();
  } catch (const ccb::reports::InputError&) {
    // the expected outcome for a bad file
  }
  return 0;
}
