// common/table_notes.hpp — which of a results entry's notes the tables (run's console table and
// markdown, the report's workload tables) mark and list under them: those about what the table
// shows. A note about a field no table shows stays in the JSON only; today that is the Go
// backend's "cpu_time is the Go child's CPU time over its whole life ...", which every Go entry
// carries and which marked every Go cell with a footnote that said nothing about its number.
#pragma once

#include <string_view>

namespace ccb::common {

// note_for_tables() is false for a note about `cpu_time` (no table shows CPU time).
inline bool note_for_tables(std::string_view note) { return note.rfind("cpu_time ", 0) != 0; }

}  // namespace ccb::common
