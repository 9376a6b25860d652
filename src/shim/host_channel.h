// SPDX-License-Identifier: Apache-2.0
//
// The shim's end of the sallyport block (src/sallyport/abi.h): handing a
// request to the host and the shim's own ops. Everything that leaves the keep
// goes through here.
#pragma once

#include <cstdint>

#include "sallyport/abi.h"

namespace cloister::shim {

// The block as the shim sees it (mapped by the shim; never given to ring 3).
sallyport::Header* block_header();
uint8_t* block_bytes();  // == the header's address; the data area starts at kDataOffset

// Rings the doorbell: the host handles the request in the block and the call
// returns once the reply is there.
void host_call();

// Ends the keep with `status` (kOpExit). Never returns.
[[noreturn]] void host_exit(int status);

// Reports a CPU exception the shim cannot handle (kOpFault). Never returns.
[[noreturn]] void host_fault(uint64_t vector, uint64_t error_code, uint64_t rip, uint64_t cr2,
                             uint64_t cs, uint64_t rsp);

// The host broke the protocol: reports "<call>: <check>" (kOpViolation) and
// ends the keep. Never returns; the keep program never sees the bad reply.
[[noreturn]] void protocol_violation(const char* call, const char* check);

// A line for the host's stderr (kOpLog); the keep continues.
void host_log(const char* text);

}  // namespace cloister::shim
