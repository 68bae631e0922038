#include "app/demo_population.h"

#include <boost/json.hpp>
#include <algorithm>
#include <condition_variable>
#include <future>
#include <memory>
#include <mutex>
#include <random>
#include <string_view>
#include <unordered_set>

#include "audit/audit_log.h"
#include "geo/admin_units.h"
#include "registry/bulk_load.h"
#include "registry/dose_service.h"
#include "registry/facility.h"
#include "registry/person_store.h"
#include "registry/vaccine_store.h"
#include "text/vietnamese.h"

extern "C" const char vaxreg_demo_names_csv[];

namespace vaxreg::app {
namespace {

using namespace std::chrono;
using Rng = std::mt19937_64;

double Uniform(Rng& rng) { return std::uniform_real_distribution<double>(0.0, 1.0)(rng); }
int64_t Between(Rng& rng, int64_t lo, int64_t hi) {
  return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
}

// Values with cumulative weights; Pick() draws one by weight.
struct Weighted {
  std::vector<std::string> values, folded;
  std::vector<double> cumulative;
  void Add(std::string value, double weight) {
    folded.push_back(text::FoldToAscii(value));
    values.push_back(std::move(value));
    cumulative.push_back((cumulative.empty() ? 0.0 : cumulative.back()) + weight);
  }
  size_t Pick(Rng& rng) const {
    const double x = Uniform(rng) * cumulative.back();
    return std::min(values.size() - 1, static_cast<size_t>(std::upper_bound(cumulative.begin(),
                                                                             cumulative.end(), x) -
                                                            cumulative.begin()));
  }
};

struct NameTables {
  Weighted family, middle_m, middle_f, given_m, given_f;
};

const NameTables& Names() {
  static const NameTables* tables = [] {
    auto* t = new NameTables();
    std::string_view csv(vaxreg_demo_names_csv);
    bool header = true;
    while (!csv.empty()) {
      const size_t nl = csv.find('\n');
      std::string_view line = csv.substr(0, nl);
      csv.remove_prefix(nl == std::string_view::npos ? csv.size() : nl + 1);
      if (header || line.empty()) {
        header = false;
        continue;
      }
      const size_t a = line.find(','), b = line.find(',', a + 1), c = line.find(',', b + 1);
      const std::string_view component = line.substr(0, a);
      std::string value(line.substr(a + 1, b - a - 1));
      const std::string_view sex = line.substr(b + 1, c - b - 1);
      const double weight = std::stod(std::string(line.substr(c + 1)));
      if (component == "family") t->family.Add(std::move(value), weight);
      if (component == "middle") (sex == "M" ? t->middle_m : t->middle_f).Add(std::move(value), weight);
      if (component == "given") (sex == "M" ? t->given_m : t->given_f).Add(std::move(value), weight);
    }
    CHECK(!t->family.values.empty() && !t->given_m.values.empty() && !t->given_f.values.empty());
    return t;
  }();
  return *tables;
}

// Viet Nam's 2021-2022 mix of first doses (share of people, roughly as delivered).
struct Mix {
  const char* code;
  double weight;
};
constexpr Mix kFirstDoseMix[] = {{"VAXZEVRIA", 32},  {"BBIBP-CORV", 28}, {"COMIRNATY", 22},
                                 {"SPIKEVAX", 9},    {"ABDALA", 3},      {"SPUTNIK-V", 2},
                                 {"HAYAT-VAX", 1.5}, {"COVAXIN", 0.5},   {"JANSSEN", 1}};
constexpr Mix kBoosterMix[] = {{"COMIRNATY", 55}, {"SPIKEVAX", 30}, {"VAXZEVRIA", 15}};

const char* PickMix(Rng& rng, const Mix* mix, size_t n) {
  double total = 0;
  for (size_t i = 0; i < n; ++i) total += mix[i].weight;
  double x = Uniform(rng) * total;
  for (size_t i = 0; i < n; ++i) {
    if ((x -= mix[i].weight) <= 0) return mix[i].code;
  }
  return mix[n - 1].code;
}

std::string FacilityFor(const std::string& district) { return "TTYT-" + district; }

struct Geography {
  std::vector<const geo::AdminUnit*> communes;
  std::vector<const geo::AdminUnit*> provinces;
};

const Geography& Geo() {
  static const Geography* g = [] {
    auto* out = new Geography();
    const auto& units = geo::AdminUnits::Get();
    out->provinces = units.Provinces();
    for (const auto* p : units.Provinces()) {
      for (const auto* d : units.Children(p->code)) {
        for (const auto* c : units.Children(d->code)) out->communes.push_back(c);
      }
    }
    return out;
  }();
  return *g;
}

class PersonGenerator {
 public:
  PersonGenerator(uint64_t seed, bool with_doses,
                  const std::vector<registry::VaccineProduct>& catalogue)
      : rng_(seed), with_doses_(with_doses), catalogue_(catalogue) {}

  registry::BulkPerson Next() {
    const NameTables& names = Names();
    const Geography& geo = Geo();
    registry::BulkPerson bp;
    registry::Person& p = bp.person;
    const bool male = Uniform(rng_) < 0.5;
    p.sex = male ? registry::Sex::kMale : registry::Sex::kFemale;
    // Ages 12-95 in 2021, more young adults than old people.
    const int year = 2009 - static_cast<int>(83 * std::pow(Uniform(rng_), 1.35));
    p.birth_year = year;
    const int month = static_cast<int>(Between(rng_, 1, 12));
    const int day = static_cast<int>(Between(rng_, 1, 28));
    char dob[32];
    std::snprintf(dob, sizeof dob, "%04d-%02d-%02d", year, month, day);
    // Older records often carry only the year of birth.
    p.dob = year < 1950 && Uniform(rng_) < 0.3 ? std::string(dob, 4) : std::string(dob);

    const size_t f = names.family.Pick(rng_);
    const Weighted& middles = male ? names.middle_m : names.middle_f;
    const Weighted& givens = male ? names.given_m : names.given_f;
    const size_t m = middles.Pick(rng_), g = givens.Pick(rng_);
    p.full_name = names.family.values[f];
    p.name_folded = names.family.folded[f];
    if (!middles.values[m].empty()) {
      p.full_name += " " + middles.values[m];
      p.name_folded += " " + middles.folded[m];
    }
    p.full_name += " " + givens.values[g];
    p.name_folded += " " + givens.folded[g];

    const geo::AdminUnit* commune = geo.communes[Between(rng_, 0, geo.communes.size() - 1)];
    p.commune_code = commune->code;
    p.district_code = commune->parent_code;
    p.province_code = commune->province_code;
    const std::string birth_province =
        Uniform(rng_) < 0.85 ? p.province_code
                             : geo.provinces[Between(rng_, 0, geo.provinces.size() - 1)]->code;
    if (Uniform(rng_) < 0.02) {
      p.cmnd = std::to_string(Between(rng_, 100000000, 399999999));
    } else {
      p.cccd = NewCccd(birth_province, male, year);
    }
    p.phone = "09" + std::to_string(Between(rng_, 10000000, 99999999));
    if (with_doses_) AddDoses(bp);
    return bp;
  }

 private:
  std::string NewCccd(const std::string& province, bool male, int year) {
    const int century_sex = (year >= 2000 ? 2 : 0) + (male ? 0 : 1);
    while (true) {
      char buf[48];
      std::snprintf(buf, sizeof buf, "0%s%d%02d%06d", province.c_str(), century_sex, year % 100,
                    static_cast<int>(Between(rng_, 0, 999999)));
      if (used_cccds_.insert(std::stoull(buf)).second) return buf;
    }
  }

  const registry::VaccineProduct& Product(std::string_view code) const {
    const auto* p = registry::VaccineCatalogueCache::Find(catalogue_, code);
    CHECK(p != nullptr);
    return *p;
  }

  void AddDoses(registry::BulkPerson& bp) {
    const double r = Uniform(rng_);
    const int wanted = r < 0.04 ? 0 : r < 0.10 ? 1 : r < 0.48 ? 2 : 3;
    const sys_days first_day = sys_days(2021y / March / 8);
    const sys_days last_day = sys_days(2022y / December / 31);
    // First doses cluster in the second half of 2021.
    sys_days day = first_day + days(static_cast<int>(330 * std::sqrt(Uniform(rng_))));
    const registry::VaccineProduct* product = &Product(PickMix(rng_, kFirstDoseMix, std::size(kFirstDoseMix)));
    const int primary = product->primary_doses;
    for (int n = 1; n <= std::max(wanted, wanted >= 2 ? primary : 0); ++n) {
      if (n > 1) {
        const registry::VaccineProduct& prev = *product;
        const bool booster = n > primary;
        if (booster) {
          product = &Product(PickMix(rng_, kBoosterMix, std::size(kBoosterMix)));
        } else if (prev.code == "VAXZEVRIA" && Uniform(rng_) < 0.3) {
          product = &Product("COMIRNATY");  // AstraZeneca then Pfizer, common in 2021
        }
        day += days((booster ? prev.booster_min_days : prev.min_interval_days) +
                    Between(rng_, 0, booster ? 150 : 45));
      }
      if (day > last_day) break;
      registry::Dose d;
      d.vaccine_code = product->code;
      d.dose_number = n;
      d.administered_at = duration_cast<seconds>(day.time_since_epoch()).count() +
                          Between(rng_, 1, 10) * 3600;  // 08:00-17:00 in Viet Nam
      d.facility_code = Uniform(rng_) < 0.9 ? FacilityFor(bp.person.district_code)
                                            : FacilityFor(RandomDistrict());
      d.province_code =
          geo::AdminUnits::Get().Find(d.facility_code.substr(5))->province_code;
      d.lot = product->code.substr(0, 3) + std::to_string(Between(rng_, 1000, 9999));
      d.source = "facility";
      d.review_status = "none";
      d.recorded_by = "system:demo-seed";
      bp.doses.push_back(std::move(d));
    }
  }

  std::string RandomDistrict() {
    const auto& communes = Geo().communes;
    return communes[Between(rng_, 0, communes.size() - 1)]->parent_code;
  }

  Rng rng_;
  bool with_doses_;
  const std::vector<registry::VaccineProduct>& catalogue_;
  std::unordered_set<uint64_t> used_cccds_;
};

// The demo citizen account's own record (CCCD 001090012345): two Comirnaty doses at Bạch Mai.
Status SeedDemoCitizen(storage::Connection& c, const Clock& clock, const registry::Actor& actor) {
  ASSIGN_OR_RETURN(auto existing, registry::FindPersonByCccd(c, "001090012345"));
  if (existing) return Status::Ok();
  registry::NewPerson np;
  np.cccd = "001090012345";
  np.full_name = "Nguyễn Văn An";
  np.dob = "1990-05-01";
  np.sex = "M";
  np.phone = "0912345678";
  np.province_code = "01";
  np.district_code = "006";
  np.commune_code = "00232";
  ASSIGN_OR_RETURN(registry::Person valid,
                   registry::ValidateNewPerson(np, registry::DayOf(ToUnixSeconds(clock.Now()))));
  ASSIGN_OR_RETURN(registry::Person person, registry::InsertPerson(c, clock, valid, actor));
  ASSIGN_OR_RETURN(auto products, registry::LoadVaccineProducts(c));
  for (const auto& [number, at] : {std::pair{1, int64_t{1627783200}}, {2, int64_t{1629856800}}}) {
    registry::NewDose d;
    d.person_id = person.id;
    d.vaccine_code = "COMIRNATY";
    d.lot = "FF2587";
    d.dose_number = number;
    d.administered_at = at;  // 2021-08-01 and 2021-08-25, 09:00 in Viet Nam
    d.facility_code = "HN-BACHMAI";
    RETURN_IF_ERROR(registry::RecordDose(c, clock, products, d,
                                         registry::DoseWriter::System(actor.id))
                        .status());
  }
  return Status::Ok();
}

}  // namespace

Result<int64_t> SeedDemoFacilities(storage::GroupCommitWriter& writer, const Clock& clock) {
  int64_t created = 0;
  const registry::Actor actor{"system:demo-seed", ""};
  Status st = writer.SubmitAndWait([&](storage::Connection& c) -> Status {
    created = 0;
    RETURN_IF_ERROR(registry::SeedBuiltInVaccines(c, clock));
    std::vector<registry::Facility> wanted;
    wanted.push_back({"HN-BACHMAI", "Bệnh viện Bạch Mai", "01", "006", "00232",
                      "78 Giải Phóng, Phương Mai, Đống Đa, Hà Nội", "applied", 3000, "", 0});
    const auto& units = geo::AdminUnits::Get();
    for (const auto* p : units.Provinces()) {
      for (const auto* d : units.Children(p->code)) {
        const auto& communes = units.Children(d->code);
        if (communes.empty()) continue;
        wanted.push_back({FacilityFor(d->code), "Trung tâm Y tế " + d->name, p->code, d->code,
                          communes.front()->code, "", "applied", 2000, "", 0});
      }
    }
    for (const auto& f : wanted) {
      ASSIGN_OR_RETURN(auto existing, registry::FindFacility(c, f.code));
      if (existing) continue;
      RETURN_IF_ERROR(registry::ApplyFacility(c, clock, f, actor).status());
      RETURN_IF_ERROR(registry::DecideFacility(c, clock, f.code, "active", "demo", actor).status());
      ++created;
    }
    return SeedDemoCitizen(c, clock, actor);
  });
  if (!st.ok()) return st;
  return created;
}

namespace {

// The next chunk of at most options.chunk people (fewer at the end); advances `done`.
std::shared_ptr<std::vector<registry::BulkPerson>> NextChunk(PersonGenerator& generator,
                                                              const PopulationOptions& options,
                                                              int64_t& done) {
  const size_t n = static_cast<size_t>(std::min<int64_t>(options.chunk, options.people - done));
  auto chunk = std::make_shared<std::vector<registry::BulkPerson>>();
  chunk->reserve(n);
  for (size_t i = 0; i < n; ++i) chunk->push_back(generator.Next());
  done += static_cast<int64_t>(n);
  return chunk;
}

// The statements that drop the secondary indexes and the unique and foreign-key constraints of
// people and doses, and those that create them again (unique before foreign keys, which may
// refer to them). Primary keys stay: the loader's ids ascend, so their B-trees only append.
struct IndexPlan {
  std::vector<std::string> drop, create;
};

Result<IndexPlan> PlanIndexRebuild(storage::Connection& conn) {
  IndexPlan plan;
  ASSIGN_OR_RETURN(
      storage::Rows constraints,
      conn.Query("SELECT format('ALTER TABLE %s DROP CONSTRAINT %I', conrelid::regclass, conname), "
                 "format('ALTER TABLE %s ADD CONSTRAINT %I %s', conrelid::regclass, conname, "
                 "pg_get_constraintdef(oid)) "
                 "FROM pg_constraint WHERE conrelid IN ('people'::regclass, 'doses'::regclass) "
                 "AND contype IN ('u', 'f') ORDER BY contype = 'u', conname"));
  ASSIGN_OR_RETURN(
      storage::Rows indexes,
      conn.Query("SELECT format('DROP INDEX %s', i.indexrelid::regclass), "
                 "pg_get_indexdef(i.indexrelid) FROM pg_index i "
                 "WHERE i.indrelid IN ('people'::regclass, 'doses'::regclass) "
                 "AND NOT i.indisprimary AND NOT EXISTS (SELECT 1 FROM pg_constraint c "
                 "WHERE c.conindid = i.indexrelid AND c.contype IN ('p', 'u', 'x')) "
                 "ORDER BY i.indexrelid"));
  // Foreign keys first when dropping (ORDER BY put them first), unique ones first when adding.
  for (size_t i = 0; i < constraints.size(); ++i) plan.drop.push_back(constraints[i].Text(0));
  for (size_t i = 0; i < indexes.size(); ++i) {
    plan.drop.push_back(indexes[i].Text(0));
    plan.create.push_back(indexes[i].Text(1));
  }
  for (size_t i = constraints.size(); i-- > 0;) plan.create.push_back(constraints[i].Text(1));
  return plan;
}

Result<PopulationReport> InitialLoad(storage::Database& db, const Clock& clock,
                                     const PopulationOptions& options,
                                     const std::vector<registry::VaccineProduct>& catalogue) {
  auto say = [&](std::string_view line) {
    if (options.stage) options.stage(line);
  };
  ASSIGN_OR_RETURN(std::unique_ptr<storage::Connection> conn, db.OpenWriterConnection());
  RETURN_IF_ERROR(conn->Begin());
  // Rolled back unless committed below (a failed statement, a full disk, the process killed).
  struct Rollback {
    storage::Connection* conn;
    bool done = false;
    ~Rollback() {
      if (!done) (void)conn->Rollback();
    }
  } rollback{conn.get()};
  RETURN_IF_ERROR(conn->ExecuteScript("LOCK TABLE people, doses IN ACCESS EXCLUSIVE MODE"));
  ASSIGN_OR_RETURN(IndexPlan plan, PlanIndexRebuild(*conn));
  say("dropping " + std::to_string(plan.drop.size()) + " indexes and constraints of people and doses");
  for (const std::string& sql : plan.drop) RETURN_IF_ERROR(conn->ExecuteScript(sql));

  ASSIGN_OR_RETURN(registry::BulkLoader loader, registry::BulkLoader::Start(*conn));
  PersonGenerator generator(options.seed, options.with_doses, catalogue);
  const int64_t now = ToUnixSeconds(clock.Now());
  // The next chunk is generated on this thread while the previous one is written on another;
  // the connection is used by one thread at a time (each write is awaited before the next).
  // Declared after the loader and the connection: its destructor waits for a write still
  // running when an error returns early, before they are destroyed.
  std::future<Status> writing;
  auto await_write = [&]() -> Status {
    if (!writing.valid()) return Status::Ok();
    RETURN_IF_ERROR(writing.get());
    if (options.progress) options.progress(loader.people_loaded(), loader.doses_loaded());
    return Status::Ok();
  };
  for (int64_t done = 0; done < options.people;) {
    auto chunk = NextChunk(generator, options, done);
    RETURN_IF_ERROR(await_write());
    writing = std::async(std::launch::async, [&loader, &conn, chunk, &catalogue, now] {
      return loader.Load(*conn, *chunk, catalogue, now);
    });
  }
  RETURN_IF_ERROR(await_write());

  say("building " + std::to_string(plan.create.size()) + " indexes and constraints again");
  for (const std::string& sql : plan.create) RETURN_IF_ERROR(conn->ExecuteScript(sql));
  RETURN_IF_ERROR(loader.Finish(*conn));
  PopulationReport report;
  report.people = loader.people_loaded();
  report.doses = loader.doses_loaded();
  const std::string after = boost::json::serialize(boost::json::object{
      {"people", report.people}, {"doses", report.doses}, {"seed", options.seed},
      {"initial_load", true}});
  RETURN_IF_ERROR(audit::AppendAudit(
      *conn, clock, {"system:demo-seed", "demo.seed_population", "people", "null", after, ""}));
  say("committing");
  RETURN_IF_ERROR(conn->Commit());
  rollback.done = true;
  return report;
}

}  // namespace

Result<PopulationReport> SeedPopulation(storage::Database& db, storage::GroupCommitWriter& writer,
                                        const Clock& clock, const PopulationOptions& options) {
  if (options.initial_load && db.dialect() != storage::Dialect::kPostgres) {
    return FailedPreconditionError("--initial-load is for PostgreSQL (SQLite loads in chunks)");
  }
  if (options.initial_load) {
    // Checked before the demo facilities add the demo citizen: an initial load is for a
    // database that has no people yet, where holding the tables for the load harms no one.
    ASSIGN_OR_RETURN(auto conn, db.Acquire());
    ASSIGN_OR_RETURN(storage::Rows any, conn->Query("SELECT EXISTS (SELECT 1 FROM people)"));
    if (any.at(0).Int(0) != 0) {
      return FailedPreconditionError(
          "an initial load needs an empty people table; this database already holds people "
          "(load more without --initial-load)");
    }
  }
  PopulationReport report;
  ASSIGN_OR_RETURN(report.facilities_created, SeedDemoFacilities(writer, clock));
  std::vector<registry::VaccineProduct> catalogue;
  {
    ASSIGN_OR_RETURN(auto conn, db.Acquire());
    ASSIGN_OR_RETURN(catalogue, registry::LoadVaccineProducts(*conn));
  }
  if (options.initial_load) {
    ASSIGN_OR_RETURN(PopulationReport loaded, InitialLoad(db, clock, options, catalogue));
    loaded.facilities_created = report.facilities_created;
    return loaded;
  }
  PersonGenerator generator(options.seed, options.with_doses, catalogue);
  // Only the writer thread touches the loader, in submission order.
  auto loader = std::make_shared<std::optional<registry::BulkLoader>>();
  std::mutex mu;
  std::condition_variable cv;
  int in_flight = 0;
  Status first_error;
  const int64_t now = ToUnixSeconds(clock.Now());
  for (int64_t done = 0; done < options.people;) {
    auto chunk = NextChunk(generator, options, done);
    {
      std::unique_lock lock(mu);
      cv.wait(lock, [&] { return in_flight < 2; });
      if (!first_error.ok()) break;
      ++in_flight;
    }
    writer.Submit(
        [chunk, loader, &catalogue, now](storage::Connection& c) -> Status {
          if (!*loader) {
            ASSIGN_OR_RETURN(auto l, registry::BulkLoader::Start(c));
            loader->emplace(std::move(l));
          }
          return (*loader)->Load(c, *chunk, catalogue, now);
        },
        [&, chunk](Status st) {
          std::lock_guard lock(mu);
          --in_flight;
          if (!st.ok() && first_error.ok()) first_error = st;
          if (st.ok() && options.progress && *loader) {
            options.progress((*loader)->people_loaded(), (*loader)->doses_loaded());
          }
          cv.notify_all();
        });
  }
  {
    std::unique_lock lock(mu);
    cv.wait(lock, [&] { return in_flight == 0; });
  }
  if (!first_error.ok()) return first_error;
  if (*loader) {
    report.people = (*loader)->people_loaded();
    report.doses = (*loader)->doses_loaded();
  }
  const std::string after = boost::json::serialize(boost::json::object{
      {"people", report.people}, {"doses", report.doses}, {"seed", options.seed}});
  Status finished = writer.SubmitAndWait([&](storage::Connection& c) -> Status {
    if (*loader) RETURN_IF_ERROR((*loader)->Finish(c));
    return audit::AppendAudit(c, clock,
                              {"system:demo-seed", "demo.seed_population", "people", "null", after, ""});
  });
  if (!finished.ok()) return finished;
  return report;
}

}  // namespace vaxreg::app
