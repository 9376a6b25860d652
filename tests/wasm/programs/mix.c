// SPDX-License-Identifier: Apache-2.0
//
// A small freestanding C program compiled to Wasm by clang (see
// regenerate.sh): quicksort with recursion, a switch compiled to br_table,
// rotations, 64-bit multiplies, float/double conversions and a global array
// in linear memory. runtime_program_test.cc checks the engine's result
// against the value the same code computes natively.
typedef unsigned int u32;
typedef unsigned long long u64;

// Well-defined for every n in [0, 31] (no shift by 32), natively as in Wasm.
static u32 rotr(u32 x, int n) { return (x >> n) | (x << ((32 - n) & 31)); }
static u32 buf[4096];

static void sort(u32* a, int lo, int hi) {
  while (lo < hi) {
    u32 p = a[(lo + hi) / 2];
    int i = lo, j = hi;
    while (i <= j) {
      while (a[i] < p) i++;
      while (a[j] > p) j--;
      if (i <= j) {
        u32 t = a[i];
        a[i] = a[j];
        a[j] = t;
        i++;
        j--;
      }
    }
    if (j - lo < hi - i) {
      sort(a, lo, j);
      lo = i;
    } else {
      sort(a, i, hi);
      hi = j;
    }
  }
}

double fsum(int n) {
  double s = 0;
  for (int i = 1; i <= n; i++) s += 1.0 / ((double)i * i) + (float)i * 0.5f;
  return s;
}

u32 work(int n) {
  u32 h = 0x6a09e667u, x = 12345;
  for (int i = 0; i < 4096; i++) {
    x = x * 1103515245u + 12345u;
    buf[i] = x ^ rotr(x, 7);
  }
  sort(buf, 0, 4095);
  for (int r = 0; r < n; r++)
    for (int i = 0; i < 4096; i++) {
      switch (buf[i] & 7) {
        case 0: h += buf[i]; break;
        case 1: h ^= rotr(h, 3); break;
        case 2: h = h * 31 + i; break;
        case 3: h -= (u64)buf[i] * 7 >> 3; break;
        case 4: h = rotr(h, buf[i] & 31); break;
        default: h += i * r;
      }
    }
  return h ^ (u32)(fsum(1000) * 1000);
}
