// SPDX-License-Identifier: Apache-2.0
//
// A hostile host against the shim's sallyport client (src/shim/proxy*.cc,
// compiled here for the host): the fuzzer picks the program's calls and
// writes every reply — ret and the whole output area — itself. Whatever it
// says, the client either ends the keep (protocol_violation, thrown here) or
// hands the program a result Linux could have given: an errno in range, a
// count within what was asked, a new fd below kMaxFds, and nothing written
// outside the program's buffers (ASan watches those: each is its own heap
// block of exactly the size the call names).
#include <fuzzer/FuzzedDataProvider.h>
#include <sys/syscall.h>

#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "sallyport/abi.h"
#include "sallyport/boot.h"
#include "shim/boot_info.h"
#include "shim/host_channel.h"
#include "shim/page_tables.h"
#include "shim/proxy.h"
#include "shim/user_access.h"

namespace {

using namespace cloister;

alignas(4096) uint8_t g_block[sallyport::kBlockSize];
FuzzedDataProvider* g_host = nullptr;
bool g_direct = false;

struct Violation {};

void check(bool ok) {
  if (!ok) std::abort();
}

// A result the program may see: a value >= 0 or an errno Linux has.
void check_result(int64_t r) {
  check(r >= -sallyport::kMaxErrno);
}

}  // namespace

namespace cloister::shim {

sallyport::Header* block_header() {
  return reinterpret_cast<sallyport::Header*>(g_block);
}
uint8_t* block_bytes() {
  return g_block;
}

// The hostile host: ret from the input (often near the edges), and the start
// of the data area (where every call's outputs are laid out) overwritten.
void host_call() {
  FuzzedDataProvider& in = *g_host;
  int64_t ret;
  switch (in.ConsumeIntegralInRange<int>(0, 3)) {
    case 0:
      ret = in.ConsumeIntegralInRange<int64_t>(-200, 200);
      break;
    case 1:
      ret = static_cast<int64_t>(block_header()->arg[in.ConsumeIntegralInRange<int>(0, 5)]) +
            in.ConsumeIntegralInRange<int64_t>(-2, 2);
      break;
    case 2:
      ret = in.ConsumeIntegral<int64_t>();
      break;
    default:
      ret = 0;
  }
  const size_t n = in.ConsumeIntegralInRange<size_t>(0, 8192);
  const std::vector<uint8_t> bytes = in.ConsumeBytes<uint8_t>(n);
  if (!bytes.empty()) std::memcpy(g_block + sallyport::kDataOffset, bytes.data(), bytes.size());
  block_header()->ret = ret;
}

void protocol_violation(const char*, const char*) {
  throw Violation{};
}

// Direct I/O or the block path, as the input chose (the fake host moves no
// data for direct requests; their replies are only a count to check).
uint64_t host_features() {
  return g_direct ? sallyport::boot::kFeatureDirectIo : 0;
}
uint64_t page_table_root() {
  return 0;
}

// The program's memory is this process's; address 0 (and the first page)
// faults as an unmapped page would.
bool copy_from_user(void* dst, uint64_t src, uint64_t n) {
  if (src < 4096) return false;
  std::memcpy(dst, reinterpret_cast<const void*>(src), n);
  return true;
}
bool copy_to_user(uint64_t dst, const void* src, uint64_t n) {
  if (dst < 4096) return false;
  std::memcpy(reinterpret_cast<void*>(dst), src, n);
  return true;
}
int64_t copy_string_from_user(char* dst, uint64_t src, uint64_t max) {
  if (src < 4096) return -EFAULT;
  const char* s = reinterpret_cast<const char*>(src);
  for (uint64_t i = 0; i < max; ++i) {
    dst[i] = s[i];
    if (s[i] == 0) return static_cast<int64_t>(i);
  }
  return -ENAMETOOLONG;
}

}  // namespace cloister::shim

namespace {

uint64_t u(const void* p) {
  return reinterpret_cast<uint64_t>(p);
}

int64_t sys(uint64_t nr, uint64_t a0 = 0, uint64_t a1 = 0, uint64_t a2 = 0, uint64_t a3 = 0,
            uint64_t a4 = 0, uint64_t a5 = 0) {
  const uint64_t args[6] = {a0, a1, a2, a3, a4, a5};
  const int64_t r = shim::proxy_syscall(nr, args);
  check_result(r);
  return r;
}

void new_fd(int64_t r) {
  check(r < static_cast<int64_t>(sallyport::kMaxFds));
}

// One call of the program's, chosen by the input, with buffers sized by it.
void one_call(FuzzedDataProvider& in) {
  const uint64_t fd = in.ConsumeIntegralInRange<uint64_t>(0, 8);
  const size_t len = in.ConsumeIntegralInRange<size_t>(1, 4096);
  std::vector<uint8_t> buf(len);
  switch (in.ConsumeIntegralInRange<int>(0, 13)) {
    case 0:
      check(sys(SYS_read, fd, u(buf.data()), len) <= static_cast<int64_t>(len));
      break;
    case 1: {
      std::vector<uint8_t> b(len / 2 + 1);
      struct {
        uint64_t base, len;
      } iov[2] = {{u(buf.data()), len}, {u(b.data()), b.size()}};
      check(sys(SYS_readv, fd, u(iov), 2) <= static_cast<int64_t>(len + b.size()));
      break;
    }
    case 2:
      check(sys(SYS_write, fd, u(buf.data()), len) <= static_cast<int64_t>(len));
      break;
    case 3: {
      std::vector<uint8_t> st(144);
      sys(SYS_fstat, fd, u(st.data()));
      break;
    }
    case 4:
      check(sys(SYS_getdents64, fd, u(buf.data()), len) <= static_cast<int64_t>(len));
      break;
    case 5:
      new_fd(sys(SYS_openat, fd, u("name"), 0, 0));
      break;
    case 6: {
      std::vector<uint8_t> addr(in.ConsumeIntegralInRange<size_t>(1, 200));
      uint32_t alen = static_cast<uint32_t>(addr.size());
      const int64_t r = sys(SYS_accept4, fd, u(addr.data()), u(&alen), 0);
      new_fd(r);
      if (r >= 0) check(alen <= 128);
      break;
    }
    case 7: {
      std::vector<uint8_t> addr(in.ConsumeIntegralInRange<size_t>(1, 200));
      uint32_t alen = static_cast<uint32_t>(addr.size());
      if (sys(SYS_getpeername, fd, u(addr.data()), u(&alen)) == 0) check(alen <= 128);
      break;
    }
    case 8: {
      const size_t nfds = in.ConsumeIntegralInRange<size_t>(1, 8);
      std::vector<uint8_t> fds(nfds * 8);
      for (size_t i = 0; i < nfds; ++i) fds[i * 8] = static_cast<uint8_t>(i);
      check(sys(SYS_poll, u(fds.data()), nfds, 0) <= static_cast<int64_t>(nfds));
      break;
    }
    case 9: {
      std::vector<uint8_t> ts(16);
      sys(SYS_clock_gettime, 1, u(ts.data()));
      break;
    }
    case 10: {
      std::vector<uint8_t> val(in.ConsumeIntegralInRange<size_t>(1, 16));
      uint32_t vlen = static_cast<uint32_t>(val.size());
      if (sys(SYS_getsockopt, fd, 1, 3, u(val.data()), u(&vlen)) == 0) check(vlen <= val.size());
      break;
    }
    case 11:
      check(sys(SYS_readlinkat, fd, u("l"), u(buf.data()), len) <= static_cast<int64_t>(len));
      break;
    case 12:
      new_fd(sys(SYS_fcntl, fd, 1030 /* F_DUPFD_CLOEXEC */, 0));
      break;
    default: {
      std::vector<uint8_t> rem(16);
      const int64_t req[2] = {0, 1000};
      sys(SYS_clock_nanosleep, 1, 0, u(req), u(rem.data()));
      break;
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzedDataProvider in(data, size);
  g_host = &in;
  g_direct = in.ConsumeBool();
  shim::proxy_init(5);
  try {
    while (in.remaining_bytes() > 0) one_call(in);
  } catch (const Violation&) {
    // The keep ends here; the program saw nothing of this reply.
  }
  g_host = nullptr;
  return 0;
}
