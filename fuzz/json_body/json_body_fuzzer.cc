// Fuzzes the request-body JSON parser and the field getters: arbitrary bytes must yield either an
// object or a kInvalidArgument Status, never a crash, a hang or unbounded recursion.
//
//   ./fuzz_json_body fuzz/corpus/json_body

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "http/json.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace vaxreg;
  const std::string_view bytes(reinterpret_cast<const char*>(data), size);

  http::Request req{boost::beast::http::verb::post, "/fuzz?limit=5&q=a%20b", 11};
  req.set(boost::beast::http::field::content_type, "application/json");
  req.body() = std::string(bytes);
  Result<boost::json::object> obj = http::ParseJsonObject(req);
  if (!obj.ok()) {
    if (obj.status().code() != StatusCode::kInvalidArgument) __builtin_trap();
    return 0;
  }
  for (std::string_view key : {"username", "age", "flag", "items", ""}) {
    (void)http::RequireString(*obj, key);
    (void)http::OptionalString(*obj, key);
    (void)http::RequireInt(*obj, key);
    (void)http::OptionalInt(*obj, key);
    (void)http::OptionalBool(*obj, key, false);
    (void)http::RequireArray(*obj, key);
  }
  // The first key, whatever it is, exercises the getters on real values.
  if (!obj->empty()) {
    const std::string key(obj->begin()->key());
    (void)http::RequireString(*obj, key);
    (void)http::RequireInt(*obj, key);
    (void)http::RequireArray(*obj, key);
  }
  (void)http::OptionalQueryParam(req, "limit");
  return 0;
}
