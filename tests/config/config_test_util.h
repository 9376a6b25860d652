// SPDX-License-Identifier: Apache-2.0
//
// Field-by-field comparison of configs for the config tests (KeepConfig has
// no operator==: nothing outside the tests needs one).
#pragma once

#include <gtest/gtest.h>

#include "config/keep_config.h"

namespace cloister::config {

inline void expect_same_config(const KeepConfig& a, const KeepConfig& b) {
  EXPECT_EQ(a.args, b.args);
  EXPECT_EQ(a.env, b.env);
  EXPECT_EQ(a.files_listed, b.files_listed);
  EXPECT_EQ(a.keep.memory, b.keep.memory);
  EXPECT_EQ(a.keep.require_confidential, b.keep.require_confidential);
  ASSERT_EQ(a.files.size(), b.files.size());
  for (size_t i = 0; i < a.files.size(); ++i) {
    const FileEntry& x = a.files[i];
    const FileEntry& y = b.files[i];
    SCOPED_TRACE("files[" + std::to_string(i) + "]");
    EXPECT_EQ(x.kind, y.kind);
    EXPECT_EQ(x.name, y.name);
    EXPECT_EQ(x.addr, y.addr);
    EXPECT_EQ(x.host, y.host);
    EXPECT_EQ(x.port, y.port);
    EXPECT_EQ(x.prot, y.prot);
    EXPECT_EQ(x.host_path, y.host_path);
    EXPECT_EQ(x.guest_path, y.guest_path);
    EXPECT_EQ(x.read_only, y.read_only);
  }
}

}  // namespace cloister::config
