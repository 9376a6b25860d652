// SPDX-License-Identifier: Apache-2.0
#include "wasi/confine.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <cstdint>
#include <utility>

#include "wasi/host_conv.h"

namespace cloister::wasi {
namespace {

// How often a lookup is retried when the kernel reports that a rename or
// mount raced with a ".." step (EAGAIN from RESOLVE_BENEATH).
constexpr int kRaceRetries = 16;

bool is_utf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto b = static_cast<uint8_t>(s[i]);
    size_t extra;
    uint32_t cp;
    if (b < 0x80) {
      ++i;
      continue;
    } else if ((b & 0xE0) == 0xC0) {
      extra = 1, cp = b & 0x1F;
    } else if ((b & 0xF0) == 0xE0) {
      extra = 2, cp = b & 0x0F;
    } else if ((b & 0xF8) == 0xF0) {
      extra = 3, cp = b & 0x07;
    } else {
      return false;
    }
    if (s.size() - i <= extra) return false;
    for (size_t k = 1; k <= extra; ++k) {
      const auto c = static_cast<uint8_t>(s[i + k]);
      if ((c & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (c & 0x3F);
    }
    // Overlong forms, UTF-16 surrogates and values past U+10FFFF are not UTF-8.
    static constexpr uint32_t kMinForLength[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMinForLength[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      return false;
    }
    i += extra + 1;
  }
  return true;
}

Errno check_text(std::string_view s) {
  if (s.empty()) return Errno::NoEnt;
  if (s.find('\0') != std::string_view::npos) return Errno::Inval;
  if (!is_utf8(s)) return Errno::Ilseq;
  if (s.front() == '/') return Errno::NotCapable;
  return Errno::Success;
}

std::string_view without_trailing_slashes(std::string_view path) {
  while (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  return path;
}

}  // namespace

Errno check_guest_path(std::string_view path) {
  return check_text(path);
}

Errno check_symlink_target(std::string_view target) {
  return check_text(target);
}

bool has_trailing_slash(std::string_view path) {
  return !path.empty() && path.back() == '/';
}

ErrnoOr<UniqueFd> open_beneath(int dirfd, const std::string& path, int flags, mode_t mode) {
  struct open_how how {};
  // openat2 rejects flags that mean nothing for O_PATH (O_NOCTTY among them).
  const int extra = (flags & O_PATH) != 0 ? O_CLOEXEC : O_CLOEXEC | O_NOCTTY;
  how.flags = static_cast<uint64_t>(flags | extra);
  // The kernel rejects a mode without O_CREAT/O_TMPFILE.
  how.mode = (flags & O_CREAT) != 0 ? mode : 0;
  how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
  for (int attempt = 0;; ++attempt) {
    const long fd = ::syscall(SYS_openat2, dirfd, path.c_str(), &how, sizeof(how));
    if (fd >= 0) return UniqueFd(static_cast<int>(fd));
    if (errno == EAGAIN && attempt < kRaceRetries) continue;
    if (errno == EINTR) continue;
    // EXDEV is how RESOLVE_BENEATH reports a path that would leave dirfd.
    if (errno == EXDEV) return Errno::NotCapable;
    return last_errno();
  }
}

int PathTarget::nofollow_flags() const {
  return is_self() ? AT_EMPTY_PATH : AT_SYMLINK_NOFOLLOW;
}

ErrnoOr<PathTarget> resolve_nofollow(int dirfd, std::string_view path) {
  WASI_CHECK(check_guest_path(path));
  const std::string_view trimmed = without_trailing_slashes(path);
  const size_t slash = trimmed.rfind('/');
  const std::string_view last =
      slash == std::string_view::npos ? trimmed : trimmed.substr(slash + 1);
  PathTarget t;
  if (last == "." || last == "..") {
    WASI_TRY_ASSIGN(t.owned, open_beneath(dirfd, std::string(path), O_PATH | O_DIRECTORY));
    t.dirfd = t.owned.get();
    t.name = ".";
    return t;
  }
  if (slash == std::string_view::npos) {
    t.dirfd = dirfd;
  } else {
    // `trimmed` has no leading '/', so the parent part is non-empty.
    const std::string parent(trimmed.substr(0, slash));
    WASI_TRY_ASSIGN(t.owned, open_beneath(dirfd, parent, O_PATH | O_DIRECTORY));
    t.dirfd = t.owned.get();
  }
  // The last name keeps the guest's trailing slashes: the kernel gives them
  // their POSIX meaning ("must be a directory") for each operation.
  t.name = std::string(path.substr(slash == std::string_view::npos ? 0 : slash + 1));
  return t;
}

ErrnoOr<PathTarget> resolve_follow(int dirfd, std::string_view path) {
  WASI_CHECK(check_guest_path(path));
  PathTarget t;
  WASI_TRY_ASSIGN(t.owned, open_beneath(dirfd, std::string(path), O_PATH));
  t.dirfd = t.owned.get();
  return t;
}

ErrnoOr<PathTarget> resolve_lookup(int dirfd, std::string_view path, bool follow) {
  if (follow || has_trailing_slash(path)) return resolve_follow(dirfd, path);
  return resolve_nofollow(dirfd, path);
}

}  // namespace cloister::wasi
