#include "certs/dcc/schema_check.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>

#include "test_pki.h"

namespace vaxreg::certs {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

const fs::path kSchemaDir = fs::path(VAXREG_SHARED_DIR) / "conformance" / "dcc-schema";

json::value ReadJson(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::string text(static_cast<size_t>(fs::file_size(p)), '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  return json::parse(text);
}

std::vector<fs::path> JsonFilesUnder(const fs::path& dir) {
  std::vector<fs::path> out;
  if (!fs::exists(dir)) return out;
  for (const auto& e : fs::recursive_directory_iterator(dir)) {
    if (e.is_regular_file() && e.path().extension() == ".json") out.push_back(e.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

std::vector<std::string> Paths(const std::vector<SchemaViolation>& v) {
  std::vector<std::string> out;
  for (const SchemaViolation& x : v) out.push_back(x.path);
  return out;
}

TEST(SchemaCheckTest, UpstreamValidPayloadsAndExamplesPass) {
  std::vector<fs::path> files = JsonFilesUnder(kSchemaDir / "tests" / "valid");
  std::vector<fs::path> examples = JsonFilesUnder(kSchemaDir / "examples");
  files.insert(files.end(), examples.begin(), examples.end());
  if (files.empty()) GTEST_SKIP() << "no schema corpus";
  EXPECT_GE(files.size(), 40u);
  for (const fs::path& f : files) {
    const json::value dcc = ReadJson(f);
    EXPECT_EQ(JoinViolations(CheckDccSchema(dcc)), "") << f;
    EXPECT_EQ(JoinViolations(CheckDccValueSets(dcc)), "") << f;
  }
}

TEST(SchemaCheckTest, UpstreamInvalidPayloadsFailAtTheRightPath) {
  const fs::path dir = kSchemaDir / "tests" / "invalid";
  if (!fs::exists(dir)) GTEST_SKIP() << "no schema corpus";
  const std::map<std::string, std::string> want = {
      {"empty.json", "$.v"},          {"invalid_dob.json", "$.dob"},
      {"invalid_dob2.json", "$.dob"}, {"invalid_vac.json", "$.v[0].dn"},
      {"missing_dob.json", "$"},      {"missing_fnt_gnt.json", "$.nam"},
  };
  std::vector<fs::path> files = JsonFilesUnder(dir);
  EXPECT_EQ(files.size(), want.size());
  for (const fs::path& f : files) {
    std::vector<SchemaViolation> v = CheckDccSchema(ReadJson(f));
    ASSERT_FALSE(v.empty()) << f;
    auto it = want.find(f.filename().string());
    ASSERT_NE(it, want.end()) << f;
    EXPECT_EQ(v.front().path, it->second) << f << ": " << JoinViolations(v);
  }
}

// Applies `edit` to a valid 1.3.0 vaccination DCC and returns the violation paths.
std::vector<std::string> ViolationsAfter(const std::function<void(json::object&)>& edit) {
  json::value dcc = testing::SampleVaccinationDcc();
  edit(dcc.as_object());
  return Paths(CheckDccSchema(dcc));
}

using Paths_ = std::vector<std::string>;

TEST(SchemaCheckTest, FieldRulesTable) {
  struct Case {
    const char* what;
    std::function<void(json::object&)> edit;
    Paths_ want;
  };
  const Case cases[] = {
      {"valid", [](json::object&) {}, {}},
      {"fnt lower case",
       [](json::object& d) { d["nam"].as_object()["fnt"] = "Nguyen"; },
       {"$.nam.fnt"}},
      {"gnt with a space",
       [](json::object& d) { d["nam"].as_object()["gnt"] = "VAN AN"; },
       {"$.nam.gnt"}},
      {"fnt with diacritics",
       [](json::object& d) { d["nam"].as_object()["fnt"] = "NGUY\xe1\xbb\x84N"; },
       {"$.nam.fnt"}},
      {"fnt empty is allowed", [](json::object& d) { d["nam"].as_object()["fnt"] = ""; }, {}},
      {"fnt 81 characters",
       [](json::object& d) { d["nam"].as_object()["fnt"] = std::string(81, 'A'); },
       {"$.nam.fnt"}},
      {"fn 80 characters of 2-byte UTF-8",
       [](json::object& d) {
         std::string s;
         for (int i = 0; i < 80; ++i) s += "\xc4\x90";
         d["nam"].as_object()["fn"] = s;
       },
       {}},
      {"no fnt (1.3.0 requires it)",
       [](json::object& d) { d["nam"].as_object().erase("fnt"); },
       {"$.nam"}},
      {"nam not an object", [](json::object& d) { d["nam"] = "NGUYEN"; }, {"$.nam"}},
      {"dob year only", [](json::object& d) { d["dob"] = "1985"; }, {}},
      {"dob year-month", [](json::object& d) { d["dob"] = "1985-04"; }, {}},
      {"dob empty", [](json::object& d) { d["dob"] = ""; }, {}},
      {"dob with xx", [](json::object& d) { d["dob"] = "1985-xx-xx"; }, {"$.dob"}},
      {"dob 1899", [](json::object& d) { d["dob"] = "1899-01-01"; }, {"$.dob"}},
      {"dob with time", [](json::object& d) { d["dob"] = "1985-04-12T00:00:00"; }, {"$.dob"}},
      {"dob number", [](json::object& d) { d["dob"] = 1985; }, {"$.dob"}},
      {"no ver", [](json::object& d) { d.erase("ver"); }, {"$"}},
      {"ver pattern", [](json::object& d) { d["ver"] = "1.3"; }, {"$.ver"}},
      {"two groups", [](json::object& d) { d["r"] = json::array{}; }, {"$", "$.r"}},
      {"no group", [](json::object& d) { d.erase("v"); }, {"$"}},
      {"two entries",
       [](json::object& d) { d["v"].as_array().push_back(d["v"].as_array()[0]); },
       {"$.v"}},
      {"group not an array", [](json::object& d) { d["v"] = json::object{}; }, {"$.v"}},
      {"dn zero",
       [](json::object& d) { d["v"].as_array()[0].as_object()["dn"] = 0; },
       {"$.v[0].dn"}},
      {"dn 10 allowed from 1.3.0",
       [](json::object& d) { d["v"].as_array()[0].as_object()["dn"] = 10; },
       {}},
      {"dn 2.0 is an integer",
       [](json::object& d) { d["v"].as_array()[0].as_object()["dn"] = 2.0; },
       {}},
      {"dn 1.5",
       [](json::object& d) { d["v"].as_array()[0].as_object()["dn"] = 1.5; },
       {"$.v[0].dn"}},
      {"dn text",
       [](json::object& d) { d["v"].as_array()[0].as_object()["dn"] = "2"; },
       {"$.v[0].dn"}},
      {"missing mp",
       [](json::object& d) { d["v"].as_array()[0].as_object().erase("mp"); },
       {"$.v[0]"}},
      {"co lower case",
       [](json::object& d) { d["v"].as_array()[0].as_object()["co"] = "vn"; },
       {"$.v[0].co"}},
      {"is 81 characters",
       [](json::object& d) { d["v"].as_array()[0].as_object()["is"] = std::string(81, 'x'); },
       {"$.v[0].is"}},
      {"ci number",
       [](json::object& d) { d["v"].as_array()[0].as_object()["ci"] = 5; },
       {"$.v[0].ci"}},
      {"extra properties are allowed", [](json::object& d) { d["x"] = 1; }, {}},
  };
  for (const Case& c : cases) EXPECT_EQ(ViolationsAfter(c.edit), c.want) << c.what;
  EXPECT_EQ(Paths(CheckDccSchema(json::value("text"))), Paths_{"$"});
}

TEST(SchemaCheckTest, RulesFollowTheVersion) {
  auto with = [](const char* ver, const std::function<void(json::object&)>& edit) {
    return ViolationsAfter([&](json::object& d) {
      d["ver"] = ver;
      edit(d);
    });
  };
  auto only_gnt = [](json::object& d) { d["nam"].as_object().erase("fnt"); };
  EXPECT_EQ(with("1.3.0", only_gnt), Paths_{"$.nam"});
  EXPECT_EQ(with("1.3.2", only_gnt), Paths_{});
  EXPECT_EQ(with("1.3.3", only_gnt), Paths_{});
  EXPECT_EQ(with("1.0.4", only_gnt), Paths_{}) << "unreleased versions use the newest schema";

  auto dn10 = [](json::object& d) { d["v"].as_array()[0].as_object()["dn"] = 10; };
  EXPECT_EQ(with("1.2.1", dn10), Paths_{"$.v[0].dn"});
  EXPECT_EQ(with("1.3.0", dn10), Paths_{});

  auto long_fn = [](json::object& d) { d["nam"].as_object()["fn"] = std::string(51, 'a'); };
  EXPECT_EQ(with("1.2.1", long_fn), Paths_{"$.nam.fn"});
  EXPECT_EQ(with("1.3.0", long_fn), Paths_{});

  auto empty_dob = [](json::object& d) { d["dob"] = ""; };
  EXPECT_EQ(with("1.2.1", empty_dob), Paths_{"$.dob"});
  EXPECT_EQ(with("1.3.0", empty_dob), Paths_{});

  auto year_dob = [](json::object& d) { d["dob"] = "1985"; };
  EXPECT_EQ(with("1.0.0", year_dob), Paths_{"$.dob"}) << "1.0.x needs a full date";
  EXPECT_EQ(with("1.1.0", year_dob), Paths_{});
  auto prefixed_dob = [](json::object& d) { d["dob"] = "x1985-04-12"; };
  EXPECT_EQ(with("1.0.0", prefixed_dob), Paths_{}) << "1.0.x pattern is unanchored";
  EXPECT_EQ(with("1.3.0", prefixed_dob), Paths_{"$.dob"});

  auto two_entries = [](json::object& d) { d["v"].as_array().push_back(d["v"].as_array()[0]); };
  EXPECT_EQ(with("1.2.1", two_entries), Paths_{});
  EXPECT_EQ(with("1.3.0", two_entries), Paths_{"$.v"});
}

TEST(SchemaCheckTest, TestAndRecoveryEntries) {
  json::value t = json::parse(R"({"ver":"1.2.1","nam":{"fnt":"A"},"dob":"1990-01-01",
    "t":[{"tg":"840539006","tt":"LP6464-4","sc":"2021-02-20T12:34:56Z","tr":"260415000",
          "co":"AT","is":"BMSGPK","ci":"URN:UVCI:01:AT:1"}]})");
  EXPECT_EQ(Paths(CheckDccSchema(t)), Paths_{"$.t[0]"}) << "tc is required before 1.3.0";
  t.as_object()["ver"] = "1.3.0";
  EXPECT_EQ(Paths(CheckDccSchema(t)), Paths_{});
  t.as_object()["t"].as_array()[0].as_object()["nm"] = std::string(81, 'n');
  EXPECT_EQ(Paths(CheckDccSchema(t)), Paths_{"$.t[0].nm"});

  json::value r = json::parse(R"({"ver":"1.3.0","nam":{"fnt":"A"},"dob":"1990",
    "r":[{"tg":"840539006","fr":"2021-02-20","co":"AT","is":"BMSGPK","df":"2021-03-01",
          "ci":"URN:UVCI:01:AT:2"}]})");
  EXPECT_EQ(Paths(CheckDccSchema(r)), Paths_{"$.r[0]"}) << "du missing";
}

TEST(SchemaCheckTest, ValueSets) {
  const ValueSets& sets = ValueSets::Embedded();
  for (std::string_view name :
       {kValueSetDisease, kValueSetVaccineProphylaxis, kValueSetVaccineProduct,
        kValueSetVaccineManufacturer, kValueSetTestType, kValueSetTestResult, kValueSetCountry}) {
    EXPECT_TRUE(sets.Has(name)) << name;
    EXPECT_FALSE(sets.Date(name).empty()) << name;
  }
  EXPECT_TRUE(sets.Contains(kValueSetVaccineProduct, "EU/1/20/1528"));
  EXPECT_TRUE(sets.Contains(kValueSetVaccineProduct, "BBIBP-CorV"));
  EXPECT_TRUE(sets.Contains(kValueSetCountry, "VN"));
  EXPECT_FALSE(sets.Contains(kValueSetCountry, "XX"));
  EXPECT_FALSE(sets.Contains("no-such-set", "VN"));

  json::value dcc = testing::SampleVaccinationDcc();
  EXPECT_TRUE(CheckDccValueSets(dcc).empty());
  json::object& v0 = dcc.as_object()["v"].as_array()[0].as_object();
  v0["mp"] = "EU/1/99/9999";
  v0["co"] = "XX";
  v0["tg"] = "12345";
  EXPECT_EQ(Paths(CheckDccValueSets(dcc)), (Paths_{"$.v[0].tg", "$.v[0].co", "$.v[0].mp"}));
  v0["ma"] = 7;  // wrong type: the schema's business, not the value sets'
  EXPECT_EQ(CheckDccValueSets(dcc).size(), 3u);

  json::value t = json::parse(R"({"t":[{"tg":"840539006","tt":"LP6464-9","tr":"1",
    "ma":"not-checked","co":"DE"}]})");
  EXPECT_EQ(Paths(CheckDccValueSets(t)), (Paths_{"$.t[0].tt", "$.t[0].tr"}));
}

TEST(SchemaCheckTest, ParsesValueSetFilesInTheUpstreamShape) {
  Result<ValueSets> ok = ValueSets::Parse(
      {{"x", R"({"valueSetId":"x","valueSetDate":"2022-01-01","valueSetValues":{"A":{}}})"}});
  ASSERT_TRUE(ok.ok());
  EXPECT_TRUE(ok->Contains("x", "A"));
  EXPECT_EQ(ok->Date("x"), "2022-01-01");
  EXPECT_FALSE(ValueSets::Parse({{"x", "[]"}}).ok());
  EXPECT_FALSE(ValueSets::Parse({{"x", "{\"valueSetValues\":[]}"}}).ok());
  EXPECT_FALSE(ValueSets::Parse({{"x", "{"}}).ok());
}

}  // namespace
}  // namespace vaxreg::certs
