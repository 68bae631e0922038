#include "app/cli_certs.h"

#include <filesystem>
#include <iostream>

#include "certs/codec/base64.h"
#include "certs/conformance.h"
#include "certs/keys/key_store.h"
#include "common/clock.h"
#include "common/crypto_util.h"

namespace vaxreg::app {

struct CertificateCliState {
  // conformance dcc
  std::string corpus_dir;
  std::string known_issues_file;
  // keys *, and every command that signs: overrides certs.key_dir
  std::string key_dir;
};

void CertificateCliStateDeleter::operator()(CertificateCliState* s) const { delete s; }

namespace {

constexpr int kExitFailed = 1;
constexpr int kExitUsage = 2;

int Fail(const Status& st, int code = kExitFailed) {
  std::cerr << "vaxreg: " << st.message() << "\n";
  return code;
}

constexpr char kPassphraseEnv[] = "VAXREG_KEY_PASSPHRASE";

std::string KeyDir(const CertificateCliState& s, const Config& config) {
  return s.key_dir.empty() ? config.key_dir : s.key_dir;
}

// The key passphrase, only ever from the environment (arguments are visible to other users).
Result<std::string> Passphrase() {
  const char* p = std::getenv(kPassphraseEnv);
  if (p == nullptr || *p == '\0') {
    return InvalidArgumentError(std::string("set the key passphrase in ") + kPassphraseEnv);
  }
  return std::string(p);
}

void PrintCertificate(std::string_view role, const certs::Certificate& c) {
  std::cout << role << "  kid " << certs::Base64Encode(c.kid()) << "  " << c.Subject() << "  valid "
            << FormatIso8601(c.not_before()) << " .. " << FormatIso8601(c.not_after()) << "\n";
}

int KeysInit(const CertificateCliState& s, const Config& config) {
  const std::string dir = KeyDir(s, config);
  if (dir.empty()) return Fail(InvalidArgumentError("give --key-dir or certs.key_dir"), kExitUsage);
  auto pass = Passphrase();
  if (!pass.ok()) return Fail(pass.status(), kExitUsage);
  Status st = certs::KeyStore::Init(dir, *pass, SystemClock::Get().Now());
  if (!st.ok()) return Fail(st, st.code() == StatusCode::kInvalidArgument ? kExitUsage : kExitFailed);
  auto ks = certs::KeyStore::LoadPublic(dir);
  if (!ks.ok()) return Fail(ks.status());
  std::cout << "keys created in " << dir << "\n";
  PrintCertificate("CSCA", *ks->csca());
  PrintCertificate("DSC ", *ks->dscs().back());
  return 0;
}

int KeysRotate(const CertificateCliState& s, const Config& config) {
  const std::string dir = KeyDir(s, config);
  if (dir.empty()) return Fail(InvalidArgumentError("give --key-dir or certs.key_dir"), kExitUsage);
  auto pass = Passphrase();
  if (!pass.ok()) return Fail(pass.status(), kExitUsage);
  auto dsc = certs::KeyStore::Rotate(dir, *pass, SystemClock::Get().Now());
  if (!dsc.ok()) return Fail(dsc.status());
  std::cout << "new active document signer (older ones stay published for verification)\n";
  PrintCertificate("DSC ", **dsc);
  return 0;
}

int KeysList(const CertificateCliState& s, const Config& config) {
  auto ks = certs::KeyStore::LoadPublic(KeyDir(s, config));
  if (!ks.ok()) return Fail(ks.status());
  PrintCertificate("CSCA", *ks->csca());
  PrintCertificate("LIST", *ks->list_signer_certificate());
  for (const auto& dsc : ks->dscs()) PrintCertificate(dsc == ks->dscs().back() ? "DSC*" : "DSC ", *dsc);
  return 0;
}

int ConformanceDcc(const CertificateCliState& s) {
  if (!std::filesystem::is_directory(s.corpus_dir)) {
    return Fail(InvalidArgumentError("not a directory: " + s.corpus_dir), kExitUsage);
  }
  certs::KnownIssues known;
  if (!s.known_issues_file.empty()) {
    auto loaded = certs::KnownIssues::Load(s.known_issues_file);
    if (!loaded.ok()) return Fail(loaded.status(), kExitUsage);
    known = std::move(*loaded);
  }
  certs::ConformanceReport report = certs::RunDccConformance(s.corpus_dir, std::cout, known);
  std::cout.flush();
  return report.cases_failed == 0 ? 0 : kExitFailed;
}

}  // namespace

CertificateCliStatePtr AddCertificateCommands(CLI::App& app,
                                              std::function<int(const Config&)>& action) {
  CertificateCliStatePtr state(new CertificateCliState());
  CertificateCliState* s = state.get();

  CLI::App* conformance = app.add_subcommand("conformance", "run conformance test vectors");
  conformance->require_subcommand(1);
  CLI::App* dcc = conformance->add_subcommand(
      "dcc",
      "check every EU DCC test case (dgc-testdata format) below DIR; prints one line per "
      "disagreement and ends with 'N passed, M failed'; exit 1 when a case fails");
  dcc->add_option("DIR", s->corpus_dir, "folder of test-case JSON files (searched recursively)")
      ->required();
  dcc->add_option("--known-issues", s->known_issues_file,
                  "file of 'relative/path.json FLAG  # reason' lines: expected disagreements");
  dcc->callback([&action, s] { action = [s](const Config&) { return ConformanceDcc(*s); }; });

  CLI::App* keys = app.add_subcommand(
      "keys", "certificate signing keys (passphrase in VAXREG_KEY_PASSPHRASE)");
  keys->require_subcommand(1);
  keys->add_option("--key-dir", s->key_dir, "key folder (config certs.key_dir)");
  keys->add_subcommand("init",
                       "create the country signing CA (CSCA), the trust-list signer and the first "
                       "document signer (DSC)")
      ->callback([&action, s] { action = [s](const Config& c) { return KeysInit(*s, c); }; });
  keys->add_subcommand("rotate",
                       "create a new active DSC; certificates signed by older ones stay valid")
      ->callback([&action, s] { action = [s](const Config& c) { return KeysRotate(*s, c); }; });
  keys->add_subcommand("list", "print the CSCA and every DSC with kid and validity (* = active)")
      ->callback([&action, s] { action = [s](const Config& c) { return KeysList(*s, c); }; });

  return state;
}

}  // namespace vaxreg::app
