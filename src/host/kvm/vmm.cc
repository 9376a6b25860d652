// SPDX-License-Identifier: Apache-2.0
//
// Staged start (as kvmtool and Firecracker do it): check the inputs, open
// /dev/kvm, create the VM and its memory, load the images, set the vCPU's
// entry state, install the keep's descriptors in the sallyport server, run.
// Each stage fails with a message naming what it needed.
#include "host/kvm/vmm.h"

#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <variant>

#include "host/kvm/boot_state.h"
#include "host/kvm/elf_image.h"
#include "host/kvm/exit_report.h"
#include "host/kvm/guest_memory.h"
#include "host/kvm/hex_number.h"
#include "host/kvm/keep_check.h"
#include "host/kvm/kvm_system.h"
#include "host/kvm/stop_signals.h"
#include "host/kvm/vm.h"
#include "host/launch_memfd.h"
#include "host/sallyport/server.h"
#include "keep/launch.h"
#include "sallyport/abi.h"
#include "sallyport/boot.h"

namespace cloister::host::kvm {
namespace {

namespace boot = cloister::sallyport::boot;
using Clock = std::chrono::steady_clock;

uint64_t ns_since(Clock::time_point start) {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(Clock::now() - start).count());
}

void say(int fd, const std::string& line) {
  std::string text = line;
  text += '\n';
  size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += static_cast<size_t>(n);
  }
}

// Reads the keep program straight into guest memory at kKeepElfGpa (no
// intermediate copy) and checks it is a static x86-64 executable. Returns its
// size.
Result<uint64_t> load_keep_program(GuestMemory& memory, const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd) return fail("cannot open the keep program ", path, ": ", std::strerror(errno));
  struct stat st {};
  if (::fstat(fd.get(), &st) != 0) return fail(path, ": ", std::strerror(errno));
  if (!S_ISREG(st.st_mode)) return fail("the keep program ", path, " is not a regular file");
  const uint64_t size = static_cast<uint64_t>(st.st_size);
  const uint64_t room = memory.size() - boot::kKeepElfGpa;
  if (size >= room) {
    return fail("the keep program ", path, " (", size, " bytes) does not fit in a ",
                memory.size() >> 20, " MiB keep");
  }
  uint8_t* const dest = memory.base() + boot::kKeepElfGpa;
  uint64_t done = 0;
  while (done < size) {
    const ssize_t n = ::pread(fd.get(), dest + done, size - done, static_cast<off_t>(done));
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return fail("reading the keep program ", path, ": ", std::strerror(errno));
    if (n == 0) return fail("the keep program ", path, " shrank while being read");
    done += static_cast<uint64_t>(n);
  }
  CLOISTER_TRY(check_static_keep(std::span<const uint8_t>(dest, size), path));
  return size;
}

// Whether the keep's descriptor `number` is a directory Cloister.toml
// granted read-only: inside a kvm keep only the host can hold it to that.
bool read_only_grant(const keep::Launch& launch, int number) {
  for (const keep::LaunchFile& f : launch.files) {
    if (f.keep_fd == number) return f.kind == keep::LaunchFileKind::Dir && f.read_only;
  }
  return false;
}

// The keep's descriptors: 0..2 its stdio, 3 the launch message, then the
// granted ones in order (their numbers in the launch message). Returns how
// many are open.
Result<uint64_t> install_fds(host::sallyport::Server& server, Workload& workload,
                             const KvmOptions& options) {
  using Access = host::sallyport::Server::Access;
  for (int i = 0; i < 3; ++i) {
    UniqueFd dup(::fcntl(options.stdio[i], F_DUPFD_CLOEXEC, 0));
    if (!dup) return fail("duplicating the keep's fd ", i, ": ", std::strerror(errno));
    CLOISTER_TRY(server.install(i, std::move(dup)));
  }
  uint64_t open_fds = keep::kLaunchFd + 1;
  for (auto& [fd, number] : workload.fds) {
    if (number < 0 || static_cast<uint64_t>(number) != open_fds) {
      return fail("granted descriptor numbered ", number, ", expected ", open_fds);
    }
    const Access access =
        read_only_grant(workload.launch, number) ? Access::kReadOnly : Access::kReadWrite;
    CLOISTER_TRY(server.install(number, std::move(fd), access));
    ++open_fds;
  }
  workload.fds.clear();
  CLOISTER_TRY_ASSIGN(UniqueFd launch, launch_memfd(keep::encode_launch(workload.launch)));
  workload.launch = {};
  CLOISTER_TRY(server.install(keep::kLaunchFd, std::move(launch)));
  return open_fds;
}

int stopped_by_signal(int sig, int diag_fd) {
  // As run_nil: a stop request (Ctrl-C, kill, a closed terminal) is not
  // worth a message; SIGQUIT is.
  if (sig != SIGINT && sig != SIGTERM && sig != SIGHUP) {
    say(diag_fd, "cloister: the keep was ended by signal " + std::to_string(sig) + " (" +
                     ::strsignal(sig) + ")");
  }
  return 128 + sig;
}

uint64_t guest_rip(const Vcpu& vcpu) {
  auto regs = vcpu.regs();
  return regs ? regs->rip : 0;
}

// "rip 0x..., rsp 0x..., cr3 0x...": where the guest was when KVM gave up.
std::string guest_place(const Vcpu& vcpu) {
  auto regs = vcpu.regs();
  auto sregs = vcpu.sregs();
  if (!regs || !sregs) return "rip unknown";
  return "rip " + hex_number(regs->rip) + " (rsp " + hex_number(regs->rsp) + ", cr3 " +
         hex_number(sregs->cr3) + ")";
}

std::string internal_error_text(uint32_t suberror) {
  switch (suberror) {
    case KVM_INTERNAL_ERROR_EMULATION:
      return "KVM could not emulate an instruction";
    case KVM_INTERNAL_ERROR_SIMUL_EX:
      return "a fault while delivering a fault (KVM internal error)";
    case KVM_INTERNAL_ERROR_DELIVERY_EV:
      return "KVM could not deliver an event to the guest";
    default:
      return "KVM internal error (suberror " + std::to_string(suberror) + ")";
  }
}

// A keep fault the VMM saw itself (the shim never got to report it).
int vm_fault(int diag_fd, const std::string& what) {
  say(diag_fd, "cloister: keep fault: " + what);
  return kExitKeepFault;
}

// Runs the vCPU until the keep ends. The doorbell path allocates nothing and
// makes no system call besides KVM_RUN and the host call itself.
Result<int> run_loop(Vcpu& vcpu, uint8_t* const block, host::sallyport::Server& server, int diag_fd,
                     Clock::time_point start, VmTimings* timings) {
  kvm_run* const run = vcpu.run();
  uint64_t doorbells = 0;
  for (;;) {
    if (const int sig = StopSignals::received()) return stopped_by_signal(sig, diag_fd);
    if (::ioctl(vcpu.fd(), KVM_RUN, 0) != 0) {
      if (errno == EINTR || errno == EAGAIN) continue;
      return fail("KVM_RUN: ", std::strerror(errno));
    }
    switch (run->exit_reason) {
      case KVM_EXIT_IO: {
        const auto& io = run->io;
        if (io.port != cloister::sallyport::kDoorbellPort || io.direction != KVM_EXIT_IO_OUT) {
          return vm_fault(diag_fd,
                          std::string(io.direction == KVM_EXIT_IO_OUT ? "the guest wrote to"
                                                                      : "the guest read from") +
                              " I/O port " + hex_number(io.port) + " at rip " +
                              hex_number(guest_rip(vcpu)) + " (only the sallyport doorbell " +
                              hex_number(cloister::sallyport::kDoorbellPort) + " exists)");
        }
        if (doorbells++ == 0 && timings != nullptr) timings->first_doorbell_ns = ns_since(start);
        const Clock::time_point handle_start = timings != nullptr ? Clock::now() : start;
        host::sallyport::Outcome outcome = server.handle(block);
        if (timings != nullptr) timings->server_ns += ns_since(handle_start);
        // A stop signal may have interrupted the host call: its reply is
        // never shown to the guest (the loop ends the keep first).
        if (std::holds_alternative<host::sallyport::Continue>(outcome)) continue;
        if (timings != nullptr) timings->doorbells = doorbells;
        if (const auto* exit = std::get_if<host::sallyport::Exit>(&outcome)) return exit->status;
        if (const auto* f = std::get_if<host::sallyport::Fault>(&outcome)) {
          say(diag_fd, fault_message(f->vector, f->error_code, f->rip, f->cr2, f->cs));
          return kExitKeepFault;
        }
        const auto& violation = std::get<host::sallyport::Violation>(outcome);
        say(diag_fd, "cloister: sallyport: protocol violation: " + violation.text);
        return kExitKeepFault;
      }
      case KVM_EXIT_INTR:
        continue;  // a signal; the loop checks whether it was a stop request
      case KVM_EXIT_SHUTDOWN:
        return vm_fault(diag_fd,
                        "triple fault (the guest CPU shut down; an exception the shim "
                        "could not handle) at rip " +
                            hex_number(guest_rip(vcpu)));
      case KVM_EXIT_HLT:
        return vm_fault(diag_fd, "the guest halted (hlt before rip " + hex_number(guest_rip(vcpu)) +
                                     ") instead of exiting through the sallyport");
      case KVM_EXIT_MMIO:
        return vm_fault(
            diag_fd,
            std::string(run->mmio.is_write ? "the guest wrote to" : "the guest read from") +
                " unbacked guest physical address " + hex_number(run->mmio.phys_addr) + " at rip " +
                hex_number(guest_rip(vcpu)));
      case KVM_EXIT_FAIL_ENTRY:
        return vm_fault(diag_fd,
                        "the CPU refused to enter the guest (hardware entry failure "
                        "reason " +
                            hex_number(run->fail_entry.hardware_entry_failure_reason) + ")");
      case KVM_EXIT_INTERNAL_ERROR:
        return vm_fault(diag_fd,
                        internal_error_text(run->internal.suberror) + " at " + guest_place(vcpu));
      default:
        return vm_fault(diag_fd, "unexpected KVM exit (reason " + std::to_string(run->exit_reason) +
                                     ") at rip " + hex_number(guest_rip(vcpu)));
    }
  }
}

}  // namespace

namespace {

// The stages after the signal handlers are in place.
Result<int> start_and_run(std::span<const uint8_t> shim_elf, const std::string& keep_program,
                          Workload workload, const KvmOptions& options, StopSignals& stop_signals,
                          Clock::time_point start, VmTimings* timings) {
  CLOISTER_TRY_ASSIGN(const uint64_t memory_size, guest_memory_size(options.memory_bytes));
  CLOISTER_TRY_ASSIGN(const ElfImage shim, parse_elf(shim_elf, "the shim"));
  CLOISTER_TRY_ASSIGN(const KvmSystem kvm, KvmSystem::open());
  CLOISTER_TRY_ASSIGN(const CpuidTable cpuid, kvm.supported_cpuid());
  CLOISTER_TRY_ASSIGN(GuestMemory memory, GuestMemory::create(memory_size));
  CLOISTER_TRY_ASSIGN(Vm vm, Vm::create(kvm));
  CLOISTER_TRY(vm.set_memory(memory));
  CLOISTER_TRY_ASSIGN(const uint64_t entry, load_shim(memory, shim));
  CLOISTER_TRY_ASSIGN(const uint64_t keep_size, load_keep_program(memory, keep_program));

  host::sallyport::Server server(options.stdio[2]);
  CLOISTER_TRY_ASSIGN(const uint64_t open_fds, install_fds(server, workload, options));
  if (options.reply_hook) server.set_reply_hook(options.reply_hook);
  // The host can read guest memory anyway (a kvm keep is not confidential),
  // so the shim may name I/O buffers by address instead of copying them
  // through the block: no bulk copy in the guest's ring 0.
  server.set_guest_memory(memory.base(), memory.size());
  CLOISTER_TRY(write_boot_info(memory, keep_size, open_fds, boot::kFeatureDirectIo));

  CLOISTER_TRY_ASSIGN(Vcpu vcpu, vm.create_vcpu(kvm));
  CLOISTER_TRY(vcpu.set_cpuid(cpuid));
  CLOISTER_TRY(set_entry_state(vcpu, entry));

  StdioFlagsGuard stdio_flags(options.stdio);
  if (timings != nullptr) timings->entry_ns = ns_since(start);
  stop_signals.watch(vcpu.run());
  auto status =
      run_loop(vcpu, memory.base() + boot::kBlockGpa, server, options.stdio[2], start, timings);
  // Before the kvm_run page goes away with the vCPU.
  stop_signals.watch(nullptr);
  if (timings != nullptr) timings->end_ns = ns_since(start);
  return status;
}

}  // namespace

Result<int> run_vm(std::span<const uint8_t> shim_elf, const std::string& keep_program,
                   Workload workload, const KvmOptions& options, VmTimings* timings) {
  const Clock::time_point start = Clock::now();
  // First, so that a stop signal during the set-up ends the keep as one
  // while it runs would (a set-up step it interrupted fails with EINTR).
  StopSignals stop_signals;
  auto status = start_and_run(shim_elf, keep_program, std::move(workload), options, stop_signals,
                              start, timings);
  if (!status) {
    if (const int sig = StopSignals::received()) return stopped_by_signal(sig, options.stdio[2]);
  }
  return status;
}

}  // namespace cloister::host::kvm
