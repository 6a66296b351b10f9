// tests/harness/json_schema_validator.cpp — see json_schema_validator.hpp.
#include "json_schema_validator.hpp"

#include <cmath>
#include <set>
#include <stdexcept>

#include "harness/posix_regex.hpp"

namespace ccb::test {

namespace {

using json = nlohmann::json;

const std::set<std::string> kKeywords = {
    "$schema", "$id", "$comment", "title", "description", "$defs", "$ref", "type", "enum",
    "const", "properties", "required", "additionalProperties", "items", "minItems", "maxItems",
    "minimum", "maximum", "exclusiveMinimum", "minLength", "pattern", "allOf", "anyOf", "not",
    "if", "then", "else"};

class Validator {
 public:
  explicit Validator(const json& root) : root_(root) {}

  void check(const json& schema, const json& v, const std::string& path, std::vector<std::string>& errs) {
    if (schema.is_boolean()) {
      if (!schema.get<bool>()) errs.push_back(path + ": no value is allowed here");
      return;
    }
    for (const auto& [k, _] : schema.items())
      if (!kKeywords.count(k)) throw std::invalid_argument("unsupported JSON Schema keyword: " + k);
    if (schema.contains("$ref")) check(resolve(schema["$ref"].get<std::string>()), v, path, errs);
    if (schema.contains("type") && !type_ok(schema["type"], v))
      errs.push_back(path + ": type is not " + schema["type"].dump());
    if (schema.contains("enum")) {
      bool found = false;
      for (const auto& e : schema["enum"]) found |= e == v;
      if (!found) errs.push_back(path + ": " + v.dump() + " not in " + schema["enum"].dump());
    }
    if (schema.contains("const") && schema["const"] != v)
      errs.push_back(path + ": " + v.dump() + " is not " + schema["const"].dump());
    if (v.is_number()) numbers(schema, v, path, errs);
    if (v.is_string()) strings(schema, v.get<std::string>(), path, errs);
    if (v.is_array()) arrays(schema, v, path, errs);
    if (v.is_object()) objects(schema, v, path, errs);
    combinators(schema, v, path, errs);
  }

 private:
  const json& resolve(const std::string& ref) {
    if (ref.rfind("#", 0) != 0) throw std::invalid_argument("only local $ref is supported: " + ref);
    try {
      return root_.at(json::json_pointer(ref.substr(1)));
    } catch (const std::exception&) {
      throw std::invalid_argument("unresolvable $ref: " + ref);
    }
  }

  static bool one_type_ok(const std::string& t, const json& v) {
    if (t == "null") return v.is_null();
    if (t == "boolean") return v.is_boolean();
    if (t == "string") return v.is_string();
    if (t == "array") return v.is_array();
    if (t == "object") return v.is_object();
    if (t == "number") return v.is_number();
    if (t == "integer") {
      if (v.is_number_integer()) return true;
      if (!v.is_number_float()) return false;
      double d = v.get<double>();
      return std::isfinite(d) && std::floor(d) == d;
    }
    throw std::invalid_argument("unknown type name: " + t);
  }

  static bool type_ok(const json& type, const json& v) {
    if (type.is_string()) return one_type_ok(type.get<std::string>(), v);
    for (const auto& t : type)
      if (one_type_ok(t.get<std::string>(), v)) return true;
    return false;
  }

  static void numbers(const json& s, const json& v, const std::string& path, std::vector<std::string>& errs) {
    const double d = v.get<double>();
    if (s.contains("minimum") && d < s["minimum"].get<double>()) errs.push_back(path + ": below minimum");
    if (s.contains("maximum") && d > s["maximum"].get<double>()) errs.push_back(path + ": above maximum");
    if (s.contains("exclusiveMinimum") && d <= s["exclusiveMinimum"].get<double>())
      errs.push_back(path + ": not above exclusiveMinimum");
  }

  static void strings(const json& s, const std::string& v, const std::string& path, std::vector<std::string>& errs) {
    if (s.contains("minLength") && v.size() < s["minLength"].get<size_t>()) errs.push_back(path + ": too short");
    if (s.contains("pattern") && !harness::PosixRegex(s["pattern"].get<std::string>()).search(v))
      errs.push_back(path + ": '" + v + "' does not match " + s["pattern"].get<std::string>());
  }

  void arrays(const json& s, const json& v, const std::string& path, std::vector<std::string>& errs) {
    if (s.contains("minItems") && v.size() < s["minItems"].get<size_t>()) errs.push_back(path + ": too few items");
    if (s.contains("maxItems") && v.size() > s["maxItems"].get<size_t>()) errs.push_back(path + ": too many items");
    if (s.contains("items"))
      for (size_t i = 0; i < v.size(); ++i) check(s["items"], v[i], path + "[" + std::to_string(i) + "]", errs);
  }

  void objects(const json& s, const json& v, const std::string& path, std::vector<std::string>& errs) {
    if (s.contains("required"))
      for (const auto& r : s["required"])
        if (!v.contains(r.get<std::string>())) errs.push_back(path + ": missing required '" + r.get<std::string>() + "'");
    for (const auto& [k, val] : v.items()) {
      const std::string sub = path + "." + k;
      if (s.contains("properties") && s["properties"].contains(k)) check(s["properties"][k], val, sub, errs);
      else if (s.contains("additionalProperties")) check(s["additionalProperties"], val, sub, errs);
    }
  }

  void combinators(const json& s, const json& v, const std::string& path, std::vector<std::string>& errs) {
    if (s.contains("allOf"))
      for (const auto& sub : s["allOf"]) check(sub, v, path, errs);
    if (s.contains("anyOf")) {
      bool any = false;
      for (const auto& sub : s["anyOf"]) {
        std::vector<std::string> e;
        check(sub, v, path, e);
        any |= e.empty();
      }
      if (!any) errs.push_back(path + ": matches none of anyOf");
    }
    if (s.contains("not")) {
      std::vector<std::string> e;
      check(s["not"], v, path, e);
      if (e.empty()) errs.push_back(path + ": matches a 'not' schema");
    }
    if (s.contains("if")) {
      std::vector<std::string> e;
      check(s["if"], v, path, e);
      const char* branch = e.empty() ? "then" : "else";
      if (s.contains(branch)) check(s[branch], v, path, errs);
    }
  }

  const json& root_;
};

}  // namespace

std::vector<std::string> validate_json(const nlohmann::json& schema, const nlohmann::json& instance) {
  std::vector<std::string> errs;
  Validator(schema).check(schema, instance, "$", errs);
  return errs;
}

}  // namespace ccb::test
