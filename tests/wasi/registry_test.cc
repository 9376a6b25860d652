// SPDX-License-Identifier: Apache-2.0
#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <string>

#include "wasi/call.h"
#include "wasi/wasi.h"

namespace cloister::wasi {
namespace {

// The complete wasi_snapshot_preview1 interface with each function's wasm32
// signature ('i' = i32, 'I' = i64), from the preview 1 witx.
struct Expected {
  const char* name;
  const char* params;
};
constexpr Expected kPreview1[] = {
    {"args_get", "ii"},
    {"args_sizes_get", "ii"},
    {"environ_get", "ii"},
    {"environ_sizes_get", "ii"},
    {"clock_res_get", "ii"},
    {"clock_time_get", "iIi"},
    {"fd_advise", "iIIi"},
    {"fd_allocate", "iII"},
    {"fd_close", "i"},
    {"fd_datasync", "i"},
    {"fd_fdstat_get", "ii"},
    {"fd_fdstat_set_flags", "ii"},
    {"fd_fdstat_set_rights", "iII"},
    {"fd_filestat_get", "ii"},
    {"fd_filestat_set_size", "iI"},
    {"fd_filestat_set_times", "iIIi"},
    {"fd_pread", "iiiIi"},
    {"fd_prestat_get", "ii"},
    {"fd_prestat_dir_name", "iii"},
    {"fd_pwrite", "iiiIi"},
    {"fd_read", "iiii"},
    {"fd_readdir", "iiiIi"},
    {"fd_renumber", "ii"},
    {"fd_seek", "iIii"},
    {"fd_sync", "i"},
    {"fd_tell", "ii"},
    {"fd_write", "iiii"},
    {"path_create_directory", "iii"},
    {"path_filestat_get", "iiiii"},
    {"path_filestat_set_times", "iiiiIIi"},
    {"path_link", "iiiiiii"},
    {"path_open", "iiiiiIIii"},
    {"path_readlink", "iiiiii"},
    {"path_remove_directory", "iii"},
    {"path_rename", "iiiiii"},
    {"path_symlink", "iiiii"},
    {"path_unlink_file", "iii"},
    {"poll_oneoff", "iiii"},
    {"proc_exit", "i"},
    {"proc_raise", "i"},
    {"sched_yield", ""},
    {"random_get", "ii"},
    {"sock_accept", "iii"},
    {"sock_recv", "iiiiii"},
    {"sock_send", "iiiii"},
    {"sock_shutdown", "ii"},
};

TEST(WasiRegistry, ImplementsEveryPreview1FunctionWithItsSignature) {
  const auto& fns = wasi_registry().functions();
  std::set<std::string> seen;
  for (const WasiFunction& f : fns) {
    EXPECT_TRUE(seen.insert(f.name).second) << "registered twice: " << f.name;
    EXPECT_NE(f.handler, nullptr) << f.name;
  }
  for (const Expected& e : kPreview1) {
    auto it = std::find_if(fns.begin(), fns.end(),
                           [&](const WasiFunction& f) { return f.name == e.name; });
    ASSERT_NE(it, fns.end()) << "missing: " << e.name;
    EXPECT_EQ(it->params, e.params) << e.name;
    EXPECT_EQ(it->returns_errno, std::string(e.name) != "proc_exit") << e.name;
  }
  EXPECT_EQ(fns.size(), std::size(kPreview1));
}

}  // namespace
}  // namespace cloister::wasi
