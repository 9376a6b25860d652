// SPDX-License-Identifier: Apache-2.0
//
// Where a dir entry's `host` path points: relative paths are relative to the
// config file's directory, not to wherever `cloister run` was started.
#pragma once

#include <string>
#include <string_view>

namespace cloister::config {

// `path` if absolute, else `base_dir`/`path`; a relative or empty `base_dir`
// is taken relative to the current directory. "." components, repeated and
// trailing slashes are dropped; ".." is kept (removing it lexically would be
// wrong when the preceding component is a symlink). Symlinks are not
// resolved and the path need not exist.
std::string resolve_host_path(std::string_view base_dir, std::string_view path);

}  // namespace cloister::config
