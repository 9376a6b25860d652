// SPDX-License-Identifier: Apache-2.0
//
// The shim's surroundings for running its sallyport client (src/shim/proxy*)
// as an ordinary host program: the "user memory" is this process's memory
// (addresses below kFakeUnmapped fault, as an unmapped page would), the block
// is a buffer here, and ringing the doorbell runs the real host server on it.
// A protocol violation throws, so a test can see which check fired and that
// the program's memory was left alone.
#pragma once

#include <cstdint>
#include <string>

#include "host/sallyport/server.h"

namespace cloister::sallyport::testing {

// User addresses below this fault (copy_*_user fail).
inline constexpr uint64_t kFakeUnmapped = 0x10000;

// What protocol_violation threw.
struct ViolationThrown {
  std::string call;
  std::string check;
};

// Routes the shim's doorbell to `server` (nullptr: no host; a call then
// fails the test) and resets the doorbell counter.
void attach_server(host::sallyport::Server* server);

// How many times the shim rang the doorbell since attach_server.
uint64_t doorbells();

// The block the fake shim uses (kBlockSize bytes).
uint8_t* fake_block();

// What host_features() says (BootInfo.features; 0 until set) and the keep's
// CR3 as page_table_root() gives it to direct requests.
void set_host_features(uint64_t features, uint64_t cr3);

}  // namespace cloister::sallyport::testing
