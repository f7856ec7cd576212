// The kernels' bodies, included once per instruction set by kernels_<isa>.c with KFN(name)
// naming the copy and a `#pragma clang attribute` choosing the target. The loops are plain C
// that clang vectorises for that target; reductions carry `vectorize(enable)`, which lets clang
// reorder their additions into vector lanes. Ranges are [begin, end) of rows or elements.

#define VECTORIZE _Pragma("clang loop vectorize(enable) interleave(enable)")

// The same polynomials as the Swift fastErf / fastExp (MAE/Ops/GELU.swift): branch-free, so
// the loops that call them vectorise; erf within 5e-7, exp within 2e-7 relative.
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

static void KFN(add_rows)(float *restrict out, const float *x, const float *restrict bias, long width,
                          long begin, long end) {
    for (long r = begin; r < end; r++) {
        float *o = out + r * width;
        if (x) {
            const float *xr = x + r * width;
            for (long c = 0; c < width; c++) o[c] = xr[c] + bias[c];
        } else {
            for (long c = 0; c < width; c++) o[c] = bias[c];
        }
    }
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

static void KFN(bias_gelu)(float *restrict pre, float *restrict out, const float *restrict bias, long width,
                           long begin, long end) {
    const float inv_sqrt2 = 0.70710678118654752f;
    for (long r = begin; r < end; r++) {
        float *p = pre + r * width, *o = out + r * width;
        if (bias) {
            for (long c = 0; c < width; c++) {
                float x = p[c] + bias[c];
                p[c] = x;
                o[c] = 0.5f * x * (1 + KFN(erf_poly)(x * inv_sqrt2));
            }
        } else {
            for (long c = 0; c < width; c++) {
                float x = p[c];
                o[c] = 0.5f * x * (1 + KFN(erf_poly)(x * inv_sqrt2));
            }
        }
    }
}

static void KFN(gelu_backward)(float *restrict dx, const float *restrict dy, const float *restrict x,
                               int accumulate, long begin, long end) {
    const float inv_sqrt2 = 0.70710678118654752f;
    const float inv_sqrt2pi = 0.39894228040143268f;
    if (accumulate) {
        for (long i = begin; i < end; i++) {
            float v = x[i];
            float cdf = 0.5f * (1 + KFN(erf_poly)(v * inv_sqrt2));
            float pdf = inv_sqrt2pi * KFN(exp_poly)(-0.5f * v * v);
            dx[i] += dy[i] * (cdf + v * pdf);
        }
    } else {
        for (long i = begin; i < end; i++) {
            float v = x[i];
            float cdf = 0.5f * (1 + KFN(erf_poly)(v * inv_sqrt2));
            float pdf = inv_sqrt2pi * KFN(exp_poly)(-0.5f * v * v);
            dx[i] = dy[i] * (cdf + v * pdf);
        }
    }
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

// In place over one row: x = exp(x − max) / Σ exp(x − max).
static inline void KFN(softmax_row)(float *restrict x, long n) {
    float mx = x[0];
    for (long j = 1; j < n; j++) mx = x[j] > mx ? x[j] : mx;
    float sum = 0;
    VECTORIZE for (long j = 0; j < n; j++) {
        float e = KFN(exp_poly)(x[j] - mx);
        x[j] = e;
        sum += e;
    }
    float inv = 1.0f / sum;
    for (long j = 0; j < n; j++) x[j] *= inv;
}

// MARK: small products for attention
//
// C [m, n] (+)= alpha · Σ_kk A(i, kk) · B[kk, :], with A read element by element through strides
// (A(i, kk) = a[i·ars + kk·acs], so a transposed A costs nothing) and B read by rows of vectors.
// A register tile of MR rows × NRV vectors accumulates over the whole of k; the columns past
// the last full vector are done one by one.

typedef float vec_t __attribute__((vector_size(VW * sizeof(float))));

static inline vec_t KFN(load)(const float *p) {
    vec_t v;
    __builtin_memcpy(&v, p, sizeof v);
    return v;
}
static inline void KFN(store)(float *p, vec_t v) { __builtin_memcpy(p, &v, sizeof v); }

static inline __attribute__((always_inline)) void KFN(gemm_tile)(const int mr, const int nv, long k,
                                                                  const float *a, long ars, long acs,
                                                                  const float *b, long ldb, float *c, long ldc,
                                                                  float alpha, int accumulate) {
    vec_t acc[MR][NRV];
    for (int r = 0; r < mr; r++)
        for (int v = 0; v < nv; v++) acc[r][v] = (vec_t){0};
    for (long kk = 0; kk < k; kk++) {
        const float *br = b + kk * ldb;
        vec_t bv[NRV];
        for (int v = 0; v < nv; v++) bv[v] = KFN(load)(br + v * VW);
        for (int r = 0; r < mr; r++) {
            float s = a[r * ars + kk * acs];
            for (int v = 0; v < nv; v++) acc[r][v] += s * bv[v];
        }
    }
    for (int r = 0; r < mr; r++)
        for (int v = 0; v < nv; v++) {
            float *cp = c + r * ldc + v * VW;
            vec_t x = alpha * acc[r][v];
            if (accumulate) x += KFN(load)(cp);
            KFN(store)(cp, x);
        }
}

#define TILE_CASE(MRV, NVV)                                                                           \
    case (MRV) * 16 + (NVV):                                                                          \
        KFN(gemm_tile)(MRV, NVV, k, a + i * ars, ars, acs, b + j * VW, ldb, c + i * ldc + j * VW, ldc, \
                       alpha, accumulate);                                                            \
        break;

// One column block of half a vector (VW/2 floats) for a tile of up to MR rows: the tail of a row
// of scores whose length is a multiple of VW/2.
typedef float hvec_t __attribute__((vector_size(VW / 2 * sizeof(float))));

static inline __attribute__((always_inline)) void KFN(gemm_tile_half)(const int mr, long k, const float *a,
                                                                       long ars, long acs, const float *b,
                                                                       long ldb, float *c, long ldc, float alpha,
                                                                       int accumulate) {
    hvec_t acc[MR];
    for (int r = 0; r < mr; r++) acc[r] = (hvec_t){0};
    for (long kk = 0; kk < k; kk++) {
        hvec_t bv;
        __builtin_memcpy(&bv, b + kk * ldb, sizeof bv);
        for (int r = 0; r < mr; r++) acc[r] += a[r * ars + kk * acs] * bv;
    }
    for (int r = 0; r < mr; r++) {
        hvec_t x = alpha * acc[r];
        if (accumulate) {
            hvec_t old;
            __builtin_memcpy(&old, c + r * ldc, sizeof old);
            x += old;
        }
        __builtin_memcpy(c + r * ldc, &x, sizeof x);
    }
}

static void KFN(small_gemm)(long m, long n, long k, const float *a, long ars, long acs, const float *b,
                            long ldb, float *c, long ldc, float alpha, int accumulate) {
    long nvec = n / VW;
    for (long j = 0; j < nvec; j += NRV) {
        int nv = (int)(nvec - j < NRV ? nvec - j : NRV);
        for (long i = 0; i < m; i += MR) {
            int mr = (int)(m - i < MR ? m - i : MR);
            switch (mr * 16 + nv) {
                TILE_CASES
            default:
                break;
            }
        }
    }
    long first = nvec * VW;
    if (VW > 1 && n - first >= VW / 2) {
        for (long i = 0; i < m; i += MR) {
            int mr = (int)(m - i < MR ? m - i : MR);
            switch (mr) {
            case 1: KFN(gemm_tile_half)(1, k, a + i * ars, ars, acs, b + first, ldb, c + i * ldc + first, ldc, alpha, accumulate); break;
            case 2: KFN(gemm_tile_half)(2, k, a + i * ars, ars, acs, b + first, ldb, c + i * ldc + first, ldc, alpha, accumulate); break;
            case 3: KFN(gemm_tile_half)(3, k, a + i * ars, ars, acs, b + first, ldb, c + i * ldc + first, ldc, alpha, accumulate); break;
            default: KFN(gemm_tile_half)(MR, k, a + i * ars, ars, acs, b + first, ldb, c + i * ldc + first, ldc, alpha, accumulate); break;
            }
        }
        first += VW / 2;
    }
    // Columns past the last full or half vector.
    for (long col = first; col < n; col++)
        for (long i = 0; i < m; i++) {
            float sum = 0;
            for (long kk = 0; kk < k; kk++) sum += a[i * ars + kk * acs] * b[kk * ldb + col];
            float *cp = c + i * ldc + col;
            *cp = accumulate ? *cp + alpha * sum : alpha * sum;
        }
}

// rows [T, hd] with stride ld → t [hd, Tp], the columns T..<Tp zero. 8×8 blocks go through
// registers (three rounds of shuffles), the edges one value at a time.
typedef float v8_t __attribute__((vector_size(8 * sizeof(float))));

static void KFN(transpose_padded)(float *restrict t, const float *restrict x, long ld, long T, long hd, long Tp) {
    long T8 = T & ~7L, hd8 = hd & ~7L;
    for (long j = 0; j < T8; j += 8) {
        for (long d = 0; d < hd8; d += 8) {
            v8_t r[8];
            for (int i = 0; i < 8; i++) __builtin_memcpy(&r[i], x + (j + i) * ld + d, sizeof(v8_t));
            v8_t a0 = __builtin_shufflevector(r[0], r[1], 0, 8, 1, 9, 4, 12, 5, 13);
            v8_t a1 = __builtin_shufflevector(r[0], r[1], 2, 10, 3, 11, 6, 14, 7, 15);
            v8_t a2 = __builtin_shufflevector(r[2], r[3], 0, 8, 1, 9, 4, 12, 5, 13);
            v8_t a3 = __builtin_shufflevector(r[2], r[3], 2, 10, 3, 11, 6, 14, 7, 15);
            v8_t a4 = __builtin_shufflevector(r[4], r[5], 0, 8, 1, 9, 4, 12, 5, 13);
            v8_t a5 = __builtin_shufflevector(r[4], r[5], 2, 10, 3, 11, 6, 14, 7, 15);
            v8_t a6 = __builtin_shufflevector(r[6], r[7], 0, 8, 1, 9, 4, 12, 5, 13);
            v8_t a7 = __builtin_shufflevector(r[6], r[7], 2, 10, 3, 11, 6, 14, 7, 15);
            v8_t b0 = __builtin_shufflevector(a0, a2, 0, 1, 8, 9, 4, 5, 12, 13);
            v8_t b1 = __builtin_shufflevector(a0, a2, 2, 3, 10, 11, 6, 7, 14, 15);
            v8_t b2 = __builtin_shufflevector(a1, a3, 0, 1, 8, 9, 4, 5, 12, 13);
            v8_t b3 = __builtin_shufflevector(a1, a3, 2, 3, 10, 11, 6, 7, 14, 15);
            v8_t b4 = __builtin_shufflevector(a4, a6, 0, 1, 8, 9, 4, 5, 12, 13);
            v8_t b5 = __builtin_shufflevector(a4, a6, 2, 3, 10, 11, 6, 7, 14, 15);
            v8_t b6 = __builtin_shufflevector(a5, a7, 0, 1, 8, 9, 4, 5, 12, 13);
            v8_t b7 = __builtin_shufflevector(a5, a7, 2, 3, 10, 11, 6, 7, 14, 15);
            v8_t c[8] = {
                __builtin_shufflevector(b0, b4, 0, 1, 2, 3, 8, 9, 10, 11),
                __builtin_shufflevector(b1, b5, 0, 1, 2, 3, 8, 9, 10, 11),
                __builtin_shufflevector(b2, b6, 0, 1, 2, 3, 8, 9, 10, 11),
                __builtin_shufflevector(b3, b7, 0, 1, 2, 3, 8, 9, 10, 11),
                __builtin_shufflevector(b0, b4, 4, 5, 6, 7, 12, 13, 14, 15),
                __builtin_shufflevector(b1, b5, 4, 5, 6, 7, 12, 13, 14, 15),
                __builtin_shufflevector(b2, b6, 4, 5, 6, 7, 12, 13, 14, 15),
                __builtin_shufflevector(b3, b7, 4, 5, 6, 7, 12, 13, 14, 15),
            };
            for (int i = 0; i < 8; i++) __builtin_memcpy(t + (d + i) * Tp + j, &c[i], sizeof(v8_t));
        }
        for (long d = hd8; d < hd; d++)
            for (long i = 0; i < 8; i++) t[d * Tp + j + i] = x[(j + i) * ld + d];
    }
    for (long d = 0; d < hd; d++) {
        float *row = t + d * Tp;
        _Pragma("clang loop vectorize(disable)") for (long j = T8; j < T; j++) row[j] = x[j * ld + d];
        for (long j = T; j < Tp; j++) row[j] = 0;
    }
}

// Rows of scores are padded to half vectors: 17 keys take 24 columns with AVX-512, not 32.
static inline long KFN(padded)(long T) {
    long unit = VW >= 2 ? VW / 2 : 1;
    return (T + unit - 1) / unit * unit;
}

// Per task one (image, head): t = n·heads + h. q, k, v of the head: rows of hd values 3D apart.
static void KFN(attention_forward)(float *out, float *att, const float *qkv, long T, long D, long heads,
                                   long begin, long end) {
    long hd = D / heads, ld = 3 * D, Tp = KFN(padded)(T);
    float scale = 1.0f / sqrtf((float)hd);
    float *kt = ck_scratch(((size_t)hd + (size_t)T) * (size_t)Tp * sizeof(float));
    float *s = kt + hd * Tp;  // [T, Tp] scores
    for (long t = begin; t < end; t++) {
        long n = t / heads, h = t % heads;
        const float *q = qkv + n * T * ld + h * hd, *k = q + D, *v = q + 2 * D;
        float *o = out + n * T * D + h * hd, *a = att + t * T * T;
        // s [T, Tp] = scale · q [T, hd] · kᵀ [hd, Tp]
        KFN(transpose_padded)(kt, k, ld, T, hd, Tp);
        KFN(small_gemm)(T, Tp, hd, q, ld, 1, kt, Tp, s, Tp, scale, 0);
        // a [T, T] = softmax(s) by rows
        for (long i = 0; i < T; i++) {
            float *ar = a + i * T;
            const float *sr = s + i * Tp;
            for (long j = 0; j < T; j++) ar[j] = sr[j];
            KFN(softmax_row)(ar, T);
        }
        // o [T, hd] = a [T, T] · v [T, hd]
        KFN(small_gemm)(T, hd, T, a, T, 1, v, ld, o, D, 1.0f, 0);
    }
}

static void KFN(attention_backward)(float *dqkv, const float *dout, const float *qkv, const float *att, long T,
                                    long D, long heads, int accumulate, long begin, long end) {
    long hd = D / heads, ld = 3 * D, Tp = KFN(padded)(T);
    float scale = 1.0f / sqrtf((float)hd);
    float *vt = ck_scratch(((size_t)hd + (size_t)T) * (size_t)Tp * sizeof(float));
    float *ds = vt + hd * Tp;  // [T, Tp]
    for (long t = begin; t < end; t++) {
        long n = t / heads, h = t % heads;
        const float *q = qkv + n * T * ld + h * hd, *k = q + D, *v = q + 2 * D;
        float *dq = dqkv + n * T * ld + h * hd, *dk = dq + D, *dv = dq + 2 * D;
        const float *dy = dout + n * T * D + h * hd, *a = att + t * T * T;
        // out = a·v:  dA [T, Tp] = dy [T, hd] · vᵀ [hd, Tp];  dv [T, hd] = aᵀ · dy
        KFN(transpose_padded)(vt, v, ld, T, hd, Tp);
        KFN(small_gemm)(T, Tp, hd, dy, D, 1, vt, Tp, ds, Tp, 1.0f, 0);
        KFN(small_gemm)(T, hd, T, a, 1, T, dy, D, dv, ld, 1.0f, accumulate);
        // a = softmax(s):  ds = a∘(dA − Σ_j a·dA), in place
        for (long i = 0; i < T; i++) {
            float *r = ds + i * Tp;
            const float *ar = a + i * T;
            float dot = 0;
            VECTORIZE for (long j = 0; j < T; j++) dot += ar[j] * r[j];
            for (long j = 0; j < T; j++) r[j] = ar[j] * (r[j] - dot);
        }
        // s = scale·q·kᵀ:  dq [T, hd] = scale · ds · k;  dk [T, hd] = scale · dsᵀ · q
        KFN(small_gemm)(T, hd, T, ds, Tp, 1, k, ld, dq, ld, scale, accumulate);
        KFN(small_gemm)(T, hd, T, ds, 1, Tp, q, ld, dk, ld, scale, accumulate);
    }
}

// PyTorch's AdamW update over [begin, end), the operations and their order exactly those of
// Training's AdamW (no fused multiply-adds, so the two agree bit for bit).
static void KFN(adamw)(float *restrict p, const float *restrict g, float *restrict m, float *restrict v,
                       const ck_adamw_args *a, long begin, long end) {
#pragma clang fp contract(off)
    const float decay = a->decay_factor, b2 = a->beta2, omb1 = a->one_minus_beta1, omb2 = a->one_minus_beta2;
    const float bc2 = a->bias_correction2_sqrt, eps = a->eps, step = a->step_size;
    if (a->decays) {
        for (long i = begin; i < end; i++) {
            float w = p[i] * decay;
            float gi = g[i];
            float mi = m[i] + (gi - m[i]) * omb1;
            float vi = b2 * v[i] + omb2 * gi * gi;
            m[i] = mi;
            v[i] = vi;
            p[i] = w - step * (mi / (sqrtf(vi) / bc2 + eps));
        }
    } else {
        for (long i = begin; i < end; i++) {
            float w = p[i];
            float gi = g[i];
            float mi = m[i] + (gi - m[i]) * omb1;
            float vi = b2 * v[i] + omb2 * gi * gi;
            m[i] = mi;
            v[i] = vi;
            p[i] = w - step * (mi / (sqrtf(vi) / bc2 + eps));
        }
    }
}

const ck_kernel_table KFN(ck_kernels) = {
    .add = KFN(add),
    .add_rows = KFN(add_rows),
    .column_sums = KFN(column_sums),
    .bias_gelu = KFN(bias_gelu),
    .gelu_backward = KFN(gelu_backward),
    .layernorm_forward = KFN(layernorm_forward),
    .layernorm_backward_input = KFN(layernorm_backward_input),
    .layernorm_backward_params = KFN(layernorm_backward_params),
    .attention_forward = KFN(attention_forward),
    .attention_backward = KFN(attention_backward),
    .adamw = KFN(adamw),
    .erf = KFN(erf_poly),
    .exp = KFN(exp_poly),
};
