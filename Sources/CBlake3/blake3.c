// BLAKE3, written here from the specification (O'Connor, Aumasson, Neves, Wilcox-O'Hearn, 2020):
// the import record's content hash. SHA-256 ran at this machine's SHA-NI speed, 1.2 GB/s, and was
// a fifth of a one-core CSV ingest; BLAKE3 is as collision resistant for this use and hashes
// sixteen 1 KiB chunks at once in AVX-512 vectors. swift-crypto has no BLAKE3 and Debian 12 has
// no libblake3, so the hash is here: a portable loop, an eight-lane AVX2 loop and a sixteen-lane
// AVX-512 loop, and the tree of chunks and parents they share. Tests compare the loops with each
// other and with hashes made by the reference implementation (Tests/Goldens/blake3).
//
// Terms (from the specification): the input is cut into 1 KiB chunks of sixteen 64-byte blocks;
// a chunk's blocks chain through the compression function into its chaining value (CV); pairs of
// CVs are compressed into parent CVs up a binary tree whose left subtrees are complete powers of
// two; the root node is compressed once more with the ROOT flag for the output.

#include "CBlake3.h"

#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

enum {
    CHUNK_START = 1 << 0,
    CHUNK_END = 1 << 1,
    PARENT = 1 << 2,
    ROOT = 1 << 3,
};

#define BLOCK_LENGTH 64
#define CHUNK_LENGTH 1024
/// The largest subtree hashed in one piece: its 512 chunk CVs (16 KiB) live on the stack.
#define SUBTREE_CHUNKS 512

static const uint32_t IV[8] = {
    0x6A09E667, 0xBB67AE85, 0x3C6EF372, 0xA54FF53A, 0x510E527F, 0x9B05688C, 0x1F83D9AB, 0x5BE0CD19,
};

/// The message words each of the seven rounds reads, in order: the permutation of the
/// specification applied once per round.
static const uint8_t SCHEDULE[7][16] = {
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
    {2, 6, 3, 10, 7, 0, 4, 13, 1, 11, 12, 5, 9, 14, 15, 8},
    {3, 4, 10, 12, 13, 2, 7, 14, 6, 5, 9, 0, 11, 15, 8, 1},
    {10, 7, 12, 9, 14, 3, 13, 15, 4, 0, 11, 2, 5, 8, 1, 6},
    {12, 13, 9, 11, 15, 10, 14, 8, 7, 2, 5, 3, 0, 1, 6, 4},
    {9, 14, 11, 5, 8, 12, 15, 1, 13, 3, 0, 10, 2, 6, 4, 7},
    {11, 15, 5, 0, 1, 9, 8, 6, 14, 10, 2, 12, 3, 4, 7, 13},
};

static inline uint32_t load32(const uint8_t *p) {
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline void store32(uint8_t *p, uint32_t w) {
    p[0] = (uint8_t)w;
    p[1] = (uint8_t)(w >> 8);
    p[2] = (uint8_t)(w >> 16);
    p[3] = (uint8_t)(w >> 24);
}

static inline uint32_t rotr(uint32_t w, int c) { return (w >> c) | (w << (32 - c)); }

// MARK: - The portable loop

#define G(a, b, c, d, x, y)                                                                          \
    do {                                                                                             \
        a = a + b + (x);                                                                             \
        d = rotr(d ^ a, 16);                                                                         \
        c = c + d;                                                                                   \
        b = rotr(b ^ c, 12);                                                                         \
        a = a + b + (y);                                                                             \
        d = rotr(d ^ a, 8);                                                                          \
        c = c + d;                                                                                   \
        b = rotr(b ^ c, 7);                                                                          \
    } while (0)

/// The compression function's first eight output words: the next CV, or the root hash.
///
/// Complexity: 7 rounds of 8 quarter-rounds.
static void compress(
    const uint32_t cv[8], const uint8_t block[BLOCK_LENGTH], uint8_t block_length, uint64_t counter,
    uint8_t flags, uint32_t out[8]) {
    uint32_t m[16];
    for (int i = 0; i < 16; i++) m[i] = load32(block + 4 * i);
    uint32_t v[16] = {
        cv[0], cv[1], cv[2], cv[3], cv[4], cv[5], cv[6], cv[7],
        IV[0], IV[1], IV[2], IV[3], (uint32_t)counter, (uint32_t)(counter >> 32), block_length, flags,
    };
    for (int r = 0; r < 7; r++) {
        const uint8_t *s = SCHEDULE[r];
        G(v[0], v[4], v[8], v[12], m[s[0]], m[s[1]]);
        G(v[1], v[5], v[9], v[13], m[s[2]], m[s[3]]);
        G(v[2], v[6], v[10], v[14], m[s[4]], m[s[5]]);
        G(v[3], v[7], v[11], v[15], m[s[6]], m[s[7]]);
        G(v[0], v[5], v[10], v[15], m[s[8]], m[s[9]]);
        G(v[1], v[6], v[11], v[12], m[s[10]], m[s[11]]);
        G(v[2], v[7], v[8], v[13], m[s[12]], m[s[13]]);
        G(v[3], v[4], v[9], v[14], m[s[14]], m[s[15]]);
    }
    for (int i = 0; i < 8; i++) out[i] = v[i] ^ v[i + 8];
}

/// The CVs of `count` inputs of `blocks` whole blocks each, one input after another.
///
/// Input `i` starts at `inputs[i]`; its counter is `counter + i` when `increment`, else
/// `counter`. Its first block adds `flags_start` to `flags` and its last `flags_end`. CV `i` is
/// written as 32 little-endian bytes at `out + 32 * i`.
static void hash_many_portable(
    const uint8_t *const *inputs, size_t count, size_t blocks, uint64_t counter, int increment, uint8_t flags,
    uint8_t flags_start, uint8_t flags_end, uint8_t *out) {
    for (size_t i = 0; i < count; i++) {
        uint32_t cv[8];
        memcpy(cv, IV, sizeof cv);
        for (size_t b = 0; b < blocks; b++) {
            uint8_t f = flags | (b == 0 ? flags_start : 0) | (b + 1 == blocks ? flags_end : 0);
            compress(cv, inputs[i] + b * BLOCK_LENGTH, BLOCK_LENGTH, counter + (increment ? i : 0), f, cv);
        }
        for (int w = 0; w < 8; w++) store32(out + 32 * i + 4 * w, cv[w]);
    }
}

// MARK: - The vector loops

#if defined(__x86_64__)
#define WB_AVX512 __attribute__((target("avx512f")))

#define G16(a, b, c, d, x, y)                                                                        \
    do {                                                                                             \
        a = _mm512_add_epi32(_mm512_add_epi32(a, b), x);                                             \
        d = _mm512_ror_epi32(_mm512_xor_si512(d, a), 16);                                            \
        c = _mm512_add_epi32(c, d);                                                                  \
        b = _mm512_ror_epi32(_mm512_xor_si512(b, c), 12);                                            \
        a = _mm512_add_epi32(_mm512_add_epi32(a, b), y);                                             \
        d = _mm512_ror_epi32(_mm512_xor_si512(d, a), 8);                                             \
        c = _mm512_add_epi32(c, d);                                                                  \
        b = _mm512_ror_epi32(_mm512_xor_si512(b, c), 7);                                             \
    } while (0)

/// Word `k` of sixteen rows into vector `k` of `m`: a 16 x 16 transpose of 32-bit words by
/// 32- and 64-bit interleaves within 128-bit lanes, then two rounds of 128-bit lane shuffles.
WB_AVX512 static inline void transpose16(const __m512i r[16], __m512i m[16]) {
    __m512i t[16], u[16];
    for (int j = 0; j < 16; j += 2) {
        t[j] = _mm512_unpacklo_epi32(r[j], r[j + 1]);
        t[j + 1] = _mm512_unpackhi_epi32(r[j], r[j + 1]);
    }
    // u[4q + w], for rows 4q..4q+3: words w, w+4, w+8, w+12 in its four 128-bit lanes.
    for (int q = 0; q < 16; q += 4) {
        u[q] = _mm512_unpacklo_epi64(t[q], t[q + 2]);
        u[q + 1] = _mm512_unpackhi_epi64(t[q], t[q + 2]);
        u[q + 2] = _mm512_unpacklo_epi64(t[q + 1], t[q + 3]);
        u[q + 3] = _mm512_unpackhi_epi64(t[q + 1], t[q + 3]);
    }
    for (int w = 0; w < 4; w++) {
        __m512i low0 = _mm512_shuffle_i32x4(u[w], u[4 + w], 0x44);
        __m512i high0 = _mm512_shuffle_i32x4(u[w], u[4 + w], 0xEE);
        __m512i low1 = _mm512_shuffle_i32x4(u[8 + w], u[12 + w], 0x44);
        __m512i high1 = _mm512_shuffle_i32x4(u[8 + w], u[12 + w], 0xEE);
        m[w] = _mm512_shuffle_i32x4(low0, low1, 0x88);
        m[w + 4] = _mm512_shuffle_i32x4(low0, low1, 0xDD);
        m[w + 8] = _mm512_shuffle_i32x4(high0, high1, 0x88);
        m[w + 12] = _mm512_shuffle_i32x4(high0, high1, 0xDD);
    }
}

/// `hash_many_portable` for up to sixteen inputs at once, one input per vector lane.
///
/// Lanes past `count` hash input 0 again and are not written.
WB_AVX512 static void hash16_avx512(
    const uint8_t *const *inputs, size_t count, size_t blocks, uint64_t counter, int increment, uint8_t flags,
    uint8_t flags_start, uint8_t flags_end, uint8_t *out) {
    const uint8_t *rows[16];
    for (size_t j = 0; j < 16; j++) rows[j] = inputs[j < count ? j : 0];
    __m512i h[8];
    for (int i = 0; i < 8; i++) h[i] = _mm512_set1_epi32((int)IV[i]);
    __m512i base = _mm512_set1_epi32((int)(uint32_t)counter);
    __m512i counter_low = base, counter_high = _mm512_set1_epi32((int)(uint32_t)(counter >> 32));
    if (increment) {
        counter_low = _mm512_add_epi32(base, _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15));
        __mmask16 carry = _mm512_cmplt_epu32_mask(counter_low, base);
        counter_high = _mm512_mask_add_epi32(counter_high, carry, counter_high, _mm512_set1_epi32(1));
    }
    for (size_t b = 0; b < blocks; b++) {
        __m512i r[16], m[16];
        for (int j = 0; j < 16; j++) r[j] = _mm512_loadu_si512((const void *)(rows[j] + b * BLOCK_LENGTH));
        transpose16(r, m);
        uint8_t f = flags | (b == 0 ? flags_start : 0) | (b + 1 == blocks ? flags_end : 0);
        __m512i v0 = h[0], v1 = h[1], v2 = h[2], v3 = h[3], v4 = h[4], v5 = h[5], v6 = h[6], v7 = h[7];
        __m512i v8 = _mm512_set1_epi32((int)IV[0]), v9 = _mm512_set1_epi32((int)IV[1]);
        __m512i v10 = _mm512_set1_epi32((int)IV[2]), v11 = _mm512_set1_epi32((int)IV[3]);
        __m512i v12 = counter_low, v13 = counter_high;
        __m512i v14 = _mm512_set1_epi32(BLOCK_LENGTH), v15 = _mm512_set1_epi32(f);
        for (int round = 0; round < 7; round++) {
            const uint8_t *s = SCHEDULE[round];
            G16(v0, v4, v8, v12, m[s[0]], m[s[1]]);
            G16(v1, v5, v9, v13, m[s[2]], m[s[3]]);
            G16(v2, v6, v10, v14, m[s[4]], m[s[5]]);
            G16(v3, v7, v11, v15, m[s[6]], m[s[7]]);
            G16(v0, v5, v10, v15, m[s[8]], m[s[9]]);
            G16(v1, v6, v11, v12, m[s[10]], m[s[11]]);
            G16(v2, v7, v8, v13, m[s[12]], m[s[13]]);
            G16(v3, v4, v9, v14, m[s[14]], m[s[15]]);
        }
        h[0] = _mm512_xor_si512(v0, v8);
        h[1] = _mm512_xor_si512(v1, v9);
        h[2] = _mm512_xor_si512(v2, v10);
        h[3] = _mm512_xor_si512(v3, v11);
        h[4] = _mm512_xor_si512(v4, v12);
        h[5] = _mm512_xor_si512(v5, v13);
        h[6] = _mm512_xor_si512(v6, v14);
        h[7] = _mm512_xor_si512(v7, v15);
    }
    uint32_t words[8][16];
    for (int i = 0; i < 8; i++) _mm512_storeu_si512((void *)words[i], h[i]);
    for (size_t j = 0; j < count; j++) {
        for (int i = 0; i < 8; i++) store32(out + 32 * j + 4 * i, words[i][j]);
    }
}

#define WB_AVX2 __attribute__((target("avx2")))

/// Rotations right by 16 and 8 as byte shuffles; by 12 and 7 as two shifts (AVX2 has no rotate).
#define ROTR16_AVX2(x)                                                                                  \
    _mm256_shuffle_epi8(                                                                             \
        x, _mm256_setr_epi8(2, 3, 0, 1, 6, 7, 4, 5, 10, 11, 8, 9, 14, 15, 12, 13, 2, 3, 0, 1, 6, 7, 4, 5, \
                            10, 11, 8, 9, 14, 15, 12, 13))
#define ROTR8_AVX2(x)                                                                                   \
    _mm256_shuffle_epi8(                                                                             \
        x, _mm256_setr_epi8(1, 2, 3, 0, 5, 6, 7, 4, 9, 10, 11, 8, 13, 14, 15, 12, 1, 2, 3, 0, 5, 6, 7, 4, \
                            9, 10, 11, 8, 13, 14, 15, 12))
#define ROTR_AVX2(x, c) _mm256_or_si256(_mm256_srli_epi32(x, c), _mm256_slli_epi32(x, 32 - (c)))

#define G8(a, b, c, d, x, y)                                                                         \
    do {                                                                                             \
        a = _mm256_add_epi32(_mm256_add_epi32(a, b), x);                                             \
        d = ROTR16_AVX2(_mm256_xor_si256(d, a));                                                        \
        c = _mm256_add_epi32(c, d);                                                                  \
        b = ROTR_AVX2(_mm256_xor_si256(b, c), 12);                                                      \
        a = _mm256_add_epi32(_mm256_add_epi32(a, b), y);                                             \
        d = ROTR8_AVX2(_mm256_xor_si256(d, a));                                                         \
        c = _mm256_add_epi32(c, d);                                                                  \
        b = ROTR_AVX2(_mm256_xor_si256(b, c), 7);                                                       \
    } while (0)

/// Words `k` to `k + 7` of eight rows into vectors `k` to `k + 7` of `m`: an 8 x 8 transpose of
/// 32-bit words by 32- and 64-bit interleaves, then a swap of 128-bit halves.
WB_AVX2 static inline void transpose8(const __m256i r[8], __m256i *m) {
    __m256i t[8], u[8];
    for (int j = 0; j < 8; j += 2) {
        t[j] = _mm256_unpacklo_epi32(r[j], r[j + 1]);
        t[j + 1] = _mm256_unpackhi_epi32(r[j], r[j + 1]);
    }
    // u[4q + w], for rows 4q..4q+3: words w and w+4 in its two 128-bit halves.
    for (int q = 0; q < 8; q += 4) {
        u[q] = _mm256_unpacklo_epi64(t[q], t[q + 2]);
        u[q + 1] = _mm256_unpackhi_epi64(t[q], t[q + 2]);
        u[q + 2] = _mm256_unpacklo_epi64(t[q + 1], t[q + 3]);
        u[q + 3] = _mm256_unpackhi_epi64(t[q + 1], t[q + 3]);
    }
    for (int w = 0; w < 4; w++) {
        m[w] = _mm256_permute2x128_si256(u[w], u[4 + w], 0x20);
        m[w + 4] = _mm256_permute2x128_si256(u[w], u[4 + w], 0x31);
    }
}

/// `hash_many_portable` for up to eight inputs at once, one input per vector lane.
///
/// Lanes past `count` hash input 0 again and are not written.
WB_AVX2 static void hash8_avx2(
    const uint8_t *const *inputs, size_t count, size_t blocks, uint64_t counter, int increment, uint8_t flags,
    uint8_t flags_start, uint8_t flags_end, uint8_t *out) {
    const uint8_t *rows[8];
    for (size_t j = 0; j < 8; j++) rows[j] = inputs[j < count ? j : 0];
    __m256i h[8];
    for (int i = 0; i < 8; i++) h[i] = _mm256_set1_epi32((int)IV[i]);
    __m256i base = _mm256_set1_epi32((int)(uint32_t)counter);
    __m256i counter_low = base, counter_high = _mm256_set1_epi32((int)(uint32_t)(counter >> 32));
    if (increment) {
        counter_low = _mm256_add_epi32(base, _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
        // An unsigned `low < base` (a carry) as a signed compare of both with the top bit flipped.
        __m256i top = _mm256_set1_epi32((int)0x80000000u);
        __m256i carry = _mm256_cmpgt_epi32(_mm256_xor_si256(base, top), _mm256_xor_si256(counter_low, top));
        counter_high = _mm256_sub_epi32(counter_high, carry);
    }
    for (size_t b = 0; b < blocks; b++) {
        __m256i r[8], m[16];
        for (int j = 0; j < 8; j++) r[j] = _mm256_loadu_si256((const __m256i *)(rows[j] + b * BLOCK_LENGTH));
        transpose8(r, m);
        for (int j = 0; j < 8; j++) r[j] = _mm256_loadu_si256((const __m256i *)(rows[j] + b * BLOCK_LENGTH + 32));
        transpose8(r, m + 8);
        uint8_t f = flags | (b == 0 ? flags_start : 0) | (b + 1 == blocks ? flags_end : 0);
        __m256i v0 = h[0], v1 = h[1], v2 = h[2], v3 = h[3], v4 = h[4], v5 = h[5], v6 = h[6], v7 = h[7];
        __m256i v8 = _mm256_set1_epi32((int)IV[0]), v9 = _mm256_set1_epi32((int)IV[1]);
        __m256i v10 = _mm256_set1_epi32((int)IV[2]), v11 = _mm256_set1_epi32((int)IV[3]);
        __m256i v12 = counter_low, v13 = counter_high;
        __m256i v14 = _mm256_set1_epi32(BLOCK_LENGTH), v15 = _mm256_set1_epi32(f);
        for (int round = 0; round < 7; round++) {
            const uint8_t *s = SCHEDULE[round];
            G8(v0, v4, v8, v12, m[s[0]], m[s[1]]);
            G8(v1, v5, v9, v13, m[s[2]], m[s[3]]);
            G8(v2, v6, v10, v14, m[s[4]], m[s[5]]);
            G8(v3, v7, v11, v15, m[s[6]], m[s[7]]);
            G8(v0, v5, v10, v15, m[s[8]], m[s[9]]);
            G8(v1, v6, v11, v12, m[s[10]], m[s[11]]);
            G8(v2, v7, v8, v13, m[s[12]], m[s[13]]);
            G8(v3, v4, v9, v14, m[s[14]], m[s[15]]);
        }
        h[0] = _mm256_xor_si256(v0, v8);
        h[1] = _mm256_xor_si256(v1, v9);
        h[2] = _mm256_xor_si256(v2, v10);
        h[3] = _mm256_xor_si256(v3, v11);
        h[4] = _mm256_xor_si256(v4, v12);
        h[5] = _mm256_xor_si256(v5, v13);
        h[6] = _mm256_xor_si256(v6, v14);
        h[7] = _mm256_xor_si256(v7, v15);
    }
    uint32_t words[8][8];
    for (int i = 0; i < 8; i++) _mm256_storeu_si256((__m256i *)words[i], h[i]);
    for (size_t j = 0; j < count; j++) {
        for (int i = 0; i < 8; i++) store32(out + 32 * j + 4 * i, words[i][j]);
    }
}
#endif


/// `hash_many_portable` with the hasher's loop.
static void hash_many(
    int kernel, const uint8_t *const *inputs, size_t count, size_t blocks, uint64_t counter, int increment,
    uint8_t flags, uint8_t flags_start, uint8_t flags_end, uint8_t *out) {
#if defined(__x86_64__)
    if (kernel == WB_BLAKE3_KERNEL_AVX512 || kernel == WB_BLAKE3_KERNEL_AVX2) {
        size_t lanes = kernel == WB_BLAKE3_KERNEL_AVX512 ? 16 : 8;
        for (size_t done = 0; done < count; done += lanes) {
            size_t n = count - done < lanes ? count - done : lanes;
            uint64_t first = counter + (increment ? done : 0);
            if (lanes == 16) {
                hash16_avx512(inputs + done, n, blocks, first, increment, flags, flags_start, flags_end, out + 32 * done);
            } else {
                hash8_avx2(inputs + done, n, blocks, first, increment, flags, flags_start, flags_end, out + 32 * done);
            }
        }
        return;
    }
#endif
    hash_many_portable(inputs, count, blocks, counter, increment, flags, flags_start, flags_end, out);
}

// MARK: - The tree

int wb_blake3_supports(int kernel) {
    switch (kernel) {
    case WB_BLAKE3_KERNEL_PORTABLE: return 1;
#if defined(__x86_64__)
    case WB_BLAKE3_KERNEL_AVX2: __builtin_cpu_init(); return __builtin_cpu_supports("avx2");
    case WB_BLAKE3_KERNEL_AVX512: __builtin_cpu_init(); return __builtin_cpu_supports("avx512f");
#endif
    default: return 0;
    }
}

int wb_blake3_kernel(void) {
    static int known = -1;
    if (known < 0) {
        known = wb_blake3_supports(WB_BLAKE3_KERNEL_AVX512) ? WB_BLAKE3_KERNEL_AVX512
            : wb_blake3_supports(WB_BLAKE3_KERNEL_AVX2)     ? WB_BLAKE3_KERNEL_AVX2
                                                             : WB_BLAKE3_KERNEL_PORTABLE;
    }
    return known;
}

static void reset_chunk(wb_blake3 *h, uint64_t counter) {
    memcpy(h->chunk_cv, IV, sizeof h->chunk_cv);
    h->chunk_counter = counter;
    h->block_length = 0;
    h->blocks_compressed = 0;
}

void wb_blake3_init_with(wb_blake3 *h, int kernel) {
    h->kernel = (uint8_t)(wb_blake3_supports(kernel) ? kernel : WB_BLAKE3_KERNEL_PORTABLE);
    h->stack_length = 0;
    reset_chunk(h, 0);
}

void wb_blake3_init(wb_blake3 *h) { wb_blake3_init_with(h, wb_blake3_kernel()); }

static size_t chunk_length(const wb_blake3 *h) { return (size_t)h->blocks_compressed * BLOCK_LENGTH + h->block_length; }

/// Adds bytes to the current chunk, which must have room for them. The last block stays in
/// `block`: it is compressed only once it is known not to end the chunk.
static void chunk_update(wb_blake3 *h, const uint8_t *input, size_t length) {
    while (length > 0) {
        if (h->block_length == BLOCK_LENGTH) {
            uint8_t flags = h->blocks_compressed == 0 ? CHUNK_START : 0;
            compress(h->chunk_cv, h->block, BLOCK_LENGTH, h->chunk_counter, flags, h->chunk_cv);
            h->blocks_compressed++;
            h->block_length = 0;
        }
        size_t take = BLOCK_LENGTH - h->block_length;
        if (take > length) take = length;
        memcpy(h->block + h->block_length, input, take);
        h->block_length += (uint8_t)take;
        input += take;
        length -= take;
    }
}

/// A node's inputs to its last compression, kept so the root can be compressed with ROOT.
typedef struct {
    uint32_t cv[8];
    uint8_t block[BLOCK_LENGTH];
    uint8_t block_length;
    uint64_t counter;
    uint8_t flags;
} node;

static node chunk_node(const wb_blake3 *h) {
    node n;
    memcpy(n.cv, h->chunk_cv, sizeof n.cv);
    memset(n.block, 0, sizeof n.block);
    memcpy(n.block, h->block, h->block_length);
    n.block_length = h->block_length;
    n.counter = h->chunk_counter;
    n.flags = (uint8_t)((h->blocks_compressed == 0 ? CHUNK_START : 0) | CHUNK_END);
    return n;
}

static node parent_node(const uint32_t left[8], const uint32_t right[8]) {
    node n;
    memcpy(n.cv, IV, sizeof n.cv);
    for (int i = 0; i < 8; i++) {
        store32(n.block + 4 * i, left[i]);
        store32(n.block + 32 + 4 * i, right[i]);
    }
    n.block_length = BLOCK_LENGTH;
    n.counter = 0;
    n.flags = PARENT;
    return n;
}

static void node_cv(const node *n, uint32_t out[8]) { compress(n->cv, n->block, n->block_length, n->counter, n->flags, out); }

/// Merges the newest subtrees until the stack holds one per set bit of `chunks`: the subtrees
/// the tree of that many chunks keeps open. Merging waits for the next CV, so the last one is
/// never merged before it is known not to be the root.
static void merge_stack(wb_blake3 *h, uint64_t chunks) {
    size_t keep = (size_t)__builtin_popcountll(chunks);
    while (h->stack_length > keep) {
        node n = parent_node(h->stack[h->stack_length - 2], h->stack[h->stack_length - 1]);
        node_cv(&n, h->stack[h->stack_length - 2]);
        h->stack_length--;
    }
}

/// Pushes the CV of a complete subtree that starts after `chunks` chunks.
static void push_cv(wb_blake3 *h, const uint32_t cv[8], uint64_t chunks) {
    merge_stack(h, chunks);
    memcpy(h->stack[h->stack_length], cv, 32);
    h->stack_length++;
}

static void load_cv(const uint8_t *bytes, uint32_t cv[8]) {
    for (int i = 0; i < 8; i++) cv[i] = load32(bytes + 4 * i);
}

/// The CVs of the two halves of a subtree of `chunks` whole chunks (a power of two, at least 2)
/// that starts at chunk `counter`: chunk CVs sixteen at a time, then parents level by level.
///
/// Complexity: O(`chunks`) compressions.
static void hash_subtree(const wb_blake3 *h, const uint8_t *input, size_t chunks, uint64_t counter, uint8_t out[64]) {
    uint8_t cvs[SUBTREE_CHUNKS * 32], parents[SUBTREE_CHUNKS / 2 * 32];
    const uint8_t *inputs[SUBTREE_CHUNKS];
    for (size_t i = 0; i < chunks; i++) inputs[i] = input + i * CHUNK_LENGTH;
    hash_many(h->kernel, inputs, chunks, CHUNK_LENGTH / BLOCK_LENGTH, counter, 1, 0, CHUNK_START, CHUNK_END, cvs);
    for (size_t count = chunks; count > 2; count /= 2) {
        for (size_t i = 0; i < count / 2; i++) inputs[i] = cvs + 64 * i;
        hash_many(h->kernel, inputs, count / 2, 1, 0, 0, PARENT, 0, 0, parents);
        memcpy(cvs, parents, count / 2 * 32);
    }
    memcpy(out, cvs, 64);
}

void wb_blake3_update(wb_blake3 *h, const void *bytes, size_t length) {
    const uint8_t *input = bytes;
    // Fill the chunk begun by an earlier call; once more input follows, it is not the root.
    if (chunk_length(h) > 0) {
        size_t take = CHUNK_LENGTH - chunk_length(h);
        if (take > length) take = length;
        chunk_update(h, input, take);
        input += take;
        length -= take;
        if (length == 0) return;
        node n = chunk_node(h);
        uint32_t cv[8];
        node_cv(&n, cv);
        push_cv(h, cv, h->chunk_counter);
        reset_chunk(h, h->chunk_counter + 1);
    }
    // Whole subtrees while more than a chunk is left: each as large as the input and the
    // alignment of its first chunk allow, and pushed as its two halves, so a subtree that turns
    // out to be the whole input is still merged (and flagged ROOT) by `wb_blake3_finalize`.
    while (length > CHUNK_LENGTH) {
        size_t chunks = (size_t)1 << (63 - __builtin_clzll((unsigned long long)(length / CHUNK_LENGTH)));
        if (chunks > SUBTREE_CHUNKS) chunks = SUBTREE_CHUNKS;
        while ((h->chunk_counter & (chunks - 1)) != 0) chunks /= 2;
        if (chunks == 1) {
            chunk_update(h, input, CHUNK_LENGTH);
            node n = chunk_node(h);
            uint32_t cv[8];
            node_cv(&n, cv);
            push_cv(h, cv, h->chunk_counter);
        } else {
            uint8_t halves[64];
            uint32_t cv[8];
            hash_subtree(h, input, chunks, h->chunk_counter, halves);
            load_cv(halves, cv);
            push_cv(h, cv, h->chunk_counter);
            load_cv(halves + 32, cv);
            push_cv(h, cv, h->chunk_counter + chunks / 2);
        }
        reset_chunk(h, h->chunk_counter + chunks);
        input += chunks * CHUNK_LENGTH;
        length -= chunks * CHUNK_LENGTH;
    }
    if (length > 0) {
        chunk_update(h, input, length);
        merge_stack(h, h->chunk_counter);
    }
}

void wb_blake3_finalize(const wb_blake3 *h, uint8_t out[32]) {
    node n;
    size_t remaining;
    if (chunk_length(h) > 0 || h->stack_length == 0) {
        // The current chunk is the last node: the root itself, or the right edge of the tree.
        n = chunk_node(h);
        remaining = h->stack_length;
    } else {
        // Input ended on a subtree pushed as two halves: at least two CVs are on the stack.
        remaining = h->stack_length - 2;
        n = parent_node(h->stack[remaining], h->stack[remaining + 1]);
    }
    while (remaining > 0) {
        remaining--;
        uint32_t right[8];
        node_cv(&n, right);
        n = parent_node(h->stack[remaining], right);
    }
    uint32_t words[8];
    compress(n.cv, n.block, n.block_length, 0, n.flags | ROOT, words);
    for (int i = 0; i < 8; i++) store32(out + 4 * i, words[i]);
}
