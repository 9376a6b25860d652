// SPDX-License-Identifier: Apache-2.0
#include "host/sallyport/block.h"

#include <string.h>

#include <algorithm>
#include <cerrno>

namespace cloister::host::sallyport {

int Block::read_string(uint64_t off, BlockString* out) const {
  if (!in_data(off, 0) || off == kBlockSize) return EFAULT;
  const uint8_t* text = base_ + off;
  const size_t room = static_cast<size_t>(std::min<uint64_t>(kMaxString, kBlockSize - off));
  const void* nul = std::memchr(text, '\0', room);
  if (nul == nullptr) return room == kMaxString ? ENAMETOOLONG : EFAULT;
  // Only the string is copied. The copy is terminated here, and its length
  // measured in the copy: a guest writing an earlier NUL meanwhile can only
  // make it shorter.
  const size_t n = static_cast<size_t>(static_cast<const uint8_t*>(nul) - text);
  std::memcpy(out->text, text, n);
  out->text[n] = '\0';
  out->len = ::strnlen(out->text, n);
  return 0;
}

}  // namespace cloister::host::sallyport
