// The kernels' bodies, included once per instruction set by kernels_<isa>.c with KFN(name)
// naming the copy and a `#pragma clang attribute` choosing the target. The loops are plain C
// that clang vectorises for that target; reductions carry `vectorize(enable)`, which lets clang
// reorder their additions into vector lanes. Ranges are [begin, end) of rows or elements.

#include "kernels_elementwise.h"
#include "kernels_attention.h"

const ck_kernel_table KFN(ck_kernels) = {
    .name = KERNELS_NAME,
    .add = KFN(add),
    .column_sums = KFN(column_sums),
    .prefill = KFN(prefill),
    .bias_gelu = KFN(bias_gelu),
    .bias_gelu_train = KFN(bias_gelu_train),
    .mul = KFN(mul),
    .scale = KFN(scale),
    .layernorm_forward = KFN(layernorm_forward),
    .layernorm_backward_input = KFN(layernorm_backward_input),
    .layernorm_backward_params = KFN(layernorm_backward_params),
    .attention_forward = KFN(attention_forward),
    .attention_backward = KFN(attention_backward),
    .adamw = KFN(adamw),
};
