// SPDX-License-Identifier: Apache-2.0
//
// A keep program (static, not the real one) for the shim's read/write fast
// path (src/shim/fast_io.h): ordinary transfers work, and buffers the program
// does not own — the shim's half, a range wrapping past it, an unmapped page,
// a read-only page to read into — are EFAULT, never a crash or a transfer.
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

static void report(const char* what, ssize_t r) {
  char line[96];
  const int n = snprintf(line, sizeof line, "%s %zd %s\n", what, r,
                         r < 0 ? (errno == EFAULT ? "EFAULT" : strerror(errno)) : "");
  write(1, line, (size_t)n);
}

int main(void) {
  char buf[8];
  report("read", read(0, buf, sizeof buf));  // "input" from the test
  report("write-back", write(2, buf, 5));
  report("write-kernel", write(1, (void*)0xffff888000000000ull, 8));
  report("read-kernel", read(0, (void*)0xffffffff80200000ull, 8));
  report("write-wrap", write(1, (void*)0x00007ffffffff000ull, (size_t)1 << 62));
  report("write-unmapped", write(1, (void*)0x10000, 8));
  char* ro = mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  report("read-readonly", ro == MAP_FAILED ? -2 : read(0, ro, 8));
  return 0;
}
