#include "registry/dose_group.h"

#include <unordered_set>
#include <utility>

#include "registry/dose_batch.h"
#include "registry/dose_csv.h"

namespace vaxreg::registry {
namespace {

constexpr std::string_view kGroupSavepoint = "vaxreg_dose_group";

}  // namespace

struct DoseGroupWriter::Item {
  NewDose dose;  // as the caller sent it: the idempotency key not scoped yet
  DoseWriter writer;
  VaccineCatalogueCache::Snapshot catalogue;
  Done done;
  Result<RecordOutcome> result = InternalError("the dose was not written");
};

// One write queued on the GroupCommitWriter. It takes its doses when it first runs; when it runs
// again (kAborted: it lost to another process's transaction) it writes the same doses.
struct DoseGroupWriter::Group {
  std::vector<Item> items;
  bool taken = false;
};

// What the queued group writes share with the DoseGroupWriter (they may outlive a Submit call).
struct DoseGroupWriter::State {
  storage::GroupCommitWriter* writer;
  const Clock* clock;
  std::mutex mu;
  std::vector<Item> waiting;
  bool scheduled = false;  // a group write is queued that has not taken its doses yet

  // Queues one group write on the writer; `self` is this state.
  static void Schedule(const std::shared_ptr<State>& self);
};

void DoseGroupWriter::State::Schedule(const std::shared_ptr<State>& self) {
  auto group = std::make_shared<Group>();
  storage::WriteFn write = [self, group](storage::Connection& conn) -> Status {
    if (!group->taken) {
      group->taken = true;
      bool more = false;
      {
        std::lock_guard lock(self->mu);
        if (self->waiting.size() <= kMaxGroup) {
          group->items.swap(self->waiting);
        } else {
          auto end = self->waiting.begin() + static_cast<std::ptrdiff_t>(kMaxGroup);
          group->items.assign(std::make_move_iterator(self->waiting.begin()),
                              std::make_move_iterator(end));
          self->waiting.erase(self->waiting.begin(), end);
          more = true;
        }
        self->scheduled = more;
      }
      // Submit never blocks, so the writer thread may queue the next group itself.
      if (more) Schedule(self);
    }
    return WriteGroup(conn, *self->clock, *group);
  };
  storage::WriteDone done = [self, group](Status st) {
    if (!group->taken) {
      // Never ran (the writer is stopped or its queue full): the doses waiting fail with it.
      std::vector<Item> waiting;
      {
        std::lock_guard lock(self->mu);
        waiting.swap(self->waiting);
        self->scheduled = false;
      }
      for (Item& item : waiting) item.done(st);
      return;
    }
    for (Item& item : group->items) {
      item.done(st.ok() ? std::move(item.result) : Result<RecordOutcome>(st));
    }
  };
  self->writer->Submit(std::move(write), std::move(done));
}

DoseGroupWriter::DoseGroupWriter(storage::GroupCommitWriter& writer, const Clock& clock)
    : writer_(writer), state_(std::make_shared<State>()) {
  state_->writer = &writer_;
  state_->clock = &clock;
}

DoseGroupWriter::~DoseGroupWriter() = default;

bool DoseGroupWriter::Groupable(const NewDose& dose, const DoseWriter& writer) {
  return !writer.is_citizen && dose.source == "facility" && dose.override_reason.empty();
}

void DoseGroupWriter::Submit(NewDose dose, DoseWriter writer,
                             VaccineCatalogueCache::Snapshot catalogue, Done done) {
  CHECK(Groupable(dose, writer));
  // As RecordDose checks them: the key as the client sent it (ValidateNewDose looks at the part
  // after a scope separator only), then the dose.
  Status checked = dose.idempotency_key.empty() ? Status::Ok()
                                                : ValidateIdempotencyKey(dose.idempotency_key);
  if (checked.ok()) checked = ValidateNewDose(dose, *catalogue);
  if (!checked.ok()) {
    done(std::move(checked));
    return;
  }
  bool schedule = false;
  {
    std::lock_guard lock(state_->mu);
    if (state_->waiting.size() >= kMaxWaiting) {
      schedule = false;
    } else {
      state_->waiting.push_back({std::move(dose), std::move(writer), std::move(catalogue),
                                 std::move(done)});
      schedule = !state_->scheduled;
      state_->scheduled = true;
      done = nullptr;
    }
  }
  if (done) {
    done(UnavailableError("the database writer is overloaded (dose queue full)"));
    return;
  }
  if (schedule) State::Schedule(state_);
}

Status DoseGroupWriter::WriteGroup(storage::Connection& conn, const Clock& clock, Group& group) {
  std::vector<Item>& items = group.items;
  if (items.empty()) return Status::Ok();
  // The newest catalogue any of the doses was checked against (a product added meanwhile).
  const std::vector<VaccineProduct>& catalogue = *items.back().catalogue;
  const auto record_alone = [&](storage::Connection& c, size_t i) {
    items[i].result = RecordDose(c, clock, catalogue, items[i].dose, items[i].writer);
    return items[i].result.status();
  };
  // A person's first dose in the group goes in the set-based write; a further dose of the same
  // person (a retry, two staff at once) is written after it with RecordDose, so that it is
  // checked against the stored dose, by id, exactly as if it had come a moment later.
  std::vector<size_t> grouped, later;
  std::unordered_set<int64_t> people;
  for (size_t i = 0; i < items.size(); ++i) {
    items[i].result = InternalError("the dose was not written");
    (people.insert(items[i].dose.person_id).second ? grouped : later).push_back(i);
  }
  std::vector<DoseCsvRow> rows(grouped.size());
  for (size_t k = 0; k < grouped.size(); ++k) {
    const Item& item = items[grouped[k]];
    const NewDose& d = item.dose;
    DoseCsvRow& row = rows[k];
    row.line = k;  // a refused row's line is its index in `grouped`
    row.person_id = d.person_id;
    row.vaccine = d.vaccine_code;
    row.lot = d.lot;
    row.dose_number = d.dose_number;
    row.administered_at = d.administered_at;
    row.facility_code = d.facility_code;
    row.vaccinator = d.vaccinator;
    if (!d.idempotency_key.empty()) {
      row.idempotency_key = ScopeIdempotencyKey(item.writer.IdempotencyScope(), d.idempotency_key);
    }
    row.writer = &item.writer;
  }
  const PreparedDoseRows prepared =
      PrepareDoseRows(std::move(rows), catalogue, DayOf(ToUnixSeconds(clock.Now())));

  RETURN_IF_ERROR(conn.Savepoint(kGroupSavepoint));
  RecordPeople no_records;  // rows name their person by id
  std::vector<RowError> refused;
  std::vector<std::optional<RecordOutcome>> outcomes;
  Result<size_t> recorded =
      ImportDoseRows(conn, clock, catalogue, prepared, items.front().writer, no_records, refused,
                     &outcomes, kAuditEachDose);
  if (recorded.ok()) {
    RETURN_IF_ERROR(conn.ReleaseSavepoint(kGroupSavepoint));
    for (size_t k = 0; k < grouped.size(); ++k) {
      if (outcomes[k]) items[grouped[k]].result = std::move(*outcomes[k]);
    }
    for (RowError& e : refused) items[grouped[e.line]].result = std::move(e.status);
    return ForEachInSavepoint(conn, later.size(), [&](storage::Connection& c, size_t k) {
      return record_alone(c, later[k]);
    });
  }
  // Lost to another process's transaction: the group-commit writer runs the group again.
  if (recorded.status().code() == StatusCode::kAborted) return recorded.status();
  RETURN_IF_ERROR(conn.RollbackToSavepoint(kGroupSavepoint));
  RETURN_IF_ERROR(conn.ReleaseSavepoint(kGroupSavepoint));
  return ForEachInSavepoint(conn, items.size(), record_alone);
}

}  // namespace vaxreg::registry
