// SPDX-License-Identifier: Apache-2.0
//
// Prints its arguments and its whole environment, then exits with the code
// given as the first argument (0 without one).
#include <stdio.h>
#include <stdlib.h>

extern char** environ;

int main(int argc, char** argv) {
  for (int i = 0; i < argc; ++i) printf("argv[%d]=%s\n", i, argv[i]);
  for (char** e = environ; *e != NULL; ++e) printf("env %s\n", *e);
  return argc > 1 ? atoi(argv[1]) : 0;
}
