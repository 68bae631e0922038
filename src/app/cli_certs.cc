#include "app/cli_certs.h"
#include "app/cli_common.h"

#include <openssl/crypto.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>

#include "app/store.h"
#include "certs/codec/base64.h"
#include "certs/conformance.h"
#include "certs/iso_time.h"
#include "certs/issue/dcc_issuer.h"
#include "certs/keys/key_store.h"
#include "certs/keys/test_signer.h"
#include "certs/qr/qr_render.h"
#include "certs/qr_image.h"
#include "certs/service/certificate_authority.h"
#include "certs/trust/signed_lists.h"
#include "certs/verification_json.h"
#include "common/clock.h"
#include "common/crypto_util.h"
#include "registry/person_store.h"

namespace vaxreg::app {

struct CertificateCliState {
  // conformance dcc
  std::string corpus_dir;
  std::string known_issues_file;
  // keys *, and every command that signs: overrides certs.key_dir
  std::string key_dir;
  // cert verify
  std::string input;
  std::string trust_list_file;
  std::string cert_pem_file;
  std::string csca_pem_file;
  std::string revocation_list_file;
  std::string at;
  bool minimal = false;
  // cert issue
  int64_t person_id = 0;
  std::string cccd;
  // cert issue-test
  std::string test_key_dir;
  std::string name;
  std::string dob;
  std::vector<std::string> doses;  // PRODUCT:YYYY-MM-DD
  // both
  std::string png_file;
  std::string svg_file;
  // trust-list export
  std::string output_file;
};

void CertificateCliStateDeleter::operator()(CertificateCliState* s) const { delete s; }

namespace {

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
  if (!st.ok())
    return Fail(st, st.code() == StatusCode::kInvalidArgument ? kExitUsage : kExitFailed);
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

// The new passphrase of `keys rotate-passphrase`: VAXREG_NEW_KEY_PASSPHRASE, else the first line
// of standard input; never an argument.
Result<std::string> NewPassphrase() {
  if (const char* p = std::getenv("VAXREG_NEW_KEY_PASSPHRASE"); p != nullptr && *p != '\0') {
    return std::string(p);
  }
  std::string line;
  if (!std::getline(std::cin, line)) {
    return InvalidArgumentError(
        "give the new passphrase in VAXREG_NEW_KEY_PASSPHRASE or on standard input");
  }
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

int KeysRotatePassphrase(const CertificateCliState& s, const Config& config) {
  const std::string dir = KeyDir(s, config);
  if (dir.empty()) return Fail(InvalidArgumentError("give --key-dir or certs.key_dir"), kExitUsage);
  auto old_pass = Passphrase();
  if (!old_pass.ok()) return Fail(old_pass.status(), kExitUsage);
  auto new_pass = NewPassphrase();
  if (!new_pass.ok()) return Fail(new_pass.status(), kExitUsage);
  auto done = certs::KeyStore::RotatePassphrase(dir, *old_pass, *new_pass);
  OPENSSL_cleanse(new_pass->data(), new_pass->size());
  if (!done.ok()) {
    return Fail(done.status(),
                done.status().code() == StatusCode::kInvalidArgument ? kExitUsage : kExitFailed);
  }
  std::cout << "re-encrypted " << done->keys << " key(s) in " << dir
            << " under the new passphrase (" << done->had_old_encryption
            << " had the older, weaker key encryption); set VAXREG_KEY_PASSPHRASE to it\n";
  return 0;
}

int KeysList(const CertificateCliState& s, const Config& config) {
  auto ks = certs::KeyStore::LoadPublic(KeyDir(s, config));
  if (!ks.ok()) return Fail(ks.status());
  PrintCertificate("CSCA", *ks->csca());
  PrintCertificate("LIST", *ks->list_signer_certificate());
  for (const auto& dsc : ks->dscs())
    PrintCertificate(dsc == ks->dscs().back() ? "DSC*" : "DSC ", *dsc);
  return 0;
}

constexpr size_t kMaxInputBytes = 4 * 1024 * 1024;

Result<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFoundError("cannot read " + path);
  std::string text(kMaxInputBytes + 1, '\0');
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  if (text.size() > kMaxInputBytes) return ResourceExhaustedError(path + " is too large");
  return text;
}

Status WriteFile(const std::string& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.close();
  if (!out) return UnavailableError("cannot write " + path);
  return Status::Ok();
}

std::string Trim(std::string s) {
  const auto ws = [](char c) { return c == ' ' || c == '\n' || c == '\r' || c == '\t'; };
  while (!s.empty() && ws(s.back())) s.pop_back();
  size_t i = 0;
  while (i < s.size() && ws(s[i])) ++i;
  return s.substr(i);
}

// INPUT is HC1 text itself, "-" for standard input, or a file holding the text or a PNG/JPEG.
Result<std::string> ReadHc1Input(const std::string& input) {
  if (input.starts_with("HC1:")) return input;
  std::string bytes;
  if (input == "-") {
    std::stringstream buf;
    buf << std::cin.rdbuf();
    bytes = buf.str();
  } else if (std::filesystem::exists(input)) {
    ASSIGN_OR_RETURN(bytes, ReadFile(input));
  } else {
    return input;  // not a file: verify the text as given (reports "prefix")
  }
  if (certs::LooksLikePng(bytes) || certs::LooksLikeJpeg(bytes)) {
    return certs::DecodeQrFromImage(bytes);
  }
  return Trim(std::move(bytes));
}

struct VerifierInputs {
  std::unique_ptr<certs::InMemoryTrustStore> trust;
  std::unique_ptr<certs::InMemoryRevocationList> revocation;
};

Result<VerifierInputs> LoadVerifierInputs(const CertificateCliState& s, const Config& config) {
  VerifierInputs in;
  std::shared_ptr<const certs::Certificate> csca;
  if (!s.csca_pem_file.empty()) {
    ASSIGN_OR_RETURN(std::string pem, ReadFile(s.csca_pem_file));
    ASSIGN_OR_RETURN(csca, certs::Certificate::FromPem(pem));
  }
  if (!s.trust_list_file.empty()) {
    ASSIGN_OR_RETURN(std::string text, ReadFile(s.trust_list_file));
    ASSIGN_OR_RETURN(certs::TrustList list, certs::ParseSignedTrustList(text, csca.get()));
    in.trust = certs::MakeTrustStore(list);
    csca = list.csca;
  } else if (!s.cert_pem_file.empty()) {
    ASSIGN_OR_RETURN(std::string pem, ReadFile(s.cert_pem_file));
    ASSIGN_OR_RETURN(auto cert, certs::Certificate::FromPem(pem));
    in.trust = std::make_unique<certs::InMemoryTrustStore>();
    in.trust->Add(cert);
  } else {
    const std::string dir = KeyDir(s, config);
    if (dir.empty()) {
      return InvalidArgumentError("give --trust-list FILE or --cert PEM (or a key folder)");
    }
    ASSIGN_OR_RETURN(certs::KeyStore ks, certs::KeyStore::LoadPublic(dir));
    in.trust = std::make_unique<certs::InMemoryTrustStore>();
    for (const auto& dsc : ks.dscs()) in.trust->Add(dsc);
    if (!csca) csca = ks.csca();
  }
  if (!s.revocation_list_file.empty()) {
    if (!csca) return InvalidArgumentError("a revocation list needs --trust-list or --csca");
    ASSIGN_OR_RETURN(std::string text, ReadFile(s.revocation_list_file));
    ASSIGN_OR_RETURN(in.revocation, certs::ParseSignedRevocationList(text, *csca));
  }
  return in;
}

int CertVerify(const CertificateCliState& s, const Config& config) {
  SystemTime now = SystemClock::Get().Now();
  if (!s.at.empty()) {
    auto t = certs::ParseIsoDateOrDateTime(s.at);
    if (!t)
      return Fail(InvalidArgumentError("--at must be an ISO-8601 date or instant"), kExitUsage);
    now = *t;
  }
  auto inputs = LoadVerifierInputs(s, config);
  if (!inputs.ok()) return Fail(inputs.status(), kExitUsage);
  auto text = ReadHc1Input(s.input);
  if (!text.ok()) return Fail(text.status(), kExitUsage);
  certs::VerificationResult r =
      certs::VerifyHc1(*text, *inputs->trust, now, inputs->revocation.get());
  std::cout << boost::json::serialize(certs::VerificationResultToJson(r, s.minimal)) << "\n";
  return r.valid ? 0 : kExitFailed;
}

// "COMIRNATY:2021-08-01" -> dose facts.
Result<registry::DoseFacts> ParseDoseArg(const std::string& arg) {
  const size_t colon = arg.find(':');
  auto day = colon == std::string::npos ? std::nullopt
                                        : certs::ParseIsoDateOrDateTime(arg.substr(colon + 1));
  if (!day) return InvalidArgumentError("--dose must be PRODUCT:YYYY-MM-DD, got " + arg);
  return registry::DoseFacts{arg.substr(0, colon), std::chrono::floor<std::chrono::days>(*day)};
}

// Writes the QR renderings asked for and prints the HC1 text on standard output.
int EmitIssued(const CertificateCliState& s, const std::string& hc1) {
  if (!s.png_file.empty()) {
    auto png = certs::RenderQrPng(hc1);
    if (!png.ok()) return Fail(png.status());
    if (Status st = WriteFile(s.png_file, *png); !st.ok()) return Fail(st);
  }
  if (!s.svg_file.empty()) {
    auto svg = certs::RenderQrSvg(hc1);
    if (!svg.ok()) return Fail(svg.status());
    if (Status st = WriteFile(s.svg_file, *svg); !st.ok()) return Fail(st);
  }
  std::cout << hc1 << "\n";
  return 0;
}

// Issues the certificate of a registered person through the certificate authority, the path the
// API's POST /api/v1/certificates takes: only the person's counted, facility-signed doses go in,
// the certificate is stored (superseding the previous one) and audited as certificate.issue.
int CertIssue(const CertificateCliState& s, const Config& config) {
  if ((s.person_id > 0) == !s.cccd.empty()) {
    return Fail(InvalidArgumentError("give exactly one of --person ID and --cccd CCCD"),
                kExitUsage);
  }
  const std::string dir = KeyDir(s, config);
  if (dir.empty()) return Fail(InvalidArgumentError("give --key-dir or certs.key_dir"), kExitUsage);
  auto pass = Passphrase();
  if (!pass.ok()) return Fail(pass.status(), kExitUsage);
  auto store = OpenStore(config);
  if (!store.ok()) return Fail(store.status());
  certs::CertificateAuthorityOptions o;
  o.key_dir = dir;
  o.passphrase = *pass;
  o.run_scheduler = false;
  auto ca = certs::CertificateAuthority::Start(o, *store->db, *store->writer, SystemClock::Get());
  if (!ca.ok()) return Fail(ca.status());
  int64_t person_id = s.person_id;
  if (!s.cccd.empty()) {
    auto conn = store->db->Acquire();
    if (!conn.ok()) return Fail(conn.status());
    auto person = registry::FindPersonByCccd(**conn, s.cccd);
    if (!person.ok()) return Fail(person.status());
    if (!*person) return Fail(NotFoundError("no person with CCCD " + s.cccd + " in the registry"));
    person_id = (*person)->id;
  }
  auto issued = (*ca)->IssueForPerson(person_id, {"system:cli", ""});
  if (!issued.ok()) return Fail(issued.status());
  std::cerr << "certificate " << issued->id << " issued for person " << issued->person_id
            << " (doses " << issued->doses << ", " << issued->uvci << ")\n";
  return EmitIssued(s, issued->hc1);
}

// Signs a certificate from the given facts with the test signer in --test-key-dir (created on
// first use), never with the real keys: nothing is stored and no trust list accepts it.
int CertIssueTest(const CertificateCliState& s) {
  if (s.test_key_dir.empty()) {
    return Fail(InvalidArgumentError("give --test-key-dir DIR"), kExitUsage);
  }
  certs::IssueRequest req;
  req.full_name = s.name;
  req.date_of_birth = s.dob;
  for (const std::string& d : s.doses) {
    auto dose = ParseDoseArg(d);
    if (!dose.ok()) return Fail(dose.status(), kExitUsage);
    req.doses.push_back(*dose);
  }
  const SystemTime now = SystemClock::Get().Now();
  auto signer = certs::OpenOrCreateTestSigner(s.test_key_dir, now);
  if (!signer.ok()) {
    return Fail(signer.status(),
                signer.status().code() == StatusCode::kInvalidArgument ? kExitUsage : kExitFailed);
  }
  certs::IssuerOptions options;
  options.issuer = std::string(certs::kTestIssuerName);
  certs::DccIssuer issuer(*signer, registry::BuiltInVaccines(), options);
  auto issued = issuer.Issue(req, now);
  if (!issued.ok()) return Fail(issued.status());
  std::cerr << "TEST certificate: signed by the test key in " << s.test_key_dir
            << ", which no trust list contains\n";
  return EmitIssued(s, issued->hc1);
}

int TrustListExport(const CertificateCliState& s, const Config& config) {
  auto pass = Passphrase();
  if (!pass.ok()) return Fail(pass.status(), kExitUsage);
  auto ks = certs::KeyStore::Open(KeyDir(s, config), *pass);
  if (!ks.ok()) return Fail(ks.status());
  auto list = certs::BuildSignedTrustList(*ks, SystemClock::Get().Now());
  if (!list.ok()) return Fail(list.status());
  if (Status st = WriteFile(s.output_file, *list); !st.ok()) return Fail(st);
  std::cout << "trust list with " << ks->dscs().size() << " DSC(s) written to " << s.output_file
            << "\n";
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

  CLI::App* keys =
      app.add_subcommand("keys", "certificate signing keys (passphrase in VAXREG_KEY_PASSPHRASE)");
  keys->require_subcommand(1);
  keys->add_option("--key-dir", s->key_dir, "key folder (config certs.key_dir)");
  // `vaxreg keys --key-dir D init` and `vaxreg keys init --key-dir D` both work: options a
  // subcommand does not know fall through to `keys`.
  keys->fallthrough();
  keys->add_subcommand("init",
                       "create the country signing CA (CSCA), the trust-list signer and the first "
                       "document signer (DSC)")
      ->callback([&action, s] { action = [s](const Config& c) { return KeysInit(*s, c); }; });
  keys->add_subcommand("rotate",
                       "create a new active DSC; certificates signed by older ones stay valid")
      ->callback([&action, s] { action = [s](const Config& c) { return KeysRotate(*s, c); }; });
  keys->add_subcommand("rotate-passphrase",
                       "re-encrypt every private key in the key folder (facility keys too) under a "
                       "new passphrase (VAXREG_NEW_KEY_PASSPHRASE, else the first line of "
                       "standard input) with the current key encryption; the old passphrase "
                       "comes from VAXREG_KEY_PASSPHRASE. The same passphrase again only "
                       "upgrades the encryption")
      ->callback(
          [&action, s] { action = [s](const Config& c) { return KeysRotatePassphrase(*s, c); }; });
  keys->add_subcommand("list", "print the CSCA and every DSC with kid and validity (* = active)")
      ->callback([&action, s] { action = [s](const Config& c) { return KeysList(*s, c); }; });

  CLI::App* cert = app.add_subcommand("cert", "EU Digital COVID Certificates");
  cert->require_subcommand(1);
  cert->add_option("--key-dir", s->key_dir, "key folder (config certs.key_dir)");
  CLI::App* verify = cert->add_subcommand(
      "verify",
      "verify an HC1 certificate offline and print the result as JSON (exit 1 when invalid)");
  verify
      ->add_option("INPUT", s->input,
                   "HC1 text, '-' for standard input, or a file with the text or a PNG/JPEG "
                   "image of the QR code")
      ->required();
  auto* tl = verify->add_option("--trust-list", s->trust_list_file,
                                "signed trust list (vaxreg trust-list export / GET "
                                "/api/v1/trust-list)");
  verify->add_option("--cert", s->cert_pem_file, "trust this one DSC (PEM)")->excludes(tl);
  verify->add_option("--csca", s->csca_pem_file, "pin the trust list to this CSCA (PEM)");
  verify->add_option("--revocation-list", s->revocation_list_file, "signed revocation list");
  verify->add_option("--at", s->at, "verify as of this ISO-8601 instant instead of now");
  verify->add_flag("--minimal", s->minimal, "print only the verdict and the holder's name");
  verify->callback([&action, s] { action = [s](const Config& c) { return CertVerify(*s, c); }; });

  CLI::App* issue = cert->add_subcommand(
      "issue",
      "issue (or re-issue) the certificate of a registered person from their facility-signed "
      "doses, stored and audited like POST /api/v1/certificates (prints the HC1 text)");
  auto* by_id = issue->add_option("--person", s->person_id, "person id in the registry");
  issue->add_option("--cccd", s->cccd, "the person's 12-digit CCCD")->excludes(by_id);
  issue->add_option("--png", s->png_file, "also write the QR code as PNG");
  issue->add_option("--svg", s->svg_file, "also write the QR code as SVG");
  issue->callback([&action, s] { action = [s](const Config& c) { return CertIssue(*s, c); }; });

  CLI::App* issue_test = cert->add_subcommand(
      "issue-test",
      "sign a TEST certificate from the given facts with a self-signed test key (not the real "
      "keys; no trust list contains it; nothing is stored); verify it with --cert "
      "DIR/test-dsc.crt.pem");
  issue_test
      ->add_option("--test-key-dir", s->test_key_dir,
                   "folder of the test key (created on first use; never the key folder)")
      ->required();
  issue_test->add_option("--name", s->name, "full name in Vietnamese, family name first")
      ->required();
  issue_test->add_option("--dob", s->dob, "date of birth YYYY-MM-DD or YYYY")->required();
  issue_test->add_option("--dose", s->doses, "PRODUCT:YYYY-MM-DD, repeat per dose")->required();
  issue_test->add_option("--png", s->png_file, "also write the QR code as PNG");
  issue_test->add_option("--svg", s->svg_file, "also write the QR code as SVG");
  issue_test->callback([&action, s] { action = [s](const Config&) { return CertIssueTest(*s); }; });

  CLI::App* trust = app.add_subcommand("trust-list", "the published list of signer certificates");
  trust->require_subcommand(1);
  trust->add_option("--key-dir", s->key_dir, "key folder (config certs.key_dir)");
  CLI::App* export_tl =
      trust->add_subcommand("export", "write the signed trust list (CSCA and every DSC) to FILE");
  export_tl->add_option("FILE", s->output_file, "output file")->required();
  export_tl->callback(
      [&action, s] { action = [s](const Config& c) { return TrustListExport(*s, c); }; });

  return state;
}

}  // namespace vaxreg::app
