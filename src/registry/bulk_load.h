#pragma once
// Bulk loading of people with their dose histories (synthetic populations, operator loads):
// COPY on PostgreSQL, multi-row prepared INSERTs on SQLite, with explicit ids (PostgreSQL: reserved from the tables' sequences,
// so several processes may load at once) inside the caller's write transaction, and the
// statistics counters added once per chunk from in-memory tallies instead of per row.
// The rows must already be valid (the generator or the caller checked them); no continuity check
// runs and no per-row audit row is written: the caller appends one audit row per load.
// Not thread-safe; use from one writer.

#include <array>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include "registry/dose.h"
#include "registry/person.h"
#include "registry/vaccine_catalogue.h"

namespace vaxreg::registry {

struct BulkPerson {
  // A new person (id 0: the loader assigns it), or an existing one of whom the loader uses id,
  // province_code and vax_status (the stored status) and adds the new doses.
  Person person;
  std::vector<Dose> doses;           // new doses: person_id and id assigned by the loader
  // An existing person's doses, for the new status: vaccine_code, administered_at, source,
  // review_status and status are used.
  std::vector<Dose> existing_doses;
};

class BulkLoader {
 public:
  // Reads the next free ids (Load reads them again, so other writes in between are safe).
  static Result<BulkLoader> Start(storage::Connection& conn);

  // Inserts the new people and all new doses, sets each person's vax_status (updating existing
  // people whose status changes), and adds to the counters.
  Status Load(storage::Connection& conn, std::vector<BulkPerson>& people,
              const std::vector<VaccineProduct>& catalogue, int64_t now);

  // Call once at the end (nothing is left to do today: PostgreSQL ids come from the sequences).
  Status Finish(storage::Connection& conn);

  int64_t people_loaded() const { return people_loaded_; }
  int64_t doses_loaded() const { return doses_loaded_; }

 private:
  Status InsertPeople(storage::Connection& conn, const std::vector<const BulkPerson*>& people);
  Status InsertDoses(storage::Connection& conn, const std::vector<const Dose*>& doses);
  Status ReadNextIds(storage::Connection& conn);
  // `n` new ids for `table`: on PostgreSQL from its id sequence, shared by every process; on
  // SQLite counted up from `next` (read under the write lock).
  static Result<std::vector<int64_t>> ReserveIds(storage::Connection& conn,
                                                 std::string_view table, size_t n, int64_t& next);

  int64_t next_person_id_ = 1;
  int64_t next_dose_id_ = 1;
  int64_t people_loaded_ = 0;
  int64_t doses_loaded_ = 0;
};

}  // namespace vaxreg::registry
