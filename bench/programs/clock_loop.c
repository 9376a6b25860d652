// SPDX-License-Identifier: Apache-2.0
//
// Calls WASI clock_time_get argv[1] times (default 100000) and prints the
// mean nanoseconds per call. In a kvm keep every call is one sallyport round
// trip (the clock is the host's), so this is the round trip as a workload
// sees it; on nil it is the plain syscall (bench/kvm.sh).
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static long long now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char** argv) {
  const long calls = argc > 1 ? atol(argv[1]) : 100000;
  if (calls <= 0) return 2;
  const long long start = now_ns();
  long long last = start;
  for (long i = 0; i < calls; ++i) last = now_ns();
  printf("%.1f ns per call (%ld calls)\n", (double)(last - start) / (double)calls, calls);
  return 0;
}
