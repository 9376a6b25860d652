// SPDX-License-Identifier: Apache-2.0
//
// The `wasi_snapshot_preview1` ABI for wasm32: type codes, flag bits and the
// byte layout of every structure the functions read or write in guest memory.
// The numbers are facts from the WASI preview 1 specification
// (phases/snapshot/witx/typenames.witx and the generated docs); offsets and
// sizes follow its C ABI (little-endian, natural alignment, 32-bit pointers).
#pragma once

#include <cstdint>

namespace cloister::wasi {

inline constexpr const char* kModuleName = "wasi_snapshot_preview1";

// errno: the result of every function except proc_exit.
// clang-format off
enum class Errno : uint16_t {
  Success = 0, TooBig = 1, Acces = 2, AddrInUse = 3, AddrNotAvail = 4, AfNoSupport = 5,
  Again = 6, Already = 7, Badf = 8, BadMsg = 9, Busy = 10, Canceled = 11, Child = 12,
  ConnAborted = 13, ConnRefused = 14, ConnReset = 15, Deadlk = 16, DestAddrReq = 17, Dom = 18,
  Dquot = 19, Exist = 20, Fault = 21, Fbig = 22, HostUnreach = 23, Idrm = 24, Ilseq = 25,
  InProgress = 26, Intr = 27, Inval = 28, Io = 29, IsConn = 30, IsDir = 31, Loop = 32,
  Mfile = 33, Mlink = 34, MsgSize = 35, Multihop = 36, NameTooLong = 37, NetDown = 38,
  NetReset = 39, NetUnreach = 40, Nfile = 41, NoBufs = 42, NoDev = 43, NoEnt = 44, NoExec = 45,
  NoLck = 46, NoLink = 47, NoMem = 48, NoMsg = 49, NoProtoOpt = 50, NoSpc = 51, NoSys = 52,
  NotConn = 53, NotDir = 54, NotEmpty = 55, NotRecoverable = 56, NotSock = 57, NotSup = 58,
  NoTty = 59, Nxio = 60, Overflow = 61, OwnerDead = 62, Perm = 63, Pipe = 64, Proto = 65,
  ProtoNoSupport = 66, ProtoType = 67, Range = 68, Rofs = 69, Spipe = 70, Srch = 71, Stale = 72,
  TimedOut = 73, TxtBsy = 74, Xdev = 75, NotCapable = 76,
};
inline constexpr uint16_t kErrnoMax = 76;

enum class Filetype : uint8_t {
  Unknown = 0, BlockDevice = 1, CharacterDevice = 2, Directory = 3, RegularFile = 4,
  SocketDgram = 5, SocketStream = 6, SymbolicLink = 7,
};
// clang-format on

// rights (u64 bit set).
namespace rights {
inline constexpr uint64_t kFdDatasync = 1ull << 0;
inline constexpr uint64_t kFdRead = 1ull << 1;
inline constexpr uint64_t kFdSeek = 1ull << 2;
inline constexpr uint64_t kFdFdstatSetFlags = 1ull << 3;
inline constexpr uint64_t kFdSync = 1ull << 4;
inline constexpr uint64_t kFdTell = 1ull << 5;
inline constexpr uint64_t kFdWrite = 1ull << 6;
inline constexpr uint64_t kFdAdvise = 1ull << 7;
inline constexpr uint64_t kFdAllocate = 1ull << 8;
inline constexpr uint64_t kPathCreateDirectory = 1ull << 9;
inline constexpr uint64_t kPathCreateFile = 1ull << 10;
inline constexpr uint64_t kPathLinkSource = 1ull << 11;
inline constexpr uint64_t kPathLinkTarget = 1ull << 12;
inline constexpr uint64_t kPathOpen = 1ull << 13;
inline constexpr uint64_t kFdReaddir = 1ull << 14;
inline constexpr uint64_t kPathReadlink = 1ull << 15;
inline constexpr uint64_t kPathRenameSource = 1ull << 16;
inline constexpr uint64_t kPathRenameTarget = 1ull << 17;
inline constexpr uint64_t kPathFilestatGet = 1ull << 18;
inline constexpr uint64_t kPathFilestatSetSize = 1ull << 19;
inline constexpr uint64_t kPathFilestatSetTimes = 1ull << 20;
inline constexpr uint64_t kFdFilestatGet = 1ull << 21;
inline constexpr uint64_t kFdFilestatSetSize = 1ull << 22;
inline constexpr uint64_t kFdFilestatSetTimes = 1ull << 23;
inline constexpr uint64_t kPathSymlink = 1ull << 24;
inline constexpr uint64_t kPathRemoveDirectory = 1ull << 25;
inline constexpr uint64_t kPathUnlinkFile = 1ull << 26;
inline constexpr uint64_t kPollFdReadwrite = 1ull << 27;
inline constexpr uint64_t kSockShutdown = 1ull << 28;
inline constexpr uint64_t kSockAccept = 1ull << 29;
inline constexpr uint64_t kAll = (1ull << 30) - 1;

// Rights that change something (refused everywhere below a read-only preopen).
inline constexpr uint64_t kWriting =
    kFdDatasync | kFdWrite | kFdAllocate | kPathCreateDirectory | kPathCreateFile |
    kPathLinkSource | kPathLinkTarget | kPathRenameSource | kPathRenameTarget |
    kPathFilestatSetSize | kPathFilestatSetTimes | kFdFilestatSetSize | kFdFilestatSetTimes |
    kPathSymlink | kPathRemoveDirectory | kPathUnlinkFile | kFdSync;
// Rights that need the host file open for writing (path_open derives the
// access mode from them).
inline constexpr uint64_t kWriteAccess = kFdWrite | kFdAllocate | kFdFilestatSetSize;
// What a regular file can do, and what a directory can do.
inline constexpr uint64_t kRegularFile =
    kFdDatasync | kFdRead | kFdSeek | kFdFdstatSetFlags | kFdSync | kFdTell | kFdWrite | kFdAdvise |
    kFdAllocate | kFdFilestatGet | kFdFilestatSetSize | kFdFilestatSetTimes | kPollFdReadwrite;
inline constexpr uint64_t kDirectory =
    kFdFdstatSetFlags | kFdSync | kFdDatasync | kPathCreateDirectory | kPathCreateFile |
    kPathLinkSource | kPathLinkTarget | kPathOpen | kFdReaddir | kPathReadlink | kPathRenameSource |
    kPathRenameTarget | kPathFilestatGet | kPathFilestatSetSize | kPathFilestatSetTimes |
    kFdFilestatGet | kFdFilestatSetTimes | kPathSymlink | kPathRemoveDirectory | kPathUnlinkFile;
// Character devices and pipes (stdio, /dev/null): no seeking.
inline constexpr uint64_t kStream = kFdRead | kFdWrite | kFdFdstatSetFlags | kFdFilestatGet |
                                    kPollFdReadwrite | kFdSync | kFdDatasync;
inline constexpr uint64_t kSocket = kFdRead | kFdWrite | kFdFdstatSetFlags | kFdFilestatGet |
                                    kPollFdReadwrite | kSockShutdown | kSockAccept;
}  // namespace rights

// oflags (u16)
inline constexpr uint16_t kOflagCreat = 1 << 0;
inline constexpr uint16_t kOflagDirectory = 1 << 1;
inline constexpr uint16_t kOflagExcl = 1 << 2;
inline constexpr uint16_t kOflagTrunc = 1 << 3;

// fdflags (u16)
inline constexpr uint16_t kFdflagAppend = 1 << 0;
inline constexpr uint16_t kFdflagDsync = 1 << 1;
inline constexpr uint16_t kFdflagNonblock = 1 << 2;
inline constexpr uint16_t kFdflagRsync = 1 << 3;
inline constexpr uint16_t kFdflagSync = 1 << 4;

// lookupflags (u32)
inline constexpr uint32_t kLookupSymlinkFollow = 1 << 0;

// fstflags (u16)
inline constexpr uint16_t kFstAtim = 1 << 0;
inline constexpr uint16_t kFstAtimNow = 1 << 1;
inline constexpr uint16_t kFstMtim = 1 << 2;
inline constexpr uint16_t kFstMtimNow = 1 << 3;

// whence (u8)
inline constexpr uint8_t kWhenceSet = 0;
inline constexpr uint8_t kWhenceCur = 1;
inline constexpr uint8_t kWhenceEnd = 2;

// clockid (u32)
inline constexpr uint32_t kClockRealtime = 0;
inline constexpr uint32_t kClockMonotonic = 1;
inline constexpr uint32_t kClockProcessCputime = 2;
inline constexpr uint32_t kClockThreadCputime = 3;

// advice (u8): normal .. noreuse
inline constexpr uint8_t kAdviceMax = 5;

// eventtype (u8)
inline constexpr uint8_t kEventClock = 0;
inline constexpr uint8_t kEventFdRead = 1;
inline constexpr uint8_t kEventFdWrite = 2;

// subclockflags (u16)
inline constexpr uint16_t kSubclockAbstime = 1 << 0;
// eventrwflags (u16)
inline constexpr uint16_t kEventFdReadwriteHangup = 1 << 0;
// riflags / roflags (u16)
inline constexpr uint16_t kRiRecvPeek = 1 << 0;
inline constexpr uint16_t kRiRecvWaitall = 1 << 1;
inline constexpr uint16_t kRoRecvDataTruncated = 1 << 0;
// sdflags (u8)
inline constexpr uint8_t kSdRd = 1 << 0;
inline constexpr uint8_t kSdWr = 1 << 1;
// preopentype (u8)
inline constexpr uint8_t kPreopentypeDir = 0;

// Structure layouts: {size, field offsets}.
namespace layout {
// iovec / ciovec
inline constexpr uint32_t kIovecSize = 8, kIovecBuf = 0, kIovecLen = 4;
// fdstat
inline constexpr uint32_t kFdstatSize = 24, kFdstatFiletype = 0, kFdstatFlags = 2,
                          kFdstatRightsBase = 8, kFdstatRightsInheriting = 16;
// filestat
inline constexpr uint32_t kFilestatSize = 64, kFilestatDev = 0, kFilestatIno = 8,
                          kFilestatFiletype = 16, kFilestatNlink = 24, kFilestatSize_ = 32,
                          kFilestatAtim = 40, kFilestatMtim = 48, kFilestatCtim = 56;
// dirent (followed by d_namlen bytes of name, not NUL-terminated)
inline constexpr uint32_t kDirentSize = 24, kDirentNext = 0, kDirentIno = 8, kDirentNamlen = 16,
                          kDirentType = 20;
// prestat
inline constexpr uint32_t kPrestatSize = 8, kPrestatTag = 0, kPrestatDirNameLen = 4;
// subscription
inline constexpr uint32_t kSubscriptionSize = 48, kSubUserdata = 0, kSubTag = 8, kSubClockId = 16,
                          kSubClockTimeout = 24, kSubClockPrecision = 32, kSubClockFlags = 40,
                          kSubFdReadwriteFd = 16;
// event
inline constexpr uint32_t kEventSize = 32, kEventUserdata = 0, kEventError = 8, kEventType = 10,
                          kEventNbytes = 16, kEventFlags = 24;
}  // namespace layout

}  // namespace cloister::wasi
