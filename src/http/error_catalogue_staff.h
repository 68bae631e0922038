#pragma once
// The catalogue's entries for the messages officials meet (facility staff, health authorities,
// signers, admins); ErrorCatalogue() (error_language.h) places them between the citizens' entries
// and the general patterns.

#include <span>

#include "http/error_language.h"

namespace vaxreg::http {

std::span<const ErrorText> StaffErrorTexts();

}  // namespace vaxreg::http
