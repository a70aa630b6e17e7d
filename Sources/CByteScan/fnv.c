// The event identity hash (FNV-1a, `StableHash`) of 64 rows at once, in C for AVX-512's 64-bit
// lane multiply (`vpmullq`) with a lane mask: Swift's SIMD types have neither masked operations
// nor gathers. FNV-1a is a chain of multiplies, one per byte; the scalar code keeps four chains
// busy, bounded by one multiply per cycle. Here 64 chains run as eight vectors of eight lanes,
// so the multiplier's 15-cycle latency is covered and about 2.5 bytes are hashed per cycle.
// No library offers a batched FNV-1a (the hash is Waybill's own stored identity, so it cannot
// change to a faster one); see CByteScan.h for the contract.
#include "CByteScan.h"

#include <limits.h>

#define WB_FNV_PRIME 0x00000100000001B3ULL
#define WB_FNV_SEED 0xcbf29ce484222325ULL

/// The byte loop, for processors without the vector loop.
static void wb_fnv1a_64_bytes(const uint8_t *base, const long *starts, const long *ends, uint64_t *states)
{
    for (int k = 0; k < 64; k++) {
        uint64_t h = WB_FNV_SEED;
        for (long i = starts[k]; i < ends[k]; i++) h = (h ^ base[i]) * WB_FNV_PRIME;
        states[k] = h;
    }
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

#define WB_FNV_AVX512 __attribute__((target("avx512f,avx512dq,avx512bw")))

static WB_FNV_AVX512 void wb_fnv1a_64_avx512(
    const uint8_t *base, const long *starts, const long *ends, uint64_t *states)
{
    const __m512i prime = _mm512_set1_epi64((long long)WB_FNV_PRIME);
    const __m512i low_byte = _mm512_set1_epi64(0xFF);
    __m512i h[8], start[8], length[8];
    long longest = 0, shortest = LONG_MAX;
    for (int g = 0; g < 8; g++) {
        h[g] = _mm512_set1_epi64((long long)WB_FNV_SEED);
        start[g] = _mm512_loadu_si512((const void *)(starts + 8 * g));
        length[g] = _mm512_sub_epi64(_mm512_loadu_si512((const void *)(ends + 8 * g)), start[g]);
        long most = _mm512_reduce_max_epi64(length[g]), least = _mm512_reduce_min_epi64(length[g]);
        if (most > longest) longest = most;
        if (least < shortest) shortest = least;
    }
    long j = 0;
    // While every row has eight more bytes, no lane masks.
    for (; j + 8 <= shortest; j += 8) {
        const __m512i at = _mm512_set1_epi64(j);
        __m512i word[8];
        for (int g = 0; g < 8; g++) {
            word[g] = _mm512_i64gather_epi64(_mm512_add_epi64(start[g], at), (const void *)base, 1);
        }
        for (int b = 0; b < 8; b++) {
            for (int g = 0; g < 8; g++) {
                __m512i byte = _mm512_and_si512(_mm512_srli_epi64(word[g], 8 * b), low_byte);
                h[g] = _mm512_mullo_epi64(_mm512_xor_si512(h[g], byte), prime);
            }
        }
    }
    for (; j < longest; j += 8) {
        const __m512i at = _mm512_set1_epi64(j);
        __m512i word[8];
        for (int g = 0; g < 8; g++) {
            // Eight bytes of each row that still has bytes at j (other lanes load nothing).
            __mmask8 live = _mm512_cmpgt_epi64_mask(length[g], at);
            word[g] = _mm512_mask_i64gather_epi64(
                _mm512_setzero_si512(), live, _mm512_add_epi64(start[g], at), (const void *)base, 1);
        }
        for (int b = 0; b < 8; b++) {
            const __m512i position = _mm512_set1_epi64(j + b);
            for (int g = 0; g < 8; g++) {
                // A lane whose row has ended keeps its state.
                __mmask8 live = _mm512_cmpgt_epi64_mask(length[g], position);
                __m512i byte = _mm512_and_si512(_mm512_srli_epi64(word[g], 8 * b), low_byte);
                h[g] = _mm512_mask_mullo_epi64(h[g], live, _mm512_xor_si512(h[g], byte), prime);
            }
        }
    }
    for (int g = 0; g < 8; g++) _mm512_storeu_si512((void *)(states + 8 * g), h[g]);
}

long wb_fnv1a_64_supported(void)
{
    static int known = -1;
    int value = __atomic_load_n(&known, __ATOMIC_RELAXED);
    if (value < 0) {
        __builtin_cpu_init();
        value = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq")
            && __builtin_cpu_supports("avx512bw");
        __atomic_store_n(&known, value, __ATOMIC_RELAXED);
    }
    return value;
}

void wb_fnv1a_64(const uint8_t *base, const long *starts, const long *ends, uint64_t *states)
{
    if (wb_fnv1a_64_supported()) {
        wb_fnv1a_64_avx512(base, starts, ends, states);
    } else {
        wb_fnv1a_64_bytes(base, starts, ends, states);
    }
}
#else
long wb_fnv1a_64_supported(void) { return 0; }

void wb_fnv1a_64(const uint8_t *base, const long *starts, const long *ends, uint64_t *states)
{
    wb_fnv1a_64_bytes(base, starts, ends, states);
}
#endif
