// SPDX-License-Identifier: Apache-2.0
//
// Round trips as the keep program sees them (bench/kvm.sh runs this static
// program natively and as a KVM keep's program via build/kvm-run): the mean
// time of N calls each of
//   getpid                 answered by the shim itself (the trap, no exit)
//   write(fd, "", 0)       one sallyport round trip on the read/write fast path
//   clock_gettime          one round trip on the general path through the block
#include <stdio.h>
#include <stdlib.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void) {
  struct timespec ts;
  syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(void) {
  const int n = 2000;
  struct timespec ts;
  long long t0 = now_ns();
  for (int i = 0; i < n; ++i) syscall(SYS_getpid);
  long long t1 = now_ns();
  for (int i = 0; i < n; ++i) syscall(SYS_write, 1, "", 0);
  long long t2 = now_ns();
  for (int i = 0; i < n; ++i) syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
  long long t3 = now_ns();
  printf("getpid %lld ns, write-0 %lld ns, clock_gettime %lld ns\n", (t1 - t0) / n,
         (t2 - t1) / n, (t3 - t2) / n);
  return 0;
}
