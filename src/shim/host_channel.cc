// SPDX-License-Identifier: Apache-2.0
#include "shim/host_channel.h"

#include <cstring>

#include "sallyport/boot.h"
#include "shim/paging.h"
#include "shim/panic.h"
#include "shim/x86.h"

namespace cloister::shim {
namespace {

using sallyport::Header;

// Copies `parts` (NUL-terminated strings, concatenated) into the data area,
// at most kMaxMessage bytes, and points arg[0]/arg[1] at it.
void put_message(Header* h, const char* const* parts, int count) {
  uint8_t* out = block_bytes() + sallyport::kDataOffset;
  uint64_t len = 0;
  for (int i = 0; i < count; ++i) {
    for (const char* p = parts[i]; *p != '\0' && len < sallyport::kMaxMessage; ++p) out[len++] = *p;
  }
  h->arg[0] = sallyport::kDataOffset;
  h->arg[1] = len;
}

void start(uint64_t op) {
  Header* h = block_header();
  std::memset(h, 0, sizeof(*h));
  h->op = op;
}

// The ops that end the keep get no reply; if the host resumes the vCPU
// anyway, the shim stops it the only way left that cannot loop.
[[noreturn]] void call_and_stop() {
  host_call();
  triple_fault();
}

}  // namespace

Header* block_header() {
  return reinterpret_cast<Header*>(phys(sallyport::boot::kBlockGpa));
}

uint8_t* block_bytes() {
  return phys(sallyport::boot::kBlockGpa);
}

void host_call() {
  x86::outb(sallyport::kDoorbellPort, 0);
}

void host_exit(int status) {
  start(sallyport::kOpExit);
  block_header()->arg[0] = static_cast<uint64_t>(status) & 0xFF;
  call_and_stop();
}

void host_fault(uint64_t vector, uint64_t error_code, uint64_t rip, uint64_t cr2, uint64_t cs,
                uint64_t rsp) {
  start(sallyport::kOpFault);
  Header* h = block_header();
  h->arg[0] = vector;
  h->arg[1] = error_code;
  h->arg[2] = rip;
  h->arg[3] = cr2;
  h->arg[4] = cs;
  h->arg[5] = rsp;
  call_and_stop();
}

void protocol_violation(const char* call, const char* check) {
  start(sallyport::kOpViolation);
  const char* parts[] = {call, ": ", check};
  put_message(block_header(), parts, 3);
  call_and_stop();
}

void host_log(const char* text) {
  start(sallyport::kOpLog);
  const char* parts[] = {text};
  put_message(block_header(), parts, 1);
  host_call();
}

}  // namespace cloister::shim
