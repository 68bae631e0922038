#include "app/demo.h"

#include "accounts/account_admin.h"
#include "accounts/citizen_signup.h"
#include "accounts/password.h"
#include "accounts/user_store.h"
#include "registry/person_store.h"

namespace vaxreg::app {
namespace {

// The demo citizen signs in as the person SeedDemoCitizen (demo_population.cc) registers: a
// citizen sees a record only when its CCCD and birth date agree with the account's.
constexpr const char* kDemoCitizenBirthDate = "1990-05-01";
constexpr const char* kDemoCitizenPhone = "0912345678";

// The birth date and phone of the demo citizen's record when the registry holds it (a full date
// only), else the values SeedDemoCitizen gives it.
Result<std::pair<std::string, std::string>> DemoCitizenIdentity(storage::Database& db,
                                                                const std::string& cccd) {
  std::pair<std::string, std::string> out{kDemoCitizenBirthDate, kDemoCitizenPhone};
  ASSIGN_OR_RETURN(auto conn, db.Acquire());
  ASSIGN_OR_RETURN(auto person, registry::FindPersonByCccd(*conn, cccd));
  if (person && person->dob.size() == 10) out.first = person->dob;
  if (person) {
    if (auto phone = accounts::NormaliseMobilePhone(person->phone); phone.ok()) out.second = *phone;
  }
  return out;
}

}  // namespace

const std::vector<DemoLogin>& DemoLogins() {
  static const std::vector<DemoLogin>* logins = new std::vector<DemoLogin>{
      {"admin", "admin", "vaxreg-admin-demo", ""},
      {"signer", "dpm.signer", "vaxreg-signer-demo", ""},
      {"health_authority", "moh.national", "vaxreg-authority-demo", "VN"},
      {"health_authority", "hanoi.cdc", "vaxreg-authority-demo", "01"},
      {"facility_staff", "bachmai.staff", "vaxreg-staff-demo", "HN-BACHMAI"},
      {"citizen", "001090012345", "one-time code", ""},
  };
  return *logins;
}

Result<int> SeedDemoAccounts(storage::Database& db, storage::GroupCommitWriter& writer,
                             const Clock& clock, const accounts::PasswordCost& cost) {
  int created = 0;
  for (const DemoLogin& login : DemoLogins()) {
    const bool citizen = login.role == "citizen";
    std::pair<std::string, std::string> identity;
    if (citizen) {
      ASSIGN_OR_RETURN(identity, DemoCitizenIdentity(db, login.username));
    }
    std::optional<accounts::User> existing;
    {
      ASSIGN_OR_RETURN(auto conn, db.Acquire());
      ASSIGN_OR_RETURN(existing, accounts::FindUserByUsername(*conn, login.username));
    }
    if (existing) {
      // A demo database from before citizens had a birth date: give the demo citizen theirs.
      if (citizen && existing->role == auth::Role::kCitizen && existing->birth_date.empty()) {
        RETURN_IF_ERROR(writer.SubmitAndWait([&](storage::Connection& c) {
          return accounts::SetCitizenBirthDate(c, clock, existing->id, identity.first,
                                               {"system:demo-seed", ""})
              .status();
        }));
      }
      continue;
    }
    accounts::NewUser nu;
    nu.username = login.username;
    ASSIGN_OR_RETURN(nu.role, auth::ParseRole(login.role));
    nu.display_name = "Demo " + login.role;
    if (nu.role == auth::Role::kCitizen) {
      nu.display_name = "Nguyễn Văn An";
      nu.birth_date = identity.first;
      nu.phone = identity.second;
    } else {
      ASSIGN_OR_RETURN(nu.password_hash, accounts::HashPassword(login.secret, cost));
    }
    if (nu.role == auth::Role::kFacilityStaff) nu.facility_code = login.binding;
    if (nu.role == auth::Role::kHealthAuthority) nu.admin_unit_code = login.binding;
    RETURN_IF_ERROR(writer.SubmitAndWait([&](storage::Connection& c) {
      return accounts::CreateUser(c, clock, nu, {"system:demo-seed", ""}).status();
    }));
    ++created;
  }
  return created;
}

Result<std::vector<std::string>> DemoAccountsWithPublishedPasswords(storage::Database& db) {
  std::vector<std::string> found;
  ASSIGN_OR_RETURN(auto conn, db.Acquire());
  for (const DemoLogin& login : DemoLogins()) {
    if (login.role == "citizen") continue;
    ASSIGN_OR_RETURN(auto user, accounts::FindUserByUsername(*conn, login.username));
    if (!user || user->disabled || user->password_hash.empty()) continue;
    if (accounts::VerifyPassword(user->password_hash, login.secret)) {
      found.push_back(login.username);
    }
  }
  return found;
}

Result<int> DisableDemoAccounts(storage::Database& db, storage::GroupCommitWriter& writer,
                                const Clock& clock) {
  int disabled = 0;
  for (const DemoLogin& login : DemoLogins()) {
    std::optional<accounts::User> user;
    {
      ASSIGN_OR_RETURN(auto conn, db.Acquire());
      ASSIGN_OR_RETURN(user, accounts::FindUserByUsername(*conn, login.username));
    }
    if (!user || user->disabled) continue;
    RETURN_IF_ERROR(writer.SubmitAndWait([&](storage::Connection& c) {
      return accounts::SetUserDisabled(c, clock, user->id, true,
                                       "demo account with a published password",
                                       {"system:operator", ""})
          .status();
    }));
    ++disabled;
  }
  return disabled;
}

std::string DemoLoginHelp(const std::string& base) {
  std::string out = "Demo logins (" + base + "):\n";
  for (const DemoLogin& l : DemoLogins()) {
    if (l.role == "citizen") continue;
    out += "  " + l.role + (l.binding.empty() ? "" : " (" + l.binding + ")") + ": curl -s -X POST " +
           base + "/api/v1/auth/login -H 'content-type: application/json' -d '{\"username\":\"" +
           l.username + "\",\"password\":\"" + l.secret + "\"}'\n";
  }
  out += "  citizen (CCCD 001090012345): curl -s -X POST " + base +
         "/api/v1/auth/otp -d '{\"cccd\":\"001090012345\"}' -H 'content-type: application/json'\n"
         "     then read the 6-digit code from the server log (the line marked DEMO ONLY), and: "
         "curl -s -X POST " + base +
         "/api/v1/auth/login -H 'content-type: application/json' "
         "-d '{\"cccd\":\"001090012345\",\"code\":\"NNNNNN\"}'\n"
         "  Use the returned token as: -H 'Authorization: Bearer TOKEN'\n";
  return out;
}

}  // namespace vaxreg::app
