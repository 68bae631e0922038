#pragma once
// Structural validation of an EU DCC payload, equivalent to the official JSON schemas 1.0.0 ..
// 1.3.3 (../shared/conformance/dcc-schema/versions), plus value-set membership. Pure functions;
// thread-safe.
//
// The schema is chosen by the payload's "ver": a released version uses its own rules, anything
// else (missing, malformed, or unreleased such as 1.0.4) the newest, 1.3.3. As with the upstream
// checker, "format" (date, date-time) is an annotation and not enforced, and additional
// properties are allowed. On top of the schema, a DCC must hold exactly one of v, t, r.
//
// Version differences implemented: before 1.3.0 texts are limited to 50 characters (80 after),
// dn/sd to 1..9, t[].tc is required, groups may hold several entries and dob must be non-empty;
// 1.0.x matches dob against the unanchored pattern (19|20)\d{2}-\d{2}-\d{2}; before 1.3.2 nam.fnt
// is required, from 1.3.2 one of fnt/gnt.

#include <boost/json/value.hpp>
#include <optional>
#include <string>
#include <vector>

#include "certs/dcc/dcc_type.h"
#include "certs/dcc/value_sets.h"

namespace vaxreg::certs {

struct SchemaViolation {
  std::string path;     // JSON path of the offending value, e.g. "$.v[0].dn"
  std::string message;  // what is wrong, e.g. "must be >= 1"
};

// Schema violations of `dcc`; empty when valid.
std::vector<SchemaViolation> CheckDccSchema(const boost::json::value& dcc);

// Codes not in their value set: v/t/r[].tg, v[].vp, v[].mp, v[].ma, t[].tt, t[].tr, and
// v/t/r[].co ("UNHCR" is accepted as a country). t[].ma is not checked (the upstream device list is
// only an example). Fields that are absent or not strings are left to CheckDccSchema.
std::vector<SchemaViolation> CheckDccValueSets(const boost::json::value& dcc,
                                               const ValueSets& sets = ValueSets::Embedded());

// The groups (v, t, r) present as keys of `dcc`, in that order.
std::vector<DccType> DccTypesPresent(const boost::json::value& dcc);

// "$.v[0].dn: must be >= 1; $.nam: ..." for messages.
std::string JoinViolations(const std::vector<SchemaViolation>& violations);

}  // namespace vaxreg::certs
