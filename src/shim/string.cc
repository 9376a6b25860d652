// SPDX-License-Identifier: Apache-2.0
//
// The C library functions the compiler may call in freestanding code. Bulk
// work is done 8 bytes at a time with `rep movsq`/`rep stosq` and the rest
// with the byte forms: fast on every CPU, never something the compiler could
// turn back into a call to itself, and 8x fewer steps where the shim's ring 0
// is emulated instruction by instruction (KVM's PVM flavour, docs/shim.md).
#include <cstddef>
#include <cstdint>

extern "C" {

void* memcpy(void* dst, const void* src, size_t n) {
  void* d = dst;
  size_t words = n / 8;
  size_t bytes = n % 8;
  asm volatile("rep movsq\n mov %3, %%rcx\n rep movsb"
               : "+D"(d), "+S"(src), "+c"(words)
               : "r"(bytes)
               : "memory");
  return dst;
}

void* memset(void* dst, int c, size_t n) {
  void* d = dst;
  const uint64_t pattern = 0x0101010101010101ull * static_cast<uint8_t>(c);
  size_t words = n / 8;
  size_t bytes = n % 8;
  asm volatile("rep stosq\n mov %3, %%rcx\n rep stosb"
               : "+D"(d), "+c"(words)
               : "a"(pattern), "r"(bytes)
               : "memory");
  return dst;
}

void* memmove(void* dst, const void* src, size_t n) {
  auto d = reinterpret_cast<uintptr_t>(dst);
  auto s = reinterpret_cast<uintptr_t>(src);
  if (d <= s || d >= s + n) return memcpy(dst, src, n);
  // Overlap with dst above src: copy backwards (DF is set only for this
  // instruction and cleared again, as the ABI requires).
  void* dl = reinterpret_cast<void*>(d + n - 1);
  const void* sl = reinterpret_cast<const void*>(s + n - 1);
  asm volatile("std\n rep movsb\n cld" : "+D"(dl), "+S"(sl), "+c"(n) : : "memory");
  return dst;
}

int memcmp(const void* a, const void* b, size_t n) {
  const auto* x = static_cast<const unsigned char*>(a);
  const auto* y = static_cast<const unsigned char*>(b);
  for (size_t i = 0; i < n; ++i) {
    if (x[i] != y[i]) return x[i] < y[i] ? -1 : 1;
  }
  return 0;
}

size_t strlen(const char* s) {
  size_t n = 0;
  while (s[n] != '\0') ++n;
  return n;
}

}  // extern "C"
