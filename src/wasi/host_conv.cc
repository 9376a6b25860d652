// SPDX-License-Identifier: Apache-2.0
#include "wasi/host_conv.h"

#include <fcntl.h>
#include <sys/stat.h>

#include <cerrno>
#include <limits>

namespace cloister::wasi {

Errno errno_from_linux(int e) {
  switch (e) {
    case 0:
      return Errno::Success;
    case E2BIG:
      return Errno::TooBig;
    case EACCES:
      return Errno::Acces;
    case EADDRINUSE:
      return Errno::AddrInUse;
    case EADDRNOTAVAIL:
      return Errno::AddrNotAvail;
    case EAFNOSUPPORT:
      return Errno::AfNoSupport;
    case EAGAIN:
      return Errno::Again;  // == EWOULDBLOCK
    case EALREADY:
      return Errno::Already;
    case EBADF:
      return Errno::Badf;
    case EBADMSG:
      return Errno::BadMsg;
    case EBUSY:
      return Errno::Busy;
    case ECANCELED:
      return Errno::Canceled;
    case ECHILD:
      return Errno::Child;
    case ECONNABORTED:
      return Errno::ConnAborted;
    case ECONNREFUSED:
      return Errno::ConnRefused;
    case ECONNRESET:
      return Errno::ConnReset;
    case EDEADLK:
      return Errno::Deadlk;
    case EDESTADDRREQ:
      return Errno::DestAddrReq;
    case EDOM:
      return Errno::Dom;
    case EDQUOT:
      return Errno::Dquot;
    case EEXIST:
      return Errno::Exist;
    case EFAULT:
      return Errno::Fault;
    case EFBIG:
      return Errno::Fbig;
    case EHOSTUNREACH:
      return Errno::HostUnreach;
    case EIDRM:
      return Errno::Idrm;
    case EILSEQ:
      return Errno::Ilseq;
    case EINPROGRESS:
      return Errno::InProgress;
    case EINTR:
      return Errno::Intr;
    case EINVAL:
      return Errno::Inval;
    case EIO:
      return Errno::Io;
    case EISCONN:
      return Errno::IsConn;
    case EISDIR:
      return Errno::IsDir;
    case ELOOP:
      return Errno::Loop;
    case EMFILE:
      return Errno::Mfile;
    case EMLINK:
      return Errno::Mlink;
    case EMSGSIZE:
      return Errno::MsgSize;
    case EMULTIHOP:
      return Errno::Multihop;
    case ENAMETOOLONG:
      return Errno::NameTooLong;
    case ENETDOWN:
      return Errno::NetDown;
    case ENETRESET:
      return Errno::NetReset;
    case ENETUNREACH:
      return Errno::NetUnreach;
    case ENFILE:
      return Errno::Nfile;
    case ENOBUFS:
      return Errno::NoBufs;
    case ENODEV:
      return Errno::NoDev;
    case ENOENT:
      return Errno::NoEnt;
    case ENOEXEC:
      return Errno::NoExec;
    case ENOLCK:
      return Errno::NoLck;
    case ENOLINK:
      return Errno::NoLink;
    case ENOMEM:
      return Errno::NoMem;
    case ENOMSG:
      return Errno::NoMsg;
    case ENOPROTOOPT:
      return Errno::NoProtoOpt;
    case ENOSPC:
      return Errno::NoSpc;
    case ENOSYS:
      return Errno::NoSys;
    case ENOTCONN:
      return Errno::NotConn;
    case ENOTDIR:
      return Errno::NotDir;
    case ENOTEMPTY:
      return Errno::NotEmpty;
    case ENOTRECOVERABLE:
      return Errno::NotRecoverable;
    case ENOTSOCK:
      return Errno::NotSock;
    case ENOTSUP:
      return Errno::NotSup;  // == EOPNOTSUPP on Linux
    case ENOTTY:
      return Errno::NoTty;
    case ENXIO:
      return Errno::Nxio;
    case EOVERFLOW:
      return Errno::Overflow;
    case EOWNERDEAD:
      return Errno::OwnerDead;
    case EPERM:
      return Errno::Perm;
    case EPIPE:
      return Errno::Pipe;
    case EPROTO:
      return Errno::Proto;
    case EPROTONOSUPPORT:
      return Errno::ProtoNoSupport;
    case EPROTOTYPE:
      return Errno::ProtoType;
    case ERANGE:
      return Errno::Range;
    case EROFS:
      return Errno::Rofs;
    case ESPIPE:
      return Errno::Spipe;
    case ESRCH:
      return Errno::Srch;
    case ESTALE:
      return Errno::Stale;
    case ETIMEDOUT:
      return Errno::TimedOut;
    case ETXTBSY:
      return Errno::TxtBsy;
    case EXDEV:
      return Errno::Xdev;
    default:
      return Errno::Io;
  }
}

Errno last_errno() {
  return errno_from_linux(errno);
}

Filetype filetype_from_mode(mode_t mode) {
  switch (mode & S_IFMT) {
    case S_IFBLK:
      return Filetype::BlockDevice;
    case S_IFCHR:
      return Filetype::CharacterDevice;
    case S_IFDIR:
      return Filetype::Directory;
    case S_IFREG:
      return Filetype::RegularFile;
    case S_IFSOCK:
      return Filetype::SocketStream;
    case S_IFLNK:
      return Filetype::SymbolicLink;
    default:
      return Filetype::Unknown;  // FIFOs have no WASI type
  }
}

uint64_t timespec_to_ns(const struct timespec& ts) {
  if (ts.tv_sec < 0) return 0;
  const auto sec = static_cast<uint64_t>(ts.tv_sec);
  constexpr uint64_t kMax = std::numeric_limits<uint64_t>::max();
  if (sec > (kMax - static_cast<uint64_t>(ts.tv_nsec)) / 1000000000ull) return kMax;
  return sec * 1000000000ull + static_cast<uint64_t>(ts.tv_nsec);
}

struct timespec ns_to_timespec(uint64_t ns) {
  struct timespec ts {};
  ts.tv_sec = static_cast<time_t>(ns / 1000000000ull);
  ts.tv_nsec = static_cast<long>(ns % 1000000000ull);
  return ts;
}

namespace {

struct timespec utimens_time(uint64_t ns, bool set, bool now) {
  struct timespec ts {};
  if (now) {
    ts.tv_nsec = UTIME_NOW;
  } else if (set) {
    ts = ns_to_timespec(ns);
  } else {
    ts.tv_nsec = UTIME_OMIT;
  }
  return ts;
}

}  // namespace

ErrnoOr<UtimensTimes> utimens_times(uint64_t atim, uint64_t mtim, uint32_t fst) {
  constexpr uint32_t kKnown = kFstAtim | kFstAtimNow | kFstMtim | kFstMtimNow;
  if ((fst & ~kKnown) != 0) return Errno::Inval;
  if ((fst & kFstAtim) && (fst & kFstAtimNow)) return Errno::Inval;
  if ((fst & kFstMtim) && (fst & kFstMtimNow)) return Errno::Inval;
  UtimensTimes t;
  t.times[0] = utimens_time(atim, fst & kFstAtim, fst & kFstAtimNow);
  t.times[1] = utimens_time(mtim, fst & kFstMtim, fst & kFstMtimNow);
  return t;
}

StructWriter<layout::kFilestatSize> filestat_from_stat(const struct stat& st) {
  StructWriter<layout::kFilestatSize> w;
  w.put<uint64_t>(layout::kFilestatDev, st.st_dev);
  w.put<uint64_t>(layout::kFilestatIno, st.st_ino);
  w.put<uint8_t>(layout::kFilestatFiletype, static_cast<uint8_t>(filetype_from_mode(st.st_mode)));
  w.put<uint64_t>(layout::kFilestatNlink, st.st_nlink);
  w.put<uint64_t>(layout::kFilestatSize_, static_cast<uint64_t>(st.st_size));
  w.put<uint64_t>(layout::kFilestatAtim, timespec_to_ns(st.st_atim));
  w.put<uint64_t>(layout::kFilestatMtim, timespec_to_ns(st.st_mtim));
  w.put<uint64_t>(layout::kFilestatCtim, timespec_to_ns(st.st_ctim));
  return w;
}

}  // namespace cloister::wasi
