// The kernels for CPUs with AVX2 and FMA (Haswell, Zen and later).
#if defined(__x86_64__)
#include "kernels.h"
#pragma clang attribute push(__attribute__((target("avx2,fma"))), apply_to = function)
#define KFN(name) name##_avx2
#define KERNELS_NAME "avx2"
// Vector width in floats, and the register tile of the small products: MR rows × NRV vectors.
#define VW 8
#define MR 4
#define NRV 2
#define TILE_CASES TILE_CASE(1, 1) TILE_CASE(1, 2) TILE_CASE(2, 1) TILE_CASE(2, 2) TILE_CASE(3, 1) TILE_CASE(3, 2) TILE_CASE(4, 1) TILE_CASE(4, 2)
#include "kernels_body.h"
#pragma clang attribute pop
#endif
