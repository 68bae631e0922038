#include "identity/model.h"

#include <gtest/gtest.h>

#include <random>

namespace vaxreg::identity {
namespace {

// Draws a level from a distribution over levels.
int8_t Draw(std::mt19937_64& rng, const std::vector<double>& p) {
  std::discrete_distribution<int> d(p.begin(), p.end());
  return static_cast<int8_t>(d(rng));
}

TEST(FsModelTest, EmRecoversMatchProbabilities) {
  // Two populations with known m and u per field; 10% of the pairs are matches.
  const std::vector<double> m_id = {0.9, 0.04, 0.01, 0.05}, u_id = {0.001, 0.01, 0.001, 0.988};
  const std::vector<double> m_name = {0.8, 0.05, 0.05, 0.04, 0.03, 0.02, 0.01};
  const std::vector<double> u_name = {0.01, 0.01, 0.02, 0.02, 0.1, 0.2, 0.64};
  const std::vector<double> m_dob = {0.9, 0.02, 0.02, 0.02, 0.01, 0.01, 0.02};
  const std::vector<double> u_dob = {0.001, 0.001, 0.01, 0.01, 0.01, 0.02, 0.948};
  std::mt19937_64 rng(7);
  PatternCounts candidates, random;
  for (int i = 0; i < 200000; ++i) {
    const bool match = i % 10 == 0;
    std::array<int8_t, kNumFields> p{kNull, kNull, kNull, kNull, kNull};
    p[kFieldId] = Draw(rng, match ? m_id : u_id);
    p[kFieldName] = Draw(rng, match ? m_name : u_name);
    p[kFieldDob] = Draw(rng, match ? m_dob : u_dob);
    ++candidates[p];
    std::array<int8_t, kNumFields> r{kNull, kNull, kNull, kNull, kNull};
    r[kFieldId] = Draw(rng, u_id);
    r[kFieldName] = Draw(rng, u_name);
    r[kFieldDob] = Draw(rng, u_dob);
    ++random[r];
  }
  FsModel model;
  model.SetUFromRandomPairs(random);
  EXPECT_NEAR(model.u(kFieldId, 3), 0.988, 0.005);
  EmReport report = model.EstimateM(candidates);
  EXPECT_GT(report.iterations, 1);
  EXPECT_NEAR(model.lambda(), 0.1, 0.01);
  EXPECT_NEAR(model.m(kFieldId, 0), 0.9, 0.02);
  EXPECT_NEAR(model.m(kFieldName, 0), 0.8, 0.02);
  EXPECT_NEAR(model.m(kFieldDob, 0), 0.9, 0.02);
  EXPECT_GT(model.FieldWeight(kFieldId, 0), 8);
  EXPECT_LT(model.FieldWeight(kFieldId, 3), -3);
  EXPECT_EQ(model.FieldWeight(kFieldSex, kNull), 0);
  Comparison c;
  c.level[kFieldId] = 0;
  c.level[kFieldName] = 0;
  EXPECT_NEAR(model.Weight(c), model.FieldWeight(kFieldId, 0) + model.FieldWeight(kFieldName, 0), 1e-9);
  EXPECT_GT(model.Probability(model.Weight(c)), 0.99);
  EXPECT_FALSE(model.Describe().empty());
}

TEST(FsModelTest, JsonRoundTrip) {
  PatternCounts random, candidates;
  std::mt19937_64 rng(11);
  for (int i = 0; i < 5000; ++i) {
    const bool match = i % 5 == 0;
    std::array<int8_t, kNumFields> p{};
    for (int f = 0; f < kNumFields; ++f) {
      const int levels = kLevelCount[static_cast<size_t>(f)];
      p[static_cast<size_t>(f)] =
          static_cast<int8_t>(match ? (rng() % 4 == 0 ? 1 : 0) : rng() % static_cast<uint64_t>(levels));
    }
    if (i % 7 == 0) p[kFieldSex] = kNull;
    ++candidates[p];
    ++random[{static_cast<int8_t>(3), static_cast<int8_t>(rng() % 7), static_cast<int8_t>(6),
              static_cast<int8_t>(rng() % 2), static_cast<int8_t>(rng() % 4)}];
  }
  FsModel model;
  model.SetUFromRandomPairs(random);
  model.EstimateM(candidates);

  auto back = FsModel::FromJson(model.ToJson());
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_DOUBLE_EQ(back->lambda(), model.lambda());
  for (int f = 0; f < kNumFields; ++f) {
    for (int l = 0; l < kLevelCount[static_cast<size_t>(f)]; ++l) {
      const auto field = static_cast<Field>(f);
      EXPECT_DOUBLE_EQ(back->m(field, l), model.m(field, l)) << FieldName(field) << l;
      EXPECT_DOUBLE_EQ(back->u(field, l), model.u(field, l)) << FieldName(field) << l;
      EXPECT_NEAR(back->FieldWeight(field, static_cast<int8_t>(l)),
                  model.FieldWeight(field, static_cast<int8_t>(l)), 1e-9);
    }
  }
  // The blocked-pair u comes back too: the calibrated probability of any pattern is the same.
  ASSERT_TRUE(back->has_blocked_u());
  for (const auto& [pattern, n] : candidates) {
    Comparison c;
    c.level = pattern;
    EXPECT_NEAR(back->MatchProbability(c), model.MatchProbability(c), 1e-12);
  }
  // A model written before it kept ub still reads, and falls back to the weight's probability.
  std::string old = model.ToJson();
  for (size_t at; (at = old.find(",\"ub\":[")) != std::string::npos;) {
    old.erase(at, old.find(']', at) + 1 - at);
  }
  auto legacy = FsModel::FromJson(old);
  ASSERT_TRUE(legacy.ok()) << legacy.status().ToString() << old;
  EXPECT_FALSE(legacy->has_blocked_u());
  Comparison all_agree;
  all_agree.level = {0, 0, 0, 0, 0};
  EXPECT_DOUBLE_EQ(legacy->MatchProbability(all_agree),
                   legacy->Probability(legacy->Weight(all_agree)));
}

TEST(FsModelTest, FromJsonRejectsMalformedModels) {
  const std::string good = FsModel().ToJson();
  auto replaced = [&](const std::string& from, const std::string& to) {
    std::string s = good;
    const size_t at = s.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    return at == std::string::npos ? s : s.replace(at, from.size(), to);
  };
  ASSERT_TRUE(FsModel::FromJson(good).ok());
  const std::vector<std::string> bad = {
      "",
      "[]",
      "{\"format\":1}",
      replaced("\"format\":1", "\"format\":2"),
      replaced("\"lambda\":", "\"lambda\":1.5,\"x\":"),
      replaced("\"sex\":", "\"gender\":"),
      replaced("\"m\":[", "\"m\":[0.5,"),
      replaced("\"u\":[", "\"u\":[-1,"),
  };
  for (const std::string& json : bad) {
    EXPECT_EQ(FsModel::FromJson(json).status().code(), StatusCode::kInvalidArgument) << json;
  }
}

}  // namespace
}  // namespace vaxreg::identity
