// SPDX-License-Identifier: Apache-2.0
//
// The shim's own ops (abi.h): the keep exited, faulted, caught the host
// breaking the protocol, or has something for the host's log. Their text is
// written by the keep, so it is bounds-checked and made printable before
// anything shows it.
#pragma once

#include <cstdint>
#include <string>

#include "host/sallyport/block.h"

namespace cloister::host::sallyport {

// The text at (off, len) in the block, at most kMaxMessage bytes of it, with
// every byte outside printable ASCII (and the backslash) written as \xNN.
// A range outside the data area gives "<message outside the block>".
std::string message_text(const Block& block, uint64_t off, uint64_t len);

// Writes "cloister: shim: <text>\n" to log_fd in one write. Returns 0, or
// -EFAULT when the text is not inside the data area (nothing is written).
int64_t log_message(const Block& block, uint64_t off, uint64_t len, int log_fd);

}  // namespace cloister::host::sallyport
