#include "registry/continuity.h"

#include <algorithm>

#include "registry/person.h"

namespace vaxreg::registry {
namespace {

constexpr int64_t kClockSkewSeconds = 600;

const VaccineProduct* Find(const std::vector<VaccineProduct>& c, const std::string& code) {
  for (const auto& p : c) {
    if (p.code == code) return &p;
  }
  return nullptr;
}

// Days the dose after `earlier` must wait.
int RequiredGapDays(const HistoryDose& earlier, const std::vector<VaccineProduct>& catalogue) {
  const VaccineProduct* p = Find(catalogue, earlier.vaccine_code);
  if (p == nullptr) return 0;
  return earlier.dose_number < p->primary_doses ? p->min_interval_days : p->booster_min_days;
}

Status CheckGap(const HistoryDose& a, const HistoryDose& b,
                const std::vector<VaccineProduct>& catalogue) {
  const int required = RequiredGapDays(a, catalogue);
  const auto gap = (DayOf(b.administered_at) - DayOf(a.administered_at)).count();
  if (gap >= required) return Status::Ok();
  return FailedPreconditionError(
      "dose " + std::to_string(b.dose_number) + " on " + FormatDay(DayOf(b.administered_at)) +
          " is " + std::to_string(gap) + " days after dose " + std::to_string(a.dose_number) +
          " (" + a.vaccine_code + ", " + FormatDay(DayOf(a.administered_at)) +
          "); the minimum interval is " + std::to_string(required) + " days",
      "administered_at");
}

}  // namespace

Status CheckDoseDate(const ContinuityInput& in) {
  // By calendar day in Viet Nam: a row dated today is stored at 09:00 and must be accepted when
  // a clinic uploads it before nine; only a later day is in the future.
  if (DayOf(in.dose.administered_at) > DayOf(in.now + kClockSkewSeconds)) {
    return FailedPreconditionError("the dose date " + FormatDay(DayOf(in.dose.administered_at)) +
                                       " is in the future",
                                   "administered_at");
  }
  if (DayOf(in.dose.administered_at) < in.earliest_birth_day) {
    return FailedPreconditionError("the dose date " + FormatDay(DayOf(in.dose.administered_at)) +
                                       " is before the person's date of birth",
                                   "administered_at");
  }
  return Status::Ok();
}

Status CheckDoseSequence(const ContinuityInput& in, const std::vector<VaccineProduct>& catalogue) {
  for (const HistoryDose& h : in.history) {
    if (h.dose_number == in.dose.dose_number) {
      const std::string taken = "the person already has dose " + std::to_string(h.dose_number) +
                                " (" + h.vaccine_code + " on " +
                                FormatDay(DayOf(h.administered_at));
      // A dose of the same import, not yet stored, has no id to name.
      if (h.id == 0) {
        return FailedPreconditionError(taken + ") from an earlier row of this import",
                                       "dose_number");
      }
      return FailedPreconditionError(taken + ", dose id " + std::to_string(h.id) +
                                         "); void it first if it was entered in error",
                                     "dose_number");
    }
  }
  // The nearest earlier and later doses by dose number.
  const HistoryDose* before = nullptr;
  const HistoryDose* after = nullptr;
  for (const HistoryDose& h : in.history) {
    if (h.dose_number < in.dose.dose_number &&
        (before == nullptr || h.dose_number > before->dose_number)) {
      before = &h;
    }
    if (h.dose_number > in.dose.dose_number &&
        (after == nullptr || h.dose_number < after->dose_number)) {
      after = &h;
    }
  }
  if (before != nullptr) RETURN_IF_ERROR(CheckGap(*before, in.dose, catalogue));
  if (after != nullptr) RETURN_IF_ERROR(CheckGap(in.dose, *after, catalogue));
  return Status::Ok();
}

}  // namespace vaxreg::registry
