#pragma once
// Noise on Vietnamese names for the identity benchmark generator, each modelled on an error seen
// in real registries. Input and output are UTF-8 (NFC unless the noise is decomposition itself).
// Pure functions of their inputs and the random engine; thread-compatible.

#include <random>
#include <string>

namespace vaxreg::bench {

using Rng = std::mt19937_64;

std::string RemoveAccents(const std::string& name);            // "Nguyễn Đức" -> "Nguyen Duc"
std::string OtherTonePlacementOrNfd(const std::string& name, Rng& rng);  // hoà <-> hòa, or NFD
std::string CaseOrSpacing(const std::string& name, Rng& rng);  // "NGUYỄN VĂN", "NguyễnVăn"
std::string KeyboardTypo(const std::string& name, Rng& rng);   // neighbour key, drop, double, swap
std::string ScanConfusion(const std::string& name, Rng& rng);  // one of ư/u ơ/o đ/d ă/â/a
std::string TelexLeftover(const std::string& name, Rng& rng);  // one syllable as typed: "Nguyeenx"
std::string SwapFamilyGiven(const std::string& name);          // first and last syllable swapped
std::string DropMiddle(const std::string& name);               // family + given only

}  // namespace vaxreg::bench
