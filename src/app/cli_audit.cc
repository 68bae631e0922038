#include "app/cli_audit.h"
#include "app/cli_common.h"

#include <iostream>

#include "app/store.h"
#include "audit/audit_log.h"
#include "audit/checkpoint.h"
#include "common/clock.h"

namespace vaxreg::app {

struct AuditCliState {
  std::string checkpoints_file;
  std::string public_key_file;
};

namespace {

int AuditVerify(const AuditCliState& s, const Config& config) {
  std::string public_key;
  if (!s.checkpoints_file.empty()) {
    std::string pub_file = s.public_key_file;
    if (pub_file.empty() && !config.audit_checkpoint_key.empty()) {
      pub_file = audit::CheckpointPublicKeyFile(config.audit_checkpoint_key).string();
    }
    if (pub_file.empty()) {
      return Fail(InvalidArgumentError("give --public-key KEY.pub (or audit.checkpoint_key)"),
                  kExitUsage);
    }
    auto pk = audit::LoadCheckpointPublicKey(pub_file);
    if (!pk.ok()) return Fail(pk.status(), kExitUsage);
    public_key = *pk;
  }
  auto db = storage::OpenDatabase(config.db_url);
  if (!db.ok()) return Fail(db.status());
  auto conn = (*db)->Acquire();
  if (!conn.ok()) return Fail(conn.status());
  auto report = audit::VerifyAuditChain(**conn);
  if (!report.ok()) return Fail(report.status());
  if (!report->ok) {
    std::cout << "audit log BROKEN at seq " << report->first_bad_seq << ": " << report->problem
              << " (" << report->rows_checked << " rows before it are intact)\n";
    return kExitFailed;
  }
  std::cout << "audit log OK: " << report->rows_checked << " rows, head seq " << report->head_seq
            << " hash " << (report->head_hash.empty() ? "-" : report->head_hash) << "\n";
  if (s.checkpoints_file.empty()) {
    std::cout << "(without --checkpoints, rows removed from the end or a chain rewritten from "
                 "its first row do not show)\n";
    return 0;
  }
  auto checkpoints = audit::ReadCheckpointFile(s.checkpoints_file);
  if (!checkpoints.ok()) return Fail(checkpoints.status());
  if (checkpoints->empty()) {
    std::cout << "audit checkpoints BROKEN: " << s.checkpoints_file << " holds no checkpoint\n";
    return kExitFailed;
  }
  auto checked = audit::VerifyCheckpoints(**conn, *checkpoints, public_key);
  if (!checked.ok()) return Fail(checked.status());
  if (!checked->ok) {
    std::cout << "audit checkpoints BROKEN: " << checked->problem << "\n";
    return kExitFailed;
  }
  std::cout << "audit checkpoints OK: " << checked->checkpoints_checked
            << " signed checkpoints match, the newest covers " << checked->highest_count
            << " rows\n";
  return 0;
}

int AuditCheckpoint(const Config& config) {
  if (config.audit_checkpoint_key.empty()) {
    return Fail(InvalidArgumentError("set audit.checkpoint_key and audit.checkpoint_file "
                                     "(VAXREG_AUDIT_CHECKPOINT_KEY, VAXREG_AUDIT_CHECKPOINT_FILE)"),
                kExitUsage);
  }
  auto key = audit::CheckpointKey::LoadOrCreate(config.audit_checkpoint_key);
  if (!key.ok()) return Fail(key.status());
  auto store = OpenStore(config);
  if (!store.ok()) return Fail(store.status());
  auto c = audit::PublishCheckpoint(*store->db, *store->writer, *key, config.audit_checkpoint_file,
                                    SystemClock::Get());
  if (!c.ok()) return Fail(c.status());
  std::cout << "audit checkpoint: " << c->count << " rows, head " << c->head_hash << ", at "
            << FormatIso8601(FromUnixSeconds(c->at)) << ", appended to "
            << config.audit_checkpoint_file << "\n";
  return 0;
}

}  // namespace

AuditCliStatePtr AddAuditCommands(CLI::App& audit_cmd, std::function<int(const Config&)>& action) {
  auto state = std::make_shared<AuditCliState>();
  AuditCliState* s = state.get();
  CLI::App* verify = audit_cmd.add_subcommand(
      "verify",
      "check the audit hash chain, and with --checkpoints every signed checkpoint against it; "
      "exit 1 if either is broken");
  verify->add_option("--checkpoints", s->checkpoints_file,
                     "file of signed checkpoints (audit.checkpoint_file)");
  verify->add_option("--public-key", s->public_key_file,
                     "trusted checkpoint public key (default: audit.checkpoint_key + .pub)");
  verify->callback([&action, s] { action = [s](const Config& c) { return AuditVerify(*s, c); }; });
  audit_cmd
      .add_subcommand("checkpoint",
                      "sign the current head of the audit chain and append it to "
                      "audit.checkpoint_file (the chain since the last checkpoint is verified "
                      "first)")
      ->callback([&action] { action = AuditCheckpoint; });
  return state;
}

}  // namespace vaxreg::app
