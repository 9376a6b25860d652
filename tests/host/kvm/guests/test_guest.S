// SPDX-License-Identifier: Apache-2.0
//
// Tiny guests for the VMM tests (tests/host/kvm/vmm_test.cc), one per
// GUEST_* macro. Each enters as boot.h says (64-bit, kKernelBase mapping,
// RDI = BootInfo's address) and does one thing the VMM must handle: exit
// through the sallyport, log, write, report or cause a CPU fault, halt,
// touch a stray port or unbacked memory, spin until a signal stops it.

#define KBASE 0xFFFFFFFF80000000
#define BLOCK (KBASE + 0x100000)
#define BOOTINFO (KBASE + 0x1000)
#define PAGE_DIR (KBASE + 0x4000)
#define DOORBELL 0x5a11
#define OP_EXIT 0x10000
#define OP_FAULT 0x10001
#define OP_VIOLATION 0x10002
#define OP_LOG 0x10003
#define DATA 64
// Header fields: op, arg[0..5], ret.
#define H_OP 0
#define H_ARG0 8
#define H_ARG1 16
#define H_ARG2 24
#define H_ARG3 32
#define H_ARG4 40
#define H_ARG5 48
#define H_RET 56

// %rbx holds the block's address throughout.
.macro doorbell
  mov $DOORBELL, %dx
  outb %al, (%dx)
.endm

.macro sp_exit status
  movq $OP_EXIT, H_OP(%rbx)
  movq \status, H_ARG0(%rbx)
  doorbell
  hlt
.endm

// Copies text at `label` (length `len`) to the data area.
.macro put_text label, len
  lea \label(%rip), %rsi
  lea DATA(%rbx), %rdi
  mov $\len, %rcx
  rep movsb
.endm

  .text
  .globl _start
_start:
  movabs $BLOCK, %rbx

#if defined(GUEST_EXIT)
  sp_exit $7

#elif defined(GUEST_BOOTINFO)
  // Exits with BootInfo.open_fds when everything boot.h promises holds,
  // else 100 + the number of the failed check.
  cmp $0x1000, %rdi
  jne 1f
  movabs $BOOTINFO, %rsi
  movabs $0x544f4f4254534c43, %rax
  cmp %rax, 0(%rsi)
  jne 2f
  cmpl $1, 8(%rsi)
  jne 3f
  cmpq $0x800000, 24(%rsi)
  jne 4f
  movabs $(KBASE + 0x800000), %rax
  cmpl $0x464c457f, (%rax)  // the keep program's ELF magic
  jne 5f
  mov 40(%rsi), %rax        // free_gpa: page aligned, past the keep ELF
  test $0xfff, %rax
  jne 6f
  mov 24(%rsi), %rcx
  add 32(%rsi), %rcx
  cmp %rcx, %rax
  jb 6f
  mov 16(%rsi), %rcx        // memory_size: what the test asked for
  cmp $(64 << 20), %rcx
  jne 7f
  cmpq $1, 56(%rsi)         // features: kFeatureDirectIo (a kvm keep)
  jne 8f
  mov 48(%rsi), %rax
  sp_exit %rax
1: sp_exit $101
2: sp_exit $102
3: sp_exit $103
4: sp_exit $104
5: sp_exit $105
6: sp_exit $106
7: sp_exit $107
8: sp_exit $108

#elif defined(GUEST_LOG)
  put_text log_text, log_len
  movq $OP_LOG, H_OP(%rbx)
  movq $DATA, H_ARG0(%rbx)
  movq $log_len, H_ARG1(%rbx)
  doorbell
  cmpq $0, H_RET(%rbx)
  jne 1f
  sp_exit $0
1: sp_exit $1
log_text: .ascii "hello from the test guest"
  .set log_len, . - log_text

#elif defined(GUEST_WRITE)
  // write(1, "sallyport works\n", 16) through the host, then exit 0 if the
  // host says all 16 bytes were written.
  put_text write_text, write_len
  movq $1, H_OP(%rbx)
  movq $1, H_ARG0(%rbx)
  movq $DATA, H_ARG1(%rbx)
  movq $write_len, H_ARG2(%rbx)
  doorbell
  cmpq $write_len, H_RET(%rbx)
  jne 1f
  sp_exit $0
1: sp_exit $1
write_text: .ascii "sallyport works\n"
  .set write_len, . - write_text

#elif defined(GUEST_CREATE_FILE)
  // openat(4, "new-file", O_WRONLY | O_CREAT, 0644) in the directory granted
  // at fd 4: exits 0 if it worked, else with the errno.
  put_text file_name, file_name_len
  movq $257, H_OP(%rbx)
  movq $4, H_ARG0(%rbx)
  movq $DATA, H_ARG1(%rbx)
  movq $0x41, H_ARG2(%rbx)
  movq $0644, H_ARG3(%rbx)
  doorbell
  mov H_RET(%rbx), %rax
  test %rax, %rax
  js 1f
  sp_exit $0
1: neg %rax
  sp_exit %rax
file_name: .asciz "new-file"
  .set file_name_len, . - file_name

#elif defined(GUEST_READ_STDIN)
  // read(0, buf, 16): blocks in the host until a signal stops cloister.
  movq $0, H_OP(%rbx)
  movq $0, H_ARG0(%rbx)
  movq $DATA, H_ARG1(%rbx)
  movq $16, H_ARG2(%rbx)
  doorbell
  sp_exit $42

#elif defined(GUEST_FAULT_REPORT)
  // What the shim sends for a page fault in ring 3.
  movq $OP_FAULT, H_OP(%rbx)
  movq $14, H_ARG0(%rbx)
  movq $6, H_ARG1(%rbx)
  movq $0x401234, H_ARG2(%rbx)
  mov $0xdead0000, %eax
  mov %rax, H_ARG3(%rbx)
  movq $0x23, H_ARG4(%rbx)
  movq $0x7ffff000, H_ARG5(%rbx)
  doorbell
  hlt

#elif defined(GUEST_VIOLATION)
  put_text violation_text, violation_len
  movq $OP_VIOLATION, H_OP(%rbx)
  movq $DATA, H_ARG0(%rbx)
  movq $violation_len, H_ARG1(%rbx)
  doorbell
  hlt
violation_text: .ascii "read: returned 99 bytes for a count of 10"
  .set violation_len, . - violation_text

#elif defined(GUEST_FAULT_PF) || defined(GUEST_FAULT_UD)
  // A real CPU exception caught by the guest's own IDT and reported with
  // kOpFault, as the shim does.
  movabs $(KBASE + 0x300000), %rsp
  lgdt gdt_pointer(%rip)
  lea idt(%rip), %rdi
  lea on_page_fault(%rip), %rax
  mov $14, %rcx
  call set_gate
  lea on_invalid_opcode(%rip), %rax
  mov $6, %rcx
  call set_gate
  lidt idt_pointer(%rip)
#if defined(GUEST_FAULT_PF)
  mov $0xdead0000, %eax
  movq $1, (%rax)           // nothing is mapped below kKernelBase
#else
  ud2
#endif
  sp_exit $1

// IDT gate %rcx -> handler %rax (64-bit interrupt gate, CS 0x08, DPL 0).
set_gate:
  shl $4, %rcx
  add %rdi, %rcx
  mov %ax, 0(%rcx)
  movw $0x08, 2(%rcx)
  movw $0x8e00, 4(%rcx)
  shr $16, %rax
  mov %ax, 6(%rcx)
  shr $16, %rax
  mov %eax, 8(%rcx)
  movl $0, 12(%rcx)
  ret

// Frame: error code, RIP, CS, RFLAGS, RSP, SS.
on_page_fault:
  movabs $BLOCK, %rbx
  movq $OP_FAULT, H_OP(%rbx)
  movq $14, H_ARG0(%rbx)
  mov 0(%rsp), %rax
  mov %rax, H_ARG1(%rbx)
  mov 8(%rsp), %rax
  mov %rax, H_ARG2(%rbx)
  mov %cr2, %rax
  mov %rax, H_ARG3(%rbx)
  mov 16(%rsp), %rax
  mov %rax, H_ARG4(%rbx)
  mov 32(%rsp), %rax
  mov %rax, H_ARG5(%rbx)
  doorbell
  hlt

// Frame: RIP, CS, RFLAGS, RSP, SS (no error code).
on_invalid_opcode:
  movabs $BLOCK, %rbx
  movq $OP_FAULT, H_OP(%rbx)
  movq $6, H_ARG0(%rbx)
  movq $0, H_ARG1(%rbx)
  mov 0(%rsp), %rax
  mov %rax, H_ARG2(%rbx)
  movq $0, H_ARG3(%rbx)
  mov 8(%rsp), %rax
  mov %rax, H_ARG4(%rbx)
  mov 24(%rsp), %rax
  mov %rax, H_ARG5(%rbx)
  doorbell
  hlt

  .balign 16
gdt:
  .quad 0
  .quad 0x00af9a000000ffff  // 0x08: 64-bit ring-0 code
  .quad 0x00cf92000000ffff  // 0x10: data
gdt_end:
gdt_pointer:
  .word gdt_end - gdt - 1
  .quad gdt
  .balign 16
idt_pointer:
  .word 256 * 16 - 1
  .quad idt
  .balign 16
idt:
  .fill 256 * 16, 1, 0

#elif defined(GUEST_TRIPLE_FAULT)
  // No IDT: #UD -> #GP -> #DF -> shutdown. (int3 would do too on bare
  // metal, but KVM nested in another hypervisor may report an emulation
  // failure for it instead; both end the keep.)
  ud2
  sp_exit $1

#elif defined(GUEST_HALT)
  hlt
  sp_exit $1

#elif defined(GUEST_OTHER_PORT)
  mov $0x80, %dx
  outb %al, (%dx)
  sp_exit $1

#elif defined(GUEST_PORT_IN)
  mov $DOORBELL, %dx
  inb (%dx), %al
  sp_exit $1

#elif defined(GUEST_MMIO)
  // Maps 2 MiB at guest physical 3 GiB (no memory there) and writes to it.
  movabs $(PAGE_DIR + 8 * 100), %rsi
  mov $(0xc0000000 | 0x83), %eax
  mov %rax, (%rsi)
  movabs $(KBASE + 100 * 0x200000), %rax
  movq $1, (%rax)
  sp_exit $1

#elif defined(GUEST_SPIN)
1: pause
  jmp 1b

#elif defined(GUEST_NOOP_LOOP)
  // 20000 sallyport round trips of a call the host refuses (getppid, 110:
  // not in the allow-list, so ENOSYS), then exit 0 if every one said ENOSYS.
  mov $20000, %r12
1:
  movq $110, H_OP(%rbx)
  doorbell
  cmpq $-38, H_RET(%rbx)
  jne 2f
  dec %r12
  jnz 1b
  sp_exit $0
2: sp_exit $1

#elif defined(GUEST_SYSCALL)
  // Ring 3 and back into ring 0 through `syscall`, as the shim needs it.
  // LSTAR points at a never-mapped address, so the entry is a page fault
  // either way: on VMX, in ring 0 right after the syscall; under PVM's
  // "native" mode (KVM without VT-x, this project's CI machine), a syscall
  // from user mode jumps to LSTAR but stays in ring 3, and the fault then
  // enters ring 0 through the IDT. Exit status: 64 + the ring the fault came
  // from, after checking that the handler runs in ring 0 (MOV from CR0),
  // RCX = the user's return address and R11 = the user's RFLAGS.
  movabs $(KBASE + 0x300000), %rsp
  lgdt sc_gdt_pointer(%rip)
  lea 1f(%rip), %rax
  pushq $0x10
  pushq %rax
  lretq
1:
  mov $0x18, %ax
  mov %ax, %ss
  mov %ax, %ds
  mov %ax, %es
  // The TSS (RSP0 for faults from ring 3) at GDT 0x38.
  lea sc_tss(%rip), %rax
  movabs $(KBASE + 0x340000), %rdx
  mov %rdx, 4(%rax)
  lea sc_gdt(%rip), %rsi
  mov %rax, %rdx
  movw $103, 0x38(%rsi)
  mov %dx, 0x3a(%rsi)
  shr $16, %rdx
  mov %dl, 0x3c(%rsi)
  movb $0x89, 0x3d(%rsi)
  movb $0, 0x3e(%rsi)
  mov %dh, 0x3f(%rsi)
  shr $16, %rdx
  mov %edx, 0x40(%rsi)
  movl $0, 0x44(%rsi)
  mov $0x38, %ax
  ltr %ax
  lea sc_idt(%rip), %rdi
  lea sc_on_page_fault(%rip), %rax
  mov $(14 * 16), %rcx
  add %rdi, %rcx
  mov %ax, 0(%rcx)
  movw $0x10, 2(%rcx)
  movw $0x8e00, 4(%rcx)
  shr $16, %rax
  mov %ax, 6(%rcx)
  shr $16, %rax
  mov %eax, 8(%rcx)
  movl $0, 12(%rcx)
  lidt sc_idt_pointer(%rip)
  // Let ring 3 use the boot mapping: U bit on the PML4, PDPT and PD entries.
  movabs $(KBASE + 0x2000 + 8 * 511), %rsi
  orq $4, (%rsi)
  movabs $(KBASE + 0x3000 + 8 * 510), %rsi
  orq $4, (%rsi)
  movabs $PAGE_DIR, %rsi
  mov $32, %rcx
2: orq $4, (%rsi)
  add $8, %rsi
  loop 2b
  mov %cr3, %rax
  mov %rax, %cr3
  mov $0xc0000080, %ecx     // EFER.SCE
  rdmsr
  or $1, %eax
  wrmsr
  mov $0xc0000081, %ecx     // STAR: kernel CS 0x10 / SS 0x18, user 0x23 (CS 0x33, SS 0x2b)
  xor %eax, %eax
  mov $0x00230010, %edx
  wrmsr
  mov $0xc0000082, %ecx     // LSTAR: nothing is mapped at 0x1000
  mov $0x1000, %eax
  xor %edx, %edx
  wrmsr
  lea sc_user(%rip), %rax
  movabs $(KBASE + 0x380000), %rcx
  pushq $0x2b               // SS
  pushq %rcx                // RSP
  pushq $0x202              // RFLAGS
  pushq $0x33               // CS
  pushq %rax                // RIP
  iretq
sc_user:
  syscall
sc_user_return:
  hlt
// Frame: error code, RIP, CS, RFLAGS, RSP, SS.
sc_on_page_fault:
  mov %cr0, %rax            // #GP (a triple fault here) unless in ring 0
  movabs $BLOCK, %rbx
  mov %cr2, %rax
  cmp $0x1000, %rax
  jne 3f
  lea sc_user_return(%rip), %rax
  cmp %rax, %rcx
  jne 3f
  and $0xfff, %r11
  cmp $0x202, %r11
  jne 3f
  mov 16(%rsp), %rax
  and $3, %rax
  add $64, %rax
  sp_exit %rax
3: sp_exit $100
  .balign 16
sc_gdt:
  .quad 0
  .quad 0x00af9a000000ffff  // 0x08: 64-bit ring-0 code (the entry CS)
  .quad 0x00af9a000000ffff  // 0x10: 64-bit ring-0 code
  .quad 0x00cf92000000ffff  // 0x18: ring-0 data
  .quad 0x00cffa000000ffff  // 0x20: 32-bit ring-3 code
  .quad 0x00cff2000000ffff  // 0x28: ring-3 data
  .quad 0x00affa000000ffff  // 0x30: 64-bit ring-3 code
  .quad 0, 0                // 0x38: the TSS
sc_gdt_end:
sc_gdt_pointer:
  .word sc_gdt_end - sc_gdt - 1
  .quad sc_gdt
  .balign 16
sc_idt_pointer:
  .word 256 * 16 - 1
  .quad sc_idt
  .balign 16
sc_tss:
  .fill 104, 1, 0
  .balign 16
sc_idt:
  .fill 256 * 16, 1, 0

#else
#error "define one GUEST_* macro"
#endif

  .section .note.GNU-stack, "", @progbits
