// SPDX-License-Identifier: Apache-2.0
//
// The launch message is the first thing the keep reads from the host, which
// inside a TEE is the adversary: decoding must never crash, and whatever it
// accepts must re-encode to exactly the same bytes.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <vector>

#include "keep/launch.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto launch = cloister::keep::decode_launch({data, size});
  if (!launch) return 0;
  const std::vector<uint8_t> again = cloister::keep::encode_launch(*launch);
  if (again.size() != size || !std::equal(again.begin(), again.end(), data)) std::abort();
  return 0;
}
