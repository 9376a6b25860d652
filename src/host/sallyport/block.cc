// SPDX-License-Identifier: Apache-2.0
#include "host/sallyport/block.h"

#include <algorithm>
#include <cerrno>

namespace cloister::host::sallyport {

int Block::read_string(uint64_t off, BlockString* out) const {
  if (!in_data(off, 0) || off == kBlockSize) return EFAULT;
  const size_t room = static_cast<size_t>(std::min<uint64_t>(kMaxString, kBlockSize - off));
  std::memcpy(out->text, base_ + off, room);
  const void* nul = std::memchr(out->text, '\0', room);
  if (nul == nullptr) return room == kMaxString ? ENAMETOOLONG : EFAULT;
  out->len = static_cast<size_t>(static_cast<const char*>(nul) - out->text);
  return 0;
}

}  // namespace cloister::host::sallyport
