// SPDX-License-Identifier: Apache-2.0
//
// The shim's assembly: the boot entry, the syscall entry, the first entry to
// ring 3, and the CPU exception stubs. Everything else is C++.
//
// Selectors (cpu_tables.cc lays the GDT out so `sysret` finds the user ones):
//   0x08 kernel code, 0x10 kernel data, 0x1b user data, 0x23 user code.

// ---------------------------------------------------------------------------
// Stacks. The boot stack is also the syscall stack once the keep program runs
// (one vCPU, one thread: nothing else can be on it). The page below it is left
// unmapped by paging.cc, so an overflow faults (on the IST stack) rather than
// corrupting .data. They live in .stack, after .bss, which _start does not
// clear: a stack needs no zeroing, and every cleared byte is an emulated step
// on KVM's PVM flavour.
        .section .stack, "aw", @nobits
        .balign 4096
        .globl __stack_guard
__stack_guard:
        .skip 4096
        .globl boot_stack_top
boot_stack:
        .skip 65536
boot_stack_top:
        .globl exception_stack_top
        .skip 16384
exception_stack_top:
        .globl double_fault_stack_top
        .skip 8192
double_fault_stack_top:

        .section .bss
        .balign 8
user_rsp:
        .skip 8

// ---------------------------------------------------------------------------
// The VMM enters here in 64-bit mode with RDI = the GPA of BootInfo
// (src/sallyport/boot.h). .bss is cleared here rather than trusting that the
// host zeroed the memory behind the ELF's file-backed part.
        .section .text.entry, "ax"
        .globl _start
_start:
        cld
        mov     %rdi, %r12
        lea     __bss_start(%rip), %rdi
        lea     __bss_end(%rip), %rcx
        sub     %rdi, %rcx
        shr     $3, %rcx                // shim.ld keeps .bss 8-byte aligned
        xor     %eax, %eax
        rep stosq
        lea     boot_stack_top(%rip), %rsp
        mov     %r12, %rdi
        call    shim_main
        ud2

// ---------------------------------------------------------------------------
// `syscall` from ring 3: RCX = user RIP, R11 = user RFLAGS, RAX = number,
// arguments in RDI, RSI, RDX, R10, R8, R9. SFMASK has cleared IF, TF, DF and
// AC. The Linux ABI preserves every register but RAX, RCX and R11, so the
// argument registers are saved and restored around the C++ dispatcher (which
// itself preserves the callee-saved ones), and nothing of the shim's leaks
// back in a register. RFLAGS on return is reduced to what ring 3 may hold
// (never IOPL), whatever R11 says.
//
// Two ways in. The usual one is LSTAR. On KVM's PVM flavour (nested hosts
// without VMX, where the guest's ring 0 is emulated) `syscall` from ring 3
// jumps to LSTAR but stays in ring 3, so fetching syscall_entry faults; exc_14
// recognises exactly that fault and comes in through syscall_from_fault,
// which returns with iretq.
        .macro syscall_dispatch_on_boot_stack
        push    user_rsp(%rip)
        and     $0x240FD5, %r11         // CF PF AF ZF SF TF IF DF OF AC ID
        or      $0x2, %r11
        // Fast path (fast_io.h): read (0) and write (1) with direct I/O. The
        // request is the general path's (op | kOpDirect, fd as an int, the
        // program's buffer, count, CR3 in arg[5]); only R8, R9 and RDX are
        // used, and restored.
        cmp     $1, %rax
        ja      10f
        cmpb    $0, fast_direct_io(%rip)
        je      10f
        push    %r8
        push    %r9
        push    %rdx
        mov     %rsi, %r8               // the buffer must lie in the program's half
        add     %rdx, %r8
        jc      12f
        movabs  $0x00007FFFFFFFF000, %r9
        cmp     %r9, %r8
        ja      12f
        mov     fast_block(%rip), %r8
        mov     %rax, %r9
        bts     $32, %r9                // kOpDirect
        mov     %r9, (%r8)
        movslq  %edi, %r9
        mov     %r9, 8(%r8)
        mov     %rsi, 16(%r8)
        mov     %rdx, 24(%r8)
        mov     fast_cr3(%rip), %r9
        mov     %r9, 48(%r8)
        mov     $0x5a11, %dx            // sallyport::kDoorbellPort
        out     %al, %dx
        mov     56(%r8), %r9            // the reply, checked before it is returned
        pop     %rdx
        test    %r9, %r9
        js      11f
        cmp     %rdx, %r9               // no more than asked
        jbe     13f
        jmp     15f
11:     cmp     $-133, %r9              // errno within Linux's (kMaxErrno)
        jge     13f
15:     mov     %rax, %rdi              // fast_io_violation(nr, ret, asked); no return
        mov     %r9, %rsi
        and     $-16, %rsp
        call    fast_io_violation
        ud2
12:     pop     %rdx
        mov     $-14, %r9               // -EFAULT
13:     mov     %r9, %rax
        pop     %r9
        pop     %r8
        jmp     14f
10:
        push    %rcx
        push    %r11
        push    %r9
        push    %r8
        push    %r10
        push    %rdx
        push    %rsi
        push    %rdi            // the six arguments now lie in Linux order at RSP
        mov     %rax, %rdi      // syscall_dispatch(nr, args)
        mov     %rsp, %rsi
        sub     $8, %rsp        // 9 pushes: realign to 16 for the call
        call    syscall_dispatch
        add     $8, %rsp
        pop     %rdi
        pop     %rsi
        pop     %rdx
        pop     %r10
        pop     %r8
        pop     %r9
        pop     %r11
        pop     %rcx
14:
        .endm

        .text
        .globl syscall_entry
syscall_entry:
        mov     %rsp, user_rsp(%rip)
        lea     boot_stack_top(%rip), %rsp
        syscall_dispatch_on_boot_stack
        pop     %rsp
        sysretq

// From exc_14, with the user's RSP already in user_rsp.
syscall_from_fault:
        lea     boot_stack_top(%rip), %rsp
        syscall_dispatch_on_boot_stack
        add     $8, %rsp        // the saved user RSP (still in user_rsp)
        push    $0x1b
        push    user_rsp(%rip)
        push    %r11
        push    $0x23
        push    %rcx
        iretq

// enter_user(rip, rsp): the first entry to ring 3. RFLAGS = 0x2: interrupts
// stay off in the keep (there are none to take), and every register starts at
// zero (RDX = 0 tells the program's _start there is no rtld_fini to register).
        .globl enter_user
enter_user:
        push    $0x1b
        push    %rsi
        push    $0x2
        push    $0x23
        push    %rdi
        xor     %eax, %eax
        xor     %ebx, %ebx
        xor     %ecx, %ecx
        xor     %edx, %edx
        xor     %esi, %esi
        xor     %edi, %edi
        xor     %ebp, %ebp
        xor     %r8d, %r8d
        xor     %r9d, %r9d
        xor     %r10d, %r10d
        xor     %r11d, %r11d
        xor     %r12d, %r12d
        xor     %r13d, %r13d
        xor     %r14d, %r14d
        xor     %r15d, %r15d
        iretq

// ---------------------------------------------------------------------------
// CPU exceptions 0-31: each stub makes the frame uniform (a zero error code
// where the CPU pushes none, then the vector) and hands a pointer to it to
// exception_handler, which reports to the host and never returns.
        .macro exc_noerr n
        .balign 16
exc_\n:
        push    $0
        push    $\n
        jmp     exception_common
        .endm
        .macro exc_err n
        .balign 16
exc_\n:
        push    $\n
        jmp     exception_common
        .endm

        exc_noerr 0
        exc_noerr 1
        exc_noerr 2
        exc_noerr 3
        exc_noerr 4
        exc_noerr 5
        exc_noerr 6
        exc_noerr 7
        exc_err   8
        exc_noerr 9
        exc_err   10
        exc_err   11
        exc_err   12
        exc_err   13
// #PF: a fetch of syscall_entry from ring 3 is a `syscall` on PVM (above).
        .balign 16
exc_14:
        testb   $3, 16(%rsp)            // CS of the faulting code (error code at 0)
        jz      1f
        // The shim lives in the top 2 GiB, so its addresses fit a
        // sign-extended 32-bit immediate: no register is needed to compare
        // (every instruction here is emulated on PVM, so the path is short).
        cmpq    $syscall_entry, 8(%rsp) // RIP
        jne     2f
        pushq   32(%rsp)                // the user's RSP ...
        popq    user_rsp(%rip)          // ... into user_rsp
        jmp     syscall_from_fault
2:
        // Any other fault from ring 3 may be the stack growing
        // (stack_growth.cc): ask with every register saved, and resume the
        // program if it was.
        push    %rax
        push    %rbx
        push    %rcx
        push    %rdx
        push    %rsi
        push    %rdi
        push    %rbp
        push    %r8
        push    %r9
        push    %r10
        push    %r11
        push    %r12
        push    %r13
        push    %r14
        push    %r15
        mov     %cr2, %rdi
        mov     120(%rsp), %rsi         // the error code, above the 15 saved registers
        mov     %rsp, %rbx
        and     $-16, %rsp
        cld
        call    user_page_fault
        mov     %rbx, %rsp
        test    %al, %al
        pop     %r15
        pop     %r14
        pop     %r13
        pop     %r12
        pop     %r11
        pop     %r10
        pop     %r9
        pop     %r8
        pop     %rbp
        pop     %rdi
        pop     %rsi
        pop     %rdx
        pop     %rcx
        pop     %rbx
        pop     %rax
        jz      1f
        add     $8, %rsp                // the error code
        iretq
1:      push    $14
        jmp     exception_common
        exc_noerr 15
        exc_noerr 16
        exc_err   17
        exc_noerr 18
        exc_noerr 19
        exc_noerr 20
        exc_err   21
        exc_noerr 22
        exc_noerr 23
        exc_noerr 24
        exc_noerr 25
        exc_noerr 26
        exc_noerr 27
        exc_noerr 28
        exc_err   29
        exc_err   30
        exc_noerr 31

exception_common:
        cld
        mov     %rsp, %rdi      // -> ExceptionFrame
        and     $-16, %rsp
        call    exception_handler
        ud2

        .section .rodata
        .balign 8
        .globl exception_stubs
exception_stubs:
        .irp n, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31
        .quad exc_\n
        .endr

        .section .note.GNU-stack, "", @progbits
