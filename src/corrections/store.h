#pragma once
// Correction requests in the database (migration 11). Writes take the group-commit writer's
// connection inside its transaction; reads take any connection. No rules here: service.h
// decides what may change.

#include <optional>
#include <string>
#include <vector>

#include "corrections/request.h"
#include "storage/database.h"

namespace vaxreg::corrections {

// Inserts `r` (id filled in) with its photos. kAlreadyExists (field "subject") when the subject
// has an open request already: the partial unique index decides, across processes.
Result<CorrectionRequest> InsertRequest(storage::Connection& conn, CorrectionRequest r);

// With its photos. nullopt when there is no such request.
Result<std::optional<CorrectionRequest>> FindRequest(storage::Connection& conn, int64_t id);
Result<std::optional<CorrectionRequest>> FindRequestByTracking(storage::Connection& conn,
                                                               std::string_view tracking);

// Writes the state fields of `r` (status, level, assigned_unit, area codes, due_at, paused_at,
// paused_seconds, escalations, info_question, decision fields, updated_at) and bumps the
// version, only if the stored version is still `r.version` and the stored status `from_status`.
// False when another writer got there first (nothing written): the caller answers 409.
Result<bool> UpdateRequestState(storage::Connection& conn, CorrectionRequest& r,
                                std::string_view from_status);

// Appends to the request's history.
Status AddEvent(storage::Connection& conn, int64_t request_id, int64_t at, std::string_view actor,
                std::string_view event, std::string_view detail_json);

struct Event {
  int64_t at = 0;
  std::string actor, event, detail;
};
Result<std::vector<Event>> ListEvents(storage::Connection& conn, int64_t request_id);

// A handler's queue page: requests assigned to `unit` (a facility code, a GSO code or "VN"),
// with `status` ("" = open and info_needed), by due time then id, after the (due_at, id) key
// given (0, 0 for the first page). Served by the index (assigned_unit, status, due_at, id).
struct QueueKey {
  int64_t due_at = 0;
  int64_t id = 0;
};
Result<std::vector<CorrectionRequest>> ListQueue(storage::Connection& conn, std::string_view unit,
                                                 std::string_view status, QueueKey after,
                                                 int limit);

// Requests whose area lies in `area` ("VN" or "" = everywhere; a 2-digit province, 3-digit
// district or 5-digit commune code), any assignee, newest first, before id `before` (0 = from
// the newest).
Result<std::vector<CorrectionRequest>> ListInArea(storage::Connection& conn, std::string_view area,
                                                  std::string_view status, int64_t before,
                                                  int limit);

// A citizen's own requests, newest first.
Result<std::vector<CorrectionRequest>> ListBySubmitter(storage::Connection& conn, int64_t user_id,
                                                       int limit);
// How many requests the citizen sent since `since` (rate limit).
Result<int64_t> CountSubmittedSince(storage::Connection& conn, int64_t user_id, int64_t since);
// Approved requests about the person (the cap on accepted corrections).
Result<int64_t> CountApprovedForPerson(storage::Connection& conn, int64_t person_id);

// Photo uploads: a photo a user uploaded, before it is attached to a request.
struct Upload {
  std::string sha256, thumb_sha256;
  int width = 0, height = 0;
  int64_t bytes = 0;
};
Status RecordUpload(storage::Connection& conn, int64_t user_id, const Upload& upload, int64_t now);
Result<std::optional<Upload>> FindUpload(storage::Connection& conn, int64_t user_id,
                                         std::string_view sha256);
Result<int64_t> CountUploadsSince(storage::Connection& conn, int64_t user_id, int64_t since);
// Adds photos to a request after its last one.
Status AttachPhotos(storage::Connection& conn, int64_t request_id, size_t first_position,
                    const std::vector<Photo>& photos);

}  // namespace vaxreg::corrections
