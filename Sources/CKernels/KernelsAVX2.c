// The kernels compiled for AVX2 with FMA and F16C.
#if defined(__x86_64__)
#include <immintrin.h>

#define ISA_SUFFIX avx2
#define ISA_LEVEL 2
#pragma clang attribute push(__attribute__((target("avx2,fma,f16c"))), apply_to = function)
#include "RowsProductBody.h"
#include "AttentionBody.h"
#include "RowsProductQ8Body.h"
#pragma clang attribute pop
#endif
