// common/shell_quote.hpp — quoting for a POSIX shell, for the commands ccbench prints or records
// (the run's invocation in the results context, stress's reproduce line).
#pragma once

#include <string>
#include <vector>

namespace ccb::common {

// shell_quote() quotes `arg` for a POSIX shell when needed (single quotes; a ' inside becomes
// '\''); a word of only safe characters stays as it is. shell_join() quotes and joins argv.
std::string shell_quote(const std::string& arg);
std::string shell_join(const std::vector<std::string>& argv);

}  // namespace ccb::common
