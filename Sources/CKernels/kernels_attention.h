// The attention kernels for one instruction set: small register-tiled products, 8×8
// transposes, and one (image, head) per task forward and backward; included by kernels_body.h
// after kernels_elementwise.h (it uses the softmax and the polynomial exp).

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
        for (long i = 0; i < T; i++) KFN(softmax_row_to)(a + i * T, s + i * Tp, T);
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

