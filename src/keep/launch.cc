// SPDX-License-Identifier: Apache-2.0
#include "keep/launch.h"

#include <cstring>
#include <string_view>

#include "base/byte_reader.h"

namespace cloister::keep {
namespace {

constexpr char kMagic[8] = {'C', 'L', 'S', 'T', 'L', 'N', 'C', 'H'};

void put_u32(std::vector<uint8_t>& out, uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<uint8_t>(v >> (8 * i)));
}
void put_bytes(std::vector<uint8_t>& out, std::span<const uint8_t> b) {
  put_u32(out, static_cast<uint32_t>(b.size()));
  out.insert(out.end(), b.begin(), b.end());
}
void put_str(std::vector<uint8_t>& out, std::string_view s) {
  put_bytes(out, {reinterpret_cast<const uint8_t*>(s.data()), s.size()});
}

class Decoder {
 public:
  explicit Decoder(std::span<const uint8_t> bytes) : r_(bytes) {}

  Result<uint32_t> u32(std::string_view what) {
    uint32_t v;
    if (!r_.read_u32le(&v)) return truncated(what);
    return v;
  }
  Result<uint8_t> u8(std::string_view what) {
    uint8_t v;
    if (!r_.read_u8(&v)) return truncated(what);
    return v;
  }
  Result<std::span<const uint8_t>> blob(std::string_view what, uint32_t max) {
    const size_t at = r_.offset();
    CLOISTER_TRY_ASSIGN(uint32_t n, u32(what));
    if (n > max)
      return fail("launch message: ", what, " at offset ", at, ": length ", n,
                  " exceeds the limit of ", max);
    std::span<const uint8_t> b;
    if (!r_.read_bytes(n, &b)) {
      return fail("launch message: ", what, " at offset ", at, ": length ", n,
                  " exceeds the remaining ", r_.remaining(), " bytes");
    }
    return b;
  }
  Result<std::string> str(std::string_view what) {
    CLOISTER_TRY_ASSIGN(auto b, blob(what, kMaxStringBytes));
    return std::string(reinterpret_cast<const char*>(b.data()), b.size());
  }
  Result<uint32_t> count(std::string_view what) {
    const size_t at = r_.offset();
    CLOISTER_TRY_ASSIGN(uint32_t n, u32(what));
    if (n > kMaxStrings)
      return fail("launch message: ", what, " at offset ", at, ": count ", n,
                  " exceeds the limit of ", kMaxStrings);
    return n;
  }
  ByteReader& reader() { return r_; }

 private:
  Unexpected truncated(std::string_view what) {
    return fail("launch message: ", what, " at offset ", r_.offset(), ": truncated");
  }
  ByteReader r_;
};

}  // namespace

std::vector<uint8_t> encode_launch(const Launch& launch) {
  std::vector<uint8_t> out(kMagic, kMagic + sizeof(kMagic));
  out.reserve(launch.module.size() + 4096);
  put_u32(out, kLaunchVersion);
  put_str(out, launch.module_name);
  put_bytes(out, launch.module);
  put_u32(out, static_cast<uint32_t>(launch.args.size()));
  for (const auto& a : launch.args) put_str(out, a);
  put_u32(out, static_cast<uint32_t>(launch.env.size()));
  for (const auto& e : launch.env) put_str(out, e);
  put_u32(out, static_cast<uint32_t>(launch.files.size()));
  for (const LaunchFile& f : launch.files) {
    out.push_back(static_cast<uint8_t>(f.kind));
    put_u32(out, static_cast<uint32_t>(f.keep_fd));
    put_str(out, f.name);
    put_str(out, f.preopen);
    out.push_back(f.read_only ? 1 : 0);
  }
  return out;
}

Result<Launch> decode_launch(std::span<const uint8_t> bytes) {
  Decoder d(bytes);
  std::span<const uint8_t> magic;
  if (!d.reader().read_bytes(sizeof(kMagic), &magic) ||
      std::memcmp(magic.data(), kMagic, sizeof(kMagic)) != 0) {
    return fail("launch message: bad magic (expected \"CLSTLNCH\")");
  }
  CLOISTER_TRY_ASSIGN(uint32_t version, d.u32("version"));
  if (version != kLaunchVersion) {
    return fail("launch message: version ", version, " is not supported (expected ", kLaunchVersion,
                ")");
  }
  Launch l;
  CLOISTER_TRY_ASSIGN(l.module_name, d.str("module_name"));
  CLOISTER_TRY_ASSIGN(auto module, d.blob("module", kMaxModuleBytes));
  l.module.assign(module.begin(), module.end());
  CLOISTER_TRY_ASSIGN(uint32_t nargs, d.count("args"));
  for (uint32_t i = 0; i < nargs; ++i) {
    CLOISTER_TRY_ASSIGN(auto s, d.str("args[" + std::to_string(i) + "]"));
    l.args.push_back(std::move(s));
  }
  CLOISTER_TRY_ASSIGN(uint32_t nenv, d.count("env"));
  for (uint32_t i = 0; i < nenv; ++i) {
    const std::string what = "env[" + std::to_string(i) + "]";
    CLOISTER_TRY_ASSIGN(auto s, d.str(what));
    if (s.find('=') == std::string::npos || s.front() == '=') {
      return fail("launch message: ", what, ": not of the form KEY=value");
    }
    l.env.push_back(std::move(s));
  }
  CLOISTER_TRY_ASSIGN(uint32_t nfiles, d.count("files"));
  for (uint32_t i = 0; i < nfiles; ++i) {
    const std::string what = "files[" + std::to_string(i) + "]";
    LaunchFile f;
    CLOISTER_TRY_ASSIGN(uint8_t kind, d.u8(what + ".kind"));
    if (kind > static_cast<uint8_t>(LaunchFileKind::Dir)) {
      return fail("launch message: ", what, ".kind: unknown kind ", kind);
    }
    f.kind = static_cast<LaunchFileKind>(kind);
    CLOISTER_TRY_ASSIGN(uint32_t fd, d.u32(what + ".keep_fd"));
    if (fd > 0x7fffffffu) return fail("launch message: ", what, ".keep_fd: ", fd, " is negative");
    f.keep_fd = static_cast<int32_t>(fd);
    CLOISTER_TRY_ASSIGN(f.name, d.str(what + ".name"));
    CLOISTER_TRY_ASSIGN(f.preopen, d.str(what + ".preopen"));
    CLOISTER_TRY_ASSIGN(uint8_t ro, d.u8(what + ".read_only"));
    if (ro > 1) return fail("launch message: ", what, ".read_only: ", ro, " is not 0 or 1");
    f.read_only = ro == 1;
    if ((f.kind == LaunchFileKind::Dir) != !f.preopen.empty()) {
      return fail("launch message: ", what, ": a preopen path belongs to dir entries only");
    }
    l.files.push_back(std::move(f));
  }
  if (!d.reader().empty()) {
    return fail("launch message: ", d.reader().remaining(), " trailing bytes at offset ",
                d.reader().offset());
  }
  return l;
}

}  // namespace cloister::keep
