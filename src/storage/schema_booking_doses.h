#pragma once
// Migration 16, "booking_doses": a booking is for one dose, and a person holds at most one active
// booking per dose (registry/registration.h).
//
// 1. registrations.dose_number: the dose the booking is for (the person's next dose when it was
//    made). Bookings made before this migration have none (NULL) and are not bound by (2).
// 2. A unique index on (person_id, dose_number) over the bookings that are 'booked': the database
//    itself refuses a second active booking for a dose, also when several server processes book
//    at once.
// 3. UNIQUE (person_id, day) becomes a unique index over the bookings that are not cancelled, so
//    a person can book again, or move a booking to, a day whose booking they cancelled.
// 4. Status 'missed': a booking whose day passed without a check-in, set when the person books
//    that dose again; cancelled_at: when a booking was cancelled.
// SQLite cannot drop a table constraint, so its table is rebuilt (rows copied with their ids);
// PostgreSQL drops and adds the constraints.
// Included only by storage/schema.cc. Never edit once shipped; append a new migration instead.

#include <string_view>

namespace vaxreg::storage {

inline constexpr std::string_view kBookingDosesSqlite = R"sql(
CREATE TABLE registrations_v2 (
  id INTEGER PRIMARY KEY,
  token TEXT NOT NULL UNIQUE,
  person_id INTEGER NOT NULL REFERENCES people(id),
  facility_code TEXT NOT NULL REFERENCES facilities(code),
  day TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'booked'
    CHECK (status IN ('booked','checked_in','cancelled','missed')),
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  checked_in_at INTEGER,
  dose_number INTEGER,
  cancelled_at INTEGER
);
INSERT INTO registrations_v2 (id, token, person_id, facility_code, day, status, created_by,
                              created_at, checked_in_at)
  SELECT id, token, person_id, facility_code, day, status, created_by, created_at, checked_in_at
  FROM registrations;
DROP TABLE registrations;
ALTER TABLE registrations_v2 RENAME TO registrations;
CREATE INDEX registrations_facility_day ON registrations(facility_code, day);
CREATE INDEX registrations_person ON registrations(person_id);
CREATE UNIQUE INDEX registrations_person_day ON registrations(person_id, day)
  WHERE status <> 'cancelled';
CREATE UNIQUE INDEX registrations_active_dose ON registrations(person_id, dose_number)
  WHERE status = 'booked';
)sql";

inline constexpr std::string_view kBookingDosesPostgres = R"sql(
ALTER TABLE registrations ADD COLUMN dose_number INTEGER;
ALTER TABLE registrations ADD COLUMN cancelled_at BIGINT;
ALTER TABLE registrations DROP CONSTRAINT registrations_status_check;
ALTER TABLE registrations ADD CONSTRAINT registrations_status_check
  CHECK (status IN ('booked','checked_in','cancelled','missed'));
ALTER TABLE registrations DROP CONSTRAINT registrations_person_id_day_key;
CREATE INDEX registrations_person ON registrations(person_id);
CREATE UNIQUE INDEX registrations_person_day ON registrations(person_id, day)
  WHERE status <> 'cancelled';
CREATE UNIQUE INDEX registrations_active_dose ON registrations(person_id, dose_number)
  WHERE status = 'booked';
)sql";

}  // namespace vaxreg::storage
