// SPDX-License-Identifier: Apache-2.0
#include <filesystem>

#include "attest/dcap.h"
#include "base/file.h"

namespace cloister::attest::dcap {

Result<Collateral> load_collateral_dir(const std::string& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec))
    return fail("collateral directory '", dir, "' does not exist or is not a directory");
  Collateral c;
  int found = 0;
  // Collateral files are small (a few KiB); 16 MiB is a generous cap.
  constexpr size_t kMax = size_t{16} << 20;
  auto load = [&](const char* name, auto* out) -> Result<void> {
    const std::string path = dir + "/" + name;
    if (!std::filesystem::exists(path, ec)) return ok();
    auto bytes = read_file(path, kMax);
    if (!bytes) return Unexpected(bytes.error().with_context(path));
    out->assign(bytes->begin(), bytes->end());
    ++found;
    return ok();
  };
  CLOISTER_TRY(load("tcb_info.json", &c.tcb_info_json));
  CLOISTER_TRY(load("qe_identity.json", &c.qe_identity_json));
  CLOISTER_TRY(load("tcb_info_issuer_chain.pem", &c.tcb_info_issuer_chain));
  CLOISTER_TRY(load("qe_identity_issuer_chain.pem", &c.qe_identity_issuer_chain));
  CLOISTER_TRY(load("pck_crl.der", &c.pck_crl));
  CLOISTER_TRY(load("pck_crl_issuer_chain.pem", &c.pck_crl_issuer_chain));
  CLOISTER_TRY(load("root_ca_crl.der", &c.root_ca_crl));
  if (found == 0)
    return fail("collateral directory '", dir,
                "' has none of tcb_info.json, qe_identity.json, their issuer chains, "
                "pck_crl.der, pck_crl_issuer_chain.pem, root_ca_crl.der");
  return c;
}

}  // namespace cloister::attest::dcap
