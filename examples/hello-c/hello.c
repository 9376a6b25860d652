// SPDX-License-Identifier: Apache-2.0
//
// hello-c: the smallest Cloister workload. Greets $NAME (or "world"), then
// lists its arguments. Build and run (see README.md):
//   clang-16 --target=wasm32-wasi -O2 hello.c -o hello.wasm
//   cloister run --config Cloister.toml hello.wasm
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char** argv) {
  const char* name = getenv("NAME");
  printf("Hello, %s! (from C)\n", name != NULL ? name : "world");
  for (int i = 1; i < argc; ++i) printf("arg %d: %s\n", i, argv[i]);
  return 0;
}
