// SPDX-License-Identifier: Apache-2.0
#include "base/file.h"

#include <cerrno>
#include <cstdio>
#include <cstring>

namespace cloister {
namespace {

template <typename Container>
Result<Container> read_into(const std::string& path, size_t max_size) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return fail(path, ": ", std::strerror(errno));
  Container out;
  char buf[65536];
  for (;;) {
    size_t n = std::fread(buf, 1, sizeof buf, f);
    if (n == 0) break;
    if (out.size() + n > max_size) {
      std::fclose(f);
      return fail(path, ": file is larger than the limit of ", max_size, " bytes");
    }
    out.insert(out.end(), buf, buf + n);
  }
  bool error = std::ferror(f) != 0;
  int saved = errno;
  std::fclose(f);
  if (error) return fail(path, ": read failed: ", std::strerror(saved));
  return out;
}

}  // namespace

Result<std::vector<uint8_t>> read_file(const std::string& path, size_t max_size) {
  return read_into<std::vector<uint8_t>>(path, max_size);
}

Result<std::string> read_text_file(const std::string& path, size_t max_size) {
  return read_into<std::string>(path, max_size);
}

}  // namespace cloister
