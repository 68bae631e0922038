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
#include "certs/pdf/certificate_pdf_record.h"
#include "certs/qr/qr_render.h"
#include "certs/qr_image.h"
#include "certs/service/certificate_authority.h"
#include "certs/shc/conformance.h"
#include "certs/shc/jwk.h"
#include "certs/shc/numeric.h"
#include "certs/shc/verification_json.h"
#include "certs/trust/signed_lists.h"
#include "certs/verification_json.h"
#include "common/clock.h"
#include "common/crypto_util.h"
#include "registry/person_store.h"
#include "registry/vaccine_store.h"

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
  // cert verify of a SMART Health Card
  std::string jwks_file;
  std::string shc_iss;
  std::vector<std::string> crl_files;
  // cert issue
  std::string shc_file;
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
  // trust-list export, cert pdf
  std::string output_file;
  // cert pdf
  int64_t certificate_id = 0;
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

// SHC keys are named by their JWK thumbprint, the kid of the cards they sign.
void PrintShcKey(std::string_view role, const certs::Certificate& c) {
  std::cout << role << "  kid " << certs::shc::JwkThumbprint(c.public_key()).value_or("?") << "  "
            << c.Subject() << "\n";
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
  PrintShcKey("SHC ", *ks->shc_keys().back());
  return 0;
}

int KeysRotateShc(const CertificateCliState& s, const Config& config) {
  const std::string dir = KeyDir(s, config);
  if (dir.empty()) return Fail(InvalidArgumentError("give --key-dir or certs.key_dir"), kExitUsage);
  auto pass = Passphrase();
  if (!pass.ok()) return Fail(pass.status(), kExitUsage);
  auto key = certs::KeyStore::RotateShc(dir, *pass, SystemClock::Get().Now());
  if (!key.ok()) return Fail(key.status());
  std::cout << "new active SMART Health Card key (older ones stay in the published key set; "
               "restart the servers to use it)\n";
  PrintShcKey("SHC ", **key);
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
  for (const auto& key : ks->shc_keys())
    PrintShcKey(key == ks->shc_keys().back() ? "SHC*" : "SHC ", *key);
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

// INPUT is HC1 or shc:/ text itself, "-" for standard input, or a file holding the text (a
// .smart-health-card file too) or a PNG/JPEG.
Result<std::string> ReadHc1Input(const std::string& input) {
  if (input.starts_with("HC1:") || input.starts_with("shc:/")) return input;
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

// What `cert verify` trusts for a SMART Health Card: the key set of --jwks (issuer --iss, any
// when not given; revocation lists from --crl files and from crl/<kid>.json beside the key set),
// else the SHC keys of the key folder for the configured issuer (no revocation lists: the
// database holds them; the server's /.well-known/crl has them).
Result<certs::shc::ShcTrust> LoadShcTrust(const CertificateCliState& s, const Config& config) {
  certs::shc::ShcTrust trust;
  std::vector<std::filesystem::path> crl_files(s.crl_files.begin(), s.crl_files.end());
  if (!s.jwks_file.empty()) {
    ASSIGN_OR_RETURN(std::string text, ReadFile(s.jwks_file));
    ASSIGN_OR_RETURN(trust.keys, certs::shc::ShcKeySet::Parse(text));
    trust.issuer = s.shc_iss;
    for (const auto& k : trust.keys.keys()) {
      const auto beside = std::filesystem::path(s.jwks_file).parent_path() / "crl" / (k.kid + ".json");
      std::error_code ec;
      if (k.crl_version && std::filesystem::exists(beside, ec)) crl_files.push_back(beside);
    }
  } else {
    const std::string dir = KeyDir(s, config);
    if (dir.empty()) return InvalidArgumentError("give --jwks FILE (or a key folder)");
    ASSIGN_OR_RETURN(certs::KeyStore ks, certs::KeyStore::LoadPublic(dir));
    trust.issuer = s.shc_iss.empty() ? ShcIssuerUrl(config) : s.shc_iss;
    for (const auto& cert : ks.shc_keys()) {
      certs::shc::ShcKey key;
      ASSIGN_OR_RETURN(key.kid, certs::shc::JwkThumbprint(cert->public_key()));
      key.key = std::shared_ptr<EVP_PKEY>(cert, cert->public_key());
      trust.keys.Add(std::move(key));
    }
  }
  for (const auto& file : crl_files) {
    ASSIGN_OR_RETURN(std::string text, ReadFile(file.string()));
    ASSIGN_OR_RETURN(certs::shc::ShcCrl crl, certs::shc::ParseShcCrl(text));
    trust.crls.insert_or_assign(crl.kid, std::move(crl));
  }
  return trust;
}

int CertVerify(const CertificateCliState& s, const Config& config) {
  SystemTime now = SystemClock::Get().Now();
  if (!s.at.empty()) {
    auto t = certs::ParseIsoDateOrDateTime(s.at);
    if (!t)
      return Fail(InvalidArgumentError("--at must be an ISO-8601 date or instant"), kExitUsage);
    now = *t;
  }
  auto text = ReadHc1Input(s.input);
  if (!text.ok()) return Fail(text.status(), kExitUsage);
  if (certs::shc::LooksLikeShc(*text)) {
    auto trust = LoadShcTrust(s, config);
    if (!trust.ok()) return Fail(trust.status(), kExitUsage);
    const auto results = certs::shc::VerifyShcInput(*text, *trust, now);
    const boost::json::object out = certs::shc::ShcVerificationResultsToJson(results, s.minimal);
    std::cout << boost::json::serialize(out) << "\n";
    return out.at("valid").as_bool() ? 0 : kExitFailed;
  }
  auto inputs = LoadVerifierInputs(s, config);
  if (!inputs.ok()) return Fail(inputs.status(), kExitUsage);
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
  o.shc_issuer = ShcIssuerUrl(config);
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
  if (!s.shc_file.empty()) {
    if (issued->shc_jws.empty()) {
      return Fail(FailedPreconditionError("the certificate was issued without a SMART Health "
                                          "Card (see the log; vaxreg keys rotate-shc adds a key)"));
    }
    const std::string file = boost::json::serialize(boost::json::object{
        {"verifiableCredential", boost::json::array{boost::json::string(issued->shc_jws)}}});
    if (Status st = WriteFile(s.shc_file, file); !st.ok()) return Fail(st);
  }
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

// Prints a stored certificate as the same A4 PDF as GET /api/v1/certificates/{id}/certificate.pdf:
// by id, or the current certificate of the person with --cccd. Needs only the database.
int CertPdf(const CertificateCliState& s, const Config& config) {
  if ((s.certificate_id > 0) == !s.cccd.empty()) {
    return Fail(InvalidArgumentError("give exactly one of --id N and --cccd CCCD"), kExitUsage);
  }
  auto store = OpenStore(config);
  if (!store.ok()) return Fail(store.status());
  auto conn = store->db->Acquire();
  if (!conn.ok()) return Fail(conn.status());
  Result<std::optional<certs::CertificateRecord>> record =
      std::optional<certs::CertificateRecord>();
  if (s.certificate_id > 0) {
    record = certs::FindCertificate(**conn, s.certificate_id);
  } else {
    auto person = registry::FindPersonByCccd(**conn, s.cccd);
    if (!person.ok()) return Fail(person.status());
    if (!*person) return Fail(NotFoundError("no person with CCCD " + s.cccd + " in the registry"));
    record = certs::ActiveCertificate(**conn, (*person)->id);
  }
  if (!record.ok()) return Fail(record.status());
  if (!*record) return Fail(NotFoundError("no such certificate"));
  auto catalogue = registry::LoadVaccineProducts(**conn);
  if (!catalogue.ok()) return Fail(catalogue.status());
  auto page = certs::CertificatePdfInputFor(**conn, **record, *catalogue);
  if (!page.ok()) return Fail(page.status());
  auto pdf = certs::RenderCertificatePdf(*page);
  if (!pdf.ok()) return Fail(pdf.status());
  if (Status st = WriteFile(s.output_file, *pdf); !st.ok()) return Fail(st);
  std::cerr << "certificate " << (*record)->id << " (" << (*record)->uvci << ") printed to "
            << s.output_file << ", " << pdf->size() << " bytes\n";
  return 0;
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

int ConformanceShc(const CertificateCliState& s) {
  if (!std::filesystem::is_directory(s.corpus_dir)) {
    return Fail(InvalidArgumentError("not a directory: " + s.corpus_dir), kExitUsage);
  }
  certs::shc::ShcKnownIssues known;
  if (!s.known_issues_file.empty()) {
    auto loaded = certs::shc::ShcKnownIssues::Load(s.known_issues_file);
    if (!loaded.ok()) return Fail(loaded.status(), kExitUsage);
    known = std::move(*loaded);
  }
  certs::shc::ShcConformanceOptions options;
  options.now = SystemClock::Get().Now();
  auto report = certs::shc::RunShcConformance(
      s.corpus_dir, std::filesystem::path(s.corpus_dir) / "expected-verdicts.tsv", std::cout,
      known, options);
  std::cout.flush();
  if (!report.ok()) return Fail(report.status(), kExitUsage);
  return report->cases_failed == 0 ? 0 : kExitFailed;
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
  CLI::App* shc = conformance->add_subcommand(
      "shc",
      "verify the SMART Health Card vectors in DIR (../shared/conformance/shc) and compare each "
      "row of DIR/expected-verdicts.tsv with the specification validator's verdict; ends with "
      "'N passed, M failed'; exit 1 when a row fails");
  shc->add_option("DIR", s->corpus_dir, "the shc conformance folder")->required();
  shc->add_option("--known-issues", s->known_issues_file,
                  "file of '<first input> [<options>]  # reason' lines: expected disagreements");
  shc->callback([&action, s] { action = [s](const Config&) { return ConformanceShc(*s); }; });

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
  keys->add_subcommand("rotate-shc",
                       "create a new active SMART Health Card signing key (also the way to add "
                       "one to a key folder made before SHC support); older ones stay published")
      ->callback([&action, s] { action = [s](const Config& c) { return KeysRotateShc(*s, c); }; });
  keys->add_subcommand("list",
                       "print the CSCA, every DSC with kid and validity, and every SMART Health "
                       "Card key with its kid (* = active)")
      ->callback([&action, s] { action = [s](const Config& c) { return KeysList(*s, c); }; });

  CLI::App* cert = app.add_subcommand("cert", "EU Digital COVID Certificates");
  cert->require_subcommand(1);
  cert->add_option("--key-dir", s->key_dir, "key folder (config certs.key_dir)");
  CLI::App* verify = cert->add_subcommand(
      "verify",
      "verify an HC1 certificate or a SMART Health Card offline and print the result as JSON "
      "(exit 1 when invalid)");
  verify
      ->add_option("INPUT", s->input,
                   "HC1 or shc:/ text, '-' for standard input, or a file with the text, a "
                   ".smart-health-card file or a PNG/JPEG image of the QR code")
      ->required();
  auto* tl = verify->add_option("--trust-list", s->trust_list_file,
                                "signed trust list (vaxreg trust-list export / GET "
                                "/api/v1/trust-list)");
  verify->add_option("--cert", s->cert_pem_file, "trust this one DSC (PEM)")->excludes(tl);
  verify->add_option("--csca", s->csca_pem_file, "pin the trust list to this CSCA (PEM)");
  verify->add_option("--revocation-list", s->revocation_list_file, "signed revocation list");
  verify->add_option("--at", s->at, "verify as of this ISO-8601 instant instead of now");
  verify->add_option("--jwks", s->jwks_file,
                     "SMART Health Card: trust this JWK set (GET /.well-known/jwks.json); "
                     "crl/<kid>.json beside it are read too. Default: the key folder's SHC keys");
  verify->add_option("--iss", s->shc_iss,
                     "SMART Health Card: the issuer the card must name (default with --jwks: "
                     "any https issuer; with the key folder: certs.shc_issuer)");
  verify->add_option("--crl", s->crl_files,
                     "SMART Health Card: a revocation list (GET /.well-known/crl/<kid>.json); "
                     "repeatable");
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
  issue->add_option("--smart-health-card", s->shc_file,
                    "also write the certificate's SMART Health Card as a .smart-health-card file");
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

  CLI::App* pdf = cert->add_subcommand(
      "pdf",
      "write the printable certificate (A4 PDF, as GET /api/v1/certificates/{id}/certificate.pdf) "
      "of a current certificate to FILE");
  auto* pdf_id = pdf->add_option("--id", s->certificate_id, "certificate id");
  pdf->add_option("--cccd", s->cccd, "the current certificate of the person with this CCCD")
      ->excludes(pdf_id);
  pdf->add_option("--out", s->output_file, "output file (holds personal data)")->required();
  pdf->callback([&action, s] { action = [s](const Config& c) { return CertPdf(*s, c); }; });

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
