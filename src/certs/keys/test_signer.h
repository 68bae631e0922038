#pragma once
// A throwaway document signer for trying the certificate format out: a self-signed P-256 key
// whose certificate says TEST in its subject and that no trust list contains (it is not issued
// by the CSCA and lives in its own folder, never the key folder). Certificates it signs verify
// only against its own certificate (`vaxreg cert verify --cert DIR/test-dsc.crt.pem`); against
// the published trust list they fail with unknown_kid.
//
//   DIR/test-dsc.crt.pem, DIR/test-dsc.key.pem (PKCS#8, unencrypted, mode 0600: it protects
//   nothing, so it carries no passphrase)

#include <filesystem>

#include "certs/keys/key_store.h"
#include "common/clock.h"
#include "common/status.h"

namespace vaxreg::certs {

// The subject common name of every test signer; verifiers and people can see it is a test.
inline constexpr std::string_view kTestSignerCommonName = "TEST DSC - NOT TRUSTED";
// The DCC "is" (issuer) of certificates signed by a test signer.
inline constexpr std::string_view kTestIssuerName = "TEST ISSUER - NOT A VALID CERTIFICATE";

// Loads the test signer in `dir`, or creates it (valid from `now` for two years) when `dir` has
// none or it no longer covers a certificate issued now. kInvalidArgument when `dir` holds a
// CSCA (a real key folder): test keys never sit beside the real ones.
Result<Signer> OpenOrCreateTestSigner(const std::filesystem::path& dir, SystemTime now);

}  // namespace vaxreg::certs
