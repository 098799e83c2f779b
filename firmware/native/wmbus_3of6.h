/*
 * 3-out-of-6 decoding for wireless M-Bus mode T (EN 13757-4). Pure C99, no XS, no allocation.
 *
 * Chips are packed 8 per byte, first chip in bit 7; byte k of the frame is chips 12k..12k+11: the 6-chip code
 * of its high nibble, then of its low nibble. TypeScript twin: firmware/phy/three-of-six.ts
 * (decode3of6Into / decode3of6) with identical results, checked by host-tests/test/native-twins.test.ts.
 */
#ifndef WMBUS_3OF6_H
#define WMBUS_3OF6_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Chip bytes carrying n coded bytes: ceil(12 n / 8). */
#define WMBUS_3OF6_ENCODED_LEN(n) ((3 * (n) + 1) >> 1)
/* Whole bytes that chip_len chip bytes carry. */
#define WMBUS_3OF6_DECODED_LEN(chip_len) (((chip_len) * 2) / 3)

/* 6 chips -> nibble 0..15, or -1 for a pattern that is not a code. */
extern const int8_t wmbus_3of6_table[64];

/*
 * Decodes n bytes (clamped to WMBUS_3OF6_DECODED_LEN(chip_len)) into out. Returns -1 when every symbol is a code,
 * otherwise the index of the first invalid 6-chip symbol (symbol 2k = high nibble of byte k, 2k+1 = low
 * nibble). Only the whole bytes before that symbol's byte (index >> 1 of them) are written.
 */
int32_t wmbus_3of6_decode(const uint8_t *chips, size_t chip_len, uint8_t *out, size_t n);

#ifdef __cplusplus
}
#endif

#endif
