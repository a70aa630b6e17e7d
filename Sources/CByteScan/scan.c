// The CSV importer's record scanner, in C for its vector compare-and-mask: Swift has SIMD types
// but no way to turn a lane comparison into a bit mask (`movemask`), which is the whole trick.
// No CSV library available to SwiftPM scans by masks and hands out cell bounds without
// allocating, so this is written here; see CByteScan.h for the contract.
//
// The loop takes 32 bytes a step and makes two masks: delimiters, and the rarer line breaks and
// quotes. A step without the latter writes its delimiters' bounds with a fixed run of
// count-trailing-zeros steps, no branch per cell (a branch per cell, mispredicted at the end of
// every mask, was most of the time of a bit-by-bit loop). The first line break ends the record;
// a quote matters only where a cell starts, which is found by shifting the delimiter mask.
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

static inline __attribute__((always_inline)) long wb_scan(
    const uint8_t *buf, long start, long count, uint8_t delimiter, uint32_t *bounds, long max_cells, long *cells)
{
    long n = 0;
    long i = start;
    bounds[0] = (uint32_t)start;
#if defined(__SSE2__)
    const __m128i d = _mm_set1_epi8((char)delimiter);
    const __m128i lf = _mm_set1_epi8('\n');
    const __m128i cr = _mm_set1_epi8('\r');
    const __m128i quote = _mm_set1_epi8('"');
    // Whether the step's first byte starts a cell: the record's first byte, or one after a
    // delimiter (the previous step's top bit).
    uint32_t carry = 1;
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
                n += __builtin_popcount(mine);
                long end = pos + 1;
                if (buf[pos] == '\r') {
                    if (end >= count) return WB_CSV_INCOMPLETE;
                    if (buf[end] == '\n') end += 1;
                }
                bounds[++n] = (uint32_t)(pos + 1);
                *cells = n;
                return end;
            }
        }
        if (delimiters) {
            if (n + __builtin_popcount(delimiters) > max_cells) return WB_CSV_GENERAL;
            wb_flatten(bounds + n + 1, delimiters, i);
            n += __builtin_popcount(delimiters);
        }
        carry = delimiters >> 31;
    }
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
            long end = i + 1;
            if (c == '\r') {
                if (end >= count) return WB_CSV_INCOMPLETE;
                if (buf[end] == '\n') end += 1;
            }
            bounds[++n] = (uint32_t)(i + 1);
            *cells = n;
            return end;
        }
    }
    *cells = n;
    return WB_CSV_INCOMPLETE;
}

#if defined(__x86_64__) && defined(__GNUC__)
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

long wb_csv_scan_plain(
    const uint8_t *buf, long start, long count, uint8_t delimiter, uint32_t *bounds, long max_cells, long *cells)
{
    // Threads that race here store the same value.
    static int has_popcnt = -1;
    int known = __atomic_load_n(&has_popcnt, __ATOMIC_RELAXED);
    if (known < 0) {
        __builtin_cpu_init();
        known = __builtin_cpu_supports("popcnt") ? 1 : 0;
        __atomic_store_n(&has_popcnt, known, __ATOMIC_RELAXED);
    }
    return known ? wb_scan_popcnt(buf, start, count, delimiter, bounds, max_cells, cells)
                      : wb_scan_baseline(buf, start, count, delimiter, bounds, max_cells, cells);
}
#else
long wb_csv_scan_plain(
    const uint8_t *buf, long start, long count, uint8_t delimiter, uint32_t *bounds, long max_cells, long *cells)
{
    return wb_scan(buf, start, count, delimiter, bounds, max_cells, cells);
}
#endif
