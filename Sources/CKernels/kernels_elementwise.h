// Element-wise and row-wise kernels (adds, bias sums, GELU, LayerNorm, softmax, AdamW) for one
// instruction set; included by kernels_body.h.

#define VECTORIZE _Pragma("clang loop vectorize(enable) interleave(enable)")

// erf and exp by branch-free polynomials instead of libm calls, so the loops that call them
// vectorise. The tests check them through the kernels that use them (GELU, softmax) against libm.

// erf(x) as the rational minimax fit x·P(x²)/Q(x²) on [−4, 4] used by Eigen and XLA for float
// (|error| < 5e-7; erf(±4) is ±1 in float).
static inline float KFN(erf_poly)(float x) {
    float c = x < -4.0f ? -4.0f : (x > 4.0f ? 4.0f : x);
    // NaN stays NaN through both comparisons above.
    float c2 = c * c;
    float p = -2.72614225801306e-10f;
    p = p * c2 + 2.77068142495902e-08f;
    p = p * c2 + -2.10102402082508e-06f;
    p = p * c2 + -5.69250639462346e-05f;
    p = p * c2 + -7.34990630326855e-04f;
    p = p * c2 + -2.95459980854025e-03f;
    p = p * c2 + -1.60960333262415e-02f;
    float q = -1.45660718464996e-05f;
    q = q * c2 + -2.13374055278905e-04f;
    q = q * c2 + -1.68282697438203e-03f;
    q = q * c2 + -7.37332916720468e-03f;
    q = q * c2 + -1.42647390514189e-02f;
    return c * p / q;
}

// eˣ for x in float's range (clamped to [−87.3, 88.7]): x = k·ln2 + r with |r| ≤ ln2/2, eʳ by
// its degree-6 Taylor polynomial (relative error < 2e-7), 2ᵏ put into the exponent bits.
static inline float KFN(exp_poly)(float x) {
    // NaN fails `x > -87.3` and becomes the lower bound: never an integer conversion of NaN.
    float c = x > -87.3f ? (x < 88.7f ? x : 88.7f) : -87.3f;
    const float shifter = 12582912.0f;  // 1.5·2²³: adding it rounds to an integer
    float k = (c * 1.44269504088896341f + shifter) - shifter;
    float r = (c - k * 0.693145751953125f) - k * 1.428606765330187045e-06f;
    float p = 1.0f / 720;
    p = p * r + 1.0f / 120;
    p = p * r + 1.0f / 24;
    p = p * r + 1.0f / 6;
    p = p * r + 0.5f;
    p = p * r + 1;
    p = p * r + 1;
    union { uint32_t u; float f; } scale = { .u = (uint32_t)(((int32_t)k + 127) << 23) };
    return p * scale.f;
}

static void KFN(add)(float *restrict out, const float *a, const float *b, long begin, long end) {
    for (long i = begin; i < end; i++) out[i] = a[i] + b[i];
}

// acc[c] += Σ_r x[r, c] for the columns [begin, end), rows in order.
static void KFN(column_sums)(float *restrict acc, const float *restrict x, long rows, long width, long begin,
                             long end) {
    long n = end - begin;
    float *sum = ck_scratch((size_t)n * sizeof(float));
    for (long c = 0; c < n; c++) sum[c] = 0;
    for (long r = 0; r < rows; r++) {
        const float *xr = x + r * width + begin;
        for (long c = 0; c < n; c++) sum[c] += xr[c];
    }
    for (long c = 0; c < n; c++) acc[begin + c] += sum[c];
}

// c [r, c0 ..< c1] = x [r, c0 ..< c1] + bias [c0 ..< c1] for the rows [r0, r1) (x and bias may be
// NULL; both NULL gives zeros); x has the row stride of c. The start of a product that sgemm
// then adds to (beta = 1): the residual and the bias of a Linear.
static void KFN(prefill)(float *restrict c, long ld, const float *restrict x, const float *restrict bias, long r0,
                         long r1, long c0, long c1) {
    for (long r = r0; r < r1; r++) {
        float *row = c + r * ld;
        const float *xr = x ? x + r * ld : NULL;
        if (xr && bias) for (long j = c0; j < c1; j++) row[j] = xr[j] + bias[j];
        else if (xr) for (long j = c0; j < c1; j++) row[j] = xr[j];
        else if (bias) for (long j = c0; j < c1; j++) row[j] = bias[j];
        else for (long j = c0; j < c1; j++) row[j] = 0;
    }
}

// The fc1 epilogue on the block [r0, r1) × [c0, c1) of rows ld apart: x = pre + bias (bias may be
// NULL), pre = x, out = gelu(x).
static void KFN(bias_gelu)(float *restrict pre, float *restrict out, const float *restrict bias, long ld, long r0,
                           long r1, long c0, long c1) {
    const float inv_sqrt2 = 0.70710678118654752f;
    for (long r = r0; r < r1; r++) {
        float *p = pre + r * ld, *o = out + r * ld;
        if (bias) {
            for (long c = c0; c < c1; c++) {
                float x = p[c] + bias[c];
                p[c] = x;
                o[c] = 0.5f * x * (1 + KFN(erf_poly)(x * inv_sqrt2));
            }
        } else {
            for (long c = c0; c < c1; c++) {
                float x = p[c];
                o[c] = 0.5f * x * (1 + KFN(erf_poly)(x * inv_sqrt2));
            }
        }
    }
}

// The training forward's epilogue of fc1 on a block: x = pre + bias; out = gelu(x), and pre =
// gelu'(x) = Φ(x) + x·φ(x), which is all the backward needs of x (one exp more than the forward
// alone, sharing its erf; the backward becomes a product).
static void KFN(bias_gelu_train)(float *restrict pre, float *restrict out, const float *restrict bias, long ld,
                                 long r0, long r1, long c0, long c1) {
    const float inv_sqrt2 = 0.70710678118654752f;
    const float inv_sqrt2pi = 0.39894228040143268f;
    for (long r = r0; r < r1; r++) {
        float *p = pre + r * ld, *o = out + r * ld;
        for (long c = c0; c < c1; c++) {
            float x = p[c] + bias[c];
            float cdf = 0.5f * (1 + KFN(erf_poly)(x * inv_sqrt2));
            o[c] = x * cdf;
            p[c] = cdf + x * (inv_sqrt2pi * KFN(exp_poly)(-0.5f * x * x));
        }
    }
}

// x = x · s, in place (GELU's backward when dInp's buffer becomes dPre's)
static void KFN(scale)(float *restrict x, const float *restrict s, long begin, long end) {
    for (long i = begin; i < end; i++) x[i] *= s[i];
}

// dx (+)= dy · d
static void KFN(mul)(float *restrict dx, const float *restrict dy, const float *restrict d, int accumulate,
                     long begin, long end) {
    if (accumulate) for (long i = begin; i < end; i++) dx[i] += dy[i] * d[i];
    else for (long i = begin; i < end; i++) dx[i] = dy[i] * d[i];
}

static void KFN(layernorm_forward)(float *restrict out, float *restrict mean, float *restrict rstd,
                                   const float *restrict x, const float *restrict w, const float *restrict b,
                                   long width, float eps, long begin, long end) {
    const float inv = 1.0f / (float)width;
    for (long r = begin; r < end; r++) {
        const float *xr = x + r * width;
        float *o = out + r * width;
        float sum = 0;
        VECTORIZE for (long c = 0; c < width; c++) sum += xr[c];
        float m = sum * inv;
        // Two passes: the variance of centred values does not cancel catastrophically.
        float sq = 0;
        VECTORIZE for (long c = 0; c < width; c++) {
            float d = xr[c] - m;
            sq += d * d;
        }
        float s = 1.0f / sqrtf(sq * inv + eps);
        for (long c = 0; c < width; c++) o[c] = (xr[c] - m) * s * w[c] + b[c];
        mean[r] = m;
        rstd[r] = s;
    }
}

// dx [rows] (+)= s·(dy·w − mean(dy·w) − x̂·mean(dy·w·x̂)), x̂ = (x − mean)·s
static void KFN(layernorm_backward_input)(float *restrict dx, const float *restrict dy, const float *restrict x,
                                          const float *restrict w, const float *restrict mean,
                                          const float *restrict rstd, long width, int accumulate, long begin,
                                          long end) {
    const float inv = 1.0f / (float)width;
    for (long r = begin; r < end; r++) {
        const float *xr = x + r * width, *dyr = dy + r * width;
        float *dxr = dx + r * width;
        float m = mean[r], s = rstd[r];
        float md = 0, mdn = 0;
        VECTORIZE for (long c = 0; c < width; c++) {
            float dn = dyr[c] * w[c];
            md += dn;
            mdn += dn * ((xr[c] - m) * s);
        }
        md *= inv;
        mdn *= inv;
        if (accumulate) {
            for (long c = 0; c < width; c++) dxr[c] += s * (dyr[c] * w[c] - md - ((xr[c] - m) * s) * mdn);
        } else {
            for (long c = 0; c < width; c++) dxr[c] = s * (dyr[c] * w[c] - md - ((xr[c] - m) * s) * mdn);
        }
    }
}

// dw[c] += Σ_r dy·x̂, db[c] += Σ_r dy over the columns [begin, end), rows in order.
static void KFN(layernorm_backward_params)(float *restrict dw, float *restrict db, const float *restrict dy,
                                           const float *restrict x, const float *restrict mean,
                                           const float *restrict rstd, long rows, long width, long begin,
                                           long end) {
    long n = end - begin;
    float *sw = ck_scratch(2 * (size_t)n * sizeof(float));
    float *sb = sw + n;
    for (long c = 0; c < n; c++) sw[c] = sb[c] = 0;
    for (long r = 0; r < rows; r++) {
        const float *xr = x + r * width + begin, *dyr = dy + r * width + begin;
        float m = mean[r], s = rstd[r];
        for (long c = 0; c < n; c++) {
            sw[c] += dyr[c] * ((xr[c] - m) * s);
            sb[c] += dyr[c];
        }
    }
    for (long c = 0; c < n; c++) {
        dw[begin + c] += sw[c];
        db[begin + c] += sb[c];
    }
}

// out [n] = exp(x − max) / Σ exp(x − max) for one row x [n] (out may be x). A NaN score makes
// its output NaN (the polynomial exp alone would turn it into 0 and hide a diverged run).
static inline void KFN(softmax_row_to)(float *out, const float *x, long n) {
    float mx = x[0];
    VECTORIZE for (long j = 1; j < n; j++) mx = __builtin_fmaxf(mx, x[j]);
    float sum = 0;
    VECTORIZE for (long j = 0; j < n; j++) {
        float d = x[j] - mx;
        float e = KFN(exp_poly)(d);
        e = d != d ? d : e;
        out[j] = e;
        sum += e;
    }
    float inv = 1.0f / sum;
    for (long j = 0; j < n; j++) out[j] *= inv;
}

// PyTorch's AdamW update over [begin, end), the operations and their order exactly those of
// Training's AdamW (no fused multiply-adds, so the two agree bit for bit). An entry without
// weight decay has decay_factor 1, and p·1 is p exactly.
static void KFN(adamw)(float *restrict p, const float *restrict g, float *restrict m, float *restrict v,
                       const ck_adamw_args *a, long begin, long end) {
#pragma clang fp contract(off)
    const float decay = a->decay_factor, b2 = a->beta2, omb1 = a->one_minus_beta1, omb2 = a->one_minus_beta2;
    const float bc2 = a->bias_correction2_sqrt, eps = a->eps, step = a->step_size;
    for (long i = begin; i < end; i++) {
        float w = p[i] * decay;
        float gi = g[i];
        float mi = m[i] + (gi - m[i]) * omb1;
        float vi = b2 * v[i] + omb2 * gi * gi;
        m[i] = mi;
        v[i] = vi;
        p[i] = w - step * (mi / (sqrtf(vi) / bc2 + eps));
    }
}

