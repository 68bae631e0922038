#pragma once
// Where a request goes and what happens when its deadline passes (letter 9458/BYT-CNTT): a
// request naming a facility goes to it, otherwise to the commune health station of the area;
// a request still open at its deadline moves one level up (facility -> commune -> district ->
// province) with a fresh deadline. At province level it stays, counted as overdue.
//
// SweepDeadlines and SendDailyDigest are background work: the server runs them under a lease
// (storage/lease.h) so one process does each run, and a run is safe to repeat (a request that
// was escalated has a deadline in the future; a day's digest is recorded once in
// correction_digests).

#include <chrono>
#include <cstdint>

#include "accounts/notifier.h"
#include "common/clock.h"
#include "corrections/request.h"
#include "registry/facility.h"
#include "registry/person.h"
#include "storage/database.h"

namespace vaxreg::corrections {

// Sets level, assigned_unit, facility_code and the area codes of a new request.
void Route(CorrectionRequest& r, const registry::Person& person, const registry::Facility* facility);

struct SweepReport {
  int64_t escalated = 0;         // requests moved up one level in this run
  int64_t to_commune = 0, to_district = 0, to_province = 0;
};

// Writer: escalates every open request (clock running) whose deadline is before now, in
// batches of at most `batch` per level; each escalation is an event in the request's history.
Result<SweepReport> SweepDeadlines(storage::Connection& conn, const Clock& clock,
                                   std::chrono::seconds deadline, int64_t batch = 100000);

// Writer: once per calendar day (Viet Nam time), tells each facility and unit with open
// requests how many are due within 24 hours and how many are overdue, by a message to each of
// its active staff or authority accounts that has a phone number. Returns the messages sent
// (0 when today's digest was sent already, by this process or another).
Result<int64_t> SendDailyDigest(storage::Connection& conn, const Clock& clock,
                                accounts::Notifier& notifier);

}  // namespace vaxreg::corrections
