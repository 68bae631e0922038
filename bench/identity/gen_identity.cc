// bench_identity_gen: writes a synthetic population register, people-with-doses records with
// injected errors, and the ground truth, for the identity-matching benchmark.
//
//   bench_identity_gen --people N --tier light|medium|hard --out DIR [--seed S] [--facility CODE]
//
// Vaccines are catalogue codes (COMIRNATY, ...); facility codes are made up per province unless
// --facility names one that exists (e.g. the demo's HN-BACHMAI) so `vaxreg import doses` takes them.
// DIR/register.csv  cccd,cmnd,full_name,dob,sex,province_code,district_code,commune_code
// DIR/records.csv   record_id,cccd,full_name,dob,sex,phone,province_code,district_code,
//                   commune_code,vaccine,lot,dose_number,date,facility_code
// DIR/truth.csv     record_id,cccd,kind (the register CCCD of the record's person, empty if the
//                   person is not in the register; kind names the trap the record is, if any:
//                   "twin" or "household_cccd", below)
//
// Population: households of 1-5 sharing a commune and (except the spouse) a family name; names
// from national family-name shares and UIT-ViNames middle/given frequencies by sex; CCCD with the
// structure of Decree 137/2015; a CMND for 60% of people born before 2000. 90% of the register
// is vaccinated (one record each, 1-3 doses); 1.5% extra records are people not in the register.
// Neighbour twins (0.5% of records at the medium tier): people not in the register, without an
// identity number, born the same day as a registered person of the same sex and commune, with a
// name of their own; any link of theirs is false, and a verified one is the worst error.
// Errors per record at the medium tier (light halves, hard doubles), per issue 5:
//   identity number: missing 8%, one wrong digit 3%, two adjacent digits swapped 1%, CMND instead
//   3%, a household member's CCCD 0.5%;
//   name: accents removed 15%, other tone placement or decomposed 10%, case or spacing 3%,
//   keyboard typo 5%, scan confusion 3%, Telex leftovers 1%, family/given swapped 2%, middle
//   dropped 3%;
//   birth date: day/month swapped 3% (day <= 12), year only 2%, wrong year 2%, missing 2%;
//   sex flipped 0.5%; address abbreviated 20%, commune missing 10%, moved province 5%;
//   the same dose recorded twice 3% (a second record_id for the person, separately noised);
//   a dose interval shorter than the product's minimum 1% of the gaps.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <string>
#include <unordered_set>
#include <vector>

#include "geo/admin_units.h"
#include "name_noise.h"

namespace vaxreg::bench {
namespace {

struct Weighted {
  std::vector<std::string> values;
  std::discrete_distribution<size_t> dist;
  const std::string& Draw(Rng& rng) { return values[dist(rng)]; }
};

struct Names {
  Weighted family;
  Weighted middle[2], given[2];  // [0] male, [1] female
};

std::vector<std::string> SplitCsv(const std::string& line) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : line) {
    if (c == ',') {
      out.push_back(cur);
      cur.clear();
    } else if (c != '\r') {
      cur.push_back(c);
    }
  }
  out.push_back(cur);
  return out;
}

Names LoadNames(const std::string& dir) {
  Names n;
  std::vector<double> w;
  std::ifstream fam(dir + "/family_name_freq.csv");
  std::string line;
  std::getline(fam, line);
  while (std::getline(fam, line)) {
    auto f = SplitCsv(line);
    n.family.values.push_back(f[0]);
    w.push_back(std::stod(f[1]));
  }
  n.family.dist = std::discrete_distribution<size_t>(w.begin(), w.end());
  std::vector<double> mw[2], gw[2];
  std::ifstream comp(dir + "/name_components.csv");
  std::getline(comp, line);
  while (std::getline(comp, line)) {
    auto f = SplitCsv(line);
    const int s = f[2] == "F" ? 1 : 0;
    if (f[0] == "middle") {
      n.middle[s].values.push_back(f[1] == "(none)" ? "" : f[1]);
      mw[s].push_back(std::stod(f[3]));
    } else {
      n.given[s].values.push_back(f[1]);
      gw[s].push_back(std::stod(f[3]));
    }
  }
  for (int s = 0; s < 2; ++s) {
    n.middle[s].dist = std::discrete_distribution<size_t>(mw[s].begin(), mw[s].end());
    n.given[s].dist = std::discrete_distribution<size_t>(gw[s].begin(), gw[s].end());
  }
  return n;
}

struct Citizen {
  std::string cccd, cmnd, name;
  int year = 0, month = 0, day = 0;
  bool female = false;
  const geo::AdminUnit* commune = nullptr;
  const geo::AdminUnit* district = nullptr;
  size_t household = 0;  // index of the household's first member
  size_t household_size = 1;
  std::string phone;
  bool in_register = true;
  bool twin = false;  // a neighbour twin (see above)
};

bool Chance(Rng& rng, double p) { return std::uniform_real_distribution<double>(0, 1)(rng) < p; }
int Uniform(Rng& rng, int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); }

std::string Digits(Rng& rng, int n) {
  std::string s;
  for (int i = 0; i < n; ++i) s.push_back(static_cast<char>('0' + Uniform(rng, 0, 9)));
  return s;
}

std::string Date(int y, int m, int d) {
  char buf[32];  // room for any int the compiler cannot rule out
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", y, m, d);
  return buf;
}

std::string StripZeros(const std::string& code) {
  size_t i = 0;
  while (i + 1 < code.size() && code[i] == '0') ++i;
  return code.substr(i);
}

std::string TypeAbbrev(const std::string& type) {
  if (type == "Quận") return "Q.";
  if (type == "Huyện") return "H.";
  if (type == "Thị xã") return "TX.";
  if (type == "Thành phố" || type == "Thành phố Trung ương") return "TP.";
  if (type == "Phường") return "P.";
  if (type == "Xã") return "X.";
  if (type == "Thị trấn") return "TT.";
  if (type == "Tỉnh") return "T.";
  return "";
}

class Generator {
 public:
  Generator(Names names, double tier, uint64_t seed) : names_(std::move(names)), k_(tier), rng_(seed) {
    const geo::AdminUnits& units = geo::AdminUnits::Get();
    for (const geo::AdminUnit* p : units.Provinces()) {
      for (const geo::AdminUnit* d : units.Children(p->code)) {
        for (const geo::AdminUnit* c : units.Children(d->code)) communes_.push_back(c);
      }
    }
  }

  void MakePopulation(size_t people) {
    while (citizens_.size() < people) {
      const size_t head = citizens_.size();
      const int size = std::min<int>(Uniform(rng_, 1, 5), static_cast<int>(people - head));
      const geo::AdminUnit* commune = communes_[static_cast<size_t>(Uniform(rng_, 0, static_cast<int>(communes_.size()) - 1))];
      const std::string family = names_.family.Draw(rng_);
      const int head_year = Uniform(rng_, 1935, 1995);
      for (int i = 0; i < size; ++i) {
        Citizen c;
        c.female = i == 1 ? true : Chance(rng_, 0.5);
        const std::string fam = i == 1 ? names_.family.Draw(rng_) : family;
        const int s = c.female ? 1 : 0;
        const std::string& middle = names_.middle[s].Draw(rng_);
        c.name = fam + (middle.empty() ? "" : " " + middle) + " " + names_.given[s].Draw(rng_);
        c.year = i < 2 ? head_year + Uniform(rng_, -3, 3) : std::min(2009, head_year + Uniform(rng_, 20, 35));
        c.month = Uniform(rng_, 1, 12);
        c.day = Uniform(rng_, 1, c.month == 2 ? 28 : 30);
        c.commune = commune;
        c.district = geo::AdminUnits::Get().Find(commune->parent_code);
        c.household = head;
        c.household_size = static_cast<size_t>(size);
        // CCCD: province of birth registration (usually where the family lives), century/sex, YY.
        const std::string prov = Chance(rng_, 0.85) ? commune->province_code
                                                    : communes_[static_cast<size_t>(Uniform(rng_, 0, static_cast<int>(communes_.size()) - 1))]->province_code;
        const int century = c.year >= 2000 ? 2 : 0;
        for (;;) {
          char prefix[8];
          std::snprintf(prefix, sizeof prefix, "0%s%d%02d", prov.c_str(), century + (c.female ? 1 : 0), c.year % 100);
          c.cccd = std::string(prefix) + Digits(rng_, 6);
          if (cccds_.insert(c.cccd).second) break;
        }
        if (c.year < 2000 && Chance(rng_, 0.6)) {
          for (;;) {
            c.cmnd = Digits(rng_, 9);
            if (c.cmnd[0] != '0' || c.cmnd[1] != '0') {
              if (cmnds_.insert(c.cmnd).second) break;
            }
          }
        }
        c.phone = "09" + Digits(rng_, 8);
        citizens_.push_back(std::move(c));
      }
    }
  }

  void WriteRegister(const std::string& path) {
    std::ofstream out(path, std::ios::binary);
    out << "cccd,cmnd,full_name,dob,sex,province_code,district_code,commune_code\n";
    for (const Citizen& c : citizens_) {
      if (!c.in_register) continue;
      out << c.cccd << ',' << c.cmnd << ',' << c.name << ','
          << (c.day == 0 ? std::to_string(c.year) : Date(c.year, c.month, c.day)) << ','
          << (c.female ? 'F' : 'M') << ',' << c.commune->province_code << ','
          << c.district->code << ',' << c.commune->code << '\n';
    }
  }

  // Records: 90% of register people, plus strangers; some recorded twice.
  void WriteRecords(const std::string& records_path, const std::string& truth_path) {
    const size_t registered = citizens_.size();
    std::vector<size_t> who;
    for (size_t i = 0; i < registered; ++i) {
      if (Chance(rng_, 0.9)) who.push_back(i);
    }
    // People not in the register: 1.5% of the records.
    const size_t strangers = who.size() * 15 / 1000;
    const size_t before = citizens_.size();
    MakePopulation(before + strangers);
    for (size_t i = before; i < citizens_.size(); ++i) {
      citizens_[i].in_register = false;
      who.push_back(i);
    }
    // Neighbour twins of registered people.
    const size_t twins = static_cast<size_t>(static_cast<double>(who.size()) * 0.005 * k_);
    for (size_t t = 0; t < twins; ++t) {
      Citizen c = citizens_[static_cast<size_t>(Uniform(rng_, 0, static_cast<int>(registered) - 1))];
      const int s = c.female ? 1 : 0;
      const std::string& middle = names_.middle[s].Draw(rng_);
      std::string name = names_.family.Draw(rng_) + (middle.empty() ? "" : " " + middle) + " " +
                         names_.given[s].Draw(rng_);
      if (name == c.name) continue;
      c.name = std::move(name);
      c.cccd.clear();
      c.cmnd.clear();
      c.household = citizens_.size();
      c.household_size = 1;
      c.phone = "09" + Digits(rng_, 8);
      c.in_register = false;
      c.twin = true;
      who.push_back(citizens_.size());
      citizens_.push_back(std::move(c));
    }
    std::vector<std::pair<size_t, bool>> records;  // (citizen, is_duplicate)
    for (size_t c : who) {
      records.emplace_back(c, false);
      if (Chance(rng_, 0.03 * k_)) records.emplace_back(c, true);
    }
    std::shuffle(records.begin(), records.end(), rng_);
    std::ofstream out(records_path, std::ios::binary), truth(truth_path, std::ios::binary);
    out << "record_id,cccd,full_name,dob,sex,phone,province_code,district_code,commune_code,"
           "vaccine,lot,dose_number,date,facility_code\n";
    truth << "record_id,cccd,kind\n";
    static const char* kVaccines[] = {"COMIRNATY", "SPIKEVAX", "VAXZEVRIA", "BBIBP-CORV", "SPUTNIK-V", "ABDALA"};
    for (size_t r = 0; r < records.size(); ++r) {
      const Citizen& c = citizens_[records[r].first];
      const std::string id = "R" + std::to_string(r + 1);
      bool household_cccd = false;
      std::string person = NoisyPerson(c, household_cccd);
      truth << id << ',' << (c.in_register ? c.cccd : "") << ','
            << (c.twin ? "twin" : household_cccd ? "household_cccd" : "") << '\n';
      // Doses: the same vaccine, the second 28-90 days after the first, a booster 90-180 days
      // after that (each product's minimum); 1% of the gaps too short (an error of the data).
      // A duplicate record repeats one dose.
      const int doses = records[r].second ? 1 : Uniform(rng_, 1, 3);
      const std::string vaccine = kVaccines[Uniform(rng_, 0, 5)];
      std::chrono::sys_days day = std::chrono::sys_days(std::chrono::year(2021) / 6 / 1) +
                                  std::chrono::days(Uniform(rng_, 0, 150));
      for (int d = 1; d <= doses; ++d) {
        const std::chrono::year_month_day ymd(day);
        out << id << ',' << person << ',' << vaccine << ",L" << Digits(rng_, 5) << ',' << d << ','
            << Date(static_cast<int>(ymd.year()), static_cast<int>(static_cast<unsigned>(ymd.month())),
                    static_cast<int>(static_cast<unsigned>(ymd.day())))
            << ',' << (facility_.empty() ? "F" + c.commune->province_code + Digits(rng_, 3) : facility_) << '\n';
        const bool too_short = Chance(rng_, 0.01 * k_);
        day += std::chrono::days(too_short ? Uniform(rng_, 5, 13)
                                 : d == 1  ? Uniform(rng_, 28, 90)
                                           : Uniform(rng_, 90, 180));
      }
    }
  }

 private:
  // cccd,full_name,dob,sex,phone,province_code,district_code,commune_code with errors;
  // household_cccd tells whether the identity number written is a household member's.
  std::string NoisyPerson(const Citizen& c, bool& household_cccd) {
    std::ostringstream o;
    // Identity number: one of the mutually exclusive errors.
    double u = std::uniform_real_distribution<double>(0, 1)(rng_);
    std::string id = c.cccd;
    if (id.empty()) {
      // A neighbour twin: never had a number.
    } else if ((u -= 0.08 * k_) < 0) {
      id = "";
    } else if ((u -= 0.03 * k_) < 0) {
      const size_t pos = static_cast<size_t>(Uniform(rng_, 0, 11));
      id[pos] = static_cast<char>('0' + (id[pos] - '0' + Uniform(rng_, 1, 9)) % 10);
    } else if ((u -= 0.01 * k_) < 0) {
      const size_t pos = static_cast<size_t>(Uniform(rng_, 0, 10));
      if (id[pos] == id[pos + 1]) id[pos + 1] = static_cast<char>('0' + (id[pos] - '0' + 1) % 10);
      std::swap(id[pos], id[pos + 1]);
    } else if ((u -= 0.03 * k_) < 0) {
      id = c.cmnd;  // empty when the person never had one: then the number is just missing
    } else if ((u -= 0.005 * k_) < 0 && c.household_size > 1) {
      size_t other = c.household + static_cast<size_t>(Uniform(rng_, 0, static_cast<int>(c.household_size) - 1));
      if (other < citizens_.size() && citizens_[other].cccd != c.cccd) {
        id = citizens_[other].cccd;
        household_cccd = true;
      }
    }
    // Name.
    std::string name = c.name;
    if (Chance(rng_, 0.02 * k_)) name = SwapFamilyGiven(name);
    if (Chance(rng_, 0.03 * k_)) name = DropMiddle(name);
    if (Chance(rng_, 0.05 * k_)) name = KeyboardTypo(name, rng_);
    if (Chance(rng_, 0.03 * k_)) name = ScanConfusion(name, rng_);
    if (Chance(rng_, 0.01 * k_)) name = TelexLeftover(name, rng_);
    if (Chance(rng_, 0.15 * k_)) name = RemoveAccents(name);
    if (Chance(rng_, 0.10 * k_)) name = OtherTonePlacementOrNfd(name, rng_);
    if (Chance(rng_, 0.03 * k_)) name = CaseOrSpacing(name, rng_);
    // Birth date.
    std::string dob = Date(c.year, c.month, c.day);
    u = std::uniform_real_distribution<double>(0, 1)(rng_);
    if ((u -= 0.03 * k_) < 0) {
      if (c.day <= 12 && c.day != c.month) dob = Date(c.year, c.day, c.month);
    } else if ((u -= 0.02 * k_) < 0) {
      dob = std::to_string(c.year);
    } else if ((u -= 0.02 * k_) < 0) {
      int y = c.year + (Chance(rng_, 0.5) ? 1 : -1) * Uniform(rng_, 1, 2);
      dob = Date(y, c.month, c.day);
    } else if ((u -= 0.02 * k_) < 0) {
      dob = "";
    }
    const bool female = Chance(rng_, 0.005 * k_) ? !c.female : c.female;
    // Address.
    const geo::AdminUnit* commune = c.commune;
    if (Chance(rng_, 0.05 * k_)) {
      do {
        commune = communes_[static_cast<size_t>(Uniform(rng_, 0, static_cast<int>(communes_.size()) - 1))];
      } while (commune->province_code == c.commune->province_code);
    }
    const geo::AdminUnits& units = geo::AdminUnits::Get();
    const geo::AdminUnit* district = units.Find(commune->parent_code);
    const geo::AdminUnit* province = units.Find(commune->province_code);
    std::string p = province->code, d = district->code, cm = commune->code;
    if (Chance(rng_, 0.20 * k_)) {
      switch (Uniform(rng_, 0, 2)) {
        case 0:
          p = StripZeros(p), d = StripZeros(d), cm = StripZeros(cm);
          break;
        case 1:
          p = province->short_name;
          d = TypeAbbrev(district->type) + " " + district->short_name;
          cm = TypeAbbrev(commune->type) + " " + commune->short_name;
          break;
        default:
          p = province->ascii_name, d = district->ascii_name, cm = commune->ascii_name;
      }
    }
    if (Chance(rng_, 0.10 * k_)) cm = "";
    o << id << ',' << Quote(name) << ',' << dob << ',' << (female ? 'F' : 'M') << ',' << c.phone
      << ',' << Quote(p) << ',' << Quote(d) << ',' << Quote(cm);
    return o.str();
  }

  static std::string Quote(const std::string& s) {
    if (s.find_first_of(",\"") == std::string::npos) return s;
    std::string out = "\"";
    for (char ch : s) out += ch == '"' ? std::string("\"\"") : std::string(1, ch);
    return out + "\"";
  }

  Names names_;
  double k_;

 public:
  std::string facility_;  // every dose at this facility code when set (e.g. a seeded demo facility)

 private:
  Rng rng_;
  std::vector<const geo::AdminUnit*> communes_;
  std::vector<Citizen> citizens_;
  std::unordered_set<std::string> cccds_, cmnds_;
};

}  // namespace
}  // namespace vaxreg::bench

int main(int argc, char** argv) {
  size_t people = 100000;
  std::string tier = "medium", out_dir, data_dir = VAXREG_BENCH_IDENTITY_DATA, facility;
  uint64_t seed = 1;
  for (int i = 1; i + 1 < argc; i += 2) {
    const std::string a = argv[i], v = argv[i + 1];
    if (a == "--people") people = std::stoull(v);
    else if (a == "--tier") tier = v;
    else if (a == "--out") out_dir = v;
    else if (a == "--seed") seed = std::stoull(v);
    else if (a == "--data") data_dir = v;
    else if (a == "--facility") facility = v;
  }
  if (out_dir.empty() || (tier != "light" && tier != "medium" && tier != "hard")) {
    std::cerr << "usage: bench_identity_gen --people N --tier light|medium|hard --out DIR [--seed S]\n";
    return 2;
  }
  const double k = tier == "light" ? 0.5 : tier == "hard" ? 2.0 : 1.0;
  std::filesystem::create_directories(out_dir);
  vaxreg::bench::Generator gen(vaxreg::bench::LoadNames(data_dir), k, seed);
  gen.facility_ = facility;
  gen.MakePopulation(people);
  gen.WriteRegister(out_dir + "/register.csv");
  gen.WriteRecords(out_dir + "/records.csv", out_dir + "/truth.csv");
  std::cerr << "wrote " << out_dir << "/{register,records,truth}.csv (" << people << " people, tier " << tier << ")\n";
  return 0;
}
