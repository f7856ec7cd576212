// The kernels for CPUs with AVX-512 F/VL/BW/DQ (Skylake-X, Ice Lake, Zen 4 and later).
#if defined(__x86_64__)
#include "kernels.h"
#pragma clang attribute push(__attribute__((target("avx512f,avx512vl,avx512bw,avx512dq,avx2,fma"))), apply_to = function)
#define KFN(name) name##_avx512
#define KERNELS_NAME "avx512"
// Vector width in floats, and the register tile of the small products: MR rows × NRV vectors.
#define VW 16
#define MR 4
#define NRV 4
#define TILE_CASES TILE_CASE(1, 1) TILE_CASE(1, 2) TILE_CASE(1, 3) TILE_CASE(1, 4) TILE_CASE(2, 1) TILE_CASE(2, 2) TILE_CASE(2, 3) TILE_CASE(2, 4) TILE_CASE(3, 1) TILE_CASE(3, 2) TILE_CASE(3, 3) TILE_CASE(3, 4) TILE_CASE(4, 1) TILE_CASE(4, 2) TILE_CASE(4, 3) TILE_CASE(4, 4)
#include "kernels_body.h"
#pragma clang attribute pop
#endif
