// SPDX-License-Identifier: Apache-2.0
#include "fake_shim.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <variant>

#include "shim/boot_info.h"
#include "shim/host_channel.h"
#include "shim/page_tables.h"
#include "shim/user_access.h"

namespace cloister::sallyport::testing {
namespace {

alignas(4096) uint8_t g_block[kBlockSize];
host::sallyport::Server* g_server = nullptr;
uint64_t g_doorbells = 0;
uint64_t g_features = 0;
uint64_t g_cr3 = 0;

bool user_range_ok(uint64_t addr, uint64_t n) {
  return addr >= kFakeUnmapped && addr + n >= addr;
}

}  // namespace

void attach_server(host::sallyport::Server* server) {
  g_server = server;
  g_doorbells = 0;
}

uint64_t doorbells() {
  return g_doorbells;
}

uint8_t* fake_block() {
  return g_block;
}

void set_host_features(uint64_t features, uint64_t cr3) {
  g_features = features;
  g_cr3 = cr3;
}

}  // namespace cloister::sallyport::testing

namespace cloister::shim {

using sallyport::testing::g_block;

sallyport::Header* block_header() {
  return reinterpret_cast<sallyport::Header*>(g_block);
}

uint8_t* block_bytes() {
  return g_block;
}

void host_call() {
  using namespace sallyport::testing;
  ++g_doorbells;
  if (g_server == nullptr) {
    ADD_FAILURE() << "the shim rang the doorbell for op " << block_header()->op
                  << " with no host attached";
    block_header()->ret = -ENOSYS;
    return;
  }
  const auto outcome = g_server->handle(g_block);
  if (!std::holds_alternative<host::sallyport::Continue>(outcome)) {
    ADD_FAILURE() << "the server ended the keep on op " << block_header()->op;
  }
}

uint64_t host_features() {
  return sallyport::testing::g_features;
}

uint64_t page_table_root() {
  return sallyport::testing::g_cr3;
}

void protocol_violation(const char* call, const char* check) {
  throw sallyport::testing::ViolationThrown{call, check};
}

bool copy_from_user(void* dst, uint64_t user_src, uint64_t n) {
  if (!sallyport::testing::user_range_ok(user_src, n)) return false;
  std::memcpy(dst, reinterpret_cast<const void*>(user_src), n);
  return true;
}

bool copy_to_user(uint64_t user_dst, const void* src, uint64_t n) {
  if (!sallyport::testing::user_range_ok(user_dst, n)) return false;
  std::memcpy(reinterpret_cast<void*>(user_dst), src, n);
  return true;
}

int64_t copy_string_from_user(char* dst, uint64_t user_src, uint64_t max) {
  for (uint64_t i = 0; i < max; ++i) {
    if (!sallyport::testing::user_range_ok(user_src + i, 1)) return -EFAULT;
    dst[i] = *reinterpret_cast<const char*>(user_src + i);
    if (dst[i] == 0) return static_cast<int64_t>(i);
  }
  return -ENAMETOOLONG;
}

}  // namespace cloister::shim
