#pragma once
// What the printed page of a stored certificate says, read from the registry: the holder, and
// the doses the certificate was built from (the person's counted doses with an intact facility
// signature, the same set CertificateAuthority signs). Shared by the API and the CLI.
// Thread-safe (reads on the given connection only).

#include <vector>

#include "certs/pdf/certificate_pdf.h"
#include "certs/service/certificate_store.h"
#include "registry/vaccine_catalogue.h"
#include "storage/database.h"

namespace vaxreg::certs {

// The page content for `record`. kFailedPrecondition when the certificate is no longer the
// holder's current one (superseded or revoked: print the active one) or when the person's
// signed doses no longer hash to the certificate's (a re-issue is under way, so the page would
// not match its QR code); kNotFound when the person is gone; errors from the connection.
// `verify_address` is what the page names as the verifier ("/verify" when empty).
Result<CertificatePdfInput> CertificatePdfInputFor(
    storage::Connection& conn, const CertificateRecord& record,
    const std::vector<registry::VaccineProduct>& catalogue, std::string_view verify_address = {});

}  // namespace vaxreg::certs
