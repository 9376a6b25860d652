// SPDX-License-Identifier: Apache-2.0
//
// hello-cpp: the C++ version of hello-c (libc++ for wasm32-wasi, built
// without exceptions because Debian's wasm libc++abi has no unwinder):
//   clang++-16 --target=wasm32-wasi -O2 -fno-exceptions \
//     -isystem /usr/include/wasm32-wasi/c++/v1 hello.cc -o hello.wasm
#include <cstdlib>
#include <iostream>
#include <string_view>
#include <vector>

int main(int argc, char** argv) {
  const char* name = std::getenv("NAME");
  std::cout << "Hello, " << (name != nullptr ? name : "world") << "! (from C++)\n";
  const std::vector<std::string_view> args(argv, argv + argc);
  for (size_t i = 1; i < args.size(); ++i) std::cout << "arg " << i << ": " << args[i] << '\n';
  return 0;
}
