// SPDX-License-Identifier: Apache-2.0
//
// Human-readable rendering of decoded evidence for `cloister attest show` and
// `verify`: labelled sections, long hex wrapped into 32-byte lines, nested
// platform fields indented, so an auditor never needs a hex editor.
#pragma once

#include <ostream>
#include <string>
#include <vector>

#include "attest/claims.h"

namespace cloister::cli {

// Writes the full labelled view of `claims`.
void render_claims(std::ostream& out, const attest::Claims& claims);

// A JSON value as labelled, indented text (objects as "key: value" lines).
void render_json_fields(std::ostream& out, const nlohmann::json& value, int indent);

}  // namespace cloister::cli
