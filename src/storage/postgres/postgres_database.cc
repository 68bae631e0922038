#include "storage/postgres/postgres_database.h"

#include <libpq-fe.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstring>
#include <string_view>
#include <unordered_set>
#include <utility>

namespace vaxreg::storage {
namespace {

// Type OIDs from pg_type.h (stable across server versions).
constexpr Oid kBoolOid = 16;
constexpr Oid kByteaOid = 17;
constexpr Oid kInt8Oid = 20;
constexpr Oid kInt2Oid = 21;
constexpr Oid kInt4Oid = 23;
constexpr Oid kFloat4Oid = 700;
constexpr Oid kFloat8Oid = 701;

std::string Trimmed(const char* s) {
  std::string out = s != nullptr ? s : "";
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

bool IsIdentifier(std::string_view name) {
  if (name.empty() || name.size() > 63) return false;
  for (size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool alpha = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
    if (!alpha && !(i > 0 && c >= '0' && c <= '9')) return false;
  }
  return true;
}

int HexDigit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// BYTEA in text format: "\x0a1b..." (hex, the default since PostgreSQL 9.0), or the old escape
// format if a server is configured with bytea_output=escape.
Blob DecodeBytea(const char* text, size_t len) {
  Blob out;
  if (len >= 2 && text[0] == '\\' && text[1] == 'x' && len % 2 == 0) {
    out.bytes.reserve((len - 2) / 2);
    bool ok = true;
    for (size_t i = 2; i + 1 < len; i += 2) {
      const int hi = HexDigit(text[i]);
      const int lo = HexDigit(text[i + 1]);
      if (hi < 0 || lo < 0) {
        ok = false;
        break;
      }
      out.bytes.push_back(static_cast<char>((hi << 4) | lo));
    }
    if (ok) return out;
  }
  size_t n = 0;
  unsigned char* raw = PQunescapeBytea(reinterpret_cast<const unsigned char*>(text), &n);
  if (raw != nullptr) {
    out.bytes.assign(reinterpret_cast<const char*>(raw), n);
    PQfreemem(raw);
  }
  return out;
}

Value DecodeValue(Oid type, const char* text, size_t len) {
  switch (type) {
    case kInt2Oid:
    case kInt4Oid:
    case kInt8Oid: {
      int64_t v = 0;
      std::from_chars(text, text + len, v);
      return v;
    }
    case kFloat4Oid:
    case kFloat8Oid: {
      double d = 0;
      std::from_chars(text, text + len, d);
      return d;
    }
    case kBoolOid:
      // SQLite has no boolean type and yields 0/1 for comparisons; do the same.
      return int64_t{len > 0 && text[0] == 't' ? 1 : 0};
    case kByteaOid:
      return DecodeBytea(text, len);
    default:
      return std::string(text, len);
  }
}

void IgnoreNotice(void* /*arg*/, const char* /*message*/) {
  // Notices ("relation already exists, skipping") are not errors; libpq would print them to
  // stderr, which is the structured log's stream.
}

}  // namespace

std::string RedactPostgresUrl(std::string_view url) {
  std::string out(url);
  const size_t scheme = out.find("://");
  if (scheme != std::string::npos) {
    const size_t start = scheme + 3;
    const size_t end = std::min(out.find_first_of("/?", start), out.size());
    const size_t at = out.rfind('@', end);
    if (at != std::string::npos && at >= start && at < end) {
      const size_t colon = out.find(':', start);
      if (colon != std::string::npos && colon < at) out.erase(colon, at - colon);
    }
  }
  // "...?sslmode=require&password=secret": drop the parameter entirely.
  const size_t query = out.find('?');
  if (query != std::string::npos) {
    std::string params = out.substr(query + 1);
    std::string kept;
    size_t pos = 0;
    while (pos <= params.size()) {
      size_t amp = params.find('&', pos);
      if (amp == std::string::npos) amp = params.size();
      const std::string item = params.substr(pos, amp - pos);
      if (!item.empty() && item.rfind("password=", 0) != 0) {
        if (!kept.empty()) kept += '&';
        kept += item;
      }
      pos = amp + 1;
    }
    out.erase(query);
    if (!kept.empty()) out += "?" + kept;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// PostgresConnection

void PostgresConnection::ResultDeleter::operator()(PGresult* r) const { PQclear(r); }

Result<std::unique_ptr<PostgresConnection>> PostgresConnection::Open(const std::string& url,
                                                                     int connect_timeout_ms) {
  // Later entries win, and the URL is expanded in place of "dbname": our values are defaults
  // the URL may override. libpq's connect_timeout is whole seconds, at least 2.
  const std::string timeout = std::to_string(std::max(2, (connect_timeout_ms + 999) / 1000));
  const char* keys[] = {"connect_timeout", "client_encoding", "fallback_application_name", "dbname",
                        nullptr};
  const char* values[] = {timeout.c_str(), "UTF8", "vaxreg", url.c_str(), nullptr};
  PGconn* conn = PQconnectdbParams(keys, values, /*expand_dbname=*/1);
  if (conn == nullptr) return UnavailableError("cannot connect to PostgreSQL: out of memory");
  if (PQstatus(conn) != CONNECTION_OK) {
    Status st = UnavailableError("cannot connect to PostgreSQL at " + RedactPostgresUrl(url) +
                                 ": " + Trimmed(PQerrorMessage(conn)));
    PQfinish(conn);
    return st;
  }
  PQsetNoticeProcessor(conn, IgnoreNotice, nullptr);
  return std::unique_ptr<PostgresConnection>(new PostgresConnection(conn));
}

PostgresConnection::~PostgresConnection() { PQfinish(conn_); }

void PostgresConnection::ForgetStatements() {
  statements_.clear();
  next_statement_ = 0;
}

bool PostgresConnection::Broken() const { return PQstatus(conn_) != CONNECTION_OK; }

Status PostgresConnection::EnsureConnected() {
  if (PQstatus(conn_) == CONNECTION_OK && PQpipelineStatus(conn_) == PQ_PIPELINE_OFF) {
    return Status::Ok();
  }
  if (in_transaction_) {
    return UnavailableError("the connection to PostgreSQL was lost during the transaction");
  }
  // A new session (also the way out of a pipeline that could not be left) has no prepared
  // statements.
  ForgetStatements();
  PQreset(conn_);
  if (PQstatus(conn_) != CONNECTION_OK) {
    return UnavailableError("cannot reconnect to PostgreSQL: " + Trimmed(PQerrorMessage(conn_)));
  }
  return Status::Ok();
}

Status PostgresConnection::ResultError(const PGresult* res, std::string_view context) const {
  std::string msg(context);
  msg += ": ";
  // The primary message only: DETAIL lines can quote row values.
  const char* primary = res != nullptr ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  msg += primary != nullptr ? std::string(primary) : Trimmed(PQerrorMessage(conn_));
  if (PQstatus(conn_) != CONNECTION_OK) return UnavailableError(std::move(msg));
  const char* state = res != nullptr ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  const std::string_view sqlstate = state != nullptr ? state : "";
  if (sqlstate == "23505") return AlreadyExistsError(std::move(msg));
  if (sqlstate.starts_with("23")) return FailedPreconditionError(std::move(msg));
  if (sqlstate == "P0001") return FailedPreconditionError(std::move(msg));  // RAISE EXCEPTION
  if (sqlstate.starts_with("08") || sqlstate.starts_with("57P")) {
    return UnavailableError(std::move(msg));  // connection failure, server shutting down
  }
  // Serialisation failure, deadlock: the transaction lost to a concurrent one and may be run
  // again (the group-commit writer does). Lock timeout: the caller may retry later.
  if (sqlstate == "40001" || sqlstate == "40P01") return AbortedError(std::move(msg));
  if (sqlstate == "55P03") return UnavailableError(std::move(msg));
  // Syntax or access rule violation; data exception (a value the column type rejects).
  if (sqlstate.starts_with("42") || sqlstate.starts_with("22")) {
    return InvalidArgumentError(std::move(msg));
  }
  return InternalError(std::move(msg));
}

Result<PostgresConnection::PreparedStatement> PostgresConnection::Prepare(
    std::string_view sql, std::span<const Value> params) {
  if (auto it = statements_.find(sql); it != statements_.end()) return it->second;
  if (statements_.size() >= kMaxCachedStatements) {
    ResultPtr res(PQexec(conn_, "DEALLOCATE ALL"));
    if (PQresultStatus(res.get()) != PGRES_COMMAND_OK) {
      return ResultError(res.get(), "cannot drop cached statements");
    }
    ForgetStatements();
  }
  // Only BYTEA is declared; the server infers every other parameter's type from the SQL.
  std::vector<Oid> types(params.size(), 0);
  for (size_t i = 0; i < params.size(); ++i) {
    if (std::holds_alternative<Blob>(params[i])) types[i] = kByteaOid;
  }
  std::string name = "s" + std::to_string(++next_statement_);
  const std::string text(sql);
  ResultPtr res(PQprepare(conn_, name.c_str(), text.c_str(), static_cast<int>(params.size()),
                          types.empty() ? nullptr : types.data()));
  if (PQresultStatus(res.get()) != PGRES_COMMAND_OK) {
    return ResultError(res.get(), "cannot prepare statement");
  }
  // The statement may use more parameters than were passed (their types inferred); the server
  // would then reject the call as a protocol violation, so check the count here instead.
  ResultPtr described(PQdescribePrepared(conn_, name.c_str()));
  if (PQresultStatus(described.get()) != PGRES_COMMAND_OK) {
    return ResultError(described.get(), "cannot describe statement");
  }
  const int count = PQnparams(described.get());
  statements_.emplace(text, PreparedStatement{name, count});
  return PreparedStatement{name, count};
}

Result<PostgresConnection::ResultPtr> PostgresConnection::Run(std::string_view sql,
                                                              std::span<const Value> params) {
  RETURN_IF_ERROR(EnsureConnected());
  RETURN_IF_ERROR(deferred_failure_);
  if (plan_per_call_) return RunPlannedPerCall(sql, params);
  // A PREPARE that fails aborts the transaction, so a deferred SAVEPOINT must exist before it.
  if (!deferred_.empty() && !statements_.contains(sql)) RETURN_IF_ERROR(FlushDeferred());
  ASSIGN_OR_RETURN(PreparedStatement statement, Prepare(sql, params));
  const size_t n = params.size();
  if (statement.parameters != static_cast<int>(n)) {
    return InvalidArgumentError("statement takes " + std::to_string(statement.parameters) +
                                " parameters, " + std::to_string(n) + " given");
  }
  if (!deferred_.empty()) {
    const PipelinedStatement one[] = {{&statement, params}};
    ASSIGN_OR_RETURN(std::vector<ResultPtr> results, SendPipeline(one));
    return std::move(results[0]);
  }
  WireParams wire;
  ToWire(params, wire);
  ResultPtr res(PQexecPrepared(conn_, statement.name.c_str(), static_cast<int>(n),
                               wire.value_ptr(), wire.length_ptr(), wire.format_ptr(),
                               /*resultFormat=*/0));
  const ExecStatusType status = PQresultStatus(res.get());
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
    return ResultError(res.get(), "statement failed");
  }
  return res;
}

Result<PostgresConnection::ResultPtr> PostgresConnection::RunPlannedPerCall(
    std::string_view sql, std::span<const Value> params) {
  RETURN_IF_ERROR(FlushDeferred());
  WireParams wire;
  ToWire(params, wire);
  const std::string text(sql);
  ResultPtr res(PQexecParams(conn_, text.c_str(), static_cast<int>(params.size()),
                             /*paramTypes=*/nullptr, wire.value_ptr(), wire.length_ptr(),
                             wire.format_ptr(), /*resultFormat=*/0));
  const ExecStatusType status = PQresultStatus(res.get());
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
    return ResultError(res.get(), "statement failed");
  }
  return res;
}

void PostgresConnection::ToWire(std::span<const Value> params, WireParams& wire) {
  const size_t n = params.size();
  wire.text.assign(n, std::string());
  wire.values.assign(n, nullptr);
  wire.lengths.assign(n, 0);
  wire.formats.assign(n, 0);
  for (size_t i = 0; i < n; ++i) {
    const Value& v = params[i];
    if (const auto* iv = std::get_if<int64_t>(&v)) {
      wire.text[i] = std::to_string(*iv);
      wire.values[i] = wire.text[i].c_str();
    } else if (const auto* d = std::get_if<double>(&v)) {
      char buf[64];
      auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), *d);  // shortest exact form
      wire.text[i].assign(buf, ec == std::errc() ? end : buf);
      wire.values[i] = wire.text[i].c_str();
    } else if (const auto* s = std::get_if<std::string>(&v)) {
      wire.values[i] = s->c_str();
      wire.lengths[i] = static_cast<int>(s->size());
    } else if (const auto* b = std::get_if<Blob>(&v)) {
      wire.values[i] = b->bytes.data();
      wire.lengths[i] = static_cast<int>(b->bytes.size());
      wire.formats[i] = 1;  // binary: raw bytes, NULs included
    }
  }
}

Rows PostgresConnection::RowsOf(const PGresult* res) {
  const int nrows = PQntuples(res);
  const int ncols = PQnfields(res);
  std::vector<Oid> types(static_cast<size_t>(ncols));
  for (int c = 0; c < ncols; ++c) types[static_cast<size_t>(c)] = PQftype(res, c);
  Rows rows;
  rows.reserve(static_cast<size_t>(nrows));
  for (int r = 0; r < nrows; ++r) {
    std::vector<Value> values;
    values.reserve(static_cast<size_t>(ncols));
    for (int c = 0; c < ncols; ++c) {
      if (PQgetisnull(res, r, c)) {
        values.emplace_back(nullptr);
        continue;
      }
      values.push_back(DecodeValue(types[static_cast<size_t>(c)], PQgetvalue(res, r, c),
                                   static_cast<size_t>(PQgetlength(res, r, c))));
    }
    rows.emplace_back(std::move(values));
  }
  return rows;
}

Result<std::vector<Rows>> PostgresConnection::QueryPipelined(
    std::span<const Statement> statements) {
  RETURN_IF_ERROR(EnsureConnected());
  RETURN_IF_ERROR(deferred_failure_);
  // Statements are prepared (once per connection) before the pipeline, one round trip each the
  // first time; a PREPARE that fails aborts the transaction, so deferred savepoints go first.
  // The distinct texts not prepared yet on this connection (a pipeline often repeats one
  // statement, e.g. a counter upsert for many keys).
  std::unordered_set<std::string_view> fresh;
  for (const Statement& st : statements) {
    if (!statements_.contains(st.sql)) fresh.insert(st.sql);
  }
  if (fresh.size() >= kMaxCachedStatements) {
    return InvalidArgumentError("too many distinct statements for one pipeline");
  }
  if (statements_.size() + fresh.size() >= kMaxCachedStatements) {
    // Making room inside the loop below would drop statements prepared earlier in it.
    RETURN_IF_ERROR(FlushDeferred());
    ResultPtr res(PQexec(conn_, "DEALLOCATE ALL"));
    if (PQresultStatus(res.get()) != PGRES_COMMAND_OK) {
      return ResultError(res.get(), "cannot drop cached statements");
    }
    ForgetStatements();
  }
  std::vector<PreparedStatement> prepared;
  prepared.reserve(statements.size());
  for (const Statement& st : statements) {
    if (!deferred_.empty() && !statements_.contains(st.sql)) RETURN_IF_ERROR(FlushDeferred());
    ASSIGN_OR_RETURN(PreparedStatement p, Prepare(st.sql, st.params));
    if (p.parameters != static_cast<int>(st.params.size())) {
      return InvalidArgumentError("statement takes " + std::to_string(p.parameters) +
                                  " parameters, " + std::to_string(st.params.size()) + " given");
    }
    prepared.push_back(std::move(p));
  }
  std::vector<PipelinedStatement> items;
  items.reserve(statements.size());
  for (size_t i = 0; i < statements.size(); ++i) {
    items.push_back({&prepared[i], statements[i].params});
  }
  ASSIGN_OR_RETURN(std::vector<ResultPtr> results, SendPipeline(items));
  std::vector<Rows> out;
  out.reserve(results.size());
  for (const ResultPtr& res : results) out.push_back(RowsOf(res.get()));
  return out;
}

Result<std::vector<PostgresConnection::ResultPtr>> PostgresConnection::SendPipeline(
    std::span<const PipelinedStatement> items) {
  const std::vector<std::string> commands = std::move(deferred_);
  deferred_.clear();
  if (PQenterPipelineMode(conn_) != 1) {
    deferred_failure_ =
        InternalError("cannot enter pipeline mode: " + Trimmed(PQerrorMessage(conn_)));
    return deferred_failure_;
  }
  bool sent = true;
  for (const std::string& command : commands) {
    sent = sent &&
           PQsendQueryParams(conn_, command.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0) == 1;
  }
  WireParams wire;
  for (size_t i = 0; sent && i < items.size(); ++i) {
    ToWire(items[i].params, wire);  // libpq copies the values into its buffer at once
    sent = PQsendQueryPrepared(conn_, items[i].statement->name.c_str(),
                               static_cast<int>(items[i].params.size()), wire.value_ptr(),
                               wire.length_ptr(), wire.format_ptr(), /*resultFormat=*/0) == 1;
  }
  sent = sent && PQpipelineSync(conn_) == 1;

  // One result (then a null) per command, then the sync point. After the first error the
  // server skips the rest (PGRES_PIPELINE_ABORTED) up to the sync.
  Status error;
  std::vector<ResultPtr> out;
  out.reserve(items.size());
  const size_t total = commands.size() + items.size();
  for (size_t i = 0; sent && i < total; ++i) {
    ResultPtr res(PQgetResult(conn_));
    if (res == nullptr) {
      sent = false;
      break;
    }
    const ExecStatusType status = PQresultStatus(res.get());
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      if (error.ok()) {
        error = ResultError(res.get(), i < commands.size() ? commands[i] : "statement failed");
        if (i < commands.size()) deferred_failure_ = error;
      }
    } else if (i >= commands.size()) {
      out.push_back(std::move(res));
    }
    while (PGresult* extra = PQgetResult(conn_)) PQclear(extra);
  }
  if (sent) {
    ResultPtr sync(PQgetResult(conn_));
    sent = sync != nullptr && PQresultStatus(sync.get()) == PGRES_PIPELINE_SYNC;
  }
  if (!sent) {
    // The session broke mid-pipeline: drop whatever is left; the next use reconnects.
    while (PGresult* extra = PQgetResult(conn_)) PQclear(extra);
    if (error.ok()) error = ResultError(nullptr, "pipelined statement failed");
    // Whether the deferred commands ran is unknown.
    if (!commands.empty() && deferred_failure_.ok()) deferred_failure_ = error;
  }
  if (PQexitPipelineMode(conn_) != 1 && deferred_failure_.ok()) {
    // Left in pipeline mode: the transaction cannot go on; the next use after it ends resets.
    deferred_failure_ =
        InternalError("cannot leave pipeline mode: " + Trimmed(PQerrorMessage(conn_)));
    if (error.ok()) error = deferred_failure_;
  }
  if (!error.ok()) return error;
  return out;
}

Status PostgresConnection::FlushDeferred() {
  if (deferred_.empty()) return Status::Ok();
  std::string script;
  for (const std::string& command : deferred_) {
    script += command;
    script += ';';
  }
  deferred_.clear();
  ResultPtr res(PQexec(conn_, script.c_str()));
  if (PQresultStatus(res.get()) != PGRES_COMMAND_OK) {
    deferred_failure_ = ResultError(res.get(), script);
    return deferred_failure_;
  }
  return Status::Ok();
}

Result<Rows> PostgresConnection::Query(std::string_view sql, std::span<const Value> params) {
  ASSIGN_OR_RETURN(ResultPtr res, Run(sql, params));
  return RowsOf(res.get());
}

Result<int64_t> PostgresConnection::Execute(std::string_view sql, std::span<const Value> params) {
  ASSIGN_OR_RETURN(ResultPtr res, Run(sql, params));
  const char* tuples = PQcmdTuples(res.get());
  int64_t changed = 0;
  if (tuples != nullptr && *tuples != '\0') {
    std::from_chars(tuples, tuples + std::strlen(tuples), changed);
  }
  return changed;
}

Status PostgresConnection::ExecuteScript(std::string_view sql) {
  RETURN_IF_ERROR(EnsureConnected());
  RETURN_IF_ERROR(deferred_failure_);
  RETURN_IF_ERROR(FlushDeferred());
  const std::string script(sql);
  ResultPtr res(PQexec(conn_, script.c_str()));
  const ExecStatusType status = PQresultStatus(res.get());
  if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK && status != PGRES_EMPTY_QUERY) {
    return ResultError(res.get(), "script failed");
  }
  return Status::Ok();
}

Status PostgresConnection::CopyRows(std::string_view table, std::string_view columns,
                                    const CopyBuffer& rows) {
  if (rows.rows() == 0) return Status::Ok();
  RETURN_IF_ERROR(EnsureConnected());
  RETURN_IF_ERROR(deferred_failure_);
  RETURN_IF_ERROR(FlushDeferred());
  const std::string sql =
      "COPY " + std::string(table) + " (" + std::string(columns) + ") FROM STDIN";
  ResultPtr start(PQexec(conn_, sql.c_str()));
  if (PQresultStatus(start.get()) != PGRES_COPY_IN) return ResultError(start.get(), sql);
  // In pieces of 1 MiB: libpq queues what it cannot send at once, and one huge call would make
  // it hold a second copy of the whole buffer.
  constexpr size_t kPiece = size_t{1} << 20;
  const std::string& data = rows.data();
  bool sent = true;
  for (size_t at = 0; sent && at < data.size(); at += kPiece) {
    const size_t n = std::min(kPiece, data.size() - at);
    sent = PQputCopyData(conn_, data.data() + at, static_cast<int>(n)) == 1;
  }
  // Ending with an error message makes the server abandon the COPY (and the transaction).
  if (PQputCopyEnd(conn_, sent ? nullptr : "vaxreg could not send every row") != 1) {
    return UnavailableError("COPY into " + std::string(table) + ": " + Trimmed(PQerrorMessage(conn_)));
  }
  Status status = Status::Ok();
  while (PGresult* r = PQgetResult(conn_)) {
    ResultPtr res(r);
    if (PQresultStatus(r) != PGRES_COMMAND_OK && status.ok()) {
      status = ResultError(r, "COPY into " + std::string(table));
    }
  }
  return status;
}

Status PostgresConnection::Command(const std::string& sql) {
  ResultPtr res(PQexec(conn_, sql.c_str()));
  if (PQresultStatus(res.get()) != PGRES_COMMAND_OK) return ResultError(res.get(), sql);
  return Status::Ok();
}

Status PostgresConnection::DoBegin() {
  if (in_transaction_ || PQtransactionStatus(conn_) == PQTRANS_INTRANS ||
      PQtransactionStatus(conn_) == PQTRANS_INERROR) {
    return FailedPreconditionError("a transaction is already open on this connection");
  }
  RETURN_IF_ERROR(EnsureConnected());
  deferred_.clear();
  deferred_failure_ = Status::Ok();
  RETURN_IF_ERROR(Command("BEGIN"));
  in_transaction_ = true;
  return Status::Ok();
}

Status PostgresConnection::DoCommit() {
  const bool opened = in_transaction_;
  // Whatever happens below, the transaction is over: committed, rolled back by the server, or
  // lost with the session.
  in_transaction_ = false;
  std::string commit;
  for (const std::string& command : deferred_) commit += command + ";";
  commit += "COMMIT";
  deferred_.clear();
  const Status deferred_failure = std::exchange(deferred_failure_, Status::Ok());
  if (PQstatus(conn_) != CONNECTION_OK) {
    return UnavailableError(
        "the connection to PostgreSQL was lost during the transaction; it was rolled back");
  }
  switch (PQtransactionStatus(conn_)) {
    case PQTRANS_INTRANS:
      if (!deferred_failure.ok()) {
        // A savepoint command failed earlier: which writes it affected is unknown, so none of
        // the transaction may be kept.
        Command("ROLLBACK").IgnoreError();
        return deferred_failure;
      }
      break;
    case PQTRANS_INERROR:
      Command("ROLLBACK").IgnoreError();
      return FailedPreconditionError("the transaction was aborted by an earlier error");
    default:
      return opened ? UnavailableError("the transaction is no longer active")
                    : FailedPreconditionError("COMMIT without an open transaction");
  }
  // One round trip with any deferred RELEASE; if that fails, the COMMIT after it is not run.
  ResultPtr res(PQexec(conn_, commit.c_str()));
  if (PQresultStatus(res.get()) != PGRES_COMMAND_OK) {
    Status st = ResultError(res.get(), "COMMIT");
    if (PQtransactionStatus(conn_) != PQTRANS_IDLE) Command("ROLLBACK").IgnoreError();
    return st;
  }
  // The server answers a COMMIT of a failed transaction with "ROLLBACK" instead of an error.
  if (std::strcmp(PQcmdStatus(res.get()), "ROLLBACK") == 0) {
    return FailedPreconditionError("the transaction was rolled back");
  }
  return Status::Ok();
}

Status PostgresConnection::DoRollback() {
  in_transaction_ = false;
  deferred_.clear();
  deferred_failure_ = Status::Ok();
  // A lost session took its transaction with it; the next call reconnects.
  if (PQstatus(conn_) != CONNECTION_OK) return Status::Ok();
  if (PQpipelineStatus(conn_) != PQ_PIPELINE_OFF) {
    // Stuck in pipeline mode: dropping the session is the rollback.
    ForgetStatements();
    PQreset(conn_);
    return Status::Ok();
  }
  if (PQtransactionStatus(conn_) == PQTRANS_IDLE) return Status::Ok();
  return Command("ROLLBACK");
}

Status PostgresConnection::CheckSavepointUsable(std::string_view name) const {
  if (!IsIdentifier(name)) return InvalidArgumentError("bad savepoint name");
  RETURN_IF_ERROR(deferred_failure_);
  if (!in_transaction_ && PQtransactionStatus(conn_) == PQTRANS_IDLE) {
    return FailedPreconditionError("savepoints need an open transaction");
  }
  if (PQstatus(conn_) != CONNECTION_OK) {
    return UnavailableError("the connection to PostgreSQL was lost during the transaction");
  }
  return Status::Ok();
}

namespace {
// Quoted: a valid identifier may still be a keyword ("outer", "user") on one backend.
std::string SavepointSql(std::string_view verb, std::string_view name) {
  std::string sql(verb);
  sql += '"';
  sql += name;
  sql += '"';
  return sql;
}
}  // namespace

Status PostgresConnection::DoSavepoint(std::string_view name) {
  RETURN_IF_ERROR(CheckSavepointUsable(name));
  deferred_.push_back(SavepointSql("SAVEPOINT ", name));
  return Status::Ok();
}

Status PostgresConnection::DoRollbackToSavepoint(std::string_view name) {
  RETURN_IF_ERROR(CheckSavepointUsable(name));
  // Nothing ran since a still-deferred SAVEPOINT: there is nothing to undo (and the savepoint
  // stays, as after a real ROLLBACK TO).
  if (!deferred_.empty() && deferred_.back() == SavepointSql("SAVEPOINT ", name)) {
    return Status::Ok();
  }
  deferred_.push_back(SavepointSql("ROLLBACK TO SAVEPOINT ", name));
  return FlushDeferred();
}

Status PostgresConnection::DoReleaseSavepoint(std::string_view name) {
  RETURN_IF_ERROR(CheckSavepointUsable(name));
  if (!deferred_.empty() && deferred_.back() == SavepointSql("SAVEPOINT ", name)) {
    deferred_.pop_back();  // never sent, nothing ran inside it
    return Status::Ok();
  }
  deferred_.push_back(SavepointSql("RELEASE SAVEPOINT ", name));
  return Status::Ok();
}

void PostgresConnection::ResetForReuse() { Rollback().IgnoreError(); }

// ---------------------------------------------------------------------------------------------
// PostgresDatabase

PostgresDatabase::PostgresDatabase(std::string url, DatabaseOptions options)
    : url_(std::move(url)), options_(options), pool_(std::make_shared<Pool>()) {}

PostgresDatabase::~PostgresDatabase() {
  std::lock_guard lock(pool_->mu);
  pool_->closed = true;
  pool_->idle.clear();
}

Result<std::unique_ptr<PostgresDatabase>> PostgresDatabase::Open(std::string_view url,
                                                                 const DatabaseOptions& options) {
  if (options.pool_size < 1) return InvalidArgumentError("pool_size must be at least 1");
  std::unique_ptr<PostgresDatabase> db(new PostgresDatabase(std::string(url), options));
  ASSIGN_OR_RETURN(std::unique_ptr<PostgresConnection> first,
                   PostgresConnection::Open(db->url_, options.busy_timeout_ms));
  db->pool_->idle.push_back(std::move(first));
  db->pool_->open = 1;
  return db;
}

Result<PooledConnection> PostgresDatabase::Acquire() {
  std::shared_ptr<Pool> pool = pool_;
  std::unique_lock lock(pool->mu);
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(options_.busy_timeout_ms);
  if (!pool->cv.wait_until(
          lock, deadline, [&] { return !pool->idle.empty() || pool->open < options_.pool_size; })) {
    return UnavailableError("database connection pool exhausted");
  }
  std::unique_ptr<PostgresConnection> conn;
  if (!pool->idle.empty()) {
    conn = std::move(pool->idle.back());
    pool->idle.pop_back();
  } else {
    ++pool->open;  // reserve the slot, then connect without holding the lock
    lock.unlock();
    auto opened = PostgresConnection::Open(url_, options_.busy_timeout_ms);
    if (!opened.ok()) {
      lock.lock();
      --pool->open;
      pool->cv.notify_one();
      return opened.status();
    }
    conn = std::move(opened).value();
  }
  return PooledConnection(std::move(conn), [pool](std::unique_ptr<Connection> c) {
    // Only PostgresConnections are ever handed out by this pool.
    std::unique_ptr<PostgresConnection> pc(static_cast<PostgresConnection*>(c.release()));
    pc->ResetForReuse();
    std::lock_guard guard(pool->mu);
    if (pool->closed) {
      --pool->open;
      return;  // pc disconnects here
    }
    pool->idle.push_back(std::move(pc));
    pool->cv.notify_one();
  });
}

Result<std::unique_ptr<Connection>> PostgresDatabase::OpenWriterConnection() {
  ASSIGN_OR_RETURN(std::unique_ptr<PostgresConnection> conn,
                   PostgresConnection::Open(url_, options_.busy_timeout_ms));
  return std::unique_ptr<Connection>(std::move(conn));
}

Status PostgresDatabase::Ping() {
  ASSIGN_OR_RETURN(PooledConnection conn, Acquire());
  return conn->Query("SELECT 1", std::span<const Value>{}).status();
}

}  // namespace vaxreg::storage
