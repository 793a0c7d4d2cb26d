// The 8-bit-activation kernels compiled for AVX-512 with VNNI (vpdpbusd: Ice Lake and later
// servers); Dispatch.c runs them only where CPUID reports avx512_vnni.
#if defined(__x86_64__)
#include <immintrin.h>

#define ISA_SUFFIX avx512vnni
#define ISA_LEVEL 3
#pragma clang attribute push(__attribute__((target("avx512f,avx512bw,avx512vl,avx512dq,avx512vnni,fma,f16c"))), apply_to = function)
#include "RowsProductQ8Body.h"
#pragma clang attribute pop
#endif
