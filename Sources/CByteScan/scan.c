// The CSV importer's record scanner, in C for its vector compare-and-mask: Swift has SIMD types
// but no way to turn a lane comparison into a bit mask (`movemask`), which is the whole trick.
// No CSV library available to SwiftPM scans by masks and hands out cell bounds without
// allocating, so this is written here; see CByteScan.h for the contract.
#include "CByteScan.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

// Handles the byte at `pos` that the mask flagged. Returns 1 to go on, or the scan's result
// through *result (0 = keep scanning).
static inline int wb_flagged(
    const uint8_t *buf, long pos, long count, uint8_t delimiter, uint32_t *bounds, long max_cells,
    long *n, long *cell_start, long *result)
{
    uint8_t c = buf[pos];
    if (c == delimiter) {
        if (*n >= max_cells) { *result = WB_CSV_GENERAL; return 1; }
        bounds[++*n] = (uint32_t)(pos + 1);
        *cell_start = pos + 1;
        return 0;
    }
    if (c == '"') {
        if (pos == *cell_start) { *result = WB_CSV_GENERAL; return 1; }
        return 0;  // a quote inside an unquoted cell is text
    }
    // A line break ends the record.
    if (*n >= max_cells) { *result = WB_CSV_GENERAL; return 1; }
    long end = pos + 1;
    if (c == '\r') {
        if (end >= count) { *result = WB_CSV_INCOMPLETE; return 1; }
        if (buf[end] == '\n') end += 1;
    }
    bounds[++*n] = (uint32_t)(pos + 1);
    *result = end;
    return 1;
}

long wb_csv_scan_plain(
    const uint8_t *buf, long start, long count, uint8_t delimiter, uint32_t *bounds, long max_cells, long *cells)
{
    long n = 0;
    long cell_start = start;
    long result = 0;
    long i = start;
    bounds[0] = (uint32_t)start;
#if defined(__SSE2__)
    const __m128i d = _mm_set1_epi8((char)delimiter);
    const __m128i lf = _mm_set1_epi8('\n');
    const __m128i cr = _mm_set1_epi8('\r');
    const __m128i quote = _mm_set1_epi8('"');
    for (; i + 16 <= count; i += 16) {
        __m128i v = _mm_loadu_si128((const __m128i *)(buf + i));
        __m128i hit = _mm_or_si128(
            _mm_or_si128(_mm_cmpeq_epi8(v, d), _mm_cmpeq_epi8(v, lf)),
            _mm_or_si128(_mm_cmpeq_epi8(v, cr), _mm_cmpeq_epi8(v, quote)));
        unsigned mask = (unsigned)_mm_movemask_epi8(hit);
        while (mask != 0) {
            long pos = i + __builtin_ctz(mask);
            mask &= mask - 1;
            if (wb_flagged(buf, pos, count, delimiter, bounds, max_cells, &n, &cell_start, &result)) {
                *cells = n;
                return result;
            }
        }
    }
#endif
    for (; i < count; i++) {
        uint8_t c = buf[i];
        if (c != delimiter && c != '\n' && c != '\r' && c != '"') continue;
        if (wb_flagged(buf, i, count, delimiter, bounds, max_cells, &n, &cell_start, &result)) {
            *cells = n;
            return result;
        }
    }
    *cells = n;
    return WB_CSV_INCOMPLETE;
}
