#pragma once
// Migration 13, "outbox_delivery": delivery state for outbound messages (notify/outbox_queue.h).
// Included only by storage/schema.cc. Never edit once shipped; append a new migration instead.
//
// status:
//   'logged'  recorded in the outbox and the server log only, never handed to a gateway: every
//             row written before this migration, and every row written by a server without
//             notify.gateway_url. Never delivered later (an old one-time code is useless, and
//             its text was never stored).
//   'pending' waiting for delivery, or being delivered: a worker that claims it sets
//             claim_token and moves next_attempt_at to when the claim expires, so a claim whose
//             process died is simply due again then.
//   'sent'    accepted by the gateway at sent_at.
//   'dead'    given up (the gateway refused it for good, attempts ran out, or its one-time
//             secret expired first); last_error says why.
// attempts counts delivery attempts started. sealed_body holds the text to deliver of a message
// that carries a secret, sealed (accounts/outbox_seal.h), while body holds its stored_body; it
// is wiped (NULL) when the message is sent or dead, or once secret_expires_at has passed.
//
// outbox_pending_due serves the workers' due scan; outbox_sealed_expiry the wipe of expired
// secrets. Both are partial, so finished messages cost them nothing.

#include <string_view>

namespace vaxreg::storage {

inline constexpr std::string_view kOutboxDeliverySqlite = R"sql(
ALTER TABLE outbox ADD COLUMN status TEXT NOT NULL DEFAULT 'logged'
  CHECK (status IN ('logged','pending','sent','dead'));
ALTER TABLE outbox ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0;
ALTER TABLE outbox ADD COLUMN next_attempt_at INTEGER;
ALTER TABLE outbox ADD COLUMN claim_token TEXT;
ALTER TABLE outbox ADD COLUMN last_error TEXT;
ALTER TABLE outbox ADD COLUMN sent_at INTEGER;
ALTER TABLE outbox ADD COLUMN sealed_body BLOB;
ALTER TABLE outbox ADD COLUMN secret_expires_at INTEGER;
CREATE INDEX outbox_pending_due ON outbox(next_attempt_at) WHERE status = 'pending';
CREATE INDEX outbox_sealed_expiry ON outbox(secret_expires_at) WHERE sealed_body IS NOT NULL;
)sql";

inline constexpr std::string_view kOutboxDeliveryPostgres = R"sql(
ALTER TABLE outbox
  ADD COLUMN status TEXT NOT NULL DEFAULT 'logged'
    CHECK (status IN ('logged','pending','sent','dead')),
  ADD COLUMN attempts INTEGER NOT NULL DEFAULT 0,
  ADD COLUMN next_attempt_at BIGINT,
  ADD COLUMN claim_token TEXT,
  ADD COLUMN last_error TEXT,
  ADD COLUMN sent_at BIGINT,
  ADD COLUMN sealed_body BYTEA,
  ADD COLUMN secret_expires_at BIGINT;
CREATE INDEX outbox_pending_due ON outbox(next_attempt_at) WHERE status = 'pending';
CREATE INDEX outbox_sealed_expiry ON outbox(secret_expires_at) WHERE sealed_body IS NOT NULL;
)sql";

}  // namespace vaxreg::storage
