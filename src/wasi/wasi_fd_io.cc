// SPDX-License-Identifier: Apache-2.0
//
// (being written: see call.h for how a WASI function is registered)
#include "wasi/call.h"

namespace cloister::wasi {

void register_fd_io(WasiRegistry&) {}

}  // namespace cloister::wasi
