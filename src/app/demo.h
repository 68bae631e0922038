#pragma once
// Demo data for `vaxreg demo seed`: one account for every role, with known credentials that the
// README's run command prints. Idempotent: accounts that exist are left as they are.

#include <string>
#include <vector>

#include "accounts/password.h"
#include "common/clock.h"
#include "storage/database.h"
#include "storage/group_commit.h"

namespace vaxreg::app {

struct DemoLogin {
  std::string role;
  std::string username;
  std::string secret;  // password, or how to get the one-time code for citizens
  std::string binding;
};

const std::vector<DemoLogin>& DemoLogins();

// Creates the demo accounts that do not exist yet; returns how many were created.
Result<int> SeedDemoAccounts(storage::Database& db, storage::GroupCommitWriter& writer,
                             const Clock& clock, const accounts::PasswordCost& cost);

// The demo accounts that are enabled and still accept their published password (the citizen
// demo account logs in with a code sent to its phone and is not counted). A server started
// without --demo refuses to run while any exist: anyone who has read the README could log in.
Result<std::vector<std::string>> DemoAccountsWithPublishedPasswords(storage::Database& db);

// Disables every enabled demo account and ends its sessions (audited as the operator's action);
// returns how many were disabled. `vaxreg demo disable-accounts`.
Result<int> DisableDemoAccounts(storage::Database& db, storage::GroupCommitWriter& writer,
                                const Clock& clock);

// Human-readable instructions for logging in as each demo role against `base_url`.
std::string DemoLoginHelp(const std::string& base_url);

}  // namespace vaxreg::app
