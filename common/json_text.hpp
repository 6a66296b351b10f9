// common/json_text.hpp — the one way ccbench serialises an nlohmann JSON document to text.
// Guarantees: never throws on string content; bytes that are not valid UTF-8 (file names, argv
// and other command-line text may hold any bytes, e.g. a Latin-1 "--out résultats.json") become
// U+FFFD instead of nlohmann's type_error.316. Header-only, so ccb_common does not link nlohmann:
// the includer already has it.
#pragma once

#include <string>

namespace ccb::common {

// json_text() is j.dump(2) + "\n" with invalid UTF-8 replaced by U+FFFD. `Json` is any
// nlohmann::basic_json (json or ordered_json).
template <class Json>
std::string json_text(const Json& j) {
  return j.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

}  // namespace ccb::common
