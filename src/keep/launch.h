// SPDX-License-Identifier: Apache-2.0
//
// The launch message: everything the host hands the keep program to start a
// workload: the module, its arguments and environment, and which of the keep
// process's descriptors becomes which WASI fd. The host writes it to a memory
// file at fd 3 of the keep; the keep decodes it as untrusted input (bounded,
// every length checked) because inside a TEE the host is the adversary.
//
// Encoding (little-endian): "CLSTLNCH", u32 version (1), then
//   str module_name, blob module, u32 n + n str args, u32 n + n str env,
//   u32 n + n file { u8 kind, i32 keep_fd, str name, str preopen, u8 read_only }
// where str/blob = u32 length + bytes. Nothing may follow. docs/keep.md.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "base/result.h"

namespace cloister::keep {

inline constexpr uint32_t kLaunchVersion = 1;
// The descriptor the keep program reads the launch message from.
inline constexpr int kLaunchFd = 3;
// Bounds the keep applies to what the host sends.
inline constexpr uint32_t kMaxModuleBytes = 256u << 20;
inline constexpr uint32_t kMaxStrings = 65536;         // args, env entries, files
inline constexpr uint32_t kMaxStringBytes = 1u << 20;  // one arg, env entry, name or path

enum class LaunchFileKind : uint8_t { Null, Stdin, Stdout, Stderr, Listen, Connect, Dir };

struct LaunchFile {
  LaunchFileKind kind = LaunchFileKind::Null;
  int32_t keep_fd = -1;    // the keep process's descriptor for it
  std::string name;        // as listed in FD_NAMES
  std::string preopen;     // Dir: the guest path
  bool read_only = false;  // Dir: mode = "ro"
};

struct Launch {
  std::string module_name;  // argv[0]
  std::vector<uint8_t> module;
  std::vector<std::string> args;  // after argv[0]
  std::vector<std::string> env;   // "KEY=value"
  std::vector<LaunchFile> files;  // index = WASI fd
};

std::vector<uint8_t> encode_launch(const Launch& launch);
// Errors name the field and byte offset ("launch message: files[2].name at
// offset 913: length 4294967295 exceeds the remaining 12 bytes").
Result<Launch> decode_launch(std::span<const uint8_t> bytes);

}  // namespace cloister::keep
