// SPDX-License-Identifier: Apache-2.0
#include "host/sallyport/shim_ops.h"

#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace cloister::host::sallyport {
namespace {

using cloister::sallyport::kMaxMessage;

void append_sanitised(std::string& out, const uint8_t* text, size_t len) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (size_t i = 0; i < len; ++i) {
    const uint8_t b = text[i];
    if (b >= 0x20 && b < 0x7f && b != '\\') {
      out += static_cast<char>(b);
    } else {
      out += "\\x";
      out += kHex[b >> 4];
      out += kHex[b & 0xf];
    }
  }
}

// Copies the message bytes out first (at most kMaxMessage): the keep may
// still be changing them.
bool copy_message(const Block& block, uint64_t off, uint64_t len, uint8_t* out, size_t* out_len) {
  const uint64_t n = std::min<uint64_t>(len, kMaxMessage);
  if (!Block::in_data(off, len) || !block.copy_in(off, out, n)) return false;
  *out_len = static_cast<size_t>(n);
  return true;
}

}  // namespace

std::string message_text(const Block& block, uint64_t off, uint64_t len) {
  uint8_t raw[kMaxMessage];
  size_t n = 0;
  if (!copy_message(block, off, len, raw, &n)) return "<message outside the block>";
  std::string out;
  out.reserve(n);
  append_sanitised(out, raw, n);
  return out;
}

int64_t log_message(const Block& block, uint64_t off, uint64_t len, int log_fd) {
  uint8_t raw[kMaxMessage];
  size_t n = 0;
  if (!copy_message(block, off, len, raw, &n)) return -EFAULT;
  std::string line = "cloister: shim: ";
  append_sanitised(line, raw, n);
  line += '\n';
  // One write, so concurrent writers never split the line; a log that
  // cannot be written is not the keep's business.
  [[maybe_unused]] const ssize_t w = ::write(log_fd, line.data(), line.size());
  return 0;
}

}  // namespace cloister::host::sallyport
