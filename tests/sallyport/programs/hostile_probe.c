// SPDX-License-Identifier: Apache-2.0
//
// The workload of the hostile-host test: says "start", makes the one call
// the test's hostile host lies about (argv[1]), and prints what it got. In a
// correct keep the lie ends the keep first, so nothing after "start" ever
// appears.
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int main(int argc, char** argv) {
  const char* what = argc > 1 ? argv[1] : "";
  printf("start\n");
  fflush(stdout);
  if (strcmp(what, "read") == 0) {
    char buf[64];
    const ssize_t n = read(0, buf, sizeof buf);
    printf("read %zd: %.*s\n", n, (int)(n > 0 ? n : 0), buf);
  } else if (strcmp(what, "datasync") == 0) {
    printf("datasync %d\n", fdatasync(1));
  } else if (strcmp(what, "open") == 0) {
    printf("opened %d\n", open("/data/file", O_RDONLY));
  } else if (strcmp(what, "stat") == 0) {
    struct stat st;
    const int r = stat("/data/file", &st);
    printf("stat %d: mode %o size %lld\n", r, (unsigned)st.st_mode, (long long)st.st_size);
  } else {
    printf("unknown probe\n");
    return 2;
  }
  return 0;
}
