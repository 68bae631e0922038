#include "certs/codec/cwt.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <limits>
#include <optional>
#include <string>
#include <vector>

#include "certs/codec/cbor_reader.h"

namespace vaxreg::certs {
namespace {

using internal::CborReader;

Status CwtError(std::string msg) { return InvalidArgumentError("CWT: " + msg); }

// A NumericDate: an integer, or a float rounded down; a tag 1 around it is tolerated.
Result<int64_t> ReadNumericDate(CborReader& r, const char* name) {
  ASSIGN_OR_RETURN(CborReader::Head h, r.ReadHead());
  if (!h.is_break && h.major == 6 && h.arg == 1) {
    ASSIGN_OR_RETURN(h, r.ReadHead());
  }
  if (!h.is_break && (h.major == 0 || h.major == 1 || (h.major == 7 && h.ai >= 25 && h.ai <= 27))) {
    Result<boost::json::value> v = r.ReadJsonAfter(h);
    if (v.ok() && v->is_int64()) return v->get_int64();
    if (v.ok() && v->is_double()) {
      const double d = std::floor(v->get_double());
      // Keep well inside int64 and the range std::chrono handles in nanoseconds.
      if (d > -1e11 && d < 1e11) return static_cast<int64_t>(d);
    }
  }
  return CwtError(std::string(name) + " is not a NumericDate");
}

// Iterates a map whose head `h` was read: calls `entry(reader)` positioned at each key.
template <typename F>
Status ForEachEntry(CborReader& r, const CborReader::Head& h, F entry) {
  for (uint64_t i = 0; h.indefinite || i < h.arg; ++i) {
    if (h.indefinite) {
      ASSIGN_OR_RETURN(CborReader::Head k, r.PeekHead());
      if (k.is_break) {
        RETURN_IF_ERROR(r.ReadHead().status());
        break;
      }
    }
    RETURN_IF_ERROR(entry(r));
  }
  return Status::Ok();
}

// Reads a map key. Integer keys (within int64) are returned in `int_key`; text keys in
// `text_key`; other keys are skipped and yield neither.
Status ReadKey(CborReader& r, std::optional<int64_t>* int_key,
               std::optional<std::string>* text_key) {
  int_key->reset();
  text_key->reset();
  ASSIGN_OR_RETURN(CborReader::Head k, r.PeekHead());
  if (!k.is_break && (k.major == 0 || k.major == 1)) {
    RETURN_IF_ERROR(r.ReadHead().status());
    if (k.arg <= static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      *int_key = k.major == 0 ? static_cast<int64_t>(k.arg) : -1 - static_cast<int64_t>(k.arg);
    }
    return Status::Ok();
  }
  if (!k.is_break && k.major == 3) {
    ASSIGN_OR_RETURN(std::string t, r.ReadText());
    *text_key = std::move(t);
    return Status::Ok();
  }
  return r.Skip();
}

// Tracks map keys to reject duplicates (maps here have a handful of entries).
class KeySet {
 public:
  // False if the key was seen before.
  bool Insert(const std::optional<int64_t>& i, const std::optional<std::string>& t) {
    if (i) {
      if (std::find(ints_.begin(), ints_.end(), *i) != ints_.end()) return false;
      ints_.push_back(*i);
    } else if (t) {
      if (std::find(texts_.begin(), texts_.end(), *t) != texts_.end()) return false;
      texts_.push_back(*t);
    }
    return true;
  }

 private:
  std::vector<int64_t> ints_;
  std::vector<std::string> texts_;
};

Status ReadHcert(CborReader& r, CwtClaims& claims, bool& have_dcc) {
  ASSIGN_OR_RETURN(CborReader::Head h, r.ReadHead());
  if (h.is_break || h.major != 5) return CwtError("hcert claim is not a map");
  KeySet keys;
  return ForEachEntry(r, h, [&](CborReader& rr) -> Status {
    std::optional<int64_t> ik;
    std::optional<std::string> tk;
    RETURN_IF_ERROR(ReadKey(rr, &ik, &tk));
    if (!keys.Insert(ik, tk)) return CwtError("hcert repeats a key");
    if (ik && *ik == kHcertEuDcc) {
      ASSIGN_OR_RETURN(CborReader::Head d, rr.PeekHead());
      if (d.is_break || d.major != 5) return CwtError("the DCC is not a map");
      Result<boost::json::value> json = rr.ReadJson();
      if (!json.ok()) return json.status().WithContext("DCC");
      claims.dcc = std::move(*json);
      have_dcc = true;
      return Status::Ok();
    }
    return rr.Skip();
  });
}

}  // namespace

Result<CwtClaims> DecodeCwt(std::string_view bytes, const CborLimits& limits) {
  Status wf = CheckCborWellFormed(bytes, limits);
  if (!wf.ok()) return wf.WithContext("CWT");
  CborReader r(bytes);
  ASSIGN_OR_RETURN(CborReader::Head h, r.ReadHead());
  if (h.is_break || h.major != 5) return CwtError("claims are not a map");
  CwtClaims claims;
  bool have_hcert = false, have_dcc = false;
  KeySet keys;
  const Status entries = ForEachEntry(r, h, [&](CborReader& rr) -> Status {
    std::optional<int64_t> ik;
    std::optional<std::string> tk;
    RETURN_IF_ERROR(ReadKey(rr, &ik, &tk));
    if (!keys.Insert(ik, tk)) return CwtError("a claim occurs twice");
    if (!ik) return rr.Skip();
    switch (*ik) {
      case kCwtClaimIss: {
        Result<std::string> iss = rr.ReadText();
        if (!iss.ok() || !IsValidUtf8(*iss)) return CwtError("iss is not text");
        claims.issuer = std::move(*iss);
        return Status::Ok();
      }
      case kCwtClaimExp: {
        ASSIGN_OR_RETURN(claims.expires_at, ReadNumericDate(rr, "exp"));
        return Status::Ok();
      }
      case kCwtClaimIat: {
        ASSIGN_OR_RETURN(claims.issued_at, ReadNumericDate(rr, "iat"));
        return Status::Ok();
      }
      case kCwtClaimHcert:
        have_hcert = true;
        return ReadHcert(rr, claims, have_dcc);
      default:
        return rr.Skip();
    }
  });
  if (!entries.ok()) return entries;
  if (!have_hcert) return CwtError("no hcert claim (-260)");
  if (!have_dcc) return CwtError("hcert has no EU DCC (key 1)");
  return claims;
}

Result<std::string> EncodeCwt(const CwtClaims& claims) {
  if (!claims.dcc.is_object()) return CwtError("the DCC is not a JSON object");
  ASSIGN_OR_RETURN(std::string dcc, JsonToCbor(claims.dcc));
  CborWriter w;
  w.MapHeader(1 + (claims.issuer ? 1 : 0) + (claims.expires_at ? 1 : 0) +
              (claims.issued_at ? 1 : 0));
  if (claims.issuer) {
    w.Int(kCwtClaimIss);
    w.Text(*claims.issuer);
  }
  if (claims.expires_at) {
    w.Int(kCwtClaimExp);
    w.Int(*claims.expires_at);
  }
  if (claims.issued_at) {
    w.Int(kCwtClaimIat);
    w.Int(*claims.issued_at);
  }
  w.Int(kCwtClaimHcert);
  w.MapHeader(1);
  w.Int(kHcertEuDcc);
  w.Raw(dcc);
  return w.Take();
}

}  // namespace vaxreg::certs
