// SPDX-License-Identifier: Apache-2.0
//
// Tries to reach outside its preopened directory in every way a module can,
// and prints one line per attempt: "<operation> <path>: ok" or the errno
// name. The end-to-end test compares the output exactly. Run it with the
// sandbox directory preopened as "/"; the test creates `inside.txt`, a
// symlink `abs_link -> /etc`, a symlink `rel_link -> ../..` and a symlink
// `sub/up -> ../../` beforehand.
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static const char* errno_name(int e) {
  switch (e) {
    case EACCES:
      return "EACCES";
    case EBADF:
      return "EBADF";
    case EEXIST:
      return "EEXIST";
    case EINVAL:
      return "EINVAL";
    case EISDIR:
      return "EISDIR";
    case ELOOP:
      return "ELOOP";
    case ENOENT:
      return "ENOENT";
    case ENOTDIR:
      return "ENOTDIR";
    case ENOTCAPABLE:
      return "ENOTCAPABLE";
    case EPERM:
      return "EPERM";
    case EROFS:
      return "EROFS";
    case EXDEV:
      return "EXDEV";
    default:
      return strerror(e);
  }
}

static void report(const char* op, const char* path, int rc) {
  if (rc >= 0) {
    printf("%s %s: ok\n", op, path);
  } else {
    printf("%s %s: %s\n", op, path, errno_name(errno));
  }
}

static void try_open(const char* path, int flags) {
  int fd = open(path, flags, 0644);
  report(flags & O_CREAT ? "create" : "open", path, fd);
  if (fd >= 0) close(fd);
}

int main(int argc, char** argv) {
  const char* mode = argc > 1 ? argv[1] : "escape";
  if (strcmp(mode, "escape") == 0) {
    try_open("inside.txt", O_RDONLY);
    try_open("/inside.txt", O_RDONLY);
    try_open("../inside.txt", O_RDONLY);
    try_open("sub/../../inside.txt", O_RDONLY);
    try_open("/../../../etc/passwd", O_RDONLY);
    try_open("abs_link/passwd", O_RDONLY);
    try_open("rel_link/etc/passwd", O_RDONLY);
    try_open("sub/up/etc/passwd", O_RDONLY);
    try_open("abs_link/cloister-escape", O_WRONLY | O_CREAT);
    struct stat st;
    report("stat", "abs_link/passwd", stat("abs_link/passwd", &st));
    report("mkdir", "../escaped", mkdir("../escaped", 0755));
    report("rename", "inside.txt -> ../moved", rename("inside.txt", "../moved"));
    report("link", "inside.txt -> rel_link/linked", link("inside.txt", "rel_link/linked"));
    report("unlink", "abs_link/hostname", unlink("abs_link/hostname"));
  } else {  // "readonly": the preopen is mode = "ro"
    try_open("inside.txt", O_RDONLY);
    try_open("inside.txt", O_WRONLY);
    try_open("inside.txt", O_RDWR | O_TRUNC);
    try_open("new.txt", O_WRONLY | O_CREAT);
    report("mkdir", "newdir", mkdir("newdir", 0755));
    report("unlink", "inside.txt", unlink("inside.txt"));
    report("rename", "inside.txt -> renamed.txt", rename("inside.txt", "renamed.txt"));
    report("symlink", "inside.txt <- sl", symlink("inside.txt", "sl"));
  }
  return 0;
}
