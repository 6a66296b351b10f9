// reports/json_path_parser.cpp — a SAX handler that builds an ordered_json DOM while tracking the
// JSON path of the value being parsed, so every error can say where it is. See the header for the
// guarantees. The DOM building follows nlohmann's own json_sax_dom_parser: a stack of pointers to
// the open containers; a child pointer stays valid because its parent is not appended to until the
// child is closed. Parsing is linear in the text: an object's duplicate check uses a per-object
// hash set of its keys, and members are appended to ordered_map's vector without a search.
#include "reports/json_path_parser.hpp"

#include <cmath>
#include <cstdint>
#include <unordered_set>
#include <vector>

#include "reports/results_loader.hpp"

namespace ccb::reports {
namespace {

using Json = nlohmann::ordered_json;

class PathSax {
 public:
  Json root;
  std::string error_path;
  std::string error_message;

  bool null() { return put(Json(nullptr)) != nullptr; }
  bool boolean(bool v) { return put(Json(v)) != nullptr; }
  bool number_integer(std::int64_t v) { return put(Json(v)) != nullptr; }
  bool number_unsigned(std::uint64_t v) { return put(Json(v)) != nullptr; }
  bool number_float(double v, const std::string& text) {
    if (!std::isfinite(v)) return fail("number " + text + " does not fit a finite double");
    return put(Json(v)) != nullptr;
  }
  bool string(std::string& v) { return put(Json(std::move(v))) != nullptr; }
  bool binary(Json::binary_t& v) { return put(Json(std::move(v))) != nullptr; }

  bool start_object(std::size_t) { return open(Json::object(), false); }
  // key() checks for a duplicate in the open object's key set: O(1), where ordered_json's own
  // contains() scans the object (200k keys in one `extra` object took 51 s in compare).
  bool key(std::string& k) {
    Frame& f = frames_.back();
    f.key = k;
    if (!f.keys.insert(k).second) return fail("duplicate key \"" + k + "\"");
    return true;
  }
  bool end_object() { return close(); }
  bool start_array(std::size_t) { return open(Json::array(), true); }
  bool end_array() { return close(); }

  bool parse_error(std::size_t, const std::string& last_token, const nlohmann::detail::exception& ex) {
    error_path = path();
    std::string msg = ex.what();
    // Drop nlohmann's "[json.exception.parse_error.101] " prefix; keep "parse error at line L, …".
    if (auto pos = msg.find("] "); msg.rfind("[json.exception", 0) == 0 && pos != std::string::npos) {
      msg = msg.substr(pos + 2);
    }
    // nlohmann's "last read" spans from the previous token (with escaped newlines); show only the
    // offending token itself.
    const std::string token = last_token.substr(last_token.find_last_of(" \t,[]{}:>") == std::string::npos
                                                    ? 0
                                                    : last_token.find_last_of(" \t,[]{}:>") + 1);
    if (auto pos = msg.find("; last read: '"); pos != std::string::npos && !token.empty()) {
      msg = msg.substr(0, pos) + "; last read: '" + token + "'";
    }
    if (looks_like_non_finite(token)) msg += " (NaN and Infinity are not valid JSON)";
    error_message = "invalid JSON: " + msg;
    return false;
  }

 private:
  struct Frame {
    bool is_array = false;
    std::size_t index = 0;  // arrays: index of the element being parsed
    std::string key;        // objects: key of the member being parsed
    std::unordered_set<std::string> keys;  // objects: every key seen so far (duplicate check)
  };
  std::vector<Json*> refs_;
  std::vector<Frame> frames_;

  static bool looks_like_non_finite(const std::string& token) {
    for (const char* p : {"N", "I", "-I", "+", "na", "in", "-N", "-n", "-i"}) {
      if (token.rfind(p, 0) == 0) return true;
    }
    return false;
  }

  // path() names the current position, "context.foo[2].bar". A deep one keeps its first 4 and
  // last 3 steps around "…(N more)…" (a file nested 257 deep printed 500 characters of ".a.a"),
  // and a key longer than 80 bytes is cut, so that an error message stays one readable line.
  std::string path() const {
    constexpr std::size_t kHead = 4, kTail = 3, kKeyBytes = 80;
    std::vector<std::string> steps;
    for (const Frame& f : frames_) {
      if (f.is_array) {
        steps.push_back("[" + std::to_string(f.index) + "]");
      } else if (!f.key.empty()) {  // an object before its first key adds nothing
        steps.push_back(f.key.size() > kKeyBytes ? f.key.substr(0, kKeyBytes) + "…" : f.key);
      }
    }
    std::string p;
    for (std::size_t i = 0; i < steps.size(); ++i) {
      if (steps.size() > kHead + kTail + 1 && i == kHead) {
        p += ".…(" + std::to_string(steps.size() - kHead - kTail) + " more)…";
        i = steps.size() - kTail - 1;
        continue;
      }
      if (!p.empty() && steps[i][0] != '[') p += ".";
      p += steps[i];
    }
    return p.empty() ? "<root>" : p;
  }

  bool fail(const std::string& message) {
    if (error_message.empty()) {
      error_path = path();
      error_message = message;
    }
    return false;
  }

  // put() stores v at the current position and returns where it went (nullptr on a limit).
  Json* put(Json v) {
    if (refs_.empty()) {
      root = std::move(v);
      return &root;
    }
    Json* parent = refs_.back();
    Frame& f = frames_.back();
    Json* slot = nullptr;
    if (f.is_array) {
      if (parent->size() >= kMaxArrayElements) {
        fail("array has more than " + std::to_string(kMaxArrayElements) + " elements");
        return nullptr;
      }
      parent->push_back(std::move(v));
      slot = &parent->back();
    } else {
      // key() has rejected duplicates, so append to ordered_map's underlying vector directly:
      // ordered_map::operator[] and emplace() search the keys first (linear per insertion).
      auto& members = static_cast<Json::object_t::Container&>(parent->get_ref<Json::object_t&>());
      members.emplace_back(f.key, std::move(v));
      slot = &members.back().second;
    }
    if (!slot->is_structured()) advance();
    return slot;
  }

  void advance() {
    if (!frames_.empty() && frames_.back().is_array) ++frames_.back().index;
  }

  // open() refuses a container deeper than kMaxNestingDepth before storing it: nlohmann copies
  // (and so recurses through) the members of an object when its vector grows.
  bool open(Json container, bool is_array) {
    if (frames_.size() >= kMaxNestingDepth) {
      return fail(std::string(is_array ? "array" : "object") + " nested deeper than " +
                  std::to_string(kMaxNestingDepth) + " levels (a results file needs a few)");
    }
    Json* slot = put(std::move(container));
    if (slot == nullptr) return false;
    refs_.push_back(slot);
    frames_.push_back(Frame{is_array, 0, {}, {}});
    return true;
  }

  bool close() {
    refs_.pop_back();
    frames_.pop_back();
    advance();
    return true;
  }
};

}  // namespace

Json parse_json_strict(const std::string& text, const std::string& file) {
  if (text.find_first_not_of(" \t\r\n") == std::string::npos) {
    throw InputError(file, "<root>", "file is empty (expected a JSON object)");
  }
  PathSax sax;
  const bool ok = Json::sax_parse(text, &sax, Json::input_format_t::json, /*strict=*/true);
  if (!ok || !sax.error_message.empty()) {
    throw InputError(file, sax.error_path.empty() ? "<root>" : sax.error_path,
                     sax.error_message.empty() ? "invalid JSON" : sax.error_message);
  }
  return std::move(sax.root);
}

}  // namespace ccb::reports
