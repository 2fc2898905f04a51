// WebAssembly SIMD kernels for training on tfjs-backend-wasm, run on that backend's heap.
//
// Built by scripts/generate-wasm-kernels.sh (clang --target=wasm32 -msimd128, memory imported from
// the backend) into ../generated/. Every pointer is a byte offset into the backend's memory; tensors
// are NHWC float32. The module has no data, no stack and no globals of its own (it shares memory it
// does not manage): scratch space is passed in, allocated by the caller with the backend's malloc.
//
// Long sums are accumulated in doubles (a row of products in float32 first, then added into a double
// scratch), so results match the cpu backend, which accumulates in JavaScript numbers.

#include <wasm_simd128.h>

#define EXPORT(name) __attribute__((export_name(#name)))

static inline int max_i(int a, int b) { return a > b ? a : b; }
static inline int min_i(int a, int b) { return a < b ? a : b; }
// Ceiling division for a positive divisor and any numerator.
static inline int ceil_div(int n, int d) { return n >= 0 ? (n + d - 1) / d : -((-n) / d); }

// acc[0..3] += v, in doubles.
static inline void add_promoted(double *acc, v128_t v) {
  v128_t lo = wasm_f64x2_promote_low_f32x4(v);
  v128_t hi = wasm_f64x2_promote_low_f32x4(wasm_i32x4_shuffle(v, v, 2, 3, 0, 1));
  wasm_v128_store(acc, wasm_f64x2_add(wasm_v128_load(acc), lo));
  wasm_v128_store(acc + 2, wasm_f64x2_add(wasm_v128_load(acc + 2), hi));
}

static void zero_f64(double *p, int n) {
  for (int i = 0; i < n; i++) p[i] = 0;
}

static void store_scaled(float *out, const double *acc, int n, double scale) {
  for (int i = 0; i < n; i++) out[i] = (float)(acc[i] * scale);
}

// out[c] = scale · Σ_r x[r·cols + c]: Sum and Mean over the leading axes (batch norm statistics and
// their gradients, bias gradients). acc: cols doubles of scratch.
EXPORT(sum_leading)
void sum_leading(const float *x, int rows, int cols, float scale, double *acc, float *out) {
  zero_f64(acc, cols);
  for (int r = 0; r < rows; r++) {
    const float *row = x + (long)r * cols;
    int c = 0;
    for (; c + 4 <= cols; c += 4) add_promoted(acc + c, wasm_v128_load(row + c));
    for (; c < cols; c++) acc[c] += row[c];
  }
  store_scaled(out, acc, cols, scale);
}

// The valid output columns [*lo, *hi) of a tap `shift` cells off, stepping `stride` over `width`.
static inline void column_range(int shift, int stride, int width, int out_width, int *lo, int *hi) {
  *lo = max_i(0, ceil_div(-shift, stride));
  *hi = min_i(out_width, ceil_div(width - shift, stride));
}

// dW[p,q,ci,co] = Σ_{b,i,j} x[b, i·sh + p·dh − top, j·sw + q·dw − left, ci] · dy[b,i,j,co]
// (Conv2DBackpropFilter). For each row of dy and each tap, a 4×8 (ci × co) register block runs along
// the row; the block is then added into acc (kh·kw·ci·co doubles of scratch).
EXPORT(conv2d_backprop_filter)
void conv2d_backprop_filter(const float *x, const float *dy, float *out, double *acc, int batch, int H,
                            int W, int ci_n, int OH, int OW, int co_n, int kh, int kw, int sh, int sw,
                            int dh, int dw, int top, int left) {
  zero_f64(acc, kh * kw * ci_n * co_n);
  for (int b = 0; b < batch; b++) {
    for (int i = 0; i < OH; i++) {
      const float *g_row = dy + ((long)(b * OH + i) * OW) * co_n;
      for (int p = 0; p < kh; p++) {
        int h = i * sh + p * dh - top;
        if (h < 0 || h >= H) continue;
        const float *x_row = x + ((long)(b * H + h) * W) * ci_n;
        for (int q = 0; q < kw; q++) {
          int shift = q * dw - left, lo, hi;
          column_range(shift, sw, W, OW, &lo, &hi);
          if (lo >= hi) continue;
          double *a = acc + (p * kw + q) * ci_n * co_n;
          const int xs = sw * ci_n;
          const float *x0 = x_row + (lo * sw + shift) * ci_n;
          const float *g0 = g_row + lo * co_n;
          int ci = 0;
          for (; ci + 4 <= ci_n; ci += 4) {
            int co = 0;
            for (; co + 8 <= co_n; co += 8) {
              v128_t a00 = wasm_f32x4_splat(0), a01 = a00, a10 = a00, a11 = a00;
              v128_t a20 = a00, a21 = a00, a30 = a00, a31 = a00;
              const float *xp = x0 + ci, *gp = g0 + co;
              for (int j = lo; j < hi; j++, xp += xs, gp += co_n) {
                v128_t g_lo = wasm_v128_load(gp), g_hi = wasm_v128_load(gp + 4);
                v128_t s0 = wasm_v128_load32_splat(xp), s1 = wasm_v128_load32_splat(xp + 1);
                v128_t s2 = wasm_v128_load32_splat(xp + 2), s3 = wasm_v128_load32_splat(xp + 3);
                a00 = wasm_f32x4_add(a00, wasm_f32x4_mul(s0, g_lo));
                a01 = wasm_f32x4_add(a01, wasm_f32x4_mul(s0, g_hi));
                a10 = wasm_f32x4_add(a10, wasm_f32x4_mul(s1, g_lo));
                a11 = wasm_f32x4_add(a11, wasm_f32x4_mul(s1, g_hi));
                a20 = wasm_f32x4_add(a20, wasm_f32x4_mul(s2, g_lo));
                a21 = wasm_f32x4_add(a21, wasm_f32x4_mul(s2, g_hi));
                a30 = wasm_f32x4_add(a30, wasm_f32x4_mul(s3, g_lo));
                a31 = wasm_f32x4_add(a31, wasm_f32x4_mul(s3, g_hi));
              }
              double *ar = a + ci * co_n + co;
              add_promoted(ar, a00);
              add_promoted(ar + 4, a01);
              add_promoted(ar + co_n, a10);
              add_promoted(ar + co_n + 4, a11);
              add_promoted(ar + 2 * co_n, a20);
              add_promoted(ar + 2 * co_n + 4, a21);
              add_promoted(ar + 3 * co_n, a30);
              add_promoted(ar + 3 * co_n + 4, a31);
            }
            for (; co + 4 <= co_n; co += 4) {
              v128_t a0 = wasm_f32x4_splat(0), a1 = a0, a2 = a0, a3 = a0;
              const float *xp = x0 + ci, *gp = g0 + co;
              for (int j = lo; j < hi; j++, xp += xs, gp += co_n) {
                v128_t g = wasm_v128_load(gp);
                a0 = wasm_f32x4_add(a0, wasm_f32x4_mul(wasm_v128_load32_splat(xp), g));
                a1 = wasm_f32x4_add(a1, wasm_f32x4_mul(wasm_v128_load32_splat(xp + 1), g));
                a2 = wasm_f32x4_add(a2, wasm_f32x4_mul(wasm_v128_load32_splat(xp + 2), g));
                a3 = wasm_f32x4_add(a3, wasm_f32x4_mul(wasm_v128_load32_splat(xp + 3), g));
              }
              double *ar = a + ci * co_n + co;
              add_promoted(ar, a0);
              add_promoted(ar + co_n, a1);
              add_promoted(ar + 2 * co_n, a2);
              add_promoted(ar + 3 * co_n, a3);
            }
            for (; co < co_n; co++) {
              // The last 1–3 output channels: four input channels at once, one vector.
              v128_t s = wasm_f32x4_splat(0);
              const float *xp = x0 + ci, *gp = g0 + co;
              for (int j = lo; j < hi; j++, xp += xs, gp += co_n)
                s = wasm_f32x4_add(s, wasm_f32x4_mul(wasm_v128_load(xp), wasm_v128_load32_splat(gp)));
              double *ar = a + ci * co_n + co;
              ar[0] += wasm_f32x4_extract_lane(s, 0);
              ar[co_n] += wasm_f32x4_extract_lane(s, 1);
              ar[2 * co_n] += wasm_f32x4_extract_lane(s, 2);
              ar[3 * co_n] += wasm_f32x4_extract_lane(s, 3);
            }
          }
          for (; ci < ci_n; ci++) {
            int co = 0;
            for (; co + 4 <= co_n; co += 4) {
              v128_t s = wasm_f32x4_splat(0);
              const float *xp = x0 + ci, *gp = g0 + co;
              for (int j = lo; j < hi; j++, xp += xs, gp += co_n)
                s = wasm_f32x4_add(s, wasm_f32x4_mul(wasm_v128_load32_splat(xp), wasm_v128_load(gp)));
              add_promoted(a + ci * co_n + co, s);
            }
            for (; co < co_n; co++) {
              float s = 0;
              const float *xp = x0 + ci, *gp = g0 + co;
              for (int j = lo; j < hi; j++, xp += xs, gp += co_n) s += *xp * *gp;
              a[ci * co_n + co] += s;
            }
          }
        }
      }
    }
  }
  store_scaled(out, acc, kh * kw * ci_n * co_n, 1.0);
}

// dW[p,q,c,m] = Σ_{b,i,j} x[b, i·sh + p·dh − top, j·sw + q·dw − left, c] · dy[b,i,j,c·M+m]
// (DepthwiseConv2dNativeBackpropFilter). acc: kh·kw·C·M doubles of scratch.
EXPORT(depthwise_backprop_filter)
void depthwise_backprop_filter(const float *x, const float *dy, float *out, double *acc, int batch,
                               int H, int W, int C, int OH, int OW, int M, int kh, int kw, int sh,
                               int sw, int dh, int dw, int top, int left) {
  const int co_n = C * M;
  zero_f64(acc, kh * kw * co_n);
  for (int b = 0; b < batch; b++) {
    for (int i = 0; i < OH; i++) {
      const float *g_row = dy + ((long)(b * OH + i) * OW) * co_n;
      for (int p = 0; p < kh; p++) {
        int h = i * sh + p * dh - top;
        if (h < 0 || h >= H) continue;
        const float *x_row = x + ((long)(b * H + h) * W) * C;
        for (int q = 0; q < kw; q++) {
          int shift = q * dw - left, lo, hi;
          column_range(shift, sw, W, OW, &lo, &hi);
          if (lo >= hi) continue;
          double *a = acc + (p * kw + q) * co_n;
          const float *x0 = x_row + (lo * sw + shift) * C;
          const float *g0 = g_row + lo * co_n;
          const int xs = sw * C;
          if (M == 1) {
            int c = 0;
            for (; c + 8 <= C; c += 8) {
              v128_t s0 = wasm_f32x4_splat(0), s1 = s0;
              const float *xp = x0 + c, *gp = g0 + c;
              for (int j = lo; j < hi; j++, xp += xs, gp += co_n) {
                s0 = wasm_f32x4_add(s0, wasm_f32x4_mul(wasm_v128_load(xp), wasm_v128_load(gp)));
                s1 = wasm_f32x4_add(s1, wasm_f32x4_mul(wasm_v128_load(xp + 4), wasm_v128_load(gp + 4)));
              }
              add_promoted(a + c, s0);
              add_promoted(a + c + 4, s1);
            }
            for (; c + 4 <= C; c += 4) {
              v128_t s = wasm_f32x4_splat(0);
              const float *xp = x0 + c, *gp = g0 + c;
              for (int j = lo; j < hi; j++, xp += xs, gp += co_n)
                s = wasm_f32x4_add(s, wasm_f32x4_mul(wasm_v128_load(xp), wasm_v128_load(gp)));
              add_promoted(a + c, s);
            }
            for (; c < C; c++) {
              float s = 0;
              const float *xp = x0 + c, *gp = g0 + c;
              for (int j = lo; j < hi; j++, xp += xs, gp += co_n) s += *xp * *gp;
              a[c] += s;
            }
          } else {
            for (int c = 0; c < C; c++) {
              for (int m = 0; m < M; m++) {
                float s = 0;
                const float *xp = x0 + c, *gp = g0 + c * M + m;
                for (int j = lo; j < hi; j++, xp += xs, gp += co_n) s += *xp * *gp;
                a[c * M + m] += s;
              }
            }
          }
        }
      }
    }
  }
  store_scaled(out, acc, kh * kw * co_n, 1.0);
}

// MaxPoolGrad: each dy goes to the first maximum of its window (as on the cpu backend and in
// TensorFlow); four channels at a time, tracking each lane's first maximum.
EXPORT(max_pool_grad)
void max_pool_grad(const float *x, const float *dy, float *dx, int batch, int H, int W, int C, int OH,
                   int OW, int kh, int kw, int sh, int sw, int top, int left) {
  const long n = (long)batch * H * W * C;
  for (long i = 0; i < n; i++) dx[i] = 0;
  const float *g = dy;
  for (int b = 0; b < batch; b++) {
    const float *xb = x + (long)b * H * W * C;
    float *db = dx + (long)b * H * W * C;
    for (int oh = 0; oh < OH; oh++) {
      int h_lo = max_i(0, oh * sh - top), h_hi = min_i(H, oh * sh - top + kh);
      for (int ow = 0; ow < OW; ow++, g += C) {
        int w_lo = max_i(0, ow * sw - left), w_hi = min_i(W, ow * sw - left + kw);
        int c = 0;
        for (; c + 4 <= C; c += 4) {
          v128_t best = wasm_f32x4_splat(-__builtin_inff());
          v128_t at = wasm_i32x4_splat(-1);
          for (int h = h_lo; h < h_hi; h++) {
            for (int w = w_lo; w < w_hi; w++) {
              int idx = (h * W + w) * C + c;
              v128_t v = wasm_v128_load(xb + idx);
              v128_t gt = wasm_f32x4_gt(v, best);
              best = wasm_v128_bitselect(v, best, gt);
              at = wasm_v128_bitselect(wasm_i32x4_add(wasm_i32x4_splat(idx), wasm_i32x4_make(0, 1, 2, 3)),
                                       at, gt);
            }
          }
          int a0 = wasm_i32x4_extract_lane(at, 0), a1 = wasm_i32x4_extract_lane(at, 1);
          int a2 = wasm_i32x4_extract_lane(at, 2), a3 = wasm_i32x4_extract_lane(at, 3);
          if (a0 >= 0) db[a0] += g[c];
          if (a1 >= 0) db[a1] += g[c + 1];
          if (a2 >= 0) db[a2] += g[c + 2];
          if (a3 >= 0) db[a3] += g[c + 3];
        }
        for (; c < C; c++) {
          float best = -__builtin_inff();
          int at = -1;
          for (int h = h_lo; h < h_hi; h++) {
            for (int w = w_lo; w < w_hi; w++) {
              int idx = (h * W + w) * C + c;
              if (xb[idx] > best) {
                best = xb[idx];
                at = idx;
              }
            }
          }
          if (at >= 0) db[at] += g[c];
        }
      }
    }
  }
}

// C[m,n] = Σ_k A[m,k] · B[k,n], with A[m,k] at a[m·a_m + k·a_k] (so A may be stored transposed) and
// B row-major: the dense layers' weight gradient xᵀ·dy, and plain products. A 4×8 register block runs
// down k; float32 accumulation, like XNNPack's.
EXPORT(matmul_strided_a)
void matmul_strided_a(const float *a, const float *b, float *c, int M, int K, int N, int a_m, int a_k) {
  int m = 0;
  for (; m + 4 <= M; m += 4) {
    const float *a0 = a + (long)m * a_m, *a1 = a0 + a_m, *a2 = a1 + a_m, *a3 = a2 + a_m;
    float *c0 = c + (long)m * N;
    int n = 0;
    for (; n + 8 <= N; n += 8) {
      v128_t s00 = wasm_f32x4_splat(0), s01 = s00, s10 = s00, s11 = s00;
      v128_t s20 = s00, s21 = s00, s30 = s00, s31 = s00;
      const float *bp = b + n;
      for (long k = 0, ak = 0; k < K; k++, ak += a_k, bp += N) {
        v128_t b_lo = wasm_v128_load(bp), b_hi = wasm_v128_load(bp + 4);
        v128_t x0 = wasm_v128_load32_splat(a0 + ak), x1 = wasm_v128_load32_splat(a1 + ak);
        v128_t x2 = wasm_v128_load32_splat(a2 + ak), x3 = wasm_v128_load32_splat(a3 + ak);
        s00 = wasm_f32x4_add(s00, wasm_f32x4_mul(x0, b_lo));
        s01 = wasm_f32x4_add(s01, wasm_f32x4_mul(x0, b_hi));
        s10 = wasm_f32x4_add(s10, wasm_f32x4_mul(x1, b_lo));
        s11 = wasm_f32x4_add(s11, wasm_f32x4_mul(x1, b_hi));
        s20 = wasm_f32x4_add(s20, wasm_f32x4_mul(x2, b_lo));
        s21 = wasm_f32x4_add(s21, wasm_f32x4_mul(x2, b_hi));
        s30 = wasm_f32x4_add(s30, wasm_f32x4_mul(x3, b_lo));
        s31 = wasm_f32x4_add(s31, wasm_f32x4_mul(x3, b_hi));
      }
      float *cp = c0 + n;
      wasm_v128_store(cp, s00);
      wasm_v128_store(cp + 4, s01);
      wasm_v128_store(cp + N, s10);
      wasm_v128_store(cp + N + 4, s11);
      wasm_v128_store(cp + 2 * N, s20);
      wasm_v128_store(cp + 2 * N + 4, s21);
      wasm_v128_store(cp + 3 * N, s30);
      wasm_v128_store(cp + 3 * N + 4, s31);
    }
    for (; n < N; n++) {
      float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
      const float *bp = b + n;
      for (long k = 0, ak = 0; k < K; k++, ak += a_k, bp += N) {
        s0 += a0[ak] * *bp;
        s1 += a1[ak] * *bp;
        s2 += a2[ak] * *bp;
        s3 += a3[ak] * *bp;
      }
      c0[n] = s0;
      c0[N + n] = s1;
      c0[2 * N + n] = s2;
      c0[3 * N + n] = s3;
    }
  }
  for (; m < M; m++) {
    const float *a0 = a + (long)m * a_m;
    float *c0 = c + (long)m * N;
    int n = 0;
    for (; n + 4 <= N; n += 4) {
      v128_t s = wasm_f32x4_splat(0);
      const float *bp = b + n;
      for (long k = 0, ak = 0; k < K; k++, ak += a_k, bp += N)
        s = wasm_f32x4_add(s, wasm_f32x4_mul(wasm_v128_load32_splat(a0 + ak), wasm_v128_load(bp)));
      wasm_v128_store(c0 + n, s);
    }
    for (; n < N; n++) {
      float s = 0;
      const float *bp = b + n;
      for (long k = 0, ak = 0; k < K; k++, ak += a_k, bp += N) s += a0[ak] * *bp;
      c0[n] = s;
    }
  }
}

static inline float horizontal_sum(v128_t v) {
  return wasm_f32x4_extract_lane(v, 0) + wasm_f32x4_extract_lane(v, 1) + wasm_f32x4_extract_lane(v, 2) +
         wasm_f32x4_extract_lane(v, 3);
}

// C[m,n] = Σ_k A[m,k] · B[n,k], both row-major (B transposed): the dense layers' input gradient
// dy·Wᵀ. Dot products along k, 4 rows of A against 2 rows of B at a time.
EXPORT(matmul_bt)
void matmul_bt(const float *a, const float *b, float *c, int M, int K, int N) {
  for (int m = 0; m < M; m += 4) {
    // Rows past the end repeat the last one (computed, never stored): no stack arrays in this module.
    const int rows = min_i(4, M - m);
    const float *a0 = a + (long)m * K, *a1 = a + (long)(m + min_i(1, rows - 1)) * K;
    const float *a2 = a + (long)(m + min_i(2, rows - 1)) * K, *a3 = a + (long)(m + rows - 1) * K;
    float *c0 = c + (long)m * N;
    for (int n = 0; n < N; n += 2) {
      const int cols = min_i(2, N - n);
      const float *b0 = b + (long)n * K, *b1 = b + (long)(n + cols - 1) * K;
      v128_t s00 = wasm_f32x4_splat(0), s01 = s00, s10 = s00, s11 = s00;
      v128_t s20 = s00, s21 = s00, s30 = s00, s31 = s00;
      int k = 0;
      for (; k + 4 <= K; k += 4) {
        v128_t y0 = wasm_v128_load(b0 + k), y1 = wasm_v128_load(b1 + k);
        v128_t x0 = wasm_v128_load(a0 + k), x1 = wasm_v128_load(a1 + k);
        v128_t x2 = wasm_v128_load(a2 + k), x3 = wasm_v128_load(a3 + k);
        s00 = wasm_f32x4_add(s00, wasm_f32x4_mul(x0, y0));
        s01 = wasm_f32x4_add(s01, wasm_f32x4_mul(x0, y1));
        s10 = wasm_f32x4_add(s10, wasm_f32x4_mul(x1, y0));
        s11 = wasm_f32x4_add(s11, wasm_f32x4_mul(x1, y1));
        s20 = wasm_f32x4_add(s20, wasm_f32x4_mul(x2, y0));
        s21 = wasm_f32x4_add(s21, wasm_f32x4_mul(x2, y1));
        s30 = wasm_f32x4_add(s30, wasm_f32x4_mul(x3, y0));
        s31 = wasm_f32x4_add(s31, wasm_f32x4_mul(x3, y1));
      }
      float t00 = horizontal_sum(s00), t01 = horizontal_sum(s01), t10 = horizontal_sum(s10);
      float t11 = horizontal_sum(s11), t20 = horizontal_sum(s20), t21 = horizontal_sum(s21);
      float t30 = horizontal_sum(s30), t31 = horizontal_sum(s31);
      for (; k < K; k++) {
        t00 += a0[k] * b0[k];
        t01 += a0[k] * b1[k];
        t10 += a1[k] * b0[k];
        t11 += a1[k] * b1[k];
        t20 += a2[k] * b0[k];
        t21 += a2[k] * b1[k];
        t30 += a3[k] * b0[k];
        t31 += a3[k] * b1[k];
      }
      float *cp = c0 + n;
      cp[0] = t00;
      if (cols > 1) cp[1] = t01;
      if (rows > 1) {
        cp[N] = t10;
        if (cols > 1) cp[N + 1] = t11;
      }
      if (rows > 2) {
        cp[2 * N] = t20;
        if (cols > 1) cp[2 * N + 1] = t21;
      }
      if (rows > 3) {
        cp[3 * N] = t30;
        if (cols > 1) cp[3 * N + 1] = t31;
      }
    }
  }
}

// AvgPoolGrad: dx[b,h,w,c] = scale · Σ dy[b,i,j,c] over the windows (i,j) that cover (h,w), with
// scale = 1 / (kh·kw) as on the cpu backend; four channels at a time.
EXPORT(avg_pool_grad)
void avg_pool_grad(const float *dy, float *dx, int batch, int H, int W, int C, int OH, int OW, int kh,
                   int kw, int sh, int sw, int top, int left, float scale) {
  const long n = (long)batch * H * W * C;
  for (long i = 0; i < n; i++) dx[i] = 0;
  const v128_t s = wasm_f32x4_splat(scale);
  const float *g = dy;
  for (int b = 0; b < batch; b++) {
    float *db = dx + (long)b * H * W * C;
    for (int oh = 0; oh < OH; oh++) {
      int h_lo = max_i(0, oh * sh - top), h_hi = min_i(H, oh * sh - top + kh);
      for (int ow = 0; ow < OW; ow++, g += C) {
        int w_lo = max_i(0, ow * sw - left), w_hi = min_i(W, ow * sw - left + kw);
        for (int h = h_lo; h < h_hi; h++) {
          for (int w = w_lo; w < w_hi; w++) {
            float *d = db + (long)(h * W + w) * C;
            int c = 0;
            for (; c + 4 <= C; c += 4)
              wasm_v128_store(d + c, wasm_f32x4_add(wasm_v128_load(d + c), wasm_f32x4_mul(wasm_v128_load(g + c), s)));
            for (; c < C; c++) d[c] += g[c] * scale;
          }
        }
      }
    }
  }
}

// Conv2DBackpropInput for few input channels: each dx pixel gathers its taps, four input channels at
// a time as dot products along co.
static void backprop_input_gather(const float *dy, const float *filter, float *dx, int batch, int H,
                                  int W, int ci_n, int OH, int OW, int co_n, int kh, int kw, int sh,
                                  int sw, int top, int left) {
  for (int b = 0; b < batch; b++) {
    for (int h = 0; h < H; h++) {
      for (int w = 0; w < W; w++) {
        float *d = dx + ((long)(b * H + h) * W + w) * ci_n;
        int ci = 0;
        for (; ci + 4 <= ci_n; ci += 4) {
          v128_t s0 = wasm_f32x4_splat(0), s1 = s0, s2 = s0, s3 = s0;
          float t0 = 0, t1 = 0, t2 = 0, t3 = 0;
          for (int p = 0; p < kh; p++) {
            int ti = h + top - p;
            if (ti < 0 || ti % sh) continue;
            int i = ti / sh;
            if (i >= OH) continue;
            for (int q = 0; q < kw; q++) {
              int tj = w + left - q;
              if (tj < 0 || tj % sw) continue;
              int j = tj / sw;
              if (j >= OW) continue;
              const float *g = dy + ((long)(b * OH + i) * OW + j) * co_n;
              const float *f0 = filter + ((long)(p * kw + q) * ci_n + ci) * co_n;
              const float *f1 = f0 + co_n, *f2 = f1 + co_n, *f3 = f2 + co_n;
              int co = 0;
              for (; co + 4 <= co_n; co += 4) {
                v128_t gv = wasm_v128_load(g + co);
                s0 = wasm_f32x4_add(s0, wasm_f32x4_mul(wasm_v128_load(f0 + co), gv));
                s1 = wasm_f32x4_add(s1, wasm_f32x4_mul(wasm_v128_load(f1 + co), gv));
                s2 = wasm_f32x4_add(s2, wasm_f32x4_mul(wasm_v128_load(f2 + co), gv));
                s3 = wasm_f32x4_add(s3, wasm_f32x4_mul(wasm_v128_load(f3 + co), gv));
              }
              for (; co < co_n; co++) {
                t0 += f0[co] * g[co];
                t1 += f1[co] * g[co];
                t2 += f2[co] * g[co];
                t3 += f3[co] * g[co];
              }
            }
          }
          d[ci] = horizontal_sum(s0) + t0;
          d[ci + 1] = horizontal_sum(s1) + t1;
          d[ci + 2] = horizontal_sum(s2) + t2;
          d[ci + 3] = horizontal_sum(s3) + t3;
        }
        for (; ci < ci_n; ci++) {
          v128_t s0 = wasm_f32x4_splat(0), s1 = s0;
          float t = 0;
          for (int p = 0; p < kh; p++) {
            int ti = h + top - p;
            if (ti < 0 || ti % sh) continue;
            int i = ti / sh;
            if (i >= OH) continue;
            for (int q = 0; q < kw; q++) {
              int tj = w + left - q;
              if (tj < 0 || tj % sw) continue;
              int j = tj / sw;
              if (j >= OW) continue;
              const float *g = dy + ((long)(b * OH + i) * OW + j) * co_n;
              const float *f = filter + ((long)(p * kw + q) * ci_n + ci) * co_n;
              int co = 0;
              for (; co + 8 <= co_n; co += 8) {
                s0 = wasm_f32x4_add(s0, wasm_f32x4_mul(wasm_v128_load(f + co), wasm_v128_load(g + co)));
                s1 = wasm_f32x4_add(s1, wasm_f32x4_mul(wasm_v128_load(f + co + 4), wasm_v128_load(g + co + 4)));
              }
              for (; co < co_n; co++) t += f[co] * g[co];
            }
          }
          d[ci] = horizontal_sum(wasm_f32x4_add(s0, s1)) + t;
        }
      }
    }
  }
}

// One dx pixel, input channels [ci, ci_n), every tap: acc over co of dy[pixel(tap), co] · wt[tap, co, ci].
static void backprop_input_pixel(const float *dy_b, const float *wt, float *d, int ci, int ci_n, int OH,
                                 int OW, int co_n, int kh, int kw, int sh, int sw, int ti0, int tj0) {
  for (; ci + 4 <= ci_n; ci += 4) {
    v128_t s = wasm_f32x4_splat(0);
    for (int p = 0; p < kh; p++) {
      int ti = ti0 - p;
      if (ti < 0 || ti % sh || ti / sh >= OH) continue;
      for (int q = 0; q < kw; q++) {
        int tj = tj0 - q;
        if (tj < 0 || tj % sw || tj / sw >= OW) continue;
        const float *g = dy_b + ((long)(ti / sh) * OW + tj / sw) * co_n;
        const float *f = wt + (long)(p * kw + q) * co_n * ci_n + ci;
        for (int co = 0; co < co_n; co++, f += ci_n)
          s = wasm_f32x4_add(s, wasm_f32x4_mul(wasm_v128_load32_splat(g + co), wasm_v128_load(f)));
      }
    }
    wasm_v128_store(d + ci, s);
  }
  for (; ci < ci_n; ci++) {
    float s = 0;
    for (int p = 0; p < kh; p++) {
      int ti = ti0 - p;
      if (ti < 0 || ti % sh || ti / sh >= OH) continue;
      for (int q = 0; q < kw; q++) {
        int tj = tj0 - q;
        if (tj < 0 || tj % sw || tj / sw >= OW) continue;
        const float *g = dy_b + ((long)(ti / sh) * OW + tj / sw) * co_n;
        const float *f = wt + (long)(p * kw + q) * co_n * ci_n + ci;
        for (int co = 0; co < co_n; co++, f += ci_n) s += g[co] * *f;
      }
    }
    d[ci] = s;
  }
}

// dx[b,h,w,ci] = Σ_{p,q,co} dy[b,i,j,co] · W[p,q,ci,co] over the taps with h + top − p = i·sh and
// w + left − q = j·sw (Conv2DBackpropInput; tfjs has no dilated conv2d gradient). With 8 or more input
// channels, the filter is first transposed to wt[p,q,co,ci] (scratch, kh·kw·co·ci floats) and four dx
// pixels of one stride phase — whose taps read four consecutive dy pixels — times eight input channels
// are kept in registers, a matrix product along co. Float32 accumulation, like the forward conv.
EXPORT(conv2d_backprop_input)
void conv2d_backprop_input(const float *dy, const float *filter, float *dx, float *wt, int batch, int H,
                           int W, int ci_n, int OH, int OW, int co_n, int kh, int kw, int sh, int sw,
                           int top, int left) {
  if (ci_n < 8) {
    backprop_input_gather(dy, filter, dx, batch, H, W, ci_n, OH, OW, co_n, kh, kw, sh, sw, top, left);
    return;
  }
  for (int t = 0; t < kh * kw; t++)
    for (int ci = 0; ci < ci_n; ci++)
      for (int co = 0; co < co_n; co++) wt[((long)t * co_n + co) * ci_n + ci] = filter[((long)t * ci_n + ci) * co_n + co];
  for (int b = 0; b < batch; b++) {
    const float *dy_b = dy + (long)b * OH * OW * co_n;
    for (int h = 0; h < H; h++) {
      float *d_row = dx + ((long)(b * H + h) * W) * ci_n;
      const int ti0 = h + top;
      for (int r = 0; r < sw; r++) {
        const int count = r < W ? (W - r + sw - 1) / sw : 0;
        int k = 0;
        for (; k + 4 <= count; k += 4) {
          const int w0 = r + k * sw;
          const int tj0 = w0 + left;
          int ci = 0;
          for (; ci + 8 <= ci_n; ci += 8) {
            v128_t a0 = wasm_f32x4_splat(0), b0 = a0, a1 = a0, b1 = a0, a2 = a0, b2 = a0, a3 = a0, b3 = a0;
            for (int p = 0; p < kh; p++) {
              int ti = ti0 - p;
              if (ti < 0 || ti % sh || ti / sh >= OH) continue;
              const float *g_row = dy_b + (long)(ti / sh) * OW * co_n;
              for (int q = 0; q < kw; q++) {
                int tj = tj0 - q; // the group's first pixel; the others are 1, 2, 3 dy columns on
                if (tj < 0 ? (-tj) % sw : tj % sw) continue;
                int j0 = tj >= 0 ? tj / sw : -((-tj) / sw);
                const float *f = wt + (long)(p * kw + q) * co_n * ci_n + ci;
                const float *g0 = g_row + (long)j0 * co_n;
                if (j0 >= 0 && j0 + 3 < OW) {
                  const float *g1 = g0 + co_n, *g2 = g1 + co_n, *g3 = g2 + co_n;
                  for (int co = 0; co < co_n; co++, f += ci_n) {
                    v128_t f_lo = wasm_v128_load(f), f_hi = wasm_v128_load(f + 4);
                    v128_t x0 = wasm_v128_load32_splat(g0 + co), x1 = wasm_v128_load32_splat(g1 + co);
                    v128_t x2 = wasm_v128_load32_splat(g2 + co), x3 = wasm_v128_load32_splat(g3 + co);
                    a0 = wasm_f32x4_add(a0, wasm_f32x4_mul(x0, f_lo));
                    b0 = wasm_f32x4_add(b0, wasm_f32x4_mul(x0, f_hi));
                    a1 = wasm_f32x4_add(a1, wasm_f32x4_mul(x1, f_lo));
                    b1 = wasm_f32x4_add(b1, wasm_f32x4_mul(x1, f_hi));
                    a2 = wasm_f32x4_add(a2, wasm_f32x4_mul(x2, f_lo));
                    b2 = wasm_f32x4_add(b2, wasm_f32x4_mul(x2, f_hi));
                    a3 = wasm_f32x4_add(a3, wasm_f32x4_mul(x3, f_lo));
                    b3 = wasm_f32x4_add(b3, wasm_f32x4_mul(x3, f_hi));
                  }
                } else {
                  // At the border: only the pixels whose dy column exists.
                  for (int co = 0; co < co_n; co++, f += ci_n) {
                    v128_t f_lo = wasm_v128_load(f), f_hi = wasm_v128_load(f + 4);
                    const float *g = g0 + co;
                    if (j0 >= 0 && j0 < OW) {
                      v128_t x = wasm_v128_load32_splat(g);
                      a0 = wasm_f32x4_add(a0, wasm_f32x4_mul(x, f_lo));
                      b0 = wasm_f32x4_add(b0, wasm_f32x4_mul(x, f_hi));
                    }
                    if (j0 + 1 >= 0 && j0 + 1 < OW) {
                      v128_t x = wasm_v128_load32_splat(g + co_n);
                      a1 = wasm_f32x4_add(a1, wasm_f32x4_mul(x, f_lo));
                      b1 = wasm_f32x4_add(b1, wasm_f32x4_mul(x, f_hi));
                    }
                    if (j0 + 2 >= 0 && j0 + 2 < OW) {
                      v128_t x = wasm_v128_load32_splat(g + 2 * co_n);
                      a2 = wasm_f32x4_add(a2, wasm_f32x4_mul(x, f_lo));
                      b2 = wasm_f32x4_add(b2, wasm_f32x4_mul(x, f_hi));
                    }
                    if (j0 + 3 >= 0 && j0 + 3 < OW) {
                      v128_t x = wasm_v128_load32_splat(g + 3 * co_n);
                      a3 = wasm_f32x4_add(a3, wasm_f32x4_mul(x, f_lo));
                      b3 = wasm_f32x4_add(b3, wasm_f32x4_mul(x, f_hi));
                    }
                  }
                }
              }
            }
            float *d = d_row + (long)w0 * ci_n + ci;
            const long step = (long)sw * ci_n;
            wasm_v128_store(d, a0);
            wasm_v128_store(d + 4, b0);
            wasm_v128_store(d + step, a1);
            wasm_v128_store(d + step + 4, b1);
            wasm_v128_store(d + 2 * step, a2);
            wasm_v128_store(d + 2 * step + 4, b2);
            wasm_v128_store(d + 3 * step, a3);
            wasm_v128_store(d + 3 * step + 4, b3);
          }
          if (ci < ci_n)
            for (int m = 0; m < 4; m++)
              backprop_input_pixel(dy_b, wt, d_row + (long)(w0 + m * sw) * ci_n, ci, ci_n, OH, OW, co_n, kh,
                                   kw, sh, sw, ti0, tj0 + m * sw);
        }
        for (; k < count; k++) {
          const int w = r + k * sw;
          backprop_input_pixel(dy_b, wt, d_row + (long)w * ci_n, 0, ci_n, OH, OW, co_n, kh, kw, sh, sw, ti0,
                               w + left);
        }
      }
    }
  }
}

// Batch norm with per-channel parameters: out[r,c] = (x[r,c] − mean[c]) · k[c] + offset[c], with
// k = scale / √(variance + ε) computed by the caller (FusedBatchNorm, forward, every BN layer and step).
EXPORT(batch_norm)
void batch_norm(const float *x, const float *mean, const float *k, const float *offset, float *out, int rows,
                int C) {
  for (int r = 0; r < rows; r++) {
    const float *xr = x + (long)r * C;
    float *o = out + (long)r * C;
    int c = 0;
    for (; c + 4 <= C; c += 4) {
      v128_t v = wasm_f32x4_sub(wasm_v128_load(xr + c), wasm_v128_load(mean + c));
      wasm_v128_store(o + c, wasm_f32x4_add(wasm_f32x4_mul(v, wasm_v128_load(k + c)), wasm_v128_load(offset + c)));
    }
    for (; c < C; c++) o[c] = (xr[c] - mean[c]) * k[c] + offset[c];
  }
}

// dx[b,h,w,c] = Σ_{p,q,m} dy[b,i,j,c·M+m] · W[p,q,c,m] over the taps with i·sh + p·dh − top = h and
// j·sw + q·dw − left = w (DepthwiseConv2dNativeBackpropInput): each dx pixel gathers its taps, the
// channels in SIMD lanes when M = 1.
EXPORT(depthwise_backprop_input)
void depthwise_backprop_input(const float *dy, const float *filter, float *dx, int batch, int H, int W, int C,
                              int OH, int OW, int M, int kh, int kw, int sh, int sw, int dh, int dw, int top,
                              int left) {
  const int co_n = C * M;
  for (int b = 0; b < batch; b++) {
    for (int h = 0; h < H; h++) {
      for (int w = 0; w < W; w++) {
        float *d = dx + ((long)(b * H + h) * W + w) * C;
        for (int c = 0; c < C; c++) d[c] = 0;
        for (int p = 0; p < kh; p++) {
          int ti = h + top - p * dh;
          if (ti < 0 || ti % sh || ti / sh >= OH) continue;
          for (int q = 0; q < kw; q++) {
            int tj = w + left - q * dw;
            if (tj < 0 || tj % sw || tj / sw >= OW) continue;
            const float *g = dy + ((long)(b * OH + ti / sh) * OW + tj / sw) * co_n;
            const float *f = filter + (long)(p * kw + q) * co_n;
            if (M == 1) {
              int c = 0;
              for (; c + 4 <= C; c += 4)
                wasm_v128_store(d + c, wasm_f32x4_add(wasm_v128_load(d + c),
                                                      wasm_f32x4_mul(wasm_v128_load(g + c), wasm_v128_load(f + c))));
              for (; c < C; c++) d[c] += g[c] * f[c];
            } else {
              for (int c = 0; c < C; c++) {
                float s = 0;
                for (int m = 0; m < M; m++) s += g[c * M + m] * f[c * M + m];
                d[c] += s;
              }
            }
          }
        }
      }
    }
  }
}
