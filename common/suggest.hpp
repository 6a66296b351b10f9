// common/suggest.hpp — "did you mean" for a mistyped name: the one valid name close to what was
// typed, for messages such as "unknown workload 'pingpng' (did you mean 'pingpong'?)".
// Guarantees: closest_name() never suggests a name equal to the typed one and never picks between
// equally close names (it returns "" instead); distances ignore ASCII case, so "Skynet" gets
// "skynet".
#pragma once

#include <string>
#include <vector>

namespace ccb::common {

// closest_name() is the name in `names` nearest to `typed` when that one is clearly meant, else "":
//  - the one name at the least edit distance (insertions, deletions, substitutions and swaps of
//    two neighbouring characters each count 1), if that distance is at most 1 for typed names of
//    up to 5 characters and at most 2 for longer ones; or, failing that,
//  - the one name that `typed` (3 characters or more) is a prefix of ("--rep" -> "--repetitions").
std::string closest_name(const std::string& typed, const std::vector<std::string>& names);

// did_you_mean() is " (did you mean 'NAME'?)" for closest_name()'s answer, or "" when it has none.
std::string did_you_mean(const std::string& typed, const std::vector<std::string>& names);

}  // namespace ccb::common
