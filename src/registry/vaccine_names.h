#pragma once
// What people call a vaccine, resolved to a catalogue product: a citizen writes "Pfizer", a
// spreadsheet "comirnaty", a foreign certificate "EU/1/20/1528". Shared by self-declared doses
// (corrections/) and imports.

#include <string_view>
#include <vector>

#include "common/status.h"
#include "registry/vaccine_catalogue.h"

namespace vaxreg::registry {

// The product `text` names, matched case-insensitively and ignoring spaces, hyphens, dots and
// underscores, against (in this order) each product's code, its DCC medicinal-product code
// (mp, e.g. "EU/1/20/1528"), its display name with and without the parenthesised maker, and the
// common names of the built-in products ("Pfizer", "BioNTech", "Moderna", "AstraZeneca", "AZ",
// "Sinopharm", "Vero Cell", "Sputnik", "Gamaleya", "Johnson & Johnson", "J&J", "Bharat",
// "Abdala", "Hayat"). kInvalidArgument (field `field`) naming the text when nothing matches.
Result<const VaccineProduct*> ResolveVaccineName(const std::vector<VaccineProduct>& catalogue,
                                                 std::string_view text,
                                                 std::string_view field = "vaccine");

// Replaces `code` by the catalogue code of the product it names (ResolveVaccineName), so that an
// import may say "Pfizer", "comirnaty" or "EU/1/20/1528". ResolveVaccineName's error, with its
// list of what is understood, when it names none; `code` is then unchanged.
Status NormalizeVaccineCode(const std::vector<VaccineProduct>& catalogue, std::string& code,
                            std::string_view field = "vaccine");

}  // namespace vaxreg::registry
