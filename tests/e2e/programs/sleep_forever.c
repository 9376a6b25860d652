// SPDX-License-Identifier: Apache-2.0
//
// Says it is ready, then sleeps until something ends it.
#include <stdio.h>
#include <unistd.h>

int main(void) {
  puts("ready");
  fflush(stdout);
  for (;;) sleep(1000);
}
