#include "certs/shc/crl.h"

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>

namespace vaxreg::certs::shc {
namespace {

namespace json = boost::json;

constexpr size_t kMaxCrlBytes = 16 * 1024 * 1024;

bool IsBase64UrlChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '_';
}

}  // namespace

bool IsValidRid(std::string_view rid) {
  return !rid.empty() && rid.size() <= kMaxRidChars &&
         std::all_of(rid.begin(), rid.end(), IsBase64UrlChar);
}

bool ShcCrl::Revokes(std::string_view rid, double nbf) const {
  const auto it = rids.find(rid);
  if (it == rids.end()) return false;
  return !it->second || nbf < static_cast<double>(*it->second);
}

std::string ShcCrl::ToJson() const {
  json::array list;
  for (const auto& [rid, at] : rids) {
    list.push_back(json::string(at ? rid + "." + std::to_string(*at) : rid));
  }
  return json::serialize(
      json::object{{"kid", kid}, {"method", "rid"}, {"ctr", ctr}, {"rids", std::move(list)}});
}

Result<ShcCrl> ParseShcCrl(std::string_view text) {
  if (text.size() > kMaxCrlBytes) return ResourceExhaustedError("the revocation list is too large");
  boost::system::error_code ec;
  json::value doc = json::parse(text, ec);
  if (ec || !doc.is_object()) return InvalidArgumentError("the revocation list is not JSON");
  const json::object& o = doc.get_object();
  ShcCrl crl;
  const json::value* kid = o.if_contains("kid");
  if (kid == nullptr || !kid->is_string() || kid->get_string().empty()) {
    return InvalidArgumentError("the revocation list has no kid");
  }
  crl.kid = std::string(kid->get_string());
  const json::value* method = o.if_contains("method");
  if (method == nullptr || !method->is_string() || method->get_string() != "rid") {
    return InvalidArgumentError(
        "revocation list method is " +
        (method != nullptr ? json::serialize(*method) : std::string("missing")) +
        ", expected \"rid\"");
  }
  const json::value* ctr = o.if_contains("ctr");
  if (ctr == nullptr || !ctr->is_int64() || ctr->get_int64() < 1) {
    return InvalidArgumentError("revocation list ctr must be a positive integer");
  }
  crl.ctr = ctr->get_int64();
  const json::value* rids = o.if_contains("rids");
  if (rids == nullptr || !rids->is_array()) {
    return InvalidArgumentError("the revocation list has no rids array");
  }
  for (const json::value& entry : rids->get_array()) {
    if (!entry.is_string()) return InvalidArgumentError("a revocation list entry is not a string");
    const std::string_view e = entry.get_string();
    const size_t dot = e.find('.');
    const std::string_view rid = e.substr(0, dot);
    std::optional<int64_t> at;
    if (dot != std::string_view::npos) {
      const std::string_view t = e.substr(dot + 1);
      int64_t v = 0;
      const auto [end, err] = std::from_chars(t.data(), t.data() + t.size(), v);
      if (t.empty() || err != std::errc() || end != t.data() + t.size() || v < 0) {
        return InvalidArgumentError("bad revocation list entry \"" + std::string(e) + "\"");
      }
      at = v;
    }
    if (!IsValidRid(rid)) {
      return InvalidArgumentError("bad revocation list entry \"" + std::string(e) +
                                  "\" (a rid is 1 to 24 base64url characters)");
    }
    if (!crl.rids.emplace(std::string(rid), at).second) {
      return InvalidArgumentError("revocation list lists rid " + std::string(rid) + " twice");
    }
  }
  return crl;
}

}  // namespace vaxreg::certs::shc
