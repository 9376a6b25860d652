// SPDX-License-Identifier: Apache-2.0
//
// Path confinement on the host. The keep's own checks do not count: a
// hostile keep sends whatever it likes, so every path call is confined here
// again, with the kernel doing the walking:
//   - open calls always run as openat2 with RESOLVE_BENEATH |
//     RESOLVE_NO_MAGICLINKS added, so absolute paths, ".." above the
//     directory and symlinks leading out fail (EXDEV, ELOOP) atomically;
//   - the other *at calls take one component (which the kernel looks up in
//     the directory without walking anywhere), and where Linux would follow
//     a final symlink the host resolves it with the same openat2 rules and
//     acts on the resulting O_PATH descriptor instead.
#pragma once

#include <cstdint>

#include "base/unique_fd.h"
#include "host/sallyport/block.h"

namespace cloister::host::sallyport {

// Checks a name for the non-open *at calls. Returns 0 when it is one
// component: not empty, no '/' except trailing ones, not "..". Trailing
// slashes are kept (the kernel gives them their meaning: "a directory"), and
// *trailing_slash says whether there were any, because a trailing slash
// makes Linux follow a final symlink. Errors: ENOENT for an empty name (as
// Linux without AT_EMPTY_PATH), EPERM for anything else.
int check_component(const BlockString& name, bool* trailing_slash);

// openat2(dirfd, path, {flags | O_CLOEXEC, mode, resolve | BENEATH |
// NO_MAGICLINKS}), retried when the kernel reports a racing rename (EAGAIN).
// Returns the descriptor, or -errno.
int64_t open_beneath(int dirfd, const char* path, uint64_t flags, uint64_t mode, uint64_t resolve,
                     UniqueFd* out);

// Resolves `name` beneath dirfd, following a final symlink (confined like
// every other), to an O_PATH descriptor; 0 or -errno (EXDEV: it leads out).
int64_t resolve_follow(int dirfd, const char* name, UniqueFd* out);

}  // namespace cloister::host::sallyport
