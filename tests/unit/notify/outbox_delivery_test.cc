// Delivery of outbox messages on a real database of each backend to a local HTTPS gateway:
// retries with backoff, dead letters, claims across processes (a crashed one's retried after its
// timeout; two delivering at once send each message once), and one-time codes that reach the
// gateway without ever being stored in clear.

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <boost/json/parse.hpp>
#include <set>
#include <thread>

#include "accounts/notifier.h"
#include "fakes/fake_clock.h"
#include "notify/delivery_worker.h"
#include "notify/http_gateway_channel.h"
#include "notify/outbox_queue.h"
#include "storage/group_commit.h"
#include "storage/migrate.h"
#include "support/migrated_db.h"
#include "support/test_gateway.h"

namespace vaxreg::notify {
namespace {

using testing::kTestBackend;
using testing::TestGateway;

constexpr const char* kKeyHex = "8f2d0c7a55e1b3964a0e2f7d1c9b8a7766554433221100ffeeddccbbaa998877";
constexpr const char* kOtherKeyHex =
    "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

std::shared_ptr<const accounts::OutboxSealKey> Key(const char* hex) {
  return std::make_shared<const accounts::OutboxSealKey>(
      accounts::OutboxSealKey::FromHex(hex).value());
}

struct Row {
  std::string status;
  int64_t attempts = 0;
  std::string last_error;
  int64_t sent_at = 0;
  int64_t next_attempt_at = 0;
  bool sealed = false;
};

// One server process's worth of delivery: its own database handle, writer, channel and worker.
struct Deliverer {
  std::unique_ptr<MetricsRegistry> metrics;  // a process of its own has its own
  std::unique_ptr<storage::Database> db;
  std::unique_ptr<storage::GroupCommitWriter> writer;
  std::unique_ptr<HttpGatewayChannel> channel;
  std::unique_ptr<DeliveryWorker> worker;
};

class OutboxDeliveryTest : public testing::MigratedDbTest {
 protected:
  void SetUp() override {
    MigratedDbTest::SetUp();
    if (IsSkipped() || HasFatalFailure()) return;
    options_.backoff_initial = std::chrono::seconds(10);
    options_.backoff_max = std::chrono::seconds(60);
    options_.max_attempts = 5;
    options_.poll_interval = std::chrono::milliseconds(10);
    options_.send_timeout = std::chrono::milliseconds(5000);
    options_.claim_timeout = std::chrono::seconds(120);
  }

  HttpGatewayOptions GatewayOptions() const {
    HttpGatewayOptions o;
    o.url = gateway_.url();
    o.ca_file = gateway_.ca_file();
    o.auth_header = "Authorization: Bearer gw-token-123";
    o.timeout = std::chrono::milliseconds(5000);
    return o;
  }

  Deliverer MakeDeliverer(bool own_database, const char* key_hex = kKeyHex,
                          HttpGatewayOptions gateway = {}) {
    Deliverer d;
    storage::Database* db = db_.get();
    storage::GroupCommitWriter* writer = writer_.get();
    MetricsRegistry* metrics = &metrics_;
    if (own_database) {
      d.metrics = std::make_unique<MetricsRegistry>();
      metrics = d.metrics.get();
      d.db = test_db_.Open();
      d.writer = storage::GroupCommitWriter::Start(*d.db).value();
      db = d.db.get();
      writer = d.writer.get();
    }
    if (gateway.url.empty()) gateway = GatewayOptions();
    d.channel = HttpGatewayChannel::Create(gateway).value();
    d.worker = std::make_unique<DeliveryWorker>(*db, *writer, *d.channel, Key(key_hex), clock_,
                                                *metrics, options_);
    return d;
  }

  // Queues `m` as the server does: through the notifier, inside a write transaction.
  void Queue(const accounts::Message& m, const char* key_hex = kKeyHex) {
    accounts::OutboxNotifier notifier(
        clock_, false, accounts::OutboxDelivery{Key(key_hex), std::chrono::minutes(5)});
    ASSERT_TRUE(
        writer_->SubmitAndWait([&](storage::Connection& c) { return notifier.Send(c, m); }).ok());
  }

  int64_t LastId() {
    auto conn = db_->Acquire();
    return (*conn)->Query("SELECT MAX(id) FROM outbox", {}).value()[0].Int(0);
  }

  Row Get(int64_t id) {
    auto conn = db_->Acquire();
    auto rows = (*conn)->Query(
        "SELECT status, attempts, last_error, sent_at, next_attempt_at, sealed_body IS NOT NULL "
        "FROM outbox WHERE id = $1",
        {id});
    EXPECT_TRUE(rows.ok() && rows->size() == 1);
    const auto& r = (*rows)[0];
    return {r.Text(0), r.Int(1), r.Text(2), r.Int(3), r.Int(4), r.Int(5) != 0};
  }

  // Every column of every outbox row, as text and as bytes.
  std::string Dump() {
    auto conn = db_->Acquire();
    auto rows = (*conn)->Query(
        "SELECT id, channel, recipient, subject, body, status, attempts, next_attempt_at, "
        "claim_token, last_error, sent_at, sealed_body, secret_expires_at FROM outbox",
        {});
    EXPECT_TRUE(rows.ok());
    std::string out;
    for (const auto& r : *rows) {
      for (size_t i = 0; i < r.size(); ++i) out += r.Bytes(i) + "|";
      out += "\n";
    }
    return out;
  }

  double Metric(std::string_view name, const Labels& labels = {}) {
    return metrics_.ValueForTest(name, labels).value_or(-1);
  }

  static accounts::Message Plain(std::string recipient, std::string body) {
    accounts::Message m;
    m.channel = "sms";
    m.recipient = std::move(recipient);
    m.subject = "vaxreg";
    m.body = std::move(body);
    return m;
  }

  testing::FakeClock clock_;
  MetricsRegistry metrics_;
  TestGateway gateway_;
  DeliveryOptions options_;
};

TEST_F(OutboxDeliveryTest, SendsTheTemplateWithEscapedVietnameseAndTheAuthHeader) {
  HttpGatewayOptions g = GatewayOptions();
  g.body_template = R"({"ref":{{id}},"kind":"{{channel}}","to":"{{recipient}}",)"
                    R"("title":"{{subject}}","message":"{{body}}"})";
  Deliverer d = MakeDeliverer(false, kKeyHex, g);
  accounts::Message m = Plain("+84 912 345 678",
                              "Yêu cầu đính chính số \"ĐC-2026-000123\" đã "
                              "được tiếp nhận.\nRequest \\ received.");
  m.subject = "Đính chính \"hồ sơ\"";
  Queue(m);
  const int64_t id = LastId();

  auto round = d.worker->RunOnce();
  ASSERT_TRUE(round.ok()) << round.status().ToString();
  EXPECT_EQ(round->sent, 1);
  ASSERT_EQ(gateway_.request_count(), 1u);
  const auto req = gateway_.requests()[0];
  EXPECT_EQ(req.Header("authorization"), "Bearer gw-token-123");
  EXPECT_EQ(req.Header("idempotency-key"), "vaxreg-outbox-" + std::to_string(id));
  const boost::json::value v = boost::json::parse(req.body);
  EXPECT_EQ(v.at("ref").as_int64(), id);
  EXPECT_EQ(v.at("kind").as_string(), "sms");
  EXPECT_EQ(v.at("to").as_string(), m.recipient);
  EXPECT_EQ(v.at("title").as_string(), m.subject);
  EXPECT_EQ(v.at("message").as_string(), m.body);
  // Raw UTF-8 on the wire, quotes escaped.
  EXPECT_NE(req.body.find("Yêu cầu đính chính"), std::string::npos);
  EXPECT_NE(req.body.find(R"(\"ĐC-2026-000123\")"), std::string::npos);

  const Row row = Get(id);
  EXPECT_EQ(row.status, "sent");
  EXPECT_EQ(row.attempts, 1);
  EXPECT_EQ(row.sent_at, ToUnixSeconds(clock_.Now()));
  EXPECT_EQ(Metric("vaxreg_notify_sent_total"), 1);
  EXPECT_EQ(Metric("vaxreg_notify_queue_depth"), 0);
}

TEST_F(OutboxDeliveryTest, RetriesTwiceOn500ThenSends) {
  Deliverer d = MakeDeliverer(false);
  gateway_.Script({500, 500});
  Queue(Plain("0912345678", "hello"));
  const int64_t id = LastId();

  ASSERT_EQ(d.worker->RunOnce()->retried, 1);
  Row row = Get(id);
  EXPECT_EQ(row.status, "pending");
  EXPECT_EQ(row.attempts, 1);
  EXPECT_NE(row.last_error.find("500"), std::string::npos) << row.last_error;
  const int64_t now = ToUnixSeconds(clock_.Now());
  EXPECT_GE(row.next_attempt_at, now + 5);  // initial 10 s, jitter takes at most half
  EXPECT_LE(row.next_attempt_at, now + 10);
  // Not due yet: nothing happens.
  EXPECT_EQ(d.worker->RunOnce()->claimed, 0);
  EXPECT_EQ(gateway_.request_count(), 1u);

  clock_.Advance(std::chrono::seconds(10));
  ASSERT_EQ(d.worker->RunOnce()->retried, 1);
  row = Get(id);
  EXPECT_EQ(row.attempts, 2);
  EXPECT_GE(row.next_attempt_at, ToUnixSeconds(clock_.Now()) + 10);  // doubled: 20 s, jittered
  EXPECT_LE(row.next_attempt_at, ToUnixSeconds(clock_.Now()) + 20);

  clock_.Advance(std::chrono::seconds(20));
  ASSERT_EQ(d.worker->RunOnce()->sent, 1);
  row = Get(id);
  EXPECT_EQ(row.status, "sent");
  EXPECT_EQ(row.attempts, 3);
  EXPECT_EQ(row.last_error, "");
  EXPECT_EQ(gateway_.request_count(), 3u);
  for (const auto& req : gateway_.requests()) {
    EXPECT_EQ(req.Header("idempotency-key"), "vaxreg-outbox-" + std::to_string(id));
  }
  EXPECT_EQ(Metric("vaxreg_notify_retries_total"), 2);
  EXPECT_EQ(Metric("vaxreg_notify_sent_total"), 1);
}

TEST_F(OutboxDeliveryTest, PermanentRefusalIsDeadAtOnce) {
  Deliverer d = MakeDeliverer(false);
  gateway_.Script({400});
  Queue(Plain("not-a-number", "hello"));
  const int64_t id = LastId();
  ASSERT_EQ(d.worker->RunOnce()->dead, 1);
  const Row row = Get(id);
  EXPECT_EQ(row.status, "dead");
  EXPECT_EQ(row.attempts, 1);
  EXPECT_NE(row.last_error.find("400"), std::string::npos) << row.last_error;
  clock_.Advance(std::chrono::hours(24));
  EXPECT_EQ(d.worker->RunOnce()->claimed, 0);
  EXPECT_EQ(gateway_.request_count(), 1u);
  EXPECT_EQ(Metric("vaxreg_notify_dead_total", {{"reason", "refused"}}), 1);
}

TEST_F(OutboxDeliveryTest, RequestTimeoutAndTooManyRequestsAreRetried) {
  Deliverer d = MakeDeliverer(false);
  gateway_.Script({408, 429});
  Queue(Plain("0912345678", "hello"));
  const int64_t id = LastId();
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(d.worker->RunOnce().ok());
    clock_.Advance(std::chrono::seconds(60));
  }
  const Row row = Get(id);
  EXPECT_EQ(row.status, "sent");
  EXPECT_EQ(row.attempts, 3);
}

TEST_F(OutboxDeliveryTest, OutOfAttemptsIsDeadWithTheLastError) {
  options_.max_attempts = 3;
  Deliverer d = MakeDeliverer(false);
  gateway_.SetDefaultStatus(503);
  Queue(Plain("0912345678", "hello"));
  const int64_t id = LastId();
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(d.worker->RunOnce().ok());
    clock_.Advance(std::chrono::seconds(60));
  }
  const Row row = Get(id);
  EXPECT_EQ(row.status, "dead");
  EXPECT_EQ(row.attempts, 3);
  EXPECT_NE(row.last_error.find("attempt 3"), std::string::npos) << row.last_error;
  EXPECT_NE(row.last_error.find("503"), std::string::npos) << row.last_error;
  EXPECT_EQ(row.next_attempt_at, 0);
  clock_.Advance(std::chrono::hours(1));
  EXPECT_EQ(d.worker->RunOnce()->claimed, 0);
  EXPECT_EQ(gateway_.request_count(), 3u);
  EXPECT_EQ(Metric("vaxreg_notify_retries_total"), 2);
  EXPECT_EQ(Metric("vaxreg_notify_dead_total", {{"reason", "attempts"}}), 1);
}

TEST_F(OutboxDeliveryTest, CrashedClaimIsRetriedAfterItsTimeout) {
  Deliverer d = MakeDeliverer(false);
  Queue(Plain("0912345678", "hello"));
  const int64_t id = LastId();
  // Another process claims the message, then dies before it sends anything.
  const int64_t claimed_at = ToUnixSeconds(clock_.Now());
  Result<std::vector<ClaimedMessage>> claimed = std::vector<ClaimedMessage>{};
  ASSERT_TRUE(writer_
                  ->SubmitAndWait([&](storage::Connection& c) {
                    claimed = ClaimDueMessages(c, "crashed-process", claimed_at, 120, 10);
                    return claimed.status();
                  })
                  .ok());
  ASSERT_EQ(claimed->size(), 1u);

  // Under its claim, nobody else touches it.
  EXPECT_EQ(d.worker->RunOnce()->claimed, 0);
  clock_.Advance(std::chrono::seconds(119));
  EXPECT_EQ(d.worker->RunOnce()->claimed, 0);
  EXPECT_EQ(gateway_.request_count(), 0u);

  clock_.Advance(std::chrono::seconds(1));
  auto round = d.worker->RunOnce();
  ASSERT_TRUE(round.ok());
  EXPECT_EQ(round->sent, 1);
  const Row row = Get(id);
  EXPECT_EQ(row.status, "sent");
  EXPECT_EQ(row.attempts, 2);  // the crashed attempt counts
  EXPECT_EQ(gateway_.request_count(), 1u);

  // The crashed process, come back, cannot overwrite the outcome with its stale claim.
  Result<bool> held = true;
  ASSERT_TRUE(writer_
                  ->SubmitAndWait([&](storage::Connection& c) {
                    held = MarkDead(c, id, "crashed-process", "late");
                    return held.status();
                  })
                  .ok());
  EXPECT_FALSE(*held);
  EXPECT_EQ(Get(id).status, "sent");
}

TEST_F(OutboxDeliveryTest, LapsedLastAttemptIsDeadWithoutSending) {
  options_.max_attempts = 1;
  Deliverer d = MakeDeliverer(false);
  Queue(Plain("0912345678", "hello"));
  const int64_t id = LastId();
  ASSERT_TRUE(
      writer_
          ->SubmitAndWait([&](storage::Connection& c) {
            return ClaimDueMessages(c, "crashed", ToUnixSeconds(clock_.Now()), 120, 10).status();
          })
          .ok());
  clock_.Advance(std::chrono::seconds(121));
  EXPECT_EQ(d.worker->RunOnce()->dead, 1);
  const Row row = Get(id);
  EXPECT_EQ(row.status, "dead");
  EXPECT_NE(row.last_error.find("did not finish"), std::string::npos) << row.last_error;
  EXPECT_EQ(gateway_.request_count(), 0u);
}

TEST_F(OutboxDeliveryTest, TwoProcessesDeliverEachMessageExactlyOnce) {
  constexpr int kMessages = 60;
  options_.batch_size = 4;
  options_.claim_timeout = std::chrono::seconds(4 * 10 + 60);
  Deliverer a = MakeDeliverer(true);
  Deliverer b = MakeDeliverer(true);
  for (int i = 0; i < kMessages; ++i) {
    Queue(Plain("09120000" + std::to_string(10 + i), "message " + std::to_string(i)));
  }
  // A gateway slow enough that the two processes' batches overlap.
  gateway_.SetDelay(std::chrono::milliseconds(15));
  a.worker->Start();
  b.worker->Start();
  ASSERT_TRUE(gateway_.WaitForRequests(kMessages, std::chrono::seconds(60)));
  // Give a duplicate, if there were one, the time to arrive.
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  a.worker->Stop();
  b.worker->Stop();

  const auto requests = gateway_.requests();
  EXPECT_EQ(requests.size(), static_cast<size_t>(kMessages));
  std::set<std::string> keys;
  for (const auto& r : requests) keys.insert(r.Header("idempotency-key"));
  EXPECT_EQ(keys.size(), static_cast<size_t>(kMessages));
  auto conn = db_->Acquire();
  auto rows =
      (*conn)->Query("SELECT COUNT(*), SUM(attempts) FROM outbox WHERE status = 'sent'", {});
  ASSERT_TRUE(rows.ok());
  EXPECT_EQ((*rows)[0].Int(0), kMessages);
  EXPECT_EQ((*rows)[0].Int(1), kMessages);
  const double sent_a = a.metrics->ValueForTest("vaxreg_notify_sent_total", {}).value_or(0);
  const double sent_b = b.metrics->ValueForTest("vaxreg_notify_sent_total", {}).value_or(0);
  EXPECT_EQ(sent_a + sent_b, kMessages);
  // Both took part (each polls every 10 ms while the other spends about 60 ms on a batch).
  EXPECT_GT(sent_a, 0);
  EXPECT_GT(sent_b, 0);
}

TEST_F(OutboxDeliveryTest, OneTimeCodeReachesTheGatewayButIsNeverStoredInClear) {
  Deliverer d = MakeDeliverer(false);
  accounts::Message m;
  m.channel = "sms";
  m.recipient = "0912345678";
  m.subject = "vaxreg login code";
  m.body = "Mã đăng nhập vaxreg của bạn là 482913. Your vaxreg login code is 482913.";
  m.secret = "482913";
  m.stored_body = "A vaxreg login code was sent. The code is not stored.";
  Queue(m);
  const int64_t id = LastId();
  EXPECT_EQ(Dump().find("482913"), std::string::npos) << Dump();
  EXPECT_TRUE(Get(id).sealed);
  {
    // What admins see.
    auto conn = db_->Acquire();
    auto listed = accounts::ListOutbox(**conn, "", 10);
    ASSERT_TRUE(listed.ok());
    EXPECT_EQ((*listed)[0].message.body, m.stored_body);
    EXPECT_EQ((*listed)[0].status, "pending");
  }

  ASSERT_EQ(d.worker->RunOnce()->sent, 1);
  ASSERT_EQ(gateway_.request_count(), 1u);
  const boost::json::value v = boost::json::parse(gateway_.requests()[0].body);
  EXPECT_EQ(v.at("text").as_string(), m.body);
  const Row row = Get(id);
  EXPECT_EQ(row.status, "sent");
  EXPECT_FALSE(row.sealed);  // wiped once sent
  EXPECT_EQ(Dump().find("482913"), std::string::npos) << Dump();
}

TEST_F(OutboxDeliveryTest, ExpiredCodeIsNotDeliveredAndIsWiped) {
  Deliverer d = MakeDeliverer(false);
  gateway_.Script({503});
  accounts::Message m = Plain("0912345678", "code 731104");
  m.secret = "731104";
  m.stored_body = "A code was sent.";
  m.secret_lifetime = std::chrono::seconds(60);
  Queue(m);
  const int64_t id = LastId();
  ASSERT_EQ(d.worker->RunOnce()->retried, 1);
  EXPECT_TRUE(Get(id).sealed);
  clock_.Advance(std::chrono::seconds(61));  // past the code's lifetime
  auto round = d.worker->RunOnce();
  ASSERT_TRUE(round.ok());
  EXPECT_EQ(round->expired, 1);
  EXPECT_EQ(round->claimed, 0);
  const Row row = Get(id);
  EXPECT_EQ(row.status, "dead");
  EXPECT_FALSE(row.sealed);
  EXPECT_NE(row.last_error.find("expired"), std::string::npos);
  EXPECT_EQ(gateway_.request_count(), 1u);
  EXPECT_EQ(Metric("vaxreg_notify_dead_total", {{"reason", "expired"}}), 1);
}

TEST_F(OutboxDeliveryTest, TextSealedUnderAnotherKeyIsDeadNotSent) {
  Deliverer d = MakeDeliverer(false, kOtherKeyHex);
  accounts::Message m = Plain("0912345678", "code 555001");
  m.secret = "555001";
  m.stored_body = "A code was sent.";
  Queue(m, kKeyHex);
  const int64_t id = LastId();
  ASSERT_EQ(d.worker->RunOnce()->dead, 1);
  const Row row = Get(id);
  EXPECT_EQ(row.status, "dead");
  EXPECT_FALSE(row.sealed);
  EXPECT_NE(row.last_error.find("another"), std::string::npos) << row.last_error;
  EXPECT_EQ(gateway_.request_count(), 0u);
}

TEST_F(OutboxDeliveryTest, LoggedMessagesAreNeverDelivered) {
  Deliverer d = MakeDeliverer(false);
  accounts::OutboxNotifier logging_only(clock_);
  ASSERT_TRUE(writer_
                  ->SubmitAndWait([&](storage::Connection& c) {
                    return logging_only.Send(c, Plain("0912345678", "recorded only"));
                  })
                  .ok());
  EXPECT_EQ(Get(LastId()).status, "logged");
  EXPECT_EQ(d.worker->RunOnce()->claimed, 0);
  EXPECT_EQ(gateway_.request_count(), 0u);
}

TEST_F(OutboxDeliveryTest, RowsFromBeforeTheMigrationAreLegacyLogged) {
  testing::TestDatabase fresh(kTestBackend);
  auto db = fresh.Open();
  const auto all = storage::AllMigrations();
  auto before = std::find_if(all.begin(), all.end(), [](const storage::Migration& m) {
    return m.name == "outbox_delivery";
  });
  ASSERT_NE(before, all.end());
  ASSERT_TRUE(storage::Migrate(*db, all.first(static_cast<size_t>(before - all.begin()))).ok());
  {
    auto conn = db->OpenWriterConnection();
    ASSERT_TRUE(conn.ok());
    ASSERT_TRUE((*conn)
                    ->Execute("INSERT INTO outbox (channel, recipient, subject, body, created_at) "
                              "VALUES ('sms', '0912', 's', 'b', 1)",
                              {})
                    .ok());
  }
  ASSERT_TRUE(storage::Migrate(*db).ok());
  auto conn = db->Acquire();
  auto rows = (*conn)->Query("SELECT status, attempts, next_attempt_at IS NULL FROM outbox", {});
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].Text(0), "logged");
  EXPECT_EQ((*rows)[0].Int(1), 0);
  EXPECT_EQ((*rows)[0].Int(2), 1);
}

}  // namespace
}  // namespace vaxreg::notify
