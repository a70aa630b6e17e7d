// BLAKE3 (the 32-byte hash of the BLAKE3 specification, default mode): the content hash of
// imported files. See ../blake3.c for why it is written here.
#ifndef WB_BLAKE3_H
#define WB_BLAKE3_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/// The compression loops `wb_blake3_init_with` can use.
enum {
    /// One block at a time in portable C.
    WB_BLAKE3_KERNEL_PORTABLE = 0,
    /// Sixteen chunks or parents at a time in AVX-512 vectors.
    WB_BLAKE3_KERNEL_AVX512 = 1,
    /// Eight chunks or parents at a time in AVX2 vectors.
    WB_BLAKE3_KERNEL_AVX2 = 2,
};

/// Whether this CPU runs a loop (1) or not (0).
int wb_blake3_supports(int kernel);

/// The fastest loop this CPU runs.
int wb_blake3_kernel(void);

/// The largest number of subtrees a hasher keeps (enough for 2^54 chunks of 1 KiB).
#define WB_BLAKE3_MAX_DEPTH 54

/// A hasher's state; opaque apart from its size.
typedef struct {
    uint32_t stack[WB_BLAKE3_MAX_DEPTH][8];
    uint32_t chunk_cv[8];
    uint64_t chunk_counter;
    uint8_t block[64];
    uint8_t block_length;
    uint8_t blocks_compressed;
    uint8_t stack_length;
    uint8_t kernel;
} wb_blake3;

/// Starts a hash with the fastest loop.
void wb_blake3_init(wb_blake3 *hasher);

/// Starts a hash with a given loop (tests compare the loops); an unsupported one falls back to
/// the portable loop.
void wb_blake3_init_with(wb_blake3 *hasher, int kernel);

/// Adds `length` bytes; any split of the input gives the same hash.
void wb_blake3_update(wb_blake3 *hasher, const void *input, size_t length);

/// Writes the 32-byte hash of everything added; the hasher is unchanged and may take more input.
void wb_blake3_finalize(const wb_blake3 *hasher, uint8_t out[32]);

#ifdef __cplusplus
}
#endif

#endif
