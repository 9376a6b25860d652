// SPDX-License-Identifier: Apache-2.0
//
// Recurses without end; the engine must stop it with a clean trap.
volatile int sink;

__attribute__((noinline)) int recurse(int n) {
  sink = n;
  if (sink == -1) return 0;  // never true; keeps clang's infinite-recursion warning quiet
  return recurse(n + 1) + sink;
}

int main(void) {
  return recurse(0);
}
