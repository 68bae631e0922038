#pragma once
// DoseGroupWriter: single-dose writes (POST /api/v1/doses) that arrive while the database writer
// is busy are recorded together, as one group, through the batch endpoint's set-based path
// (ImportDoseRows): the people, their histories and the idempotency keys of the whole group are
// read with a few batched statements, the doses inserted together, every dose audited with its
// own row. On PostgreSQL this replaces about six round trips per dose by about ten per group.
//
// Each dose keeps what RecordDose gives it: its writer's permissions, the continuity check
// against the person's history and the group's earlier doses of the same person, its own result,
// and a refused dose leaves the others recorded. Only facility records without an override are
// grouped (Groupable); the caller writes the others with RecordDose.
//
// Batching needs no timer, as in the group-commit writer it writes through: a group is one write queued on
// the GroupCommitWriter, and it takes every dose submitted until it runs. Under light load a dose
// is written alone; under load the group grows with the writer's queue.
//
// If the set-based write fails as a whole (a unique key taken by another process between the
// reads and the insert), its effects are rolled back and the group's doses are written one by one
// with RecordDose, each in its own savepoint.
//
// Thread-safe. Queued group writes share this object's state, so they may outlive it, but they
// use the clock given here: stop the writer before the clock goes. Submit after the writer
// stopped answers kUnavailable.

#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "common/clock.h"
#include "registry/dose_service.h"
#include "registry/vaccine_store.h"
#include "storage/group_commit.h"

namespace vaxreg::registry {

class DoseGroupWriter {
 public:
  using Done = std::function<void(Result<RecordOutcome>)>;

  // Doses of one group at most; more waiting start the next group at once.
  static constexpr size_t kMaxGroup = 2048;
  // Doses waiting for a group at most; beyond, Submit answers kUnavailable (back-pressure).
  static constexpr size_t kMaxWaiting = 20000;

  DoseGroupWriter(storage::GroupCommitWriter& writer, const Clock& clock);
  ~DoseGroupWriter();
  DoseGroupWriter(const DoseGroupWriter&) = delete;
  DoseGroupWriter& operator=(const DoseGroupWriter&) = delete;

  // Whether `dose` from `writer` may be written in a group: a facility record without an override
  // by staff, an authority or an admin.
  static bool Groupable(const NewDose& dose, const DoseWriter& writer);

  // Queues a groupable dose; `done` is called once, on the writer thread (keep it short), with
  // the dose's outcome once its group is durable, or the error that refused it or the group.
  // The checks that need no database run here, on the caller's thread.
  void Submit(NewDose dose, DoseWriter writer, VaccineCatalogueCache::Snapshot catalogue,
              Done done);

 private:
  struct Item;
  struct Group;
  struct State;

  // Runs on the writer thread: records `group` in the write `conn` is in.
  static Status WriteGroup(storage::Connection& conn, const Clock& clock, Group& group);

  storage::GroupCommitWriter& writer_;
  std::shared_ptr<State> state_;
};

}  // namespace vaxreg::registry
