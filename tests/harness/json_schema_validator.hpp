// tests/harness/json_schema_validator.hpp — a validator for the subset of JSON Schema (draft
// 2020-12) that reports/results.schema.json uses, so tests need no Python package.
// Supported keywords: $schema $id $comment title description $defs $ref (local "#/…" pointers),
// type (name or array), enum, const, properties, required, additionalProperties (bool or schema),
// items (schema), minItems, maxItems, minimum, maximum, exclusiveMinimum, minLength, pattern,
// allOf, anyOf, not, if/then/else. `pattern` is evaluated as POSIX ERE (searched), which agrees
// with JSON Schema's ECMA-262 for the syntax the schema uses (anchors, classes, groups, |, {n}).
// Guarantees: any other keyword throws std::invalid_argument (a schema can never silently use
// a keyword this validator ignores); "integer" accepts integral floats, as the spec says.
#pragma once

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace ccb::test {

// validate_json() returns one message per violation ("<path>: <what>"); empty means valid.
// Throws std::invalid_argument for an unsupported keyword or an unresolvable $ref.
std::vector<std::string> validate_json(const nlohmann::json& schema, const nlohmann::json& instance);

}  // namespace ccb::test
