// The kernels compiled for AVX-512 (F, BW, VL, DQ) with FMA and F16C.
#if defined(__x86_64__)
#include <immintrin.h>

#define ISA_SUFFIX avx512
#define ISA_LEVEL 3
#pragma clang attribute push(__attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,fma,f16c"))), apply_to = function)
#include "RowsProductBody.h"
#include "AttentionBody.h"
#pragma clang attribute pop
#endif
