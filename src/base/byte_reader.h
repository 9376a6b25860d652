// SPDX-License-Identifier: Apache-2.0
//
// A bounded cursor over untrusted bytes, in the spirit of BoringSSL's CBS.
// Every read checks the remaining length first and returns false (leaving
// the cursor unchanged) when the input is too short, so a parser built on it
// cannot read out of bounds. Parsers report errors with `offset()`, the
// position from the start of the original buffer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string_view>

namespace cloister {

class ByteReader {
 public:
  ByteReader() = default;
  explicit ByteReader(std::span<const uint8_t> data, size_t base_offset = 0)
      : data_(data), base_(base_offset) {}

  size_t remaining() const { return data_.size() - pos_; }
  bool empty() const { return remaining() == 0; }
  // Offset of the cursor from the start of the outermost buffer.
  size_t offset() const { return base_ + pos_; }
  std::span<const uint8_t> rest() const { return data_.subspan(pos_); }

  bool skip(size_t n) {
    if (n > remaining()) return false;
    pos_ += n;
    return true;
  }

  bool read_u8(uint8_t* out) {
    if (remaining() < 1) return false;
    *out = data_[pos_++];
    return true;
  }
  bool peek_u8(uint8_t* out) const {
    if (remaining() < 1) return false;
    *out = data_[pos_];
    return true;
  }

  // Little-endian fixed-width integers (Wasm, AMD and Intel formats are all LE).
  bool read_u16le(uint16_t* out) { return read_le(out); }
  bool read_u32le(uint32_t* out) { return read_le(out); }
  bool read_u64le(uint64_t* out) { return read_le(out); }

  // Big-endian, for ASN.1 and network formats.
  bool read_u16be(uint16_t* out) { return read_be(out); }
  bool read_u32be(uint32_t* out) { return read_be(out); }

  // A view of the next n bytes; advances past them.
  bool read_bytes(size_t n, std::span<const uint8_t>* out) {
    if (n > remaining()) return false;
    *out = data_.subspan(pos_, n);
    pos_ += n;
    return true;
  }
  // A sub-reader over the next n bytes, keeping absolute offsets.
  bool read_sub(size_t n, ByteReader* out) {
    if (n > remaining()) return false;
    *out = ByteReader(data_.subspan(pos_, n), offset());
    pos_ += n;
    return true;
  }
  bool copy_bytes(void* out, size_t n) {
    if (n > remaining()) return false;
    if (n != 0) std::memcpy(out, data_.data() + pos_, n);
    pos_ += n;
    return true;
  }

 private:
  template <typename T>
  bool read_le(T* out) {
    if (remaining() < sizeof(T)) return false;
    T v = 0;
    for (size_t i = 0; i < sizeof(T); ++i) v |= static_cast<T>(data_[pos_ + i]) << (8 * i);
    pos_ += sizeof(T);
    *out = v;
    return true;
  }
  template <typename T>
  bool read_be(T* out) {
    if (remaining() < sizeof(T)) return false;
    T v = 0;
    for (size_t i = 0; i < sizeof(T); ++i) v = static_cast<T>((v << 8) | data_[pos_ + i]);
    pos_ += sizeof(T);
    *out = v;
    return true;
  }

  std::span<const uint8_t> data_;
  size_t pos_ = 0;
  size_t base_ = 0;
};

}  // namespace cloister
