// The kernels for any CPU (baseline x86-64 is SSE2; other architectures their own baseline).
#include "kernels.h"
#define KFN(name) name##_generic
#define KERNELS_NAME "generic"
// Vector width in floats, and the register tile of the small products: MR rows × NRV vectors.
#define VW 4
#define MR 4
#define NRV 3
#define TILE_CASES TILE_CASE(1, 1) TILE_CASE(1, 2) TILE_CASE(1, 3) TILE_CASE(2, 1) TILE_CASE(2, 2) TILE_CASE(2, 3) TILE_CASE(3, 1) TILE_CASE(3, 2) TILE_CASE(3, 3) TILE_CASE(4, 1) TILE_CASE(4, 2) TILE_CASE(4, 3)
#include "kernels_body.h"
