// SPDX-License-Identifier: Apache-2.0
#include "wasi/iovec.h"

#include <algorithm>

namespace cloister::wasi {

ErrnoOr<std::vector<struct iovec>> gather_iovecs(GuestMemory& mem, uint32_t iovs_ptr,
                                                 uint32_t count, uint64_t max_total) {
  if (count > kMaxIovecs) return Errno::Inval;
  // count <= 1024, so the array length cannot overflow.
  WASI_TRY_ASSIGN(auto array, mem.bytes(iovs_ptr, uint64_t{count} * layout::kIovecSize));
  std::vector<struct iovec> iovs;
  iovs.reserve(count);
  uint64_t total = 0;
  for (uint32_t i = 0; i < count; ++i) {
    // Copy the record out first: the guest's array may alias the buffers it
    // describes, and we want one consistent view of it.
    uint32_t buf = 0, len = 0;
    std::memcpy(&buf, array.data() + i * layout::kIovecSize + layout::kIovecBuf, 4);
    std::memcpy(&len, array.data() + i * layout::kIovecSize + layout::kIovecLen, 4);
    WASI_TRY_ASSIGN(auto bytes, mem.bytes(buf, len));
    // Bounds are checked for every record, even past the transfer cap, so a
    // bad pointer anywhere in the list is reported the same way.
    const uint64_t take = std::min<uint64_t>(len, max_total - total);
    if (take == 0 && len != 0) continue;
    iovs.push_back({bytes.data(), static_cast<size_t>(take)});
    total += take;
  }
  return iovs;
}

uint64_t iovec_total(const std::vector<struct iovec>& iovs) {
  uint64_t total = 0;
  for (const struct iovec& v : iovs) total += v.iov_len;
  return total;
}

}  // namespace cloister::wasi
