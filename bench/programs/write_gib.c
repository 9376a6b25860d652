// SPDX-License-Identifier: Apache-2.0
//
// Writes 1 GiB (or argv[1] MiB) of 0x5a bytes to stdout in chunks of argv[2]
// KiB (default 1024), with WASI fd_write: the keep's I/O path under load
// (bench/kvm.sh compares backends).
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

int main(int argc, char** argv) {
  const long mib = argc > 1 ? atol(argv[1]) : 1024;
  const long chunk = (argc > 2 ? atol(argv[2]) : 1024) * 1024;
  if (mib <= 0 || chunk <= 0) return 2;
  char* buf = malloc((size_t)chunk);
  if (buf == NULL) return 3;
  memset(buf, 0x5a, (size_t)chunk);
  long long left = (long long)mib << 20;
  while (left > 0) {
    const size_t want = left < chunk ? (size_t)left : (size_t)chunk;
    const ssize_t n = write(1, buf, want);
    if (n <= 0) return 1;
    left -= n;
  }
  return 0;
}
