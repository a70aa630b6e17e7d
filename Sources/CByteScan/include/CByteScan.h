#ifndef WAYBILL_CBYTESCAN_H
#define WAYBILL_CBYTESCAN_H

#include <stdint.h>

/// The result of `wb_csv_scan_plain` when the buffer ends before the record does.
#define WB_CSV_INCOMPLETE (-1)
/// The result of `wb_csv_scan_plain` for a record it does not read: a quoted cell, or more cells
/// than `max_cells`. The caller reads such a record with its general scanner.
#define WB_CSV_GENERAL (-2)
/// The room `bounds` needs past `max_cells + 1` entries (the AVX-512 loop writes 64 at a time).
#define WB_CSV_BOUNDS_SLACK 64

/// The scan loops `wb_csv_scan_with` can be asked for, each needing more of the processor.
#define WB_CSV_KERNEL_BASELINE 0
#define WB_CSV_KERNEL_POPCNT 1
#define WB_CSV_KERNEL_AVX512 2

/// Finds the cells of one CSV record that has no quoted cell, 32 or 64 bytes a step.
///
/// Reads `buf[start..<count]`. Every delimiter, line feed, carriage return and quote is found with
/// one vector comparison per kind and a bit mask; each cell then costs a bit step, not a scan of
/// its bytes. On success returns the offset just past the record's line break (LF, CR or CRLF),
/// sets `*cells` to the number of cells and writes `bounds[0] = start` and, for each cell k,
/// `bounds[k + 1]` = the offset just past its delimiter or line break, so cell k is
/// `buf[bounds[k] ..< bounds[k + 1] - 1]`. A quote inside an unquoted cell is text.
///
/// Returns `WB_CSV_INCOMPLETE` when the buffer ends before the line break (a lone CR at the very
/// end counts as incomplete: an LF may follow), `WB_CSV_GENERAL` at a quote that opens a cell or
/// when the record has more than `max_cells` cells. `bounds` must have room for `max_cells + 1`
/// values plus `WB_CSV_BOUNDS_SLACK` (the loop writes a few entries ahead); offsets must fit 32
/// bits.
///
/// Complexity: O(n) in the record's length; one step per 32 bytes plus one per cell, or one
/// step per 64 bytes with AVX-512.
long wb_csv_scan_plain(
    const uint8_t *buf, long start, long count, uint8_t delimiter, uint32_t *bounds, long max_cells, long *cells);

/// The best scan loop this processor (and its OS) supports: a `WB_CSV_KERNEL_` value.
long wb_csv_scan_kernel(void);

/// `wb_csv_scan_plain` with a chosen loop (lowered to the best supported one), so tests can
/// compare the loops on one machine.
long wb_csv_scan_with(
    long kernel, const uint8_t *buf, long start, long count, uint8_t delimiter, uint32_t *bounds, long max_cells,
    long *cells);

/// Whether `wb_fnv1a_64` runs its AVX-512 loop here (F, DQ and BW, with the OS saving the
/// registers); without it the function is a plain byte loop, slower than `StableHash.values4`.
long wb_fnv1a_64_supported(void);

/// The FNV-1a states (before `StableHash`'s finaliser) of 64 byte strings at once,
/// `base[starts[k] ..< ends[k]]` for k in 0..<64, written to `states[0 ..< 64]`.
///
/// Eight bytes of a string are loaded at a time, so up to 7 bytes past a string's end are read
/// (and ignored): `base` must be readable for 7 bytes past the largest end.
///
/// Complexity: O(64 × the longest string's length).
void wb_fnv1a_64(const uint8_t *base, const long *starts, const long *ends, uint64_t *states);

#endif
