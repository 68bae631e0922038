#pragma once
// Migration 3, "registry": facilities, vaccine products, people, doses, pre-registrations,
// vaccine supply (shipments, allocations, stock) and the statistics counters that the dose and
// registration writes keep up to date in the same transaction (so public statistics never scan).
// Included only by storage/schema.cc. Never edit once shipped; append a new migration instead.
//
// Conventions: times are Unix seconds (UTC); calendar days are 'YYYY-MM-DD' text; administrative
// units are GSO codes (province 2 digits, district 3, commune 5); vaccine codes are the
// catalogue's short codes ("COMIRNATY").
//
// people.dob is 'YYYY-MM-DD' or 'YYYY' (year only); birth_year repeats the year for indexes.
// people.vax_status caches registry::ComputeStatus so coverage counters can move incrementally.
// doses.province_code is where the dose counts in statistics (the facility's province, or the
// person's for a self-declared dose), fixed at write time so a void reverses the same counters.

#include <string_view>

namespace vaxreg::storage {

inline constexpr std::string_view kRegistrySqlite = R"sql(
CREATE TABLE facilities (
  code TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  province_code TEXT NOT NULL,
  district_code TEXT NOT NULL,
  commune_code TEXT NOT NULL,
  address TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL CHECK (status IN ('applied','active','suspended')),
  daily_capacity INTEGER NOT NULL CHECK (daily_capacity >= 0),
  contact TEXT NOT NULL DEFAULT '',
  applied_by TEXT NOT NULL,
  decided_by TEXT,
  decision_reason TEXT,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX facilities_province ON facilities(province_code, status);
CREATE TABLE vaccine_products (
  code TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  mp TEXT NOT NULL,
  ma TEXT NOT NULL,
  vp TEXT NOT NULL,
  primary_doses INTEGER NOT NULL CHECK (primary_doses BETWEEN 1 AND 5),
  min_interval_days INTEGER NOT NULL,
  booster_min_days INTEGER NOT NULL,
  built_in INTEGER NOT NULL DEFAULT 0,
  created_at INTEGER NOT NULL
);
CREATE TABLE people (
  id INTEGER PRIMARY KEY,
  cccd TEXT UNIQUE,
  cmnd TEXT,
  passport TEXT,
  full_name TEXT NOT NULL,
  name_folded TEXT NOT NULL,
  dob TEXT NOT NULL,
  birth_year INTEGER NOT NULL,
  sex TEXT NOT NULL CHECK (sex IN ('M','F')),
  phone TEXT NOT NULL DEFAULT '',
  province_code TEXT NOT NULL DEFAULT '',
  district_code TEXT NOT NULL DEFAULT '',
  commune_code TEXT NOT NULL DEFAULT '',
  identity_status TEXT NOT NULL DEFAULT 'unverified'
    CHECK (identity_status IN ('unverified','verified','mismatch')),
  vax_status TEXT NOT NULL DEFAULT 'none' CHECK (vax_status IN ('none','partly','fully','booster')),
  created_by TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL
);
CREATE INDEX people_cmnd ON people(cmnd) WHERE cmnd IS NOT NULL;
CREATE INDEX people_passport ON people(passport) WHERE passport IS NOT NULL;
CREATE INDEX people_name_year ON people(name_folded, birth_year);
CREATE TABLE doses (
  id INTEGER PRIMARY KEY,
  person_id INTEGER NOT NULL REFERENCES people(id),
  vaccine_code TEXT NOT NULL REFERENCES vaccine_products(code),
  lot TEXT NOT NULL DEFAULT '',
  dose_number INTEGER NOT NULL CHECK (dose_number BETWEEN 1 AND 20),
  administered_at INTEGER NOT NULL,
  administered_day TEXT NOT NULL,
  facility_code TEXT REFERENCES facilities(code),
  vaccinator TEXT NOT NULL DEFAULT '',
  source TEXT NOT NULL CHECK (source IN ('facility','self_declared')),
  review_status TEXT NOT NULL DEFAULT 'none' CHECK (review_status IN ('none','pending','verified','rejected')),
  province_code TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','voided')),
  void_reason TEXT,
  voided_by TEXT,
  voided_at INTEGER,
  idempotency_key TEXT UNIQUE,
  override_reason TEXT,
  recorded_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  CHECK (source <> 'facility' OR facility_code IS NOT NULL),
  CHECK (status <> 'voided' OR void_reason IS NOT NULL)
);
CREATE INDEX doses_person ON doses(person_id);
CREATE TABLE registrations (
  id INTEGER PRIMARY KEY,
  token TEXT NOT NULL UNIQUE,
  person_id INTEGER NOT NULL REFERENCES people(id),
  facility_code TEXT NOT NULL REFERENCES facilities(code),
  day TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'booked' CHECK (status IN ('booked','checked_in','cancelled')),
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  checked_in_at INTEGER,
  UNIQUE (person_id, day)
);
CREATE INDEX registrations_facility_day ON registrations(facility_code, day);
CREATE TABLE facility_day_bookings (
  facility_code TEXT NOT NULL REFERENCES facilities(code),
  day TEXT NOT NULL,
  booked INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (facility_code, day)
);
CREATE TABLE shipments (
  id INTEGER PRIMARY KEY,
  vaccine_code TEXT NOT NULL REFERENCES vaccine_products(code),
  quantity INTEGER NOT NULL CHECK (quantity > 0),
  reference TEXT NOT NULL DEFAULT '',
  received_day TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE allocations (
  id INTEGER PRIMARY KEY,
  vaccine_code TEXT NOT NULL REFERENCES vaccine_products(code),
  from_holder TEXT NOT NULL,
  to_holder TEXT NOT NULL,
  quantity INTEGER NOT NULL CHECK (quantity > 0),
  created_by TEXT NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE TABLE stock (
  holder TEXT NOT NULL,
  vaccine_code TEXT NOT NULL REFERENCES vaccine_products(code),
  received INTEGER NOT NULL DEFAULT 0,
  allocated_out INTEGER NOT NULL DEFAULT 0,
  used INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (holder, vaccine_code)
);
CREATE TABLE stat_doses_daily (
  day TEXT NOT NULL,
  province_code TEXT NOT NULL,
  vaccine_code TEXT NOT NULL,
  doses INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (day, province_code, vaccine_code)
);
CREATE TABLE stat_coverage (
  province_code TEXT PRIMARY KEY,
  at_least_one INTEGER NOT NULL DEFAULT 0,
  fully INTEGER NOT NULL DEFAULT 0,
  booster INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE stat_registrations_daily (
  day TEXT NOT NULL,
  province_code TEXT NOT NULL,
  registrations INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (day, province_code)
);
)sql";

inline constexpr std::string_view kRegistryPostgres = R"sql(
CREATE TABLE facilities (
  code TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  province_code TEXT NOT NULL,
  district_code TEXT NOT NULL,
  commune_code TEXT NOT NULL,
  address TEXT NOT NULL DEFAULT '',
  status TEXT NOT NULL CHECK (status IN ('applied','active','suspended')),
  daily_capacity INTEGER NOT NULL CHECK (daily_capacity >= 0),
  contact TEXT NOT NULL DEFAULT '',
  applied_by TEXT NOT NULL,
  decided_by TEXT,
  decision_reason TEXT,
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX facilities_province ON facilities(province_code, status);
CREATE TABLE vaccine_products (
  code TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  mp TEXT NOT NULL,
  ma TEXT NOT NULL,
  vp TEXT NOT NULL,
  primary_doses INTEGER NOT NULL CHECK (primary_doses BETWEEN 1 AND 5),
  min_interval_days INTEGER NOT NULL,
  booster_min_days INTEGER NOT NULL,
  built_in INTEGER NOT NULL DEFAULT 0,
  created_at BIGINT NOT NULL
);
CREATE TABLE people (
  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  cccd TEXT UNIQUE,
  cmnd TEXT,
  passport TEXT,
  full_name TEXT NOT NULL,
  name_folded TEXT NOT NULL,
  dob TEXT NOT NULL,
  birth_year INTEGER NOT NULL,
  sex TEXT NOT NULL CHECK (sex IN ('M','F')),
  phone TEXT NOT NULL DEFAULT '',
  province_code TEXT NOT NULL DEFAULT '',
  district_code TEXT NOT NULL DEFAULT '',
  commune_code TEXT NOT NULL DEFAULT '',
  identity_status TEXT NOT NULL DEFAULT 'unverified'
    CHECK (identity_status IN ('unverified','verified','mismatch')),
  vax_status TEXT NOT NULL DEFAULT 'none' CHECK (vax_status IN ('none','partly','fully','booster')),
  created_by TEXT NOT NULL DEFAULT '',
  created_at BIGINT NOT NULL,
  updated_at BIGINT NOT NULL
);
CREATE INDEX people_cmnd ON people(cmnd) WHERE cmnd IS NOT NULL;
CREATE INDEX people_passport ON people(passport) WHERE passport IS NOT NULL;
CREATE INDEX people_name_year ON people(name_folded, birth_year);
CREATE TABLE doses (
  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  person_id BIGINT NOT NULL REFERENCES people(id),
  vaccine_code TEXT NOT NULL REFERENCES vaccine_products(code),
  lot TEXT NOT NULL DEFAULT '',
  dose_number INTEGER NOT NULL CHECK (dose_number BETWEEN 1 AND 20),
  administered_at BIGINT NOT NULL,
  administered_day TEXT NOT NULL,
  facility_code TEXT REFERENCES facilities(code),
  vaccinator TEXT NOT NULL DEFAULT '',
  source TEXT NOT NULL CHECK (source IN ('facility','self_declared')),
  review_status TEXT NOT NULL DEFAULT 'none' CHECK (review_status IN ('none','pending','verified','rejected')),
  province_code TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active','voided')),
  void_reason TEXT,
  voided_by TEXT,
  voided_at BIGINT,
  idempotency_key TEXT UNIQUE,
  override_reason TEXT,
  recorded_by TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  CHECK (source <> 'facility' OR facility_code IS NOT NULL),
  CHECK (status <> 'voided' OR void_reason IS NOT NULL)
);
CREATE INDEX doses_person ON doses(person_id);
CREATE TABLE registrations (
  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  token TEXT NOT NULL UNIQUE,
  person_id BIGINT NOT NULL REFERENCES people(id),
  facility_code TEXT NOT NULL REFERENCES facilities(code),
  day TEXT NOT NULL,
  status TEXT NOT NULL DEFAULT 'booked' CHECK (status IN ('booked','checked_in','cancelled')),
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL,
  checked_in_at BIGINT,
  UNIQUE (person_id, day)
);
CREATE INDEX registrations_facility_day ON registrations(facility_code, day);
CREATE TABLE facility_day_bookings (
  facility_code TEXT NOT NULL REFERENCES facilities(code),
  day TEXT NOT NULL,
  booked INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (facility_code, day)
);
CREATE TABLE shipments (
  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  vaccine_code TEXT NOT NULL REFERENCES vaccine_products(code),
  quantity BIGINT NOT NULL CHECK (quantity > 0),
  reference TEXT NOT NULL DEFAULT '',
  received_day TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE TABLE allocations (
  id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
  vaccine_code TEXT NOT NULL REFERENCES vaccine_products(code),
  from_holder TEXT NOT NULL,
  to_holder TEXT NOT NULL,
  quantity BIGINT NOT NULL CHECK (quantity > 0),
  created_by TEXT NOT NULL,
  created_at BIGINT NOT NULL
);
CREATE TABLE stock (
  holder TEXT NOT NULL,
  vaccine_code TEXT NOT NULL REFERENCES vaccine_products(code),
  received BIGINT NOT NULL DEFAULT 0,
  allocated_out BIGINT NOT NULL DEFAULT 0,
  used BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (holder, vaccine_code)
);
CREATE TABLE stat_doses_daily (
  day TEXT NOT NULL,
  province_code TEXT NOT NULL,
  vaccine_code TEXT NOT NULL,
  doses BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (day, province_code, vaccine_code)
);
CREATE TABLE stat_coverage (
  province_code TEXT PRIMARY KEY,
  at_least_one BIGINT NOT NULL DEFAULT 0,
  fully BIGINT NOT NULL DEFAULT 0,
  booster BIGINT NOT NULL DEFAULT 0
);
CREATE TABLE stat_registrations_daily (
  day TEXT NOT NULL,
  province_code TEXT NOT NULL,
  registrations BIGINT NOT NULL DEFAULT 0,
  PRIMARY KEY (day, province_code)
);
)sql";

}  // namespace vaxreg::storage
