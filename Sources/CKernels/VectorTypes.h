// The vector vocabulary of the kernels, included by each instruction set's file
// (KernelsAVX512.c, KernelsAVX2.c, KernelsPortable.c) with ISA_SUFFIX (the suffix of the
// exported names) and ISA_LEVEL (3 AVX-512, 2 AVX2, 1 portable) defined, under a target
// attribute. A 16-float vector is one zmm register under AVX-512, two ymm under AVX2, four xmm
// in the portable build (SSE2 on x86-64, NEON on arm64).
#ifndef SADI_VECTOR_TYPES_H
#define SADI_VECTOR_TYPES_H

#include <stdint.h>
#include <string.h>

// Every helper is inlined, so 16-float vectors never cross a call boundary.
#pragma clang diagnostic ignored "-Wpsabi"

#define CAT2(a, b) a##b
#define CAT(a, b) CAT2(a, b)
#define FN(name) CAT(name, ISA_SUFFIX)
#define ALWAYS static inline __attribute__((always_inline))

typedef float vf __attribute__((ext_vector_type(16)));
typedef int32_t vi __attribute__((ext_vector_type(16)));
typedef uint32_t vu __attribute__((ext_vector_type(16)));
typedef uint16_t vw __attribute__((ext_vector_type(16)));
typedef uint8_t vb __attribute__((ext_vector_type(16)));
typedef int8_t vsb __attribute__((ext_vector_type(16)));

ALWAYS vf ld_f(const float *p) {
    vf v;
    memcpy(&v, p, sizeof v);
    return v;
}

ALWAYS vb ld_b(const uint8_t *p) {
    vb v;
    memcpy(&v, p, sizeof v);
    return v;
}

ALWAYS vf b_to_f(vb v) { return __builtin_convertvector(v, vf); }
ALWAYS vf sb_to_f(vsb v) { return __builtin_convertvector(v, vf); }

typedef float vf8 __attribute__((ext_vector_type(8)));
typedef float vf4 __attribute__((ext_vector_type(4)));

/// The sum of the 16 lanes, halving the vector each step.
ALWAYS float hsum(vf v) {
    const vf8 a = __builtin_shufflevector(v, v, 0, 1, 2, 3, 4, 5, 6, 7)
        + __builtin_shufflevector(v, v, 8, 9, 10, 11, 12, 13, 14, 15);
    const vf4 b = __builtin_shufflevector(a, a, 0, 1, 2, 3) + __builtin_shufflevector(a, a, 4, 5, 6, 7);
    return (b[0] + b[2]) + (b[1] + b[3]);
}

ALWAYS uint16_t ld_u16(const uint8_t *p) {
    uint16_t v;
    memcpy(&v, p, 2);
    return v;
}

ALWAYS uint32_t ld_u32(const uint8_t *p) {
    uint32_t v;
    memcpy(&v, p, 4);
    return v;
}

/// IEEE half to float, exactly (F16C's conversion where the target has it).
ALWAYS float half_to_float(uint16_t h) {
#if ISA_LEVEL != 1
    _Float16 f;
    memcpy(&f, &h, 2);
    return (float)f;
#else
    uint32_t sign = (uint32_t)(h & 0x8000) << 16, exponent = (h >> 10) & 0x1F, mantissa = h & 0x3FF, bits;
    if (exponent == 0) {
        float f = (float)mantissa * 5.9604644775390625e-8f;  // 2^-24: subnormals and zero
        return sign ? -f : f;
    } else if (exponent == 31) {
        bits = sign | 0x7F800000u | (mantissa << 13);
    } else {
        bits = sign | ((exponent + 112) << 23) | (mantissa << 13);
    }
    float f;
    memcpy(&f, &bits, 4);
    return f;
#endif
}

ALWAYS vf halves_to_f(const uint8_t *p) {
#if ISA_LEVEL != 1
    typedef _Float16 vh __attribute__((ext_vector_type(16)));
    vh h;
    memcpy(&h, p, sizeof h);
    return __builtin_convertvector(h, vf);
#else
    vf v;
    for (int i = 0; i < 16; i++) v[i] = half_to_float(ld_u16(p + 2 * i));
    return v;
#endif
}

ALWAYS vf bf16_to_f(const uint8_t *p) {
    vw h;
    memcpy(&h, p, sizeof h);
    vu bits = __builtin_convertvector(h, vu) << 16;
    return (vf)bits;
}

#endif
