#include "app/cli_signing.h"
#include "app/cli_common.h"

#include <fstream>
#include <iostream>

#include "app/store.h"
#include "certs/codec/base64.h"
#include "certs/keys/key_store.h"
#include "certs/service/certificate_authority.h"
#include "certs/service/dose_signing.h"
#include "certs/service/facility_keys.h"
#include "common/crypto_util.h"
#include "registry/facility.h"

namespace vaxreg::app {

struct SigningCliState {
  CLI::App* keys = nullptr;  // the `keys` command, for its --key-dir
  std::string key_dir;       // --key-dir of `doses` / `revocation-list`
  std::string facility;
  std::string output_file;
  std::string kid;     // keys compromise
  std::string reason;  // keys compromise
};

namespace {

constexpr int kCliBatch = 5000;

Result<std::string> Passphrase() {
  const char* p = std::getenv("VAXREG_KEY_PASSPHRASE");
  if (p == nullptr || *p == '\0') {
    return InvalidArgumentError("set the key passphrase in VAXREG_KEY_PASSPHRASE");
  }
  return std::string(p);
}

Result<std::string> KeyDir(const std::string& given, const Config& config) {
  const std::string dir = given.empty() ? config.key_dir : given;
  if (dir.empty()) return InvalidArgumentError("give --key-dir or certs.key_dir");
  return dir;
}

// Opens the database and the certificate authority (no renewal thread).
struct Authority {
  Store store;
  std::unique_ptr<certs::CertificateAuthority> ca;
};

// Bad usage (exit 2) for a missing key folder or passphrase, else a failure (exit 1).
int UsageOrFailed(const Status& st) {
  return st.code() == StatusCode::kInvalidArgument ? kExitUsage : kExitFailed;
}

Result<Authority> OpenAuthority(const std::string& given_key_dir, const Config& config) {
  ASSIGN_OR_RETURN(std::string key_dir, KeyDir(given_key_dir, config));
  ASSIGN_OR_RETURN(std::string pass, Passphrase());
  Authority a;
  ASSIGN_OR_RETURN(a.store, OpenStore(config));
  certs::CertificateAuthorityOptions o;
  o.key_dir = key_dir;
  o.passphrase = pass;
  o.run_scheduler = false;
  ASSIGN_OR_RETURN(a.ca, certs::CertificateAuthority::Start(o, *a.store.db, *a.store.writer,
                                                           SystemClock::Get()));
  return a;
}

int KeysFacility(const SigningCliState& s, const Config& config) {
  auto dir = KeyDir(s.keys->get_option("--key-dir")->as<std::string>(), config);
  if (!dir.ok()) return Fail(dir.status(), kExitUsage);
  auto pass = Passphrase();
  if (!pass.ok()) return Fail(pass.status(), kExitUsage);
  auto store = OpenStore(config);
  if (!store.ok()) return Fail(store.status());
  const Clock& clock = SystemClock::Get();
  Result<certs::Signer> signer = InternalError("not run");
  Status st = store->writer->SubmitAndWait([&](storage::Connection& conn) -> Status {
    ASSIGN_OR_RETURN(auto facility, registry::FindFacility(conn, s.facility));
    if (!facility) return NotFoundError("no facility " + s.facility);
    signer = certs::CreateFacilityKey(*dir, *pass, s.facility, clock.Now());
    if (!signer.ok()) return signer.status();
    return certs::RecordFacilityCertificate(conn, clock, s.facility, *signer->certificate);
  });
  if (!st.ok()) return Fail(st, UsageOrFailed(st));
  const certs::Certificate& c = *signer->certificate;
  std::cout << "facility " << s.facility << " signing key created: kid " << HexEncode(c.kid())
            << "  " << c.Subject() << "  valid " << FormatIso8601(c.not_before()) << " .. "
            << FormatIso8601(c.not_after()) << "\n";
  return 0;
}

// A DSC kid as `vaxreg keys list` prints it (base64 of 8 bytes), or as 16 hex digits.
Result<std::string> ParseDscKid(std::string_view text) {
  std::string raw;
  if (text.size() == 16 && HexDecode(text, &raw)) return raw;
  auto decoded = certs::Base64Decode(text, 64);
  if (decoded.ok() && decoded->size() == 8) return *decoded;
  return InvalidArgumentError("--kid: give the DSC's kid as vaxreg keys list prints it (base64 of "
                              "8 bytes) or as 16 hex digits",
                              "kid");
}

int KeysCompromise(const SigningCliState& s, const Config& config) {
  auto dir = KeyDir(s.keys->get_option("--key-dir")->as<std::string>(), config);
  if (!dir.ok()) return Fail(dir.status(), kExitUsage);
  auto pass = Passphrase();
  if (!pass.ok()) return Fail(pass.status(), kExitUsage);
  auto kid = ParseDscKid(s.kid);
  if (!kid.ok()) return Fail(kid.status(), kExitUsage);
  auto withdrawn =
      certs::KeyStore::Compromise(*dir, *pass, *kid, SystemClock::Get().Now(), s.reason);
  if (!withdrawn.ok()) return Fail(withdrawn.status());
  if (withdrawn->already) {
    std::cout << "DSC " << certs::Base64Encode(*kid) << " was withdrawn before\n";
  } else {
    std::cout << "DSC " << certs::Base64Encode(*kid)
            << " withdrawn: it leaves the trust list, and every server sharing the key folder "
               "stops trusting it within seconds\n";
  }
  if (withdrawn->replacement) {
    std::cout << "it was the active DSC; the new active one is "
              << certs::Base64Encode(withdrawn->replacement->kid()) << "\n";
  }
  auto a = OpenAuthority(*dir, config);
  if (!a.ok()) return Fail(a.status(), UsageOrFailed(a.status()));
  a->ca->set_progress([](int64_t n) { std::cerr << "\rre-issued " << n << std::flush; });
  auto reissued = a->ca->ReissueSignedBy(HexEncode(*kid), {"system:cli", ""});
  std::cerr << "\n";
  if (!reissued.ok()) {
    std::cerr << "re-issuing its certificates stopped; run the command's re-issue again with "
                 "the same --kid\n";
    return Fail(reissued.status());
  }
  std::cout << *reissued << " certificate(s) it signed re-issued with the active DSC\n";
  return 0;
}

int DosesSign(const SigningCliState& s, const Config& config) {
  auto a = OpenAuthority(s.key_dir, config);
  if (!a.ok()) return Fail(a.status(), UsageOrFailed(a.status()));
  int64_t total = 0;
  int batches = 0;
  for (;;) {
    auto batch = a->ca->SignFacilityDoses(s.facility, kCliBatch, {"system:cli", ""});
    if (!batch.ok()) return Fail(batch.status());
    if (batch->doses_signed == 0) break;
    total += batch->doses_signed;
    ++batches;
    std::cerr << "batch " << batch->batch_id << ": " << batch->doses_signed << " doses, "
              << batch->remaining << " left\n";
    if (batch->remaining == 0) break;
  }
  std::cout << total << " doses of " << s.facility << " signed in " << batches << " batch(es)\n";
  return 0;
}

int VerifySignatures(const SigningCliState& s, const Config& config) {
  auto dir = KeyDir(s.key_dir, config);
  if (!dir.ok()) return Fail(dir.status(), kExitUsage);
  auto keys = certs::KeyStore::LoadPublic(*dir);
  if (!keys.ok()) return Fail(keys.status());
  auto store = OpenStore(config);
  if (!store.ok()) return Fail(store.status());
  auto conn = store->db->Acquire();
  if (!conn.ok()) return Fail(conn.status());
  auto report = certs::VerifyDoseSignatures(**conn, *keys->csca(), s.facility);
  if (!report.ok()) return Fail(report.status());
  for (const auto& p : report->problems) {
    if (p.dose_id != 0) {
      std::cout << "dose " << p.dose_id << " (batch " << p.batch_id << "): " << p.reason << "\n";
    } else {
      std::cout << "batch " << p.batch_id << ": " << p.reason << "\n";
    }
  }
  std::cout << report->batches_checked << " batches, " << report->doses_checked
            << " signed doses checked, " << report->problems.size() << " problems, "
            << report->voided_after_signing << " voided since signing, "
            << report->unsigned_doses << " counting doses not signed yet\n";
  return report->ok() ? 0 : kExitFailed;
}

int RevocationListExport(const SigningCliState& s, const Config& config) {
  auto a = OpenAuthority(s.key_dir, config);
  if (!a.ok()) return Fail(a.status(), UsageOrFailed(a.status()));
  auto list = a->ca->SignedRevocationList();
  if (!list.ok()) return Fail(list.status());
  std::ofstream out(s.output_file, std::ios::binary | std::ios::trunc);
  out << *list;
  out.close();
  if (!out) return Fail(UnavailableError("cannot write " + s.output_file));
  std::cout << "revocation list with " << a->ca->revocations().Snapshot().first->size()
            << " revoked certificate(s) written to " << s.output_file << "\n";
  return 0;
}

}  // namespace

SigningCliStatePtr AddSigningCommands(CLI::App& app, std::function<int(const Config&)>& action) {
  auto state = std::make_shared<SigningCliState>();
  SigningCliState* s = state.get();

  s->keys = app.get_subcommand("keys");
  CLI::App* facility_keys = s->keys->add_subcommand(
      "facility", "create a facility's signing key and certificate, issued by the CSCA (again: "
                  "a new key; batches signed by the old one keep verifying)");
  facility_keys->add_option("--facility", s->facility, "facility code")->required();
  facility_keys->callback(
      [&action, s] { action = [s](const Config& c) { return KeysFacility(*s, c); }; });
  CLI::App* compromise = s->keys->add_subcommand(
      "compromise",
      "withdraw a document signer whose private key is lost or exposed: it leaves the trust list "
      "(a new active DSC is made first if it was the active one) and every active certificate it "
      "signed is re-issued with the active DSC, the old one revoked. Safe to run again");
  compromise->add_option("--kid", s->kid, "the DSC's kid, as vaxreg keys list prints it")
      ->required();
  compromise->add_option("--reason", s->reason, "why, kept beside the key files");
  compromise->callback(
      [&action, s] { action = [s](const Config& c) { return KeysCompromise(*s, c); }; });

  CLI::App* doses = app.add_subcommand("doses", "facility signatures over dose records");
  doses->require_subcommand(1);
  doses->add_option("--key-dir", s->key_dir, "key folder (config certs.key_dir)");
  CLI::App* sign = doses->add_subcommand(
      "sign", "sign every unsigned dose of the facility, in batches (creates the facility key "
              "the first time)");
  sign->add_option("--facility", s->facility, "facility code")->required();
  sign->callback([&action, s] { action = [s](const Config& c) { return DosesSign(*s, c); }; });
  CLI::App* verify = doses->add_subcommand(
      "verify-signatures",
      "re-check every dose signature against the facility certificates and the CSCA; prints "
      "each dose changed after signing; exit 1 when there is one");
  verify->add_option("--facility", s->facility, "only this facility's batches");
  verify->callback(
      [&action, s] { action = [s](const Config& c) { return VerifySignatures(*s, c); }; });

  CLI::App* rl = app.add_subcommand("revocation-list", "the published list of revoked certificates");
  rl->require_subcommand(1);
  rl->add_option("--key-dir", s->key_dir, "key folder (config certs.key_dir)");
  CLI::App* export_rl = rl->add_subcommand(
      "export", "write the signed revocation list (as GET /api/v1/revocation-list) to FILE");
  export_rl->add_option("FILE", s->output_file, "output file")->required();
  export_rl->callback(
      [&action, s] { action = [s](const Config& c) { return RevocationListExport(*s, c); }; });
  return state;
}

}  // namespace vaxreg::app
