// SPDX-License-Identifier: Apache-2.0
//
// Checked access to a sallyport block. The keep wrote everything in it and
// may still be changing it (another vCPU), so every offset and length is
// checked against the data area before use, and whatever the host must
// *check* (paths, structs, counts) is copied out first and checked in the
// copy. Bulk data (read/write buffers) goes straight between the kernel and
// the block through `span`, which checks the range only.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>

#include "sallyport/abi.h"

namespace cloister::host::sallyport {

using cloister::sallyport::kBlockSize;
using cloister::sallyport::kDataOffset;
using cloister::sallyport::kNull;

// The longest string a request may carry, its NUL included (Linux's
// PATH_MAX): longer is ENAMETOOLONG.
inline constexpr size_t kMaxString = 4096;

// A string copied out of the block: `text` is NUL-terminated, `len` excludes
// the NUL.
struct BlockString {
  char text[kMaxString];
  size_t len = 0;
};

class Block {
 public:
  explicit Block(uint8_t* base) : base_(base) {}

  // Whether [off, off + len) lies inside the data area. kNull and offsets
  // into the header never do, not even with len 0; the sum cannot overflow
  // because len is compared with the room left after off.
  static bool in_data(uint64_t off, uint64_t len) {
    return off >= kDataOffset && off <= kBlockSize && len <= kBlockSize - off;
  }

  // The host address of a checked range, or nullptr when it is not inside
  // the data area. For buffers the kernel reads or writes directly.
  uint8_t* span(uint64_t off, uint64_t len) const {
    return in_data(off, len) ? base_ + off : nullptr;
  }

  // Copies len bytes at off out of the block; false if the range is bad.
  bool copy_in(uint64_t off, void* out, size_t len) const {
    if (!in_data(off, len)) return false;
    std::memcpy(out, base_ + off, len);
    return true;
  }

  // Copies len bytes into the block at off; false if the range is bad.
  bool copy_out(uint64_t off, const void* in, size_t len) const {
    if (!in_data(off, len)) return false;
    std::memcpy(base_ + off, in, len);
    return true;
  }

  // Copies the NUL-terminated string at off into out. Returns 0, EFAULT
  // (off outside the data area, or no NUL before the block ends) or
  // ENAMETOOLONG (no NUL within kMaxString bytes). The copy is terminated
  // and measured by the host, so a concurrent change cannot make the string
  // longer after the check.
  int read_string(uint64_t off, BlockString* out) const;

  uint8_t* base() const { return base_; }

 private:
  uint8_t* base_;
};

}  // namespace cloister::host::sallyport
