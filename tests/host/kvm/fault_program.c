// SPDX-License-Identifier: Apache-2.0
//
// A keep program (static, not the real one) that writes to an address
// nothing maps. On the kvm backend the shim must end the keep with the
// page-fault diagnostic, not hang (tests/host/kvm/shim_keep_test.cc).
#include <stdint.h>

int main(void) {
  volatile uint64_t* unmapped = (volatile uint64_t*)0xdead0000;
  *unmapped = 1;
  return 0;
}
