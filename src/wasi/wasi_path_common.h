// SPDX-License-Identifier: Apache-2.0
//
// Internal to the path_* functions (wasi_path*.cc): finding the directory a
// path is relative to, reading the guest's path string, and the handlers each
// file defines for wasi_path.cc to register.
#pragma once

#include <cstdint>
#include <string>

#include "wasi/call.h"
#include "wasi/fd_table.h"

namespace cloister::wasi {

// The directory entry `fd` names, for an operation that needs every right in
// `required`: Badf when not open, NotDir when not a directory, NotCapable
// when a right is missing, and NotCapable for any operation that changes
// something (`writes`) below a read-only preopen (such entries never hold the
// rights, this is defence in depth).
ErrnoOr<FdEntry*> path_dir(WasiCall& c, uint32_t fd, uint64_t required, bool writes);

// A copy of the guest string at [ptr, ptr+len): Fault when out of bounds,
// NameTooLong from PATH_MAX bytes on (what Linux accepts in a path).
ErrnoOr<std::string> guest_string(WasiCall& c, uint32_t ptr, uint32_t len);

// wasi_path_open.cc
wasm::Outcome<Errno> path_open(WasiCall& c);
// wasi_path_ops.cc: operations that change the tree.
wasm::Outcome<Errno> path_create_directory(WasiCall& c);
wasm::Outcome<Errno> path_remove_directory(WasiCall& c);
wasm::Outcome<Errno> path_unlink_file(WasiCall& c);
wasm::Outcome<Errno> path_rename(WasiCall& c);
wasm::Outcome<Errno> path_symlink(WasiCall& c);
wasm::Outcome<Errno> path_link(WasiCall& c);
// wasi_path.cc: lookups and metadata.
wasm::Outcome<Errno> path_readlink(WasiCall& c);
wasm::Outcome<Errno> path_filestat_get(WasiCall& c);
wasm::Outcome<Errno> path_filestat_set_times(WasiCall& c);

}  // namespace cloister::wasi
