/*
 * CRC-16/EN-13757 and DLL block-CRC check + strip for wireless M-Bus frames A and B (EN 13757-4).
 * Pure C99, no XS, no allocation; usable from a radio task or ISR context.
 *
 * TypeScript twins (identical results, checked by host-tests/test/native-twins.test.ts):
 *   wmbus_crc16           <-> firmware/link/crc16.ts        crc16(bytes, start, end)
 *   wmbus_frame_a_length  <-> firmware/link/frame-format.ts frameALength(l)
 *   wmbus_strip_frame_a   <-> firmware/link/frame-format.ts stripFrameA(b)
 *   wmbus_strip_frame_b   <-> firmware/link/frame-format.ts stripFrameB(b)
 * Known differences, all on inputs the TS handles by accident (see the report in host-tests/native/README.md):
 * an empty input (TS stripFrameA returns an empty array, C returns -1) and frame B with L = 128 (TS either
 * returns null or throws a RangeError, C returns -1).
 */
#ifndef WMBUS_CRC_H
#define WMBUS_CRC_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Longest stripped frame: L = 255 plus the L byte. `out` buffers of the strip functions need this much. */
#define WMBUS_STRIPPED_MAX 256
/* Longest frame A on air: L = 255 -> 290 bytes. */
#define WMBUS_FRAME_A_MAX 290

/* CRC-16/EN-13757 (poly 0x3D65, init 0, no reflection, xorout 0xFFFF) of len bytes. Check: "123456789" -> 0xC2B7. */
uint16_t wmbus_crc16(const uint8_t *data, size_t len);

/* Frame A bytes on air with all block CRCs: L + 1 + 2 * (1 + ceil((L - 9) / 16)); l + 3 for l < 9 (as the TS). */
unsigned wmbus_frame_a_length(unsigned l);

/*
 * Checks every block CRC of frame format A (block 1 = 10 bytes, then 16-byte blocks, CRC MSB first after each).
 * On success writes L + 1 bytes (the frame without CRCs) to out and returns L + 1. Returns -1 ("not valid")
 * when L < 9, the input is shorter than the frame, or any CRC fails; out is then untouched.
 * out needs WMBUS_STRIPPED_MAX bytes; out == in (stripping in place) is allowed. Trailing input bytes are ignored.
 */
int wmbus_strip_frame_a(const uint8_t *in, size_t in_len, uint8_t *out);

/*
 * Checks frame format B CRCs: L <= 127: one CRC over bytes 0..L-2; L > 127: one over bytes 0..125 (at 126) and
 * one over bytes 128..L-2 (at L-1). On success writes the frame without CRCs with L rewritten to the format A
 * meaning (L - 2 or L - 4) and returns its length. Returns -1 when L < 12, L == 128, the input is shorter than
 * L + 1 bytes or a CRC fails; out is then untouched. out == in is allowed.
 */
int wmbus_strip_frame_b(const uint8_t *in, size_t in_len, uint8_t *out);

#ifdef __cplusplus
}
#endif

#endif
