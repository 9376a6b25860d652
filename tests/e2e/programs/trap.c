// SPDX-License-Identifier: Apache-2.0
//
// Prints a line, then executes `unreachable` in a function with a known
// name, so that the trap report can be checked.
#include <stdio.h>

__attribute__((noinline)) void fail_deliberately(void) {
  __builtin_trap();
}

int main(void) {
  puts("before the trap");
  fflush(stdout);
  fail_deliberately();
  puts("after the trap");
  return 0;
}
