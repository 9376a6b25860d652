// SPDX-License-Identifier: Apache-2.0
//
// The sallyport: the only channel between a KVM keep and its host. This
// header is the wire format, shared by the shim (freestanding), the host and
// the tests, so it depends on nothing but <cstdint>. docs/sallyport.md
// describes every call; both sides check everything (see there).
//
// One block of guest memory per vCPU is shared with the host. The shim writes
// a request into it (a Header, then any data the call carries in the data
// area), writes to kDoorbellPort (a port I/O exit), and, when the vCPU runs
// again, reads the host's reply from the same block.
#pragma once

#include <cstdint>

namespace cloister::sallyport {

// The I/O port the shim writes (one byte, value ignored) to hand the block to
// the host.
inline constexpr uint16_t kDoorbellPort = 0x5a11;

// The block: a Header at offset 0, then the data area.
inline constexpr uint64_t kBlockSize = uint64_t{1} << 20;

struct Header {
  // A Linux x86-64 syscall number from the allow-list (docs/sallyport.md), or
  // one of the shim's own ops below.
  uint64_t op;
  // The call's arguments in Linux order. An argument that is a pointer in
  // Linux is here a byte offset into the block (inside the data area), or
  // kNull for a null pointer.
  uint64_t arg[6];
  // The reply: the call's result, or -errno (1 <= errno <= kMaxErrno).
  int64_t ret;
};
static_assert(sizeof(Header) == 64);

inline constexpr uint64_t kDataOffset = sizeof(Header);
inline constexpr uint64_t kDataSize = kBlockSize - kDataOffset;
inline constexpr uint64_t kNull = ~uint64_t{0};

// The largest errno Linux defines (EHWPOISON); anything else is a lie.
inline constexpr int64_t kMaxErrno = 133;

// Guest file descriptors are 0 .. kMaxFds-1. The host allocates them (lowest
// free number, as Linux does) and maps each to a host descriptor.
inline constexpr uint64_t kMaxFds = 1024;

// The shim's own ops (not Linux syscalls). None of them gets a reply: the
// host ends the keep.
enum : uint64_t {
  // The keep program exited: arg[0] = status (0..255).
  kOpExit = 0x10000,
  // A CPU exception the shim cannot handle: arg[0] = vector, arg[1] = error
  // code, arg[2] = RIP, arg[3] = CR2 (fault address), arg[4] = CS (ring in
  // the low 2 bits), arg[5] = RSP.
  kOpFault = 0x10001,
  // The host broke the protocol (an Iago check failed): arg[0] = offset and
  // arg[1] = length of a text naming the call and the check.
  kOpViolation = 0x10002,
  // A message from the shim for the host's stderr (e.g. an unsupported
  // syscall, once per number): arg[0] = offset, arg[1] = length of the text.
  // This one does get a reply (ret = 0), and the keep continues.
  kOpLog = 0x10003,
};

// Direct I/O (only when BootInfo.features has boot::kFeatureDirectIo, i.e.
// where the host can read guest memory anyway): OR'ed into the op of read,
// write, pread64, pwrite64, readv, writev, preadv and pwritev. The pointer
// argument is then the keep program's own virtual address (of the buffer, or
// of the iovec array for the v-forms) and arg[5] is the keep's CR3. The host
// translates through the guest's page tables, requiring every page present
// and user-accessible (and writable where the host writes), and moves the data
// between the descriptor and guest memory directly: no copy in the guest,
// whose kernel mode may be slow (emulated under PVM). The reply is as for the
// plain call.
inline constexpr uint64_t kOpDirect = uint64_t{1} << 32;
// At most this many iovecs in a direct v-form request (Linux's IOV_MAX).
inline constexpr uint64_t kMaxDirectIovecs = 1024;

// The longest text a kOpViolation/kOpLog carries.
inline constexpr uint64_t kMaxMessage = 512;

}  // namespace cloister::sallyport
