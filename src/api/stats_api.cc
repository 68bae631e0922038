// Public statistics for the portal (docs/statistics.md): daily doses and registrations with a
// 7-day average, coverage by province or district against a population denominator, supply and
// the given/allocated ranking of provinces, and stock per holder. Aggregated here, on the server,
// from the counters the writes keep (registry/statistics.h).
//
// Every answer: JSON {"as_of": ISO-8601 UTC, ..., "items": [...]} or, with ?format=csv, the items
// as text/csv (attachment "vaxreg-<name>[-<level>]-<as_of>.csv"); a strong ETag over the body
// (If-None-Match -> 304), Cache-Control: public, max-age=60, gzip when accepted. An answer is
// kept in-process for server.stats_cache_seconds (ApiServices::stats_cache_seconds) per distinct
// query, so the public cannot make the server re-read the counters, or scan people for district
// coverage, more than once a minute per query. Unknown query parameters are a 400 naming them.

#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <cmath>
#include <cstdio>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <variant>

#include "api/query_params.h"
#include "api/read_fence.h"
#include "api/routes.h"
#include "common/csv_writer.h"
#include "geo/admin_units.h"
#include "http/cache.h"
#include "http/json.h"
#include "identity/population_store.h"
#include "registry/person.h"
#include "registry/statistics.h"

namespace vaxreg::api {
namespace {

namespace http_ = boost::beast::http;
using http::asio::awaitable;
using std::chrono::days;
using std::chrono::sys_days;

constexpr std::string_view kCacheControl = "public, max-age=60";

// ---- One table, written as JSON items or as CSV ----

using Cell = std::variant<std::nullptr_t, int64_t, double, std::string>;

struct Table {
  std::vector<std::string_view> columns;
  std::vector<std::vector<Cell>> rows;
};

// What a route computes: the JSON fields besides "as_of" and "items", and the items.
struct Answer {
  boost::json::object meta;
  Table table;
};

double Round(double v, int places) {
  const double scale = std::pow(10.0, places);
  return std::round(v * scale) / scale;
}

// A share in percent with two decimals; null when there is no denominator.
Cell Percent(int64_t n, int64_t of) {
  if (of <= 0) return nullptr;
  return Round(100.0 * static_cast<double>(n) / static_cast<double>(of), 2);
}

Cell Ratio(int64_t n, int64_t of) {
  if (of <= 0) return nullptr;
  return Round(static_cast<double>(n) / static_cast<double>(of), 4);
}

// Plain decimal notation (Boost.JSON would write 12.5 as 1.25E1): at most four decimals,
// trailing zeros dropped.
std::string Decimal(double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.4f", v);
  std::string s(buf);
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  return s == "-0" ? "0" : s;
}

void AppendCell(std::string& out, const Cell& cell, bool json) {
  if (const auto* i = std::get_if<int64_t>(&cell)) {
    out += std::to_string(*i);
  } else if (const auto* d = std::get_if<double>(&cell)) {
    out += Decimal(*d);
  } else if (const auto* s = std::get_if<std::string>(&cell)) {
    if (json) {
      out += boost::json::serialize(boost::json::string_view(*s));
    } else {
      csv::AppendCsvField(out, *s);  // codes and unit names from the embedded tables
    }
  } else if (json) {
    out += "null";
  }
}

// boost::json::serialize, but doubles in Decimal() notation.
void AppendJson(std::string& out, const boost::json::value& v) {
  if (v.is_double()) {
    out += Decimal(v.get_double());
  } else if (v.is_object()) {
    out += '{';
    for (const auto& kv : v.get_object()) {
      if (out.back() != '{') out += ',';
      out += boost::json::serialize(boost::json::string_view(kv.key()));
      out += ':';
      AppendJson(out, kv.value());
    }
    out += '}';
  } else if (v.is_array()) {
    out += '[';
    for (const auto& e : v.get_array()) {
      if (out.back() != '[') out += ',';
      AppendJson(out, e);
    }
    out += ']';
  } else {
    out += boost::json::serialize(v);
  }
}

std::string RenderJson(const boost::json::object& meta, const Table& t) {
  std::string out;
  AppendJson(out, meta);
  out.pop_back();  // '}'
  if (out.size() > 1) out += ',';
  out += "\"items\":[";
  for (size_t r = 0; r < t.rows.size(); ++r) {
    out += r == 0 ? "{" : ",{";
    for (size_t c = 0; c < t.columns.size(); ++c) {
      if (c > 0) out += ',';
      out += '"';
      out += t.columns[c];
      out += "\":";
      AppendCell(out, t.rows[r][c], true);
    }
    out += '}';
  }
  out += "]}";
  return out;
}

std::string RenderCsv(const Table& t) {
  std::string out;
  for (size_t c = 0; c < t.columns.size(); ++c) {
    if (c > 0) out += ',';
    out += t.columns[c];
  }
  out += '\n';
  for (const auto& row : t.rows) {
    for (size_t c = 0; c < row.size(); ++c) {
      if (c > 0) out += ',';
      AppendCell(out, row[c], false);
    }
    out += '\n';
  }
  return out;
}

// ---- State shared by the routes of one server ----

struct StatsState {
  explicit StatsState(ApiServices& services)
      : s(services), cache(std::chrono::seconds(services.stats_cache_seconds)) {}
  ApiServices& s;
  http::BodyCache cache;
  // Register counts by unit, read once per finished register snapshot (a scan of the register).
  std::mutex register_mu;
  int64_t register_snapshot = -1;
  std::map<bool, std::vector<identity::UnitPopulation>> register_counts;  // by_district -> counts
};

// The answer to `key` from the cache, or computed now and kept. `file` names the CSV download.
http::Response Respond(StatsState& st, const http::Request& req, const std::string& key, bool csv,
                       const std::string& file,
                       const std::function<Result<Answer>(storage::Connection&)>& compute) {
  const auto now = st.s.clock.SteadyNow();
  std::shared_ptr<const http::PreparedBody> body = st.cache.Find(key, now);
  if (body == nullptr) {
    auto conn = AcquireForRead(st.s, req);
    if (!conn.ok()) return http::ErrorResponse(conn.status(), req);
    Result<Answer> answer = compute(**conn);
    if (!answer.ok()) return http::ErrorResponse(answer.status(), req);
    const std::string as_of = FormatIso8601(st.s.clock.Now());
    if (csv) {
      std::string stamp;
      for (char c : as_of) {
        if (c != '-' && c != ':') stamp += c;
      }
      body = std::make_shared<const http::PreparedBody>(
          RenderCsv(answer->table), "text/csv; charset=utf-8",
          "attachment; filename=\"vaxreg-" + file + "-" + stamp + ".csv\"");
    } else {
      boost::json::object meta{{"as_of", as_of}};
      for (const auto& kv : answer->meta) meta.emplace(kv.key(), kv.value());
      body = std::make_shared<const http::PreparedBody>(RenderJson(meta, answer->table),
                                                        "application/json; charset=utf-8");
    }
    st.cache.Put(key, body, now);
  }
  return http::PreparedResponse(req, *body, kCacheControl);
}

// ---- Query parameters ----

// ?format=json|csv (default json); true for CSV.
Result<bool> FormatParam(const http::Request& req) {
  ASSIGN_OR_RETURN(auto v, http::OptionalQueryParam(req, "format"));
  if (!v || *v == "json") return false;
  if (*v == "csv") return true;
  return InvalidArgumentError("format must be json or csv", "format");
}

// ?name= one of `allowed`; `fallback` when absent.
Result<std::string> ChoiceParam(const http::Request& req, std::string_view name,
                                std::initializer_list<std::string_view> allowed,
                                std::string fallback) {
  ASSIGN_OR_RETURN(auto v, http::OptionalQueryParam(req, name));
  if (!v) return fallback;
  if (std::find(allowed.begin(), allowed.end(), *v) != allowed.end()) return *v;
  std::string list;
  for (std::string_view a : allowed) list += (list.empty() ? "" : " or ") + std::string(a);
  return InvalidArgumentError(std::string(name) + " must be " + list, std::string(name));
}

// ?vaccine=CODE from the catalogue; "" when absent.
Result<std::string> VaccineParam(ApiServices& s, const http::Request& req) {
  ASSIGN_OR_RETURN(auto v, http::OptionalQueryParam(req, "vaccine"));
  if (!v) return std::string();
  if (registry::VaccineCatalogueCache::Find(*s.vaccines.Get(), *v) == nullptr) {
    return InvalidArgumentError("unknown vaccine '" + *v + "'", "vaccine");
  }
  return *v;
}

// "Hà Nội" for "01"; "" for a code that is not a unit.
std::string ProvinceName(const std::string& code) {
  const geo::AdminUnit* u = geo::AdminUnits::Get().Find(code);
  return u == nullptr ? "" : u->short_name;
}

// ---- Daily series: doses and registrations ----

struct SeriesParams {
  bool doses = true;
  std::string level, province, vaccine, from, to;
  bool csv = false;
  std::string Key() const {
    return std::string(doses ? "doses" : "registrations") + "|" + level + "|" + province + "|" +
           vaccine + "|" + from + "|" + to + "|" + (csv ? "csv" : "json");
  }
};

// ?level=national|province&province=NN&from=YYYY-MM-DD&to=YYYY-MM-DD[&vaccine=CODE]&format=
Result<SeriesParams> ParseSeries(ApiServices& s, const http::Request& req, bool doses) {
  RETURN_IF_ERROR(
      doses ? http::OnlyQueryParams(req, {"level", "province", "from", "to", "vaccine", "format"})
            : http::OnlyQueryParams(req, {"level", "province", "from", "to", "format"}));
  SeriesParams p;
  p.doses = doses;
  ASSIGN_OR_RETURN(p.province, AdminUnitParam(req, "province", geo::Level::kProvince));
  ASSIGN_OR_RETURN(p.level, ChoiceParam(req, "level", {"national", "province"},
                                        p.province.empty() ? "national" : "province"));
  if (p.level == "national" && !p.province.empty()) {
    return InvalidArgumentError("a province's series needs level=province", "province");
  }
  for (const char* name : {"from", "to"}) {
    ASSIGN_OR_RETURN(auto v, http::OptionalQueryParam(req, name));
    sys_days d;
    if (v && !registry::ParseDay(*v, &d)) {
      return InvalidArgumentError(std::string(name) + " must be YYYY-MM-DD", name);
    }
    (std::string_view(name) == "from" ? p.from : p.to) = v.value_or("");
  }
  if (!p.from.empty() && !p.to.empty() && p.to < p.from) {
    return InvalidArgumentError("to must not be before from", "to");
  }
  if (doses) {
    ASSIGN_OR_RETURN(p.vaccine, VaccineParam(s, req));
  }
  ASSIGN_OR_RETURN(p.csv, FormatParam(req));
  return p;
}

// Column of a dose number among dose_1, dose_2, dose_3, dose_4_plus (1-based; 0 is the total).
size_t DoseColumn(int dose_number) { return static_cast<size_t>(std::clamp(dose_number, 1, 4)); }

// One row per day from the first to the last day with data within [from, to] (days without
// any in between are rows of zeros), per province at the province level. avg_7d is the mean of
// the seven days ending on the row's day, the days before `from` included.
Result<Answer> SeriesAnswer(storage::Connection& conn, const SeriesParams& p) {
  registry::SeriesQuery q;
  sys_days from_day{}, to_day{};
  if (!p.from.empty()) {
    registry::ParseDay(p.from, &from_day);
    q.from = registry::FormatDay(from_day - days(6));
  }
  if (!p.to.empty()) {
    registry::ParseDay(p.to, &to_day);
    q.to = p.to;
  }
  q.province = p.province;
  q.vaccine = p.vaccine;
  q.by_province = p.level == "province";
  ASSIGN_OR_RETURN(
      std::vector<registry::DayCount> counts,
      p.doses ? registry::ReadDoseCounts(conn, q) : registry::ReadRegistrationCounts(conn, q));
  Answer a;
  a.meta["level"] = p.level;
  if (!p.province.empty()) a.meta["province"] = p.province;
  if (!p.vaccine.empty()) a.meta["vaccine"] = p.vaccine;
  a.table.columns = {"day"};
  if (q.by_province) a.table.columns.insert(a.table.columns.end(), {"province_code", "province"});
  if (p.doses) {
    a.table.columns.insert(a.table.columns.end(),
                           {"doses", "dose_1", "dose_2", "dose_3", "dose_4_plus", "avg_7d"});
  } else {
    a.table.columns.insert(a.table.columns.end(), {"registrations", "avg_7d"});
  }

  std::vector<sys_days> day_of(counts.size());
  std::optional<sys_days> first, last;
  for (size_t i = 0; i < counts.size(); ++i) {
    registry::ParseDay(counts[i].day, &day_of[i]);
    first = std::min(first.value_or(day_of[i]), day_of[i]);
    last = std::max(last.value_or(day_of[i]), day_of[i]);
  }
  const sys_days start =
      first && !p.from.empty() ? std::max(*first, from_day) : first.value_or(sys_days{});
  const sys_days end = last && !p.to.empty() ? std::min(*last, to_day) : last.value_or(sys_days{});
  int64_t total = 0;
  if (first && start <= end) {
    const sys_days base = start - days(6);
    const size_t span = static_cast<size_t>((end - base).count()) + 1;
    const size_t width = p.doses ? 5 : 1;
    for (size_t g = 0; g < counts.size();) {
      const std::string& province = counts[g].province_code;
      std::vector<std::array<int64_t, 5>> by_day(span, std::array<int64_t, 5>{});
      for (; g < counts.size() && counts[g].province_code == province; ++g) {
        const auto offset = (day_of[g] - base).count();
        if (offset < 0 || static_cast<size_t>(offset) >= span) continue;
        auto& cells = by_day[static_cast<size_t>(offset)];
        cells[0] += counts[g].n;
        if (p.doses) cells[DoseColumn(counts[g].dose_number)] += counts[g].n;
      }
      int64_t window = 0;
      for (size_t i = 0; i < span; ++i) {
        window += by_day[i][0] - (i >= 7 ? by_day[i - 7][0] : 0);
        if (i < 6) continue;
        std::vector<Cell> row{registry::FormatDay(base + days(static_cast<int>(i)))};
        if (q.by_province) {
          row.emplace_back(province);
          row.emplace_back(ProvinceName(province));
        }
        for (size_t k = 0; k < width; ++k) row.emplace_back(by_day[i][k]);
        row.emplace_back(Round(static_cast<double>(window) / 7.0, 2));
        total += by_day[i][0];
        a.table.rows.push_back(std::move(row));
      }
    }
    a.meta["from"] = registry::FormatDay(start);
    a.meta["to"] = registry::FormatDay(end);
  } else {
    a.meta["from"] = nullptr;
    a.meta["to"] = nullptr;
  }
  a.meta["total"] = total;
  return a;
}

http::Response Series(StatsState& st, const http::Request& req, bool doses) {
  Result<SeriesParams> p = ParseSeries(st.s, req, doses);
  if (!p.ok()) return http::ErrorResponse(p.status(), req);
  const std::string file = std::string(doses ? "doses-" : "registrations-") + p->level +
                           (p->province.empty() ? "" : "-" + p->province);
  return Respond(st, req, p->Key(), p->csv, file,
                 [&](storage::Connection& c) { return SeriesAnswer(c, *p); });
}

// ---- Coverage ----

struct Population {
  std::string source;    // population_register | registry_records
  int64_t snapshot = 0;  // the register snapshot counted
  std::map<std::pair<std::string, std::string>, int64_t> people;  // (province, district)
  int64_t total = 0;
};

// The register's counts when a register snapshot with people was imported, else the records'.
Result<Population> ReadPopulation(StatsState& st, storage::Connection& conn, bool by_district) {
  ASSIGN_OR_RETURN(int64_t snapshot, identity::LatestSnapshotId(conn));
  std::vector<identity::UnitPopulation> counts;
  bool cached = false;
  if (snapshot > 0) {
    {
      std::lock_guard lock(st.register_mu);
      auto it = st.register_counts.find(by_district);
      if (st.register_snapshot == snapshot && it != st.register_counts.end()) {
        counts = it->second;
        cached = true;
      }
    }
    if (!cached) {
      ASSIGN_OR_RETURN(counts, identity::CountPopulationByUnit(
                                   conn, identity::PopulationSource::kRegister, by_district));
      std::lock_guard lock(st.register_mu);
      if (st.register_snapshot != snapshot) st.register_counts.clear();
      st.register_snapshot = snapshot;
      st.register_counts[by_district] = counts;
    }
  }
  Population out;
  for (int pass = 0; pass < 2 && out.total == 0; ++pass) {
    if (pass == 1) {
      ASSIGN_OR_RETURN(counts, identity::CountPopulationByUnit(
                                   conn, identity::PopulationSource::kRecords, by_district));
    }
    for (const auto& c : counts) {
      out.people[{c.province_code, by_district ? c.district_code : ""}] += c.people;
      out.total += c.people;
    }
    out.source = pass == 0 ? "population_register" : "registry_records";
    out.snapshot = pass == 0 ? snapshot : 0;
  }
  return out;
}

struct CoverageParams {
  std::string level, province;
  bool csv = false;
};

void AppendCoverageCells(std::vector<Cell>& row, int64_t population, const registry::Coverage& c) {
  row.insert(row.end(),
             {population, c.at_least_one, c.fully, c.booster, Percent(c.at_least_one, population),
              Percent(c.fully, population), Percent(c.booster, population)});
}

Result<Answer> CoverageAnswer(StatsState& st, storage::Connection& conn, const CoverageParams& p) {
  const bool by_district = p.level == "district";
  ASSIGN_OR_RETURN(Population pop, ReadPopulation(st, conn, by_district));
  ASSIGN_OR_RETURN(std::vector<registry::Coverage> provinces, registry::ReadCoverage(conn));
  std::vector<registry::Coverage> districts;
  if (by_district) {
    ASSIGN_OR_RETURN(districts, registry::ReadCoverageByDistrict(conn, p.province));
  }
  std::map<std::pair<std::string, std::string>, registry::Coverage> numerators;
  registry::Coverage national;
  for (const auto& c : provinces) {
    national.at_least_one += c.at_least_one;
    national.fully += c.fully;
    national.booster += c.booster;
    if (!by_district) numerators[{c.province_code, ""}] = c;
  }
  for (const auto& c : districts) numerators[{c.province_code, c.district_code}] = c;

  Answer a;
  a.meta["level"] = p.level;
  if (!p.province.empty()) a.meta["province"] = p.province;
  a.meta["denominator"] = pop.source;
  if (pop.snapshot > 0) a.meta["register_snapshot"] = pop.snapshot;
  {
    std::vector<Cell> n;
    AppendCoverageCells(n, pop.total, national);
    boost::json::object o;
    const char* names[] = {"population", "at_least_one_dose",     "fully_vaccinated",
                           "booster",    "pct_at_least_one_dose", "pct_fully_vaccinated",
                           "pct_booster"};
    for (size_t i = 0; i < n.size(); ++i) {
      if (const auto* v = std::get_if<int64_t>(&n[i])) o[names[i]] = *v;
      if (const auto* v = std::get_if<double>(&n[i])) o[names[i]] = *v;
      if (std::holds_alternative<std::nullptr_t>(n[i])) o[names[i]] = nullptr;
    }
    a.meta["national"] = std::move(o);
  }
  a.table.columns = {"province_code", "province"};
  if (by_district) a.table.columns.insert(a.table.columns.end(), {"district_code", "district"});
  a.table.columns.insert(a.table.columns.end(),
                         {"population", "at_least_one_dose", "fully_vaccinated", "booster",
                          "pct_at_least_one_dose", "pct_fully_vaccinated", "pct_booster"});
  const auto& units = geo::AdminUnits::Get();
  for (const geo::AdminUnit* prov : units.Provinces()) {
    if (!p.province.empty() && prov->code != p.province) continue;
    std::vector<const geo::AdminUnit*> rows_of{prov};
    if (by_district) rows_of = units.Children(prov->code);
    for (const geo::AdminUnit* u : rows_of) {
      const std::string district = by_district ? u->code : "";
      std::vector<Cell> row{prov->code, prov->short_name};
      if (by_district) row.insert(row.end(), {u->code, u->name});
      auto num = numerators.find({prov->code, district});
      auto people = pop.people.find({prov->code, district});
      AppendCoverageCells(row, people == pop.people.end() ? 0 : people->second,
                          num == numerators.end() ? registry::Coverage{} : num->second);
      a.table.rows.push_back(std::move(row));
    }
  }
  return a;
}

http::Response CoverageRoute(StatsState& st, const http::Request& req) {
  Status only = http::OnlyQueryParams(req, {"level", "province", "format"});
  if (!only.ok()) return http::ErrorResponse(only, req);
  CoverageParams p;
  {
    auto province = AdminUnitParam(req, "province", geo::Level::kProvince);
    auto level = ChoiceParam(req, "level", {"province", "district"}, "province");
    auto csv = FormatParam(req);
    for (const Status& s : {province.status(), level.status(), csv.status()}) {
      if (!s.ok()) return http::ErrorResponse(s, req);
    }
    p = {*level, *province, *csv};
  }
  const std::string key = "coverage|" + p.level + "|" + p.province + "|" + (p.csv ? "csv" : "json");
  const std::string file = "coverage-" + p.level + (p.province.empty() ? "" : "-" + p.province);
  return Respond(st, req, key, p.csv, file,
                 [&](storage::Connection& c) { return CoverageAnswer(st, c, p); });
}

// ---- Supply: delivered, allocated, given and the given/allocated ranking ----

Result<Answer> SupplyAnswer(storage::Connection& conn, const std::string& vaccine) {
  ASSIGN_OR_RETURN(registry::SupplySummary sum, registry::ReadSupply(conn, vaccine));
  std::map<std::string, registry::ProvinceSupply> by_code;
  int64_t given = 0;
  for (const auto& ps : sum.provinces) {
    by_code[ps.province_code] = ps;
    given += ps.given;
  }
  Answer a;
  if (!vaccine.empty()) a.meta["vaccine"] = vaccine;
  a.meta["national"] = {{"received", sum.national_received},
                        {"allocated_to_provinces", sum.national_allocated_out},
                        {"given", given}};
  a.table.columns = {"province_code",       "province", "delivered",
                     "allocated",           "given",    "given_per_allocated",
                     "given_per_delivered", "rank"};
  // Competition ranking by given / allocated, highest first ("1, 2, 2, 4"); provinces that were
  // allocated nothing have no ratio and no rank.
  std::vector<std::pair<double, std::string>> ratios;
  for (const auto& [code, ps] : by_code) {
    if (ps.allocated_out > 0) {
      ratios.emplace_back(static_cast<double>(ps.given) / static_cast<double>(ps.allocated_out),
                          code);
    }
  }
  std::sort(ratios.begin(), ratios.end(), [](const auto& x, const auto& y) {
    return x.first != y.first ? x.first > y.first : x.second < y.second;
  });
  std::map<std::string, int64_t> rank;
  for (size_t i = 0; i < ratios.size(); ++i) {
    rank[ratios[i].second] = i > 0 && ratios[i].first == ratios[i - 1].first
                                 ? rank[ratios[i - 1].second]
                                 : static_cast<int64_t>(i) + 1;
  }
  for (const geo::AdminUnit* prov : geo::AdminUnits::Get().Provinces()) {
    auto it = by_code.find(prov->code);
    const registry::ProvinceSupply ps =
        it == by_code.end() ? registry::ProvinceSupply{prov->code} : it->second;
    auto r = rank.find(prov->code);
    a.table.rows.push_back({prov->code, prov->short_name, ps.received, ps.allocated_out, ps.given,
                            Ratio(ps.given, ps.allocated_out), Ratio(ps.given, ps.received),
                            r == rank.end() ? Cell(nullptr) : Cell(r->second)});
  }
  return a;
}

http::Response SupplyRoute(StatsState& st, const http::Request& req) {
  Status only = http::OnlyQueryParams(req, {"vaccine", "format"});
  if (!only.ok()) return http::ErrorResponse(only, req);
  auto vaccine = VaccineParam(st.s, req);
  auto csv = FormatParam(req);
  for (const Status& s : {vaccine.status(), csv.status()}) {
    if (!s.ok()) return http::ErrorResponse(s, req);
  }
  const std::string key = "supply|" + *vaccine + "|" + (*csv ? "csv" : "json");
  return Respond(st, req, key, *csv, vaccine->empty() ? "supply" : "supply-" + *vaccine,
                 [&](storage::Connection& c) { return SupplyAnswer(c, *vaccine); });
}

// ---- Stock per holder ----

http::Response StockRoute(StatsState& st, const http::Request& req) {
  Status only = http::OnlyQueryParams(req, {"holder", "format"});
  if (!only.ok()) return http::ErrorResponse(only, req);
  auto holder = http::OptionalQueryParam(req, "holder");
  auto csv = FormatParam(req);
  for (const Status& s : {holder.status(), csv.status()}) {
    if (!s.ok()) return http::ErrorResponse(s, req);
  }
  const std::string h = holder->value_or("");
  const std::string key = "stock|" + h + "|" + (*csv ? "csv" : "json");
  return Respond(st, req, key, *csv, h.empty() ? "stock" : "stock-" + h,
                 [&](storage::Connection& c) -> Result<Answer> {
                   ASSIGN_OR_RETURN(auto rows, registry::ReadStock(c, h));
                   Answer a;
                   if (!h.empty()) a.meta["holder"] = h;
                   a.table.columns = {"holder",        "vaccine", "received",
                                      "allocated_out", "used",    "available"};
                   for (const auto& r : rows) {
                     a.table.rows.push_back({r.holder, r.vaccine_code, r.received, r.allocated_out,
                                             r.used, r.received - r.allocated_out - r.used});
                   }
                   return a;
                 });
}

using StatsHandler = http::Response (*)(StatsState&, const http::Request&);

awaitable<http::Response> Serve(StatsState& st, http::RequestContext& ctx, StatsHandler fn) {
  co_return fn(st, ctx.request);
}

}  // namespace

void RegisterStatsRoutes(http::Router& router, ApiServices& s) {
  const auto pub = auth::AccessRule::Public();
  // Lives as long as the router's handlers (the server's lifetime).
  auto st = std::make_shared<StatsState>(s);
  const auto route = [&](const char* path, StatsHandler fn, const char* what) {
    router.Add({http_::verb::get, path, pub,
                [st, fn](http::RequestContext& ctx) { return Serve(*st, ctx, fn); }, 0, what});
  };
  // ?level=national|province&province=NN&from&to&vaccine&format
  route(
      "/api/v1/stats/doses",
      [](StatsState& x, const http::Request& r) { return Series(x, r, true); },
      "doses per day (national or per province) by dose number, with the 7-day average");
  // ?level=province|district&province=NN&format
  route("/api/v1/stats/coverage", &CoverageRoute,
        "people with at least one dose, fully vaccinated, boosted, against the population, by "
        "province or district");
  // ?level=national|province&province=NN&from&to&format
  route(
      "/api/v1/stats/registrations",
      [](StatsState& x, const http::Request& r) { return Series(x, r, false); },
      "pre-registrations per day (national or per province), with the 7-day average");
  // ?vaccine&format
  route("/api/v1/stats/supply", &SupplyRoute,
        "per province: doses delivered, allocated to facilities, given; ranked by given per "
        "allocated");
  // ?holder=VN|NN|FACILITY&format
  route("/api/v1/stats/stock", &StockRoute,
        "vaccine stock received, allocated and used per holder");
}

}  // namespace vaxreg::api
