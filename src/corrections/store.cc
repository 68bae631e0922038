#include "corrections/store.h"

namespace vaxreg::corrections {
namespace {

constexpr std::string_view kColumns =
    "id, tracking, kind, subject, person_id, COALESCE(dose_id, 0), claim, note, status, level, "
    "assigned_unit, facility_code, province_code, district_code, commune_code, submitted_by, "
    "received_at, due_at, COALESCE(paused_at, 0), paused_seconds, escalations, info_question, "
    "COALESCE(decided_at, 0), COALESCE(decided_by, ''), COALESCE(decided_in_time, -1), "
    "COALESCE(reject_reason, ''), COALESCE(decision_note, ''), version, updated_at";

Result<CorrectionRequest> FromRow(const storage::RowView& row) {
  CorrectionRequest r;
  r.id = row.Int(0);
  r.tracking = row.Text(1);
  ASSIGN_OR_RETURN(r.kind, ParseKind(row.Text(2)));
  r.subject = row.Text(3);
  r.person_id = row.Int(4);
  r.dose_id = row.Int(5);
  r.claim = row.Text(6);
  r.note = row.Text(7);
  r.status = row.Text(8);
  ASSIGN_OR_RETURN(r.level, ParseLevel(row.Text(9)));
  r.assigned_unit = row.Text(10);
  r.facility_code = row.Text(11);
  r.province_code = row.Text(12);
  r.district_code = row.Text(13);
  r.commune_code = row.Text(14);
  r.submitted_by = row.Int(15);
  r.received_at = row.Int(16);
  r.due_at = row.Int(17);
  r.paused_at = row.Int(18);
  r.paused_seconds = row.Int(19);
  r.escalations = static_cast<int>(row.Int(20));
  r.info_question = row.Text(21);
  r.decided_at = row.Int(22);
  r.decided_by = row.Text(23);
  r.decided_in_time = static_cast<int>(row.Int(24));
  r.reject_reason = row.Text(25);
  r.decision_note = row.Text(26);
  r.version = static_cast<int>(row.Int(27));
  r.updated_at = row.Int(28);
  return r;
}

Result<std::vector<CorrectionRequest>> Many(storage::Connection& conn, const std::string& sql,
                                            std::initializer_list<storage::Value> params) {
  std::vector<CorrectionRequest> out;
  Status visit = Status::Ok();
  RETURN_IF_ERROR(conn.ForEachRow(sql, std::span<const storage::Value>(params.begin(), params.size()),
                                  [&](const storage::RowView& row) -> Status {
                                    ASSIGN_OR_RETURN(CorrectionRequest r, FromRow(row));
                                    out.push_back(std::move(r));
                                    return Status::Ok();
                                  }));
  return out;
}

Status LoadPhotos(storage::Connection& conn, CorrectionRequest& r) {
  ASSIGN_OR_RETURN(storage::Rows rows,
                   conn.Query("SELECT sha256, thumb_sha256 FROM correction_photos "
                              "WHERE request_id = $1 ORDER BY position",
                              {r.id}));
  r.photos.clear();
  for (const auto& row : rows) r.photos.push_back({row.Text(0), row.Text(1)});
  return Status::Ok();
}

Result<std::optional<CorrectionRequest>> One(storage::Connection& conn, const std::string& sql,
                                             storage::Value key) {
  ASSIGN_OR_RETURN(auto rows, Many(conn, sql, {std::move(key)}));
  if (rows.empty()) return std::optional<CorrectionRequest>();
  RETURN_IF_ERROR(LoadPhotos(conn, rows.front()));
  return std::optional<CorrectionRequest>(std::move(rows.front()));
}

storage::Value NullIfZero(int64_t v) { return v == 0 ? storage::Value(nullptr) : storage::Value(v); }
storage::Value NullIfEmpty(const std::string& s) {
  return s.empty() ? storage::Value(nullptr) : storage::Value(s);
}

}  // namespace

Result<CorrectionRequest> InsertRequest(storage::Connection& conn, CorrectionRequest r) {
  auto rows = conn.Query(
      "INSERT INTO correction_requests (tracking, kind, subject, person_id, dose_id, claim, note, "
      "status, level, assigned_unit, facility_code, province_code, district_code, commune_code, "
      "submitted_by, received_at, due_at, paused_seconds, escalations, version, updated_at) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, 0, 0, "
      "1, $16) RETURNING id",
      {r.tracking, std::string(KindName(r.kind)), r.subject, r.person_id, NullIfZero(r.dose_id),
       r.claim, r.note, r.status, std::string(LevelName(r.level)), r.assigned_unit,
       r.facility_code, r.province_code, r.district_code, r.commune_code, r.submitted_by,
       r.received_at, r.due_at});
  if (!rows.ok() && rows.status().code() == StatusCode::kAlreadyExists) {
    return AlreadyExistsError(
        "there is already an open request about this; wait for its decision or add to it",
        "subject");
  }
  RETURN_IF_ERROR(rows.status());
  r.id = rows->at(0).Int(0);
  r.version = 1;
  r.updated_at = r.received_at;
  RETURN_IF_ERROR(AttachPhotos(conn, r.id, 0, r.photos));
  return r;
}

Result<std::optional<CorrectionRequest>> FindRequest(storage::Connection& conn, int64_t id) {
  return One(conn, "SELECT " + std::string(kColumns) + " FROM correction_requests WHERE id = $1",
             id);
}

Result<std::optional<CorrectionRequest>> FindRequestByTracking(storage::Connection& conn,
                                                               std::string_view tracking) {
  return One(conn,
             "SELECT " + std::string(kColumns) + " FROM correction_requests WHERE tracking = $1",
             std::string(tracking));
}

Result<bool> UpdateRequestState(storage::Connection& conn, CorrectionRequest& r,
                                std::string_view from_status) {
  ASSIGN_OR_RETURN(
      int64_t changed,
      conn.Execute(
          "UPDATE correction_requests SET status = $1, level = $2, assigned_unit = $3, "
          "facility_code = $4, province_code = $5, district_code = $6, commune_code = $7, "
          "due_at = $8, paused_at = $9, paused_seconds = $10, escalations = $11, "
          "info_question = $12, decided_at = $13, decided_by = $14, decided_in_time = $15, "
          "reject_reason = $16, decision_note = $17, updated_at = $18, version = version + 1 "
          "WHERE id = $19 AND version = $20 AND status = $21",
          {r.status, std::string(LevelName(r.level)), r.assigned_unit, r.facility_code,
           r.province_code, r.district_code, r.commune_code, r.due_at, NullIfZero(r.paused_at),
           r.paused_seconds, int64_t{r.escalations}, r.info_question, NullIfZero(r.decided_at),
           NullIfEmpty(r.decided_by),
           r.decided_in_time < 0 ? storage::Value(nullptr) : storage::Value(int64_t{r.decided_in_time}),
           NullIfEmpty(r.reject_reason), NullIfEmpty(r.decision_note), r.updated_at, r.id,
           int64_t{r.version}, std::string(from_status)}));
  if (changed == 0) return false;
  ++r.version;
  return true;
}

Status AddEvent(storage::Connection& conn, int64_t request_id, int64_t at, std::string_view actor,
                std::string_view event, std::string_view detail_json) {
  return conn
      .Execute("INSERT INTO correction_events (request_id, at, actor, event, detail) "
               "VALUES ($1, $2, $3, $4, $5)",
               {request_id, at, std::string(actor), std::string(event), std::string(detail_json)})
      .status();
}

Result<std::vector<Event>> ListEvents(storage::Connection& conn, int64_t request_id) {
  ASSIGN_OR_RETURN(storage::Rows rows,
                   conn.Query("SELECT at, actor, event, detail FROM correction_events "
                              "WHERE request_id = $1 ORDER BY id",
                              {request_id}));
  std::vector<Event> out;
  for (const auto& row : rows) out.push_back({row.Int(0), row.Text(1), row.Text(2), row.Text(3)});
  return out;
}

Result<std::vector<CorrectionRequest>> ListQueue(storage::Connection& conn, std::string_view unit,
                                                 std::string_view status, QueueKey after,
                                                 int limit) {
  const std::string head = "SELECT " + std::string(kColumns) + " FROM correction_requests ";
  const std::string page =
      " AND (due_at > $2 OR (due_at = $2 AND id > $3)) ORDER BY due_at, id LIMIT $4";
  if (status.empty()) {
    // Two index ranges (one per open state), merged by the ORDER BY.
    return Many(conn,
                head + "WHERE assigned_unit = $1 AND status IN ('open', 'info_needed')" + page,
                {std::string(unit), after.due_at, after.id, int64_t{limit}});
  }
  return Many(conn, head + "WHERE assigned_unit = $1 AND status = $5" + page,
              {std::string(unit), after.due_at, after.id, int64_t{limit}, std::string(status)});
}

Result<std::vector<CorrectionRequest>> ListInArea(storage::Connection& conn, std::string_view area,
                                                  std::string_view status, int64_t before,
                                                  int limit) {
  std::string where = "WHERE ($1 = 0 OR id < $1)";
  const std::string a(area == "VN" ? "" : area);
  if (a.size() == 2) where += " AND province_code = $3";
  if (a.size() == 3) where += " AND district_code = $3";
  if (a.size() == 5) where += " AND commune_code = $3";
  if (a.empty()) where += " AND $3 = ''";
  if (status.empty()) {
    where += " AND $4 = '' AND status IN ('open', 'info_needed')";
  } else {
    where += " AND status = $4";
  }
  return Many(conn,
              "SELECT " + std::string(kColumns) + " FROM correction_requests " + where +
                  " ORDER BY id DESC LIMIT $2",
              {before, int64_t{limit}, a, std::string(status)});
}

Result<std::vector<CorrectionRequest>> ListBySubmitter(storage::Connection& conn, int64_t user_id,
                                                       int limit) {
  ASSIGN_OR_RETURN(auto out, Many(conn,
                                  "SELECT " + std::string(kColumns) +
                                      " FROM correction_requests WHERE submitted_by = $1 "
                                      "ORDER BY received_at DESC, id DESC LIMIT $2",
                                  {user_id, int64_t{limit}}));
  for (CorrectionRequest& r : out) RETURN_IF_ERROR(LoadPhotos(conn, r));
  return out;
}

Result<int64_t> CountSubmittedSince(storage::Connection& conn, int64_t user_id, int64_t since) {
  ASSIGN_OR_RETURN(storage::Rows rows,
                   conn.Query("SELECT COUNT(*) FROM correction_requests "
                              "WHERE submitted_by = $1 AND received_at >= $2",
                              {user_id, since}));
  return rows.at(0).Int(0);
}

Result<int64_t> CountApprovedForPerson(storage::Connection& conn, int64_t person_id) {
  ASSIGN_OR_RETURN(storage::Rows rows,
                   conn.Query("SELECT COUNT(*) FROM correction_requests "
                              "WHERE person_id = $1 AND status = 'approved'",
                              {person_id}));
  return rows.at(0).Int(0);
}

Status RecordUpload(storage::Connection& conn, int64_t user_id, const Upload& u, int64_t now) {
  return conn
      .Execute("INSERT INTO photo_uploads (sha256, uploaded_by, thumb_sha256, width, height, "
               "bytes, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) "
               "ON CONFLICT (sha256, uploaded_by) DO NOTHING",
               {u.sha256, user_id, u.thumb_sha256, int64_t{u.width}, int64_t{u.height}, u.bytes,
                now})
      .status();
}

Result<std::optional<Upload>> FindUpload(storage::Connection& conn, int64_t user_id,
                                         std::string_view sha256) {
  ASSIGN_OR_RETURN(storage::Rows rows,
                   conn.Query("SELECT sha256, thumb_sha256, width, height, bytes FROM "
                              "photo_uploads WHERE sha256 = $1 AND uploaded_by = $2",
                              {std::string(sha256), user_id}));
  if (rows.empty()) return std::optional<Upload>();
  const auto& row = rows.front();
  return std::optional<Upload>(Upload{row.Text(0), row.Text(1), static_cast<int>(row.Int(2)),
                                      static_cast<int>(row.Int(3)), row.Int(4)});
}

Result<int64_t> CountUploadsSince(storage::Connection& conn, int64_t user_id, int64_t since) {
  ASSIGN_OR_RETURN(storage::Rows rows,
                   conn.Query("SELECT COUNT(*) FROM photo_uploads "
                              "WHERE uploaded_by = $1 AND created_at >= $2",
                              {user_id, since}));
  return rows.at(0).Int(0);
}

Status AttachPhotos(storage::Connection& conn, int64_t request_id, size_t first_position,
                    const std::vector<Photo>& photos) {
  for (size_t i = 0; i < photos.size(); ++i) {
    RETURN_IF_ERROR(conn.Execute("INSERT INTO correction_photos (request_id, position, sha256, "
                                 "thumb_sha256) VALUES ($1, $2, $3, $4)",
                                 {request_id, static_cast<int64_t>(first_position + i),
                                  photos[i].sha256, photos[i].thumb_sha256})
                        .status());
  }
  return Status::Ok();
}

}  // namespace vaxreg::corrections
