#pragma once
// Doses: what a facility (or, pending review, the person) records. Doses are never deleted: a
// dose entered in error is voided with a reason and stops counting everywhere.

#include <cstdint>
#include <optional>
#include <span>
#include <unordered_map>
#include <string>
#include <vector>

#include <boost/json/object.hpp>
#include <boost/json/storage_ptr.hpp>

#include "storage/database.h"

namespace vaxreg::registry {

struct NewDose {
  int64_t person_id = 0;
  std::string vaccine_code;
  std::string lot;
  int dose_number = 0;
  int64_t administered_at = 0;  // Unix seconds
  std::string facility_code;    // required when source is "facility"
  std::string vaccinator;
  std::string source = "facility";  // facility | self_declared
  std::string idempotency_key;      // optional; a retry with the same key returns the first dose
  std::string override_reason;      // a health authority's reason to accept a continuity conflict
};

struct Dose {
  int64_t id = 0;
  int64_t person_id = 0;
  std::string vaccine_code, lot;
  int dose_number = 0;
  int64_t administered_at = 0;
  std::string facility_code, vaccinator, source;
  std::string review_status;  // none (facility records) | pending | verified | rejected
  std::string province_code;
  std::string status;  // active | voided
  std::string void_reason, idempotency_key, override_reason, recorded_by;
  int64_t created_at = 0;

  // Whether the dose counts towards status and statistics.
  bool Counts() const {
    return status == "active" && (source == "facility" || review_status == "verified");
  }
};

// For queries that join doses to other tables: the dose columns, each prefixed with `alias.`,
// comma-separated; and the dose read from `row` starting at column `first` (the columns in that
// order).
std::string DoseColumns(std::string_view alias);
Dose DoseFromRow(const storage::RowView& row, size_t first);

// Inserts the row as given (id and created_at are filled in). Errors from the connection;
// Idempotency keys are scoped to their writer (a facility, or an account): the key a client
// sends is stored as "<scope>\x1f<key>", so the same key from another writer is another key and
// a replay never reveals another writer's dose. Client keys are 1-128 printable ASCII
// characters (kInvalidArgument, field "idempotency_key"), so they cannot contain the separator.
Status ValidateIdempotencyKey(std::string_view client_key);
std::string ScopeIdempotencyKey(std::string_view scope, std::string_view client_key);
// The key as its writer sent it (keys stored before scoping are returned as they are).
std::string_view ClientIdempotencyKey(std::string_view stored_key);

// kAlreadyExists for a taken idempotency key.
Result<Dose> InsertDose(storage::Connection& conn, Dose dose);
Result<std::optional<Dose>> FindDose(storage::Connection& conn, int64_t id);
Result<std::optional<Dose>> FindDoseByIdempotencyKey(storage::Connection& conn,
                                                     std::string_view key);
// Every dose of a person, voided ones too, oldest first.
Result<std::vector<Dose>> ListPersonDoses(storage::Connection& conn, int64_t person_id);
// ListPersonDoses for many people at once: every column, by person, each list in the same order;
// people without doses are absent.
Result<std::unordered_map<int64_t, std::vector<Dose>>> ListDosesOfPeople(
    storage::Connection& conn, std::span<const int64_t> person_ids);

// Batched lookups for dose imports (storage::QueryIn). The doses holding any of `keys`, by key
// (whole rows). And the dose histories of `person_ids`, by person, each list oldest first,
// people without doses absent; only what continuity and status need is read (id, person_id,
// vaccine_code, dose_number, administered_at, source, review_status, status; the other fields
// are left empty).
Result<std::unordered_map<std::string, Dose>> FindDosesByIdempotencyKeys(
    storage::Connection& conn, std::span<const std::string> keys);
Result<std::unordered_map<int64_t, std::vector<Dose>>> ListDoseHistoriesOfPeople(
    storage::Connection& conn, std::span<const int64_t> person_ids);
Status MarkDoseVoided(storage::Connection& conn, int64_t id, std::string_view reason,
                      std::string_view voided_by, int64_t now);

// The dose as JSON (API answers), and serialised (audit rows).
// `sp` holds the JSON's memory (an arena for answers built and thrown away per request).
boost::json::object DoseToJson(const Dose& d, boost::json::storage_ptr sp = {});
std::string DoseJson(const Dose& d);

}  // namespace vaxreg::registry
