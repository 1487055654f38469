/*
 * genlab_linalg: a small N-API addon exposing the BLAS/LAPACK routines src/linalg needs, over the
 * system's CBLAS + LAPACKE (OpenBLAS on Linux: -lopenblas -llapacke). Plain node_api.h, no C++.
 *
 * Every array is a Float64Array holding a row-major matrix; results are written into arrays the JS
 * side allocates (src/linalg/backend.ts), so no memory crosses the boundary. Calls are synchronous.
 * Built by scripts/build-native.js; when it cannot be built, src/linalg uses its pure-JS kernels.
 *
 * macOS: Accelerate ships CBLAS but no LAPACKE, so this file is not compiled against it; the build
 * script uses a Homebrew OpenBLAS when one is found and otherwise leaves the JS path in place.
 */
#define NAPI_VERSION 8
#include <node_api.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <stdint.h>
#include <cblas.h>
#include <lapacke.h>

#ifdef GENLAB_HAVE_OPENBLAS_CONFIG
extern char *openblas_get_config(void);
extern int openblas_get_num_threads(void);
extern void openblas_set_num_threads(int);
#endif

#define CHECK(call)                                                     \
  do {                                                                  \
    if ((call) != napi_ok) {                                            \
      napi_throw_error(env, NULL, "genlab_linalg: N-API call failed: " #call); \
      return NULL;                                                      \
    }                                                                   \
  } while (0)

static int get_args(napi_env env, napi_callback_info info, size_t want, napi_value *argv) {
  size_t argc = want;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) != napi_ok || argc < want) {
    napi_throw_type_error(env, NULL, "genlab_linalg: wrong number of arguments");
    return 0;
  }
  return 1;
}

static int get_int(napi_env env, napi_value v, const char *name, int *out) {
  int64_t x;
  if (napi_get_value_int64(env, v, &x) != napi_ok || x < 0 || x > INT32_MAX) {
    char msg[128];
    snprintf(msg, sizeof msg, "genlab_linalg: %s must be a non-negative int32", name);
    napi_throw_type_error(env, NULL, msg);
    return 0;
  }
  *out = (int)x;
  return 1;
}

static int get_bool(napi_env env, napi_value v, int *out) {
  bool b;
  if (napi_get_value_bool(env, v, &b) != napi_ok) {
    napi_throw_type_error(env, NULL, "genlab_linalg: expected a boolean");
    return 0;
  }
  *out = b ? 1 : 0;
  return 1;
}

static int get_double(napi_env env, napi_value v, double *out) {
  if (napi_get_value_double(env, v, out) != napi_ok) {
    napi_throw_type_error(env, NULL, "genlab_linalg: expected a number");
    return 0;
  }
  return 1;
}

/* A typed array of element type `want` (named `kind` in messages) with at least `need` elements; its
 * data pointer (may be a view of WebAssembly memory), or NULL with a JS exception pending. */
static void *get_typed(napi_env env, napi_value v, size_t need, const char *name, napi_typedarray_type want,
                       const char *kind) {
  napi_typedarray_type type;
  size_t len;
  void *data;
  napi_value ab;
  size_t off;
  bool is;
  if (napi_is_typedarray(env, v, &is) != napi_ok || !is ||
      napi_get_typedarray_info(env, v, &type, &len, &data, &ab, &off) != napi_ok || type != want) {
    char msg[128];
    snprintf(msg, sizeof msg, "genlab_linalg: %s must be a %s", name, kind);
    napi_throw_type_error(env, NULL, msg);
    return NULL;
  }
  if (len < need) {
    char msg[160];
    snprintf(msg, sizeof msg, "genlab_linalg: %s has %zu elements, needs %zu", name, len, need);
    napi_throw_range_error(env, NULL, msg);
    return NULL;
  }
  return data;
}

static double *get_f64(napi_env env, napi_value v, size_t need, const char *name) {
  return (double *)get_typed(env, v, need, name, napi_float64_array, "Float64Array");
}

static float *get_f32(napi_env env, napi_value v, size_t need, const char *name) {
  return (float *)get_typed(env, v, need, name, napi_float32_array, "Float32Array");
}

static napi_value ret_int(napi_env env, int x) {
  napi_value r;
  if (napi_create_int32(env, x, &r) != napi_ok) return NULL;
  return r;
}

static napi_value ret_undef(napi_env env) {
  napi_value r;
  napi_get_undefined(env, &r);
  return r;
}

/* gemm(transA, transB, m, n, k, A, B, C): C = op(A) op(B), op(A) m x k. */
static napi_value Gemm(napi_env env, napi_callback_info info) {
  napi_value a[8];
  int ta, tb, m, n, k;
  if (!get_args(env, info, 8, a) || !get_bool(env, a[0], &ta) || !get_bool(env, a[1], &tb) ||
      !get_int(env, a[2], "m", &m) || !get_int(env, a[3], "n", &n) || !get_int(env, a[4], "k", &k))
    return NULL;
  double *A = get_f64(env, a[5], (size_t)m * k, "A");
  if (!A) return NULL;
  double *B = get_f64(env, a[6], (size_t)k * n, "B");
  if (!B) return NULL;
  double *C = get_f64(env, a[7], (size_t)m * n, "C");
  if (!C) return NULL;
  if (m && n && k)
    cblas_dgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, m, n, k, 1.0, A,
                ta ? m : k, B, tb ? k : n, 0.0, C, n);
  return ret_undef(env);
}

/* sgemm(transA, transB, m, n, k, A, B, C): float32 C = op(A) op(B) (used by src/tf.ts on wasm tensor memory). */
static napi_value Sgemm(napi_env env, napi_callback_info info) {
  napi_value a[8];
  int ta, tb, m, n, k;
  if (!get_args(env, info, 8, a) || !get_bool(env, a[0], &ta) || !get_bool(env, a[1], &tb) ||
      !get_int(env, a[2], "m", &m) || !get_int(env, a[3], "n", &n) || !get_int(env, a[4], "k", &k))
    return NULL;
  float *A = get_f32(env, a[5], (size_t)m * k, "A");
  if (!A) return NULL;
  float *B = get_f32(env, a[6], (size_t)k * n, "B");
  if (!B) return NULL;
  float *C = get_f32(env, a[7], (size_t)m * n, "C");
  if (!C) return NULL;
  if (m && n) {
    if (k)
      cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, m, n, k, 1.0f, A,
                  ta ? m : k, B, tb ? k : n, 0.0f, C, n);
    else
      memset(C, 0, sizeof(float) * (size_t)m * n);
  }
  return ret_undef(env);
}

/* The optimizer updates of src/train/optimizers.ts over float32 arrays: the new weights go to `out`
 * (a fresh TensorFlow.js buffer in WebAssembly memory: weights are never changed in place, because
 * the wasm backend's XNNPACK products cache packed copies of their operands by buffer), the optimizer
 * state (m, v, momentum) is updated in place. One call per parameter tensor instead of a dozen
 * element-wise TensorFlow.js kernels. Arithmetic in float, the precision of the kernels they replace;
 * the build (-O3 -fno-math-errno) vectorises the loops, sqrt included. `out` may equal `w`. */
static void adam_loop(float *out, const float *w, const float *restrict g, float *restrict m, float *restrict v,
                      size_t n, float rate, float b1, float b2, float eps, float c1, float c2, float l2, float decay) {
  const float ob1 = 1.0f - b1, ob2 = 1.0f - b2, ic1 = 1.0f / c1, ic2 = 1.0f / c2;
  for (size_t i = 0; i < n; i++) {
    float wi = w[i];
    float gi = g[i] + l2 * wi;
    float mi = b1 * m[i] + ob1 * gi;
    float vi = b2 * v[i] + ob2 * gi * gi;
    m[i] = mi;
    v[i] = vi;
    out[i] = decay * wi - rate * (mi * ic1) / (sqrtf(vi * ic2) + eps);
  }
}

/* The length of a Float32Array argument (for the arrays that set the size), or -1 with an exception. */
static long f32_length(napi_env env, napi_value v, const char *name, float **data) {
  napi_typedarray_type type;
  size_t n, off;
  void *p;
  napi_value ab;
  if (napi_get_typedarray_info(env, v, &type, &n, &p, &ab, &off) != napi_ok || type != napi_float32_array) {
    char msg[96];
    snprintf(msg, sizeof msg, "genlab_linalg: %s must be a Float32Array", name);
    napi_throw_type_error(env, NULL, msg);
    return -1;
  }
  *data = (float *)p;
  return (long)n;
}

/* adam(out, w, g, m, v, rate, b1, b2, eps, c1, c2, l2, decay): g' = g + l2 w; m = b1 m + (1 - b1) g';
 * v = b2 v + (1 - b2) g'^2; out = decay w - rate (m / c1) / (sqrt(v / c2) + eps), with c1 = 1 - b1^t,
 * c2 = 1 - b2^t, decay = 1 - rate wd for AdamW (l2 = 0) and 1 for Adam. Sizes from out. */
static napi_value Adam(napi_env env, napi_callback_info info) {
  napi_value a[13];
  double p[8];
  float *out;
  if (!get_args(env, info, 13, a)) return NULL;
  long n = f32_length(env, a[0], "out", &out);
  if (n < 0) return NULL;
  float *w = get_f32(env, a[1], (size_t)n, "w");
  if (!w) return NULL;
  float *g = get_f32(env, a[2], (size_t)n, "g");
  if (!g) return NULL;
  float *m = get_f32(env, a[3], (size_t)n, "m");
  if (!m) return NULL;
  float *v = get_f32(env, a[4], (size_t)n, "v");
  if (!v) return NULL;
  for (int i = 0; i < 8; i++)
    if (!get_double(env, a[5 + i], &p[i])) return NULL;
  adam_loop(out, w, g, m, v, (size_t)n, (float)p[0], (float)p[1], (float)p[2], (float)p[3], (float)p[4], (float)p[5],
            (float)p[6], (float)p[7]);
  return ret_undef(env);
}

static void sgd_loop(float *out, const float *w, const float *restrict g, float *restrict buf, size_t n, float rate,
                     float mu, int nesterov, float l2, int first) {
  if (!buf) {
    for (size_t i = 0; i < n; i++) out[i] = w[i] - rate * (g[i] + l2 * w[i]);
    return;
  }
  for (size_t i = 0; i < n; i++) {
    float gi = g[i] + l2 * w[i];
    float bi = first ? gi : mu * buf[i] + gi;
    buf[i] = bi;
    out[i] = w[i] - rate * (nesterov ? gi + mu * bi : bi);
  }
}

/* sgd(out, w, g, buf | null, rate, mu, nesterov, l2, first): g' = g + l2 w; with a momentum buffer
 * buf = first ? g' : mu buf + g' and out = w - rate (nesterov ? g' + mu buf : buf); without, out = w - rate g'. */
static napi_value Sgd(napi_env env, napi_callback_info info) {
  napi_value a[9];
  float *out;
  if (!get_args(env, info, 9, a)) return NULL;
  long n = f32_length(env, a[0], "out", &out);
  if (n < 0) return NULL;
  float *w = get_f32(env, a[1], (size_t)n, "w");
  if (!w) return NULL;
  float *g = get_f32(env, a[2], (size_t)n, "g");
  if (!g) return NULL;
  napi_valuetype bt;
  float *buf = NULL;
  if (napi_typeof(env, a[3], &bt) != napi_ok) return NULL;
  if (bt != napi_null && bt != napi_undefined) {
    buf = get_f32(env, a[3], (size_t)n, "buf");
    if (!buf) return NULL;
  }
  double rate, mu, l2;
  int nesterov, first;
  if (!get_double(env, a[4], &rate) || !get_double(env, a[5], &mu) || !get_bool(env, a[6], &nesterov) ||
      !get_double(env, a[7], &l2) || !get_bool(env, a[8], &first))
    return NULL;
  sgd_loop(out, w, g, buf, (size_t)n, (float)rate, (float)mu, nesterov, (float)l2, first);
  return ret_undef(env);
}

/* sgemm_ep(transA, transB, m, n, k, A, B, C, bias | null, relu): float32 C = op(A) op(B) + bias (one value per
 * column, broadcast over rows), then max(C, 0) when relu; the epilogue of src/tf.ts's fused products, in C
 * so that it vectorises (a JavaScript loop over the output costs as much as the product itself). */
static napi_value SgemmEp(napi_env env, napi_callback_info info) {
  napi_value a[10];
  int ta, tb, m, n, k, relu;
  if (!get_args(env, info, 10, a) || !get_bool(env, a[0], &ta) || !get_bool(env, a[1], &tb) ||
      !get_int(env, a[2], "m", &m) || !get_int(env, a[3], "n", &n) || !get_int(env, a[4], "k", &k) ||
      !get_bool(env, a[9], &relu))
    return NULL;
  float *A = get_f32(env, a[5], (size_t)m * k, "A");
  if (!A) return NULL;
  float *B = get_f32(env, a[6], (size_t)k * n, "B");
  if (!B) return NULL;
  float *C = get_f32(env, a[7], (size_t)m * n, "C");
  if (!C) return NULL;
  napi_valuetype bt;
  float *bias = NULL;
  if (napi_typeof(env, a[8], &bt) != napi_ok) return NULL;
  if (bt != napi_null && bt != napi_undefined) {
    bias = get_f32(env, a[8], (size_t)n, "bias");
    if (!bias) return NULL;
  }
  if (!m || !n) return ret_undef(env);
  float beta = 0.0f;
  if (bias) {
    for (int i = 0; i < m; i++) memcpy(C + (size_t)i * n, bias, sizeof(float) * (size_t)n);
    beta = 1.0f;
  }
  if (k)
    cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, m, n, k, 1.0f, A,
                ta ? m : k, B, tb ? k : n, beta, C, n);
  else if (!bias)
    memset(C, 0, sizeof(float) * (size_t)m * n);
  if (relu) {
    size_t len = (size_t)m * n;
    for (size_t i = 0; i < len; i++) C[i] = C[i] > 0.0f ? C[i] : 0.0f;
  }
  return ret_undef(env);
}

/* threads([n]): set (when n > 0 is given) and return the BLAS thread count (-1 when unknown). */
static napi_value Threads(napi_env env, napi_callback_info info) {
  napi_value a[1];
  size_t argc = 1;
  if (napi_get_cb_info(env, info, &argc, a, NULL, NULL) != napi_ok) return NULL;
#ifdef GENLAB_HAVE_OPENBLAS_CONFIG
  if (argc >= 1) {
    int n;
    if (!get_int(env, a[0], "n", &n)) return NULL;
    if (n > 0) openblas_set_num_threads(n);
  }
  return ret_int(env, openblas_get_num_threads());
#else
  return ret_int(env, -1);
#endif
}

/* syrk(trans, r, c, X, G): G = X^T X (c x c) when trans, else X X^T (r x r); full symmetric output. */
static napi_value Syrk(napi_env env, napi_callback_info info) {
  napi_value a[5];
  int tr, r, c;
  if (!get_args(env, info, 5, a) || !get_bool(env, a[0], &tr) || !get_int(env, a[1], "r", &r) ||
      !get_int(env, a[2], "c", &c))
    return NULL;
  double *X = get_f64(env, a[3], (size_t)r * c, "X");
  if (!X) return NULL;
  int p = tr ? c : r, kk = tr ? r : c;
  double *G = get_f64(env, a[4], (size_t)p * p, "G");
  if (!G) return NULL;
  if (p && kk) {
    cblas_dsyrk(CblasRowMajor, CblasUpper, tr ? CblasTrans : CblasNoTrans, p, kk, 1.0, X, c, 0.0, G, p);
    for (int i = 0; i < p; i++)
      for (int j = i + 1; j < p; j++) G[(size_t)j * p + i] = G[(size_t)i * p + j];
  }
  return ret_undef(env);
}

/* potrf(n, A): lower Cholesky factor in place (strict upper zeroed); returns info (0 or failing pivot, 1-based). */
static napi_value Potrf(napi_env env, napi_callback_info info) {
  napi_value a[2];
  int n;
  if (!get_args(env, info, 2, a) || !get_int(env, a[0], "n", &n)) return NULL;
  double *A = get_f64(env, a[1], (size_t)n * n, "A");
  if (!A) return NULL;
  /* A row-major symmetric == A column-major; the column-major upper factor U (A = U^T U) read
     row-major is the lower factor L = U^T. No copies. */
  lapack_int r = LAPACKE_dpotrf(LAPACK_COL_MAJOR, 'U', n, A, n);
  if (r == 0)
    for (int i = 0; i < n; i++) memset(A + (size_t)i * n + i + 1, 0, sizeof(double) * (size_t)(n - i - 1));
  return ret_int(env, (int)r);
}

/* potrs(n, nrhs, L, B): solve L L^T X = B in place (B row-major n x nrhs); triangular solves in BLAS. */
static napi_value Potrs(napi_env env, napi_callback_info info) {
  napi_value a[4];
  int n, nrhs;
  if (!get_args(env, info, 4, a) || !get_int(env, a[0], "n", &n) || !get_int(env, a[1], "nrhs", &nrhs)) return NULL;
  double *L = get_f64(env, a[2], (size_t)n * n, "L");
  if (!L) return NULL;
  double *B = get_f64(env, a[3], (size_t)n * nrhs, "B");
  if (!B) return NULL;
  if (n && nrhs) {
    if (nrhs == 1) {
      cblas_dtrsv(CblasRowMajor, CblasLower, CblasNoTrans, CblasNonUnit, n, L, n, B, 1);
      cblas_dtrsv(CblasRowMajor, CblasLower, CblasTrans, CblasNonUnit, n, L, n, B, 1);
    } else {
      cblas_dtrsm(CblasRowMajor, CblasLeft, CblasLower, CblasNoTrans, CblasNonUnit, n, nrhs, 1.0, L, n, B, nrhs);
      cblas_dtrsm(CblasRowMajor, CblasLeft, CblasLower, CblasTrans, CblasNonUnit, n, nrhs, 1.0, L, n, B, nrhs);
    }
  }
  return ret_int(env, 0);
}

/* gesv(n, nrhs, A, B): LU with partial pivoting; A overwritten, B becomes X. Returns info. */
static napi_value Gesv(napi_env env, napi_callback_info info) {
  napi_value a[4];
  int n, nrhs;
  if (!get_args(env, info, 4, a) || !get_int(env, a[0], "n", &n) || !get_int(env, a[1], "nrhs", &nrhs)) return NULL;
  double *A = get_f64(env, a[2], (size_t)n * n, "A");
  if (!A) return NULL;
  double *B = get_f64(env, a[3], (size_t)n * nrhs, "B");
  if (!B) return NULL;
  lapack_int *ipiv = (lapack_int *)malloc(sizeof(lapack_int) * (size_t)(n ? n : 1));
  if (!ipiv) {
    napi_throw_error(env, NULL, "genlab_linalg: out of memory");
    return NULL;
  }
  lapack_int r = LAPACKE_dgesv(LAPACK_ROW_MAJOR, n, nrhs, A, n, ipiv, B, nrhs);
  free(ipiv);
  return ret_int(env, (int)r);
}

/* In-place transpose of an n x n matrix. */
static void transpose_sq(double *A, int n) {
  for (int i = 0; i < n; i++)
    for (int j = i + 1; j < n; j++) {
      double t = A[(size_t)i * n + j];
      A[(size_t)i * n + j] = A[(size_t)j * n + i];
      A[(size_t)j * n + i] = t;
    }
}

/* syevd(n, A, w, vectors): eigenvalues ascending into w; with vectors, A becomes V (row-major,
   columns are eigenvectors). Divide and conquer (dsyevd). Returns info. */
static napi_value Syevd(napi_env env, napi_callback_info info) {
  napi_value a[4];
  int n, vec;
  if (!get_args(env, info, 4, a) || !get_int(env, a[0], "n", &n) || !get_bool(env, a[3], &vec)) return NULL;
  double *A = get_f64(env, a[1], (size_t)n * n, "A");
  if (!A) return NULL;
  double *w = get_f64(env, a[2], (size_t)n, "w");
  if (!w) return NULL;
  /* symmetric: row-major == column-major; eigenvectors come back as columns of a column-major
     array, i.e. rows of our row-major one, hence the transpose. */
  lapack_int r = LAPACKE_dsyevd(LAPACK_COL_MAJOR, vec ? 'V' : 'N', 'L', n, A, n, w);
  if (r == 0 && vec) transpose_sq(A, n);
  return ret_int(env, (int)r);
}

/* gelsd(m, n, nrhs, A, B, rcond): minimum-norm least squares by SVD; B has max(m,n) rows (row-major,
   nrhs columns), the solution is in its first n rows. Returns the effective rank, or -1 - info. */
static napi_value Gelsd(napi_env env, napi_callback_info info) {
  napi_value a[6];
  int m, n, nrhs;
  double rcond;
  if (!get_args(env, info, 6, a) || !get_int(env, a[0], "m", &m) || !get_int(env, a[1], "n", &n) ||
      !get_int(env, a[2], "nrhs", &nrhs) || !get_double(env, a[5], &rcond))
    return NULL;
  int mx = m > n ? m : n, mn = m < n ? m : n;
  double *A = get_f64(env, a[3], (size_t)m * n, "A");
  if (!A) return NULL;
  double *B = get_f64(env, a[4], (size_t)mx * nrhs, "B");
  if (!B) return NULL;
  double *s = (double *)malloc(sizeof(double) * (size_t)(mn ? mn : 1));
  if (!s) {
    napi_throw_error(env, NULL, "genlab_linalg: out of memory");
    return NULL;
  }
  lapack_int rank = 0;
  lapack_int r = LAPACKE_dgelsd(LAPACK_ROW_MAJOR, m, n, nrhs, A, n, B, nrhs, s, rcond, &rank);
  free(s);
  return ret_int(env, r == 0 ? (int)rank : (int)(-1 - r));
}

/* gesdd(m, n, A, s, U, VT): thin SVD, U m x k, VT k x n, k = min(m, n). Returns info. */
static napi_value Gesdd(napi_env env, napi_callback_info info) {
  napi_value a[6];
  int m, n;
  if (!get_args(env, info, 6, a) || !get_int(env, a[0], "m", &m) || !get_int(env, a[1], "n", &n)) return NULL;
  int k = m < n ? m : n;
  double *A = get_f64(env, a[2], (size_t)m * n, "A");
  if (!A) return NULL;
  double *s = get_f64(env, a[3], (size_t)k, "s");
  if (!s) return NULL;
  double *U = get_f64(env, a[4], (size_t)m * k, "U");
  if (!U) return NULL;
  double *VT = get_f64(env, a[5], (size_t)k * n, "VT");
  if (!VT) return NULL;
  if (k == 0) return ret_int(env, 0);
  lapack_int r = LAPACKE_dgesdd(LAPACK_ROW_MAJOR, 'S', m, n, A, n, s, U, k, VT, n);
  return ret_int(env, (int)r);
}

static napi_value Config(napi_env env, napi_callback_info info) {
  (void)info;
  napi_value r;
#ifdef GENLAB_HAVE_OPENBLAS_CONFIG
  char buf[512];
  snprintf(buf, sizeof buf, "%s; threads %d", openblas_get_config(), openblas_get_num_threads());
  CHECK(napi_create_string_utf8(env, buf, NAPI_AUTO_LENGTH, &r));
#else
  CHECK(napi_create_string_utf8(env, "cblas + lapacke", NAPI_AUTO_LENGTH, &r));
#endif
  return r;
}

NAPI_MODULE_INIT() {
  struct {
    const char *name;
    napi_callback cb;
  } fns[] = {{"gemm", Gemm},   {"syrk", Syrk},   {"potrf", Potrf}, {"potrs", Potrs}, {"gesv", Gesv},
             {"syevd", Syevd}, {"gelsd", Gelsd}, {"gesdd", Gesdd}, {"config", Config},
             {"sgemm", Sgemm}, {"threads", Threads}, {"adam", Adam}, {"sgd", Sgd}, {"sgemm_ep", SgemmEp}};
  for (size_t i = 0; i < sizeof fns / sizeof fns[0]; i++) {
    napi_value f;
    CHECK(napi_create_function(env, fns[i].name, NAPI_AUTO_LENGTH, fns[i].cb, NULL, &f));
    CHECK(napi_set_named_property(env, exports, fns[i].name, f));
  }
  napi_value blas;
  CHECK(napi_create_string_utf8(env, "openblas", NAPI_AUTO_LENGTH, &blas));
  CHECK(napi_set_named_property(env, exports, "blas", blas));
  return exports;
}
