// SPDX-License-Identifier: Apache-2.0
//
// The hostile-guest test's guest (tests/host/sallyport/hostile_guest_test.cc):
// booted by the real VMM in place of the shim, it talks to the host's
// sallyport server directly and sends malformed requests: offsets over the
// header, past or wrapping the block, calls outside the table, descriptors
// never granted or closed, paths escaping the granted directory, oversize
// counts and bad flags. Each table entry is a request (op, six arguments)
// and the reply the host must give; the guest exits 0 when every reply was
// right, else with the 1-based number of the first wrong one. A few ordinary
// calls at the end show the server is still serving.
//
// The VMM grants: 0/1/2 stdio, 3 the launch message, 4 the test's directory
// root/ (holding file.txt = "hello" and out -> ../outside.txt).

#define KBASE 0xFFFFFFFF80000000
#define BLOCK (KBASE + 0x100000)
#define BLOCK_SIZE 0x100000
#define DOORBELL 0x5a11
#define OP_EXIT 0x10000
#define DATA 64
#define NUL 0xFFFFFFFFFFFFFFFF
#define H_OP 0
#define H_ARG0 8
#define H_RET 56
// Where calls write their output: far from the strings.
#define OUT (DATA + 0x8000)

// Offsets of the strings once copied to DATA.
#define S(label) (DATA + (label - strings))

// Linux x86-64 numbers and constants used below.
#define SYS_read 0
#define SYS_write 1
#define SYS_close 3
#define SYS_execve 59
#define SYS_socket 41
#define SYS_connect 42
#define SYS_bind 49
#define SYS_listen 50
#define SYS_fcntl 72
#define SYS_openat 257
#define SYS_mkdirat 258
#define SYS_newfstatat 262
#define SYS_unlinkat 263
#define SYS_renameat 264
#define SYS_linkat 265
#define SYS_symlinkat 266
#define SYS_readlinkat 267
#define SYS_ppoll 271
#define SYS_utimensat 280
#define AT_FDCWD -100
#define AT_EMPTY_PATH 0x1000
#define O_CREAT 0100
#define O_RDWR 2
#define O_DIRECT 040000
#define F_DUPFD 0
#define F_SETLK 6
#define EPERM 1
#define EBADF 9
#define EFAULT 14
#define EXDEV 18
#define EINVAL 22
#define ENAMETOOLONG 36
#define ENOSYS 38


  .text
  .globl _start
_start:
  movabs $BLOCK, %rbx
  lea strings(%rip), %rsi
  lea DATA(%rbx), %rdi
  mov $(strings_end - strings), %rcx
  rep movsb
  lea requests(%rip), %r12
  lea requests_end(%rip), %r13
  xor %r14, %r14
1:
  cmp %r13, %r12
  jae 3f
  inc %r14
  mov %r12, %rsi
  mov %rbx, %rdi
  mov $7, %rcx
  rep movsq
  movq $0x5a5a5a5a, H_RET(%rbx)
  mov $DOORBELL, %dx
  outb %al, (%dx)
  mov H_RET(%rbx), %rax
  cmp 56(%r12), %rax
  jne 2f
  add $64, %r12
  jmp 1b
2:
  mov %r14, %rax
  jmp 4f
3:
  xor %eax, %eax
4:
  movq $OP_EXIT, H_OP(%rbx)
  mov %rax, H_ARG0(%rbx)
  mov $DOORBELL, %dx
  outb %al, (%dx)
  hlt

strings:
s_file: .asciz "file.txt"
s_up: .asciz "../outside.txt"
s_abs: .asciz "/etc/passwd"
s_out: .asciz "out"
s_out_slash: .asciz "out/"
s_dotdot: .asciz ".."
s_escape: .asciz "../escape"
s_stolen: .asciz "../stolen"
s_sub: .asciz "a/b"
s_empty: .asciz ""
s_new: .asciz "new.txt"
strings_end:

  .balign 8
requests:
  // Buffers over the header, past the end, wrapping, null; oversize counts.
  .quad SYS_write, 1, 56, 8, 0, 0, 0, -EFAULT
  .quad SYS_write, 1, 0, 1, 0, 0, 0, -EFAULT
  .quad SYS_write, 1, BLOCK_SIZE - 4, 8, 0, 0, 0, -EFAULT
  .quad SYS_write, 1, DATA + 8, -8, 0, 0, 0, -EFAULT
  .quad SYS_read, 0, NUL, 1, 0, 0, 0, -EFAULT
  .quad SYS_read, 0, DATA, BLOCK_SIZE - DATA + 1, 0, 0, 0, -EFAULT
  .quad SYS_openat, 4, BLOCK_SIZE, 0, 0, 0, 0, -EFAULT
  .quad SYS_openat, 4, 8, 0, 0, 0, 0, -EFAULT
  .quad SYS_ppoll, OUT, 257, NUL, NUL, 0, 0, -EINVAL
  // Calls outside the table.
  .quad SYS_socket, 2, 1, 0, 0, 0, 0, -ENOSYS
  .quad SYS_bind, 4, DATA, 16, 0, 0, 0, -ENOSYS
  .quad SYS_listen, 4, 1, 0, 0, 0, 0, -ENOSYS
  .quad SYS_connect, 4, DATA, 16, 0, 0, 0, -ENOSYS
  .quad SYS_execve, S(s_abs), 0, 0, 0, 0, 0, -ENOSYS
  .quad 0x10004, 0, 0, 0, 0, 0, 0, -ENOSYS
  .quad -1, 0, 0, 0, 0, 0, 0, -ENOSYS
  // Descriptors never granted, AT_FDCWD, closed ones.
  .quad SYS_write, 7, DATA, 1, 0, 0, 0, -EBADF
  .quad SYS_write, 1024, DATA, 1, 0, 0, 0, -EBADF
  .quad SYS_openat, AT_FDCWD, S(s_abs), 0, 0, 0, 0, -EBADF
  .quad SYS_fcntl, 4, F_DUPFD, 0, 0, 0, 0, 5
  .quad SYS_close, 5, 0, 0, 0, 0, 0, 0
  .quad SYS_newfstatat, 5, S(s_empty), OUT, AT_EMPTY_PATH, 0, 0, -EBADF
  .quad SYS_close, 5, 0, 0, 0, 0, 0, -EBADF
  // Paths escaping the granted directory.
  .quad SYS_openat, 4, S(s_up), 0, 0, 0, 0, -EXDEV
  .quad SYS_openat, 4, S(s_abs), 0, 0, 0, 0, -EXDEV
  .quad SYS_openat, 4, S(s_out), O_RDWR, 0, 0, 0, -EXDEV
  .quad SYS_openat, 4, S(s_dotdot), 0, 0, 0, 0, -EXDEV
  .quad SYS_newfstatat, 4, S(s_out), OUT, 0, 0, 0, -EXDEV
  .quad SYS_newfstatat, 4, S(s_out_slash), OUT, 0x100, 0, 0, -EXDEV
  .quad SYS_utimensat, 4, S(s_out), NUL, 0, 0, 0, -EXDEV
  .quad SYS_readlinkat, 4, S(s_out_slash), OUT, 64, 0, 0, -EXDEV
  .quad SYS_linkat, 4, S(s_out_slash), 4, S(s_new), 0, 0, -EXDEV
  .quad SYS_mkdirat, 4, S(s_escape), 0777, 0, 0, 0, -EPERM
  .quad SYS_mkdirat, 4, S(s_dotdot), 0777, 0, 0, 0, -EPERM
  .quad SYS_unlinkat, 4, S(s_up), 0, 0, 0, 0, -EPERM
  .quad SYS_renameat, 4, S(s_file), 4, S(s_stolen), 0, 0, -EPERM
  .quad SYS_linkat, 4, S(s_up), 4, S(s_new), 0, 0, -EPERM
  .quad SYS_symlinkat, S(s_file), 4, S(s_escape), 0, 0, 0, -EPERM
  .quad SYS_unlinkat, 4, S(s_sub), 0, 0, 0, 0, -EPERM
  // Bad flags and commands.
  .quad SYS_openat, 4, S(s_file), O_DIRECT, 0, 0, 0, -EINVAL
  .quad SYS_linkat, 4, S(s_file), 4, S(s_new), 0x400, 0, -EINVAL
  .quad SYS_fcntl, 1, F_SETLK, OUT, 0, 0, 0, -EINVAL
  .quad SYS_unlinkat, 4, S(s_file), 0x100, 0, 0, 0, -EINVAL
  // Still serving: open file.txt at the lowest free number, read "hello".
  .quad SYS_openat, 4, S(s_file), 0, 0, 0, 0, 5
  .quad SYS_read, 5, OUT, 64, 0, 0, 0, 5
  .quad SYS_write, 1, OUT, 5, 0, 0, 0, 5
  .quad SYS_openat, 4, S(s_new), O_CREAT | O_RDWR, 0644, 0, 0, 6
  .quad SYS_write, 6, OUT, 5, 0, 0, 0, 5
requests_end:
