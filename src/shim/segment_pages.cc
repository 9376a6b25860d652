// SPDX-License-Identifier: Apache-2.0
#include "shim/segment_pages.h"

namespace cloister::shim {
namespace {

constexpr uint64_t kPage = 4096;

constexpr uint64_t down(uint64_t v) {
  return v & ~(kPage - 1);
}
constexpr uint64_t up(uint64_t v) {
  return (v + kPage - 1) & ~(kPage - 1);
}

// The file page holding image page `page` of segment `s` (vaddr and offset
// are congruent modulo the page size; parse_elf checked).
uint64_t file_page(const ElfSegment& s, uint64_t page) {
  return down(s.offset) + (page - down(s.vaddr));
}

// The segment whose file bytes use file page `f`, if exactly one does; -1 if
// none or several (a page shared by two segments is copied, since each gets
// its own permissions and zeroed edges).
int sole_user(const ElfImage& image, uint64_t f) {
  int user = -1;
  for (int i = 0; i < image.segment_count; ++i) {
    const ElfSegment& s = image.segments[i];
    if (s.filesz == 0) continue;
    if (f >= down(s.offset) && f < up(s.offset + s.filesz)) {
      if (user >= 0) return -1;
      user = i;
    }
  }
  return user;
}

}  // namespace

PagePlan plan_page(const ElfImage& image, int index, uint64_t page) {
  const ElfSegment& s = image.segments[index];
  PagePlan plan;
  plan.file_page = file_page(s, page);
  const uint64_t file_end = s.vaddr + s.filesz;
  plan.data_from = s.vaddr > page ? s.vaddr : page;
  plan.data_to = file_end < page + kPage ? file_end : page + kPage;
  if (plan.data_to < plan.data_from) plan.data_to = plan.data_from;
  plan.in_place = plan.data_from < plan.data_to && sole_user(image, plan.file_page) == index;
  return plan;
}

void in_place_run(const ElfImage& image, int index, uint64_t* from, uint64_t* to) {
  const ElfSegment& s = image.segments[index];
  // The file pages no other segment's bytes touch: this segment's range with
  // every other range cut away (conservatively: one inside it leaves none).
  uint64_t lo = down(s.offset), hi = up(s.offset + s.filesz);
  for (int j = 0; j < image.segment_count; ++j) {
    const ElfSegment& o = image.segments[j];
    if (j == index || o.filesz == 0) continue;
    const uint64_t a = down(o.offset), b = up(o.offset + o.filesz);
    if (b <= lo || a >= hi) continue;
    if (a <= lo) {
      lo = b < hi ? b : hi;
    } else if (b >= hi) {
      hi = a;
    } else {
      hi = lo;
    }
  }
  // Image pages whose whole page is file bytes, mapped onto [lo, hi).
  const uint64_t pbase = down(s.vaddr), fbase = down(s.offset);
  uint64_t f = up(s.vaddr);
  if (pbase + (lo - fbase) > f) f = pbase + (lo - fbase);
  uint64_t t = down(s.vaddr + s.filesz);
  if (pbase + (hi - fbase) < t) t = pbase + (hi - fbase);
  *from = f;
  *to = t > f ? t : f;
}

}  // namespace cloister::shim
