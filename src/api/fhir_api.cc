// FHIR R4 REST over the registry (fhir_api.h). Reads take one pooled connection on the blocking
// pool; nothing here writes.

#include "api/fhir_api.h"

#include <algorithm>
#include <boost/json.hpp>
#include <boost/url/encode.hpp>
#include <boost/url/rfc/unreserved_chars.hpp>

#include "api/area_access.h"
#include "api/async_bridge.h"
#include "api/query_params.h"
#include "api/routes.h"
#include "certs/fhir/ddcc_document.h"
#include "certs/fhir/fhir_resources.h"
#include "certs/service/certificate_authority.h"
#include "certs/service/certificate_store.h"
#include "http/json.h"
#include "registry/dose.h"
#include "registry/person_record.h"
#include "registry/person_store.h"

namespace vaxreg::api {
namespace {

namespace http_ = boost::beast::http;
namespace json = boost::json;
namespace fhir = certs::fhir;
using http::asio::awaitable;

constexpr int kDefaultCount = 20;
constexpr int kMaxCount = 100;
constexpr size_t kMaxOperationBodyBytes = 16 * 1024;

// "http(s)://<Host>/fhir". The Host header only shapes links in the caller's own answer; one
// that is not a plain host[:port] is replaced by "localhost".
std::string FhirBase(const ApiServices& s, const http::Request& req) {
  std::string scheme = s.serves_tls ? "https" : "http";
  if (auto fp = req.find("X-Forwarded-Proto"); fp != req.end() && fp->value() == "https") {
    scheme = "https";
  }
  std::string host = "localhost";
  if (auto h = req.find(http_::field::host); h != req.end() && !h->value().empty() &&
                                              h->value().size() <= 255) {
    const std::string_view v = h->value();
    const bool plain = std::all_of(v.begin(), v.end(), [](char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
             c == '.' || c == '-' || c == ':' || c == '[' || c == ']';
    });
    if (plain) host = std::string(v);
  }
  return scheme + "://" + host + "/fhir";
}

std::string Encoded(std::string_view s) {
  return boost::urls::encode(s, boost::urls::unreserved_chars);
}

// ?_count (1..kMaxCount, default kDefaultCount) and ?_offset (>= 0).
struct Paging {
  int count = kDefaultCount;
  int64_t offset = 0;
};

Result<Paging> ReadPaging(const http::Request& req) {
  Paging p;
  ASSIGN_OR_RETURN(auto count, http::OptionalQueryParam(req, "_count"));
  if (count) {
    int64_t n = 0;
    if (!ParseInt64(*count, &n) || n < 1 || n > kMaxCount) {
      return InvalidArgumentError("_count must be a whole number from 1 to 100", "_count");
    }
    p.count = static_cast<int>(n);
  }
  ASSIGN_OR_RETURN(auto offset, http::OptionalQueryParam(req, "_offset"));
  if (offset) {
    if (!ParseInt64(*offset, &p.offset) || p.offset < 0) {
      return InvalidArgumentError("_offset must be a whole number, 0 or more", "_offset");
    }
  }
  return p;
}

// A Patient reference in a search: "12", "Patient/12" or "<base>/Patient/12".
Result<int64_t> PatientIdParam(std::string_view text) {
  if (const size_t slash = text.rfind("Patient/"); slash != std::string_view::npos) {
    text.remove_prefix(slash + 8);
  }
  int64_t id = 0;
  if (!ParseInt64(text, &id) || id <= 0) {
    return InvalidArgumentError("patient must be a Patient id or reference (Patient/12)",
                                "patient");
  }
  return id;
}

// The person, once `who` may see them; a citizen asking for someone else is told "not found",
// as for a missing id.
Result<registry::Person> AccessiblePerson(storage::Connection& conn, const auth::Principal& who,
                                          int64_t id) {
  ASSIGN_OR_RETURN(auto person, registry::FindPersonById(conn, id));
  if (!person) return PersonNotFound(who, id);
  RETURN_IF_ERROR(CheckMayAccessPerson(conn, who, *person));
  return std::move(*person);
}

template <typename Fn>
awaitable<http::Response> FhirRead(ApiServices& s, http::RequestContext& ctx, Fn fn) {
  auto out = co_await RunBlocking(s.blocking_pool, fn);
  if (!out.ok()) co_return FhirError(out.status(), ctx.request);
  co_return FhirResponse(*out, ctx.request);
}

// GET /fhir/metadata
awaitable<http::Response> GetMetadata(ApiServices& s, http::RequestContext& ctx) {
  if (Status st = http::OnlyQueryParams(ctx.request, {"_format", "mode"}); !st.ok()) {
    co_return FhirError(st, ctx.request);
  }
  co_return FhirResponse(fhir::CapabilityStatement(FhirBase(s, ctx.request), s.software_version,
                                                   s.clock.Now()),
                         ctx.request);
}

// GET /fhir/Patient/{id}
awaitable<http::Response> ReadPatient(ApiServices& s, http::RequestContext& ctx) {
  auto id = IdPathParam(ctx, "id");
  if (!id.ok()) co_return FhirError(NotFoundError("no Patient " + ctx.path_params.at("id")),
                                    ctx.request);
  const int64_t person_id = *id;
  co_return co_await FhirRead(s, ctx, [&s, &ctx, person_id]() -> Result<json::object> {
    ASSIGN_OR_RETURN(auto conn, s.db.Acquire());
    ASSIGN_OR_RETURN(auto person, AccessiblePerson(*conn, *ctx.principal, person_id));
    return fhir::PatientResource(person);
  });
}

// GET /fhir/Patient?identifier=[system|]value or ?_id=N: at most one match, so one page. A
// person outside the caller's area is left out of the results (searches never say 403).
awaitable<http::Response> SearchPatients(ApiServices& s, http::RequestContext& ctx) {
  co_return co_await FhirRead(s, ctx, [&s, &ctx]() -> Result<json::object> {
    RETURN_IF_ERROR(http::OnlyQueryParams(ctx.request, {"identifier", "_id", "_count"}));
    ASSIGN_OR_RETURN(auto identifier, http::OptionalQueryParam(ctx.request, "identifier"));
    ASSIGN_OR_RETURN(auto id_text, http::OptionalQueryParam(ctx.request, "_id"));
    ASSIGN_OR_RETURN(Paging paging, ReadPaging(ctx.request));
    if (!identifier && !id_text) {
      return InvalidArgumentError("search Patients by identifier (a CCCD, CMND or passport "
                                  "number) or by _id",
                                  "identifier");
    }
    ASSIGN_OR_RETURN(auto conn, s.db.Acquire());
    std::optional<registry::Person> person;
    std::string query;
    if (identifier) {
      std::string_view value = *identifier;
      if (const size_t bar = value.find('|'); bar != std::string_view::npos) {
        const std::string_view system = value.substr(0, bar);
        value.remove_prefix(bar + 1);
        if (!system.empty() && system != fhir::kCccdSystem && system != fhir::kCmndSystem &&
            system != fhir::kPassportSystem) {
          return InvalidArgumentError("unknown identifier system " + std::string(system) +
                                          " (use " + std::string(fhir::kCccdSystem) + ")",
                                      "identifier");
        }
      }
      if (value.empty()) return InvalidArgumentError("identifier has no value", "identifier");
      ASSIGN_OR_RETURN(person, registry::FindPersonByIdentityNumber(*conn, value));
      query = "identifier=" + Encoded(*identifier);
    }
    if (id_text) {
      int64_t id = 0;
      if (!ParseInt64(*id_text, &id) || id <= 0) {
        return InvalidArgumentError("_id must be a Patient id", "_id");
      }
      if (!identifier) {
        ASSIGN_OR_RETURN(person, registry::FindPersonById(*conn, id));
      } else if (person && person->id != id) {
        person.reset();
      }
      query += (query.empty() ? "_id=" : "&_id=") + std::to_string(id);
    }
    if (person && !CheckMayAccessPerson(*conn, *ctx.principal, *person).ok()) person.reset();
    const std::string base = FhirBase(s, ctx.request);
    fhir::SearchPage page;
    page.self_url = base + "/Patient?" + query + "&_count=" + std::to_string(paging.count);
    if (person) {
      page.total = 1;
      page.resources.push_back(fhir::PatientResource(*person));
    }
    return fhir::SearchsetBundle(base, page);
  });
}

// GET /fhir/Immunization/{id}
awaitable<http::Response> ReadImmunization(ApiServices& s, http::RequestContext& ctx) {
  auto id = IdPathParam(ctx, "id");
  if (!id.ok()) co_return FhirError(NotFoundError("no Immunization " + ctx.path_params.at("id")),
                                    ctx.request);
  const int64_t dose_id = *id;
  co_return co_await FhirRead(s, ctx, [&s, &ctx, dose_id]() -> Result<json::object> {
    ASSIGN_OR_RETURN(auto conn, s.db.Acquire());
    ASSIGN_OR_RETURN(auto dose, registry::FindDose(*conn, dose_id));
    const Status missing = NotFoundError("no Immunization " + std::to_string(dose_id));
    if (!dose) return missing;
    auto person = AccessiblePerson(*conn, *ctx.principal, dose->person_id);
    // A citizen asking for a dose of someone else hears "no such Immunization", as for a
    // missing id; staff outside the area are refused (403) as on /api/v1.
    if (!person.ok()) {
      return person.status().code() == StatusCode::kNotFound ? missing : person.status();
    }
    return fhir::ImmunizationResource(*dose, fhir::FindProduct(*s.vaccines.Get(),
                                                               dose->vaccine_code));
  });
}

// GET /fhir/Immunization?patient=N[&_count=C][&_offset=O]: the person's doses, oldest first,
// voided ones included as entered-in-error.
awaitable<http::Response> SearchImmunizations(ApiServices& s, http::RequestContext& ctx) {
  co_return co_await FhirRead(s, ctx, [&s, &ctx]() -> Result<json::object> {
    RETURN_IF_ERROR(http::OnlyQueryParams(ctx.request, {"patient", "_count", "_offset"}));
    ASSIGN_OR_RETURN(auto patient, http::OptionalQueryParam(ctx.request, "patient"));
    if (!patient) {
      return InvalidArgumentError("search Immunizations by patient (patient=Patient/12)",
                                  "patient");
    }
    ASSIGN_OR_RETURN(int64_t person_id, PatientIdParam(*patient));
    ASSIGN_OR_RETURN(Paging paging, ReadPaging(ctx.request));
    ASSIGN_OR_RETURN(auto conn, s.db.Acquire());
    const auto catalogue = s.vaccines.Get();
    ASSIGN_OR_RETURN(auto record, registry::LoadPersonRecord(*conn, person_id, *catalogue));
    fhir::SearchPage page;
    if (record && CheckMayAccessPerson(*conn, *ctx.principal, record->person).ok()) {
      const auto& doses = record->doses;
      page.total = static_cast<int64_t>(doses.size());
      const size_t first = static_cast<size_t>(std::min<int64_t>(paging.offset, page.total));
      const size_t last = std::min(doses.size(), first + static_cast<size_t>(paging.count));
      for (size_t i = first; i < last; ++i) {
        page.resources.push_back(fhir::ImmunizationResource(
            doses[i], fhir::FindProduct(*catalogue, doses[i].vaccine_code)));
      }
      if (last < doses.size()) {
        page.next_url = FhirBase(s, ctx.request) + "/Immunization?patient=" +
                        std::to_string(person_id) + "&_count=" + std::to_string(paging.count) +
                        "&_offset=" + std::to_string(last);
      }
    }
    const std::string base = FhirBase(s, ctx.request);
    page.self_url = base + "/Immunization?patient=" + std::to_string(person_id) + "&_count=" +
                    std::to_string(paging.count) + "&_offset=" + std::to_string(paging.offset);
    return fhir::SearchsetBundle(base, page);
  });
}

// POST /fhir/Patient/{id}/$generateHealthCertificate: the person's current certificate as a
// DDCC:VS document. The body, when present, must be a Parameters resource (its parameters are
// not needed: the certificate is vaxreg's). 422 when the person has no current certificate.
awaitable<http::Response> GenerateHealthCertificate(ApiServices& s, http::RequestContext& ctx) {
  auto id = IdPathParam(ctx, "id");
  if (!id.ok()) co_return FhirError(NotFoundError("no Patient " + ctx.path_params.at("id")),
                                    ctx.request);
  if (!ctx.request.body().empty()) {
    auto body = http::ParseJsonObject(ctx.request);
    if (!body.ok()) co_return FhirError(body.status(), ctx.request);
    const json::value* type = body->if_contains("resourceType");
    if (type == nullptr || *type != "Parameters") {
      co_return FhirError(InvalidArgumentError("the body must be a FHIR Parameters resource"),
                          ctx.request);
    }
  }
  const int64_t person_id = *id;
  co_return co_await FhirRead(s, ctx, [&s, &ctx, person_id]() -> Result<json::object> {
    ASSIGN_OR_RETURN(auto conn, s.db.Acquire());
    ASSIGN_OR_RETURN(auto person, AccessiblePerson(*conn, *ctx.principal, person_id));
    if (s.certificates == nullptr) {
      return UnavailableError("certificates are not set up here (certs.key_dir)");
    }
    ASSIGN_OR_RETURN(auto rec, certs::ActiveCertificate(*conn, person_id));
    ASSIGN_OR_RETURN(auto doses, registry::ListPersonDoses(*conn, person_id));
    if (!rec) {
      return FailedPreconditionError("this person has no current certificate: a certificate "
                                     "is issued once their doses are signed");
    }
    const std::string base = FhirBase(s, ctx.request);
    fhir::DdccInput in;
    in.person = &person;
    in.hc1 = rec->hc1;
    in.base = base;
    in.certificate_id = rec->id;
    in.doses = doses;
    in.now = s.clock.Now();
    return fhir::DdccDocument(in);
  });
}

}  // namespace

http::Response FhirResponse(const json::object& resource, const http::Request& req) {
  http::Response res{http_::status::ok, req.version()};
  res.set(http_::field::content_type, fhir::kFhirJsonType);
  res.set(http_::field::cache_control, "no-store");
  res.keep_alive(req.keep_alive());
  res.body() = json::serialize(resource);
  res.prepare_payload();
  return res;
}

http::Response FhirError(const Status& st, const http::Request& req) {
  // The same status and (for the caller's language) the same message as the JSON API's error;
  // the body is an OperationOutcome instead of {"error":...}.
  http::Response res = http::ErrorResponse(st, req);
  if (st.code() == StatusCode::kFailedPrecondition) {
    res.result(http_::status::unprocessable_entity);
  }
  std::string message(st.message());
  if (auto parsed = json::parse(res.body(), json::storage_ptr(), {}); parsed.is_object()) {
    if (const json::value* e = parsed.get_object().if_contains("error"); e && e->is_object()) {
      if (const json::value* m = e->get_object().if_contains("message"); m && m->is_string()) {
        message = std::string(m->get_string());
      }
    }
  }
  json::object outcome = fhir::OperationOutcome(fhir::IssueTypeFor(st.code()), message);
  if (!st.field().empty()) {
    outcome["issue"].as_array()[0].as_object()["expression"] = json::array{st.field()};
  }
  res.set(http_::field::content_type, fhir::kFhirJsonType);
  res.body() = json::serialize(outcome);
  res.prepare_payload();
  return res;
}

void RegisterFhirRoutes(http::Router& router, ApiServices& s) {
  const auto staff = auth::AccessRule::Roles({auth::Role::kFacilityStaff,
                                              auth::Role::kHealthAuthority, auth::Role::kSigner,
                                              auth::Role::kAdmin});
  router.Add({http_::verb::get, "/fhir/metadata", auth::AccessRule::Public(),
              [&s](http::RequestContext& ctx) { return GetMetadata(s, ctx); }, 0,
              "FHIR CapabilityStatement (R4 4.0.1)"});
  router.Add({http_::verb::get, "/fhir/Patient", staff,
              [&s](http::RequestContext& ctx) { return SearchPatients(s, ctx); }, 0,
              "FHIR Patient search by identifier (CCCD, CMND, passport) or _id"});
  router.Add({http_::verb::get, "/fhir/Patient/{id}", auth::AccessRule::AnyRole(),
              [&s](http::RequestContext& ctx) { return ReadPatient(s, ctx); }, 0,
              "FHIR Patient read (citizens: only themselves)"});
  router.Add({http_::verb::get, "/fhir/Immunization", auth::AccessRule::AnyRole(),
              [&s](http::RequestContext& ctx) { return SearchImmunizations(s, ctx); }, 0,
              "FHIR Immunization search by patient, paged by _count (citizens: their own)"});
  router.Add({http_::verb::get, "/fhir/Immunization/{id}", auth::AccessRule::AnyRole(),
              [&s](http::RequestContext& ctx) { return ReadImmunization(s, ctx); }, 0,
              "FHIR Immunization read (citizens: their own doses)"});
  const auto holder_or_signer = auth::AccessRule::Roles(
      {auth::Role::kCitizen, auth::Role::kSigner, auth::Role::kAdmin});
  router.Add({http_::verb::post, "/fhir/Patient/{id}/$generateHealthCertificate",
              holder_or_signer,
              [&s](http::RequestContext& ctx) { return GenerateHealthCertificate(s, ctx); },
              kMaxOperationBodyBytes,
              "WHO DDCC:VS document (FHIR Bundle) of the person's current certificate"});
}

}  // namespace vaxreg::api
