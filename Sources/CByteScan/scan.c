// The CSV importer's record scanner, in C for its vector compare-and-mask: Swift has SIMD types
// but no way to turn a lane comparison into a bit mask (`movemask`), which is the whole trick.
// No CSV library available to SwiftPM scans by masks and hands out cell bounds without
// allocating, so this is written here; see CByteScan.h for the contract.
//
// The loop takes 32 bytes a step (64 with AVX-512, chosen at run time) and makes two masks:
// delimiters, and the rarer line breaks and quotes. A step without the latter writes its
// delimiters' bounds with no branch per cell (a fixed run of count-trailing-zeros steps, or one
// byte compress with AVX-512; a branch per cell, mispredicted at the end of every mask, was most
// of the time of a bit-by-bit loop). The first line break ends the record; a quote matters only
// where a cell starts, which is found by shifting the delimiter mask.
#include "CByteScan.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

/// Writes the offsets just past each set bit of `mask` (bit k = byte `base + k`) to `out`, in
/// order. Writes up to 8 entries past the last one it means: `out` needs that much room.
static inline __attribute__((always_inline)) void wb_flatten(uint32_t *out, uint32_t mask, long base) {
    int total = __builtin_popcount(mask);
    uint32_t next = (uint32_t)(base + 1);
    // `| 0x80000000u` keeps ctz defined once the real bits run out; those entries are not counted.
    for (int k = 0; k < 8; k++) {
        out[k] = next + (uint32_t)__builtin_ctz(mask | 0x80000000u);
        mask &= mask - 1;
    }
    if (total > 8) {
        for (int k = 8; k < 16; k++) {
            out[k] = next + (uint32_t)__builtin_ctz(mask | 0x80000000u);
            mask &= mask - 1;
        }
        for (int k = 16; k < total; k++) {
            out[k] = next + (uint32_t)__builtin_ctz(mask);
            mask &= mask - 1;
        }
    }
}

/// Ends a record at the line break at `pos` (LF, CR or CRLF) after `n` cells: bounds its last
/// cell, sets `*cells` and returns the offset past the break (`WB_CSV_INCOMPLETE` for a CR at
/// the buffer's end, where an LF may follow).
static inline __attribute__((always_inline)) long wb_end_record(
    const uint8_t *buf, long pos, long count, uint32_t *bounds, long n, long *cells)
{
    long end = pos + 1;
    if (buf[pos] == '\r') {
        if (end >= count) return WB_CSV_INCOMPLETE;
        if (buf[end] == '\n') end += 1;
    }
    bounds[n + 1] = (uint32_t)(pos + 1);
    *cells = n + 1;
    return end;
}

/// The scan from byte `i` on, with `n` cells already bounded and `carry` = whether byte `i`
/// starts a cell: the SSE2 loop, then the last bytes one at a time.
static inline __attribute__((always_inline)) long wb_scan_from(
    const uint8_t *buf, long i, long count, uint8_t delimiter, uint32_t *bounds, long max_cells, long *cells, long n,
    uint32_t carry)
{
#if defined(__SSE2__)
    const __m128i d = _mm_set1_epi8((char)delimiter);
    const __m128i lf = _mm_set1_epi8('\n');
    const __m128i cr = _mm_set1_epi8('\r');
    const __m128i quote = _mm_set1_epi8('"');
    for (; i + 32 <= count; i += 32) {
        __m128i a = _mm_loadu_si128((const __m128i *)(buf + i));
        __m128i b = _mm_loadu_si128((const __m128i *)(buf + i + 16));
        uint32_t delimiters = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(a, d))
            | ((uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(b, d)) << 16);
        __m128i sa = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(a, lf), _mm_cmpeq_epi8(a, cr)), _mm_cmpeq_epi8(a, quote));
        __m128i sb = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(b, lf), _mm_cmpeq_epi8(b, cr)), _mm_cmpeq_epi8(b, quote));
        uint32_t special = (uint32_t)_mm_movemask_epi8(sa) | ((uint32_t)_mm_movemask_epi8(sb) << 16);
        if (special != 0) {
            uint32_t quotes = (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(a, quote))
                | ((uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(b, quote)) << 16);
            uint32_t breaks = special & ~quotes;
            // Only bytes before the first line break belong to this record.
            uint32_t before = breaks ? (breaks & (0u - breaks)) - 1 : 0xFFFFFFFFu;
            if (quotes & before & ((delimiters << 1) | carry)) return WB_CSV_GENERAL;  // a quoted cell
            if (breaks) {
                uint32_t mine = delimiters & before;
                long pos = i + __builtin_ctz(breaks);
                if (n + __builtin_popcount(mine) + 1 > max_cells) return WB_CSV_GENERAL;
                wb_flatten(bounds + n + 1, mine, i);
                return wb_end_record(buf, pos, count, bounds, n + __builtin_popcount(mine), cells);
            }
        }
        if (delimiters) {
            if (n + __builtin_popcount(delimiters) > max_cells) return WB_CSV_GENERAL;
            wb_flatten(bounds + n + 1, delimiters, i);
            n += __builtin_popcount(delimiters);
        }
        carry = delimiters >> 31;
    }
#else
    (void)carry;
#endif
    // The last bytes of the buffer (or every byte without SSE2), one at a time.
    for (; i < count; i++) {
        uint8_t c = buf[i];
        if (c == delimiter) {
            if (n >= max_cells) return WB_CSV_GENERAL;
            bounds[++n] = (uint32_t)(i + 1);
        } else if (c == '"') {
            if ((long)bounds[n] == i) return WB_CSV_GENERAL;  // a quote that opens a cell
        } else if (c == '\n' || c == '\r') {
            if (n >= max_cells) return WB_CSV_GENERAL;
            return wb_end_record(buf, i, count, bounds, n, cells);
        }
    }
    *cells = n;
    return WB_CSV_INCOMPLETE;
}

static inline __attribute__((always_inline)) long wb_scan(
    const uint8_t *buf, long start, long count, uint8_t delimiter, uint32_t *bounds, long max_cells, long *cells)
{
    bounds[0] = (uint32_t)start;
    return wb_scan_from(buf, start, count, delimiter, bounds, max_cells, cells, 0, 1);
}

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>

// The same scan compiled for processors with the POPCNT instruction (all x86-64 since about
// 2009), chosen at run time: without it each population count is a dozen instructions.
__attribute__((target("popcnt"))) static long wb_scan_popcnt(
    const uint8_t *buf, long start, long count, uint8_t delimiter, uint32_t *bounds, long max_cells, long *cells)
{
    return wb_scan(buf, start, count, delimiter, bounds, max_cells, cells);
}

static long wb_scan_baseline(
    const uint8_t *buf, long start, long count, uint8_t delimiter, uint32_t *bounds, long max_cells, long *cells)
{
    return wb_scan(buf, start, count, delimiter, bounds, max_cells, cells);
}

#define WB_AVX512 __attribute__((target("avx512f,avx512bw,avx512vbmi2,popcnt,bmi")))

/// Writes the offsets just past each set bit of `mask` (bit k = byte `base + k`) to `out`, in
/// order, with no branch: `vpcompressb` packs the set bits' byte indices to the front of a
/// register, and four widening stores write all 64 lanes (entries past the last set bit are
/// garbage the caller does not count; `out` needs 64 entries of room).
static inline __attribute__((always_inline)) WB_AVX512 void wb_flatten64(uint32_t *out, uint64_t mask, long base) {
    const __m512i iota = _mm512_set_epi8(
        63, 62, 61, 60, 59, 58, 57, 56, 55, 54, 53, 52, 51, 50, 49, 48, 47, 46, 45, 44, 43, 42, 41, 40, 39, 38, 37, 36, 35,
        34, 33, 32, 31, 30, 29, 28, 27, 26, 25, 24, 23, 22, 21, 20, 19, 18, 17, 16, 15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5,
        4, 3, 2, 1, 0);
    const __m512i next = _mm512_set1_epi32((int)(base + 1));
    __m512i packed = _mm512_maskz_compress_epi8(mask, iota);
    _mm512_storeu_si512(out, _mm512_add_epi32(next, _mm512_cvtepu8_epi32(_mm512_castsi512_si128(packed))));
    _mm512_storeu_si512(out + 16, _mm512_add_epi32(next, _mm512_cvtepu8_epi32(_mm512_extracti32x4_epi32(packed, 1))));
    _mm512_storeu_si512(out + 32, _mm512_add_epi32(next, _mm512_cvtepu8_epi32(_mm512_extracti32x4_epi32(packed, 2))));
    _mm512_storeu_si512(out + 48, _mm512_add_epi32(next, _mm512_cvtepu8_epi32(_mm512_extracti32x4_epi32(packed, 3))));
}

/// The scan 64 bytes a step with AVX-512 (BW for compares straight into 64-bit masks, VBMI2 for
/// the byte compress), then the SSE2 loop and the byte loop for the rest of the buffer. A record
/// of the simulator's log (about 170 bytes, 30 cells) takes three steps and three compresses
/// instead of six steps and thirty count-trailing-zeros.
static WB_AVX512 long wb_scan_avx512(
    const uint8_t *buf, long start, long count, uint8_t delimiter, uint32_t *bounds, long max_cells, long *cells)
{
    const __m512i d = _mm512_set1_epi8((char)delimiter);
    const __m512i lf = _mm512_set1_epi8('\n');
    const __m512i cr = _mm512_set1_epi8('\r');
    const __m512i quote = _mm512_set1_epi8('"');
    long n = 0;
    long i = start;
    bounds[0] = (uint32_t)start;
    uint64_t carry = 1;  // whether the step's first byte starts a cell
    for (; i + 64 <= count; i += 64) {
        __m512i v = _mm512_loadu_si512((const void *)(buf + i));
        uint64_t delimiters = _mm512_cmpeq_epi8_mask(v, d);
        uint64_t quotes = _mm512_cmpeq_epi8_mask(v, quote);
        uint64_t breaks = _mm512_cmpeq_epi8_mask(v, lf) | _mm512_cmpeq_epi8_mask(v, cr);
        if ((quotes | breaks) != 0) {
            // Only bytes before the first line break belong to this record.
            uint64_t before = breaks ? (breaks & (0 - breaks)) - 1 : ~(uint64_t)0;
            if (quotes & before & ((delimiters << 1) | carry)) return WB_CSV_GENERAL;  // a quoted cell
            if (breaks) {
                uint64_t mine = delimiters & before;
                long pos = i + __builtin_ctzll(breaks);
                if (n + __builtin_popcountll(mine) + 1 > max_cells) return WB_CSV_GENERAL;
                wb_flatten64(bounds + n + 1, mine, i);
                return wb_end_record(buf, pos, count, bounds, n + __builtin_popcountll(mine), cells);
            }
        }
        if (n + __builtin_popcountll(delimiters) > max_cells) return WB_CSV_GENERAL;
        wb_flatten64(bounds + n + 1, delimiters, i);
        n += __builtin_popcountll(delimiters);
        carry = delimiters >> 63;
    }
    return wb_scan_from(buf, i, count, delimiter, bounds, max_cells, cells, n, (uint32_t)carry);
}

long wb_csv_scan_kernel(void)
{
    // Threads that race here store the same value.
    static int best = -1;
    int known = __atomic_load_n(&best, __ATOMIC_RELAXED);
    if (known < 0) {
        __builtin_cpu_init();
        // The compiler's CPU model reports AVX-512 only where the OS saves its registers.
        if (__builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vbmi2")
            && __builtin_cpu_supports("popcnt")) {
            known = WB_CSV_KERNEL_AVX512;
        } else {
            known = __builtin_cpu_supports("popcnt") ? WB_CSV_KERNEL_POPCNT : WB_CSV_KERNEL_BASELINE;
        }
        __atomic_store_n(&best, known, __ATOMIC_RELAXED);
    }
    return known;
}

static inline __attribute__((always_inline)) long wb_dispatch(
    long kernel, const uint8_t *buf, long start, long count, uint8_t delimiter, uint32_t *bounds, long max_cells,
    long *cells)
{
    switch (kernel) {
    case WB_CSV_KERNEL_AVX512: return wb_scan_avx512(buf, start, count, delimiter, bounds, max_cells, cells);
    case WB_CSV_KERNEL_POPCNT: return wb_scan_popcnt(buf, start, count, delimiter, bounds, max_cells, cells);
    default: return wb_scan_baseline(buf, start, count, delimiter, bounds, max_cells, cells);
    }
}

long wb_csv_scan_with(
    long kernel, const uint8_t *buf, long start, long count, uint8_t delimiter, uint32_t *bounds, long max_cells,
    long *cells)
{
    long best = wb_csv_scan_kernel();
    return wb_dispatch(kernel < best ? kernel : best, buf, start, count, delimiter, bounds, max_cells, cells);
}

long wb_csv_scan_plain(
    const uint8_t *buf, long start, long count, uint8_t delimiter, uint32_t *bounds, long max_cells, long *cells)
{
    return wb_dispatch(wb_csv_scan_kernel(), buf, start, count, delimiter, bounds, max_cells, cells);
}
#else
long wb_csv_scan_kernel(void) { return WB_CSV_KERNEL_BASELINE; }

long wb_csv_scan_with(
    long kernel, const uint8_t *buf, long start, long count, uint8_t delimiter, uint32_t *bounds, long max_cells,
    long *cells)
{
    (void)kernel;
    return wb_scan(buf, start, count, delimiter, bounds, max_cells, cells);
}

long wb_csv_scan_plain(
    const uint8_t *buf, long start, long count, uint8_t delimiter, uint32_t *bounds, long max_cells, long *cells)
{
    return wb_scan(buf, start, count, delimiter, bounds, max_cells, cells);
}
#endif
