/*
 * Manchester decoding for wireless M-Bus modes S, R2 and the T2 downlink (EN 13757-4): chip pair 01 = bit 1,
 * 10 = bit 0, 00 and 11 are violations; MSB first, so one byte = 2 chip bytes. Pure C99, no XS, no allocation.
 * TypeScript twin: firmware/phy/manchester.ts (decodeManchesterInto / decodeManchester), identical results.
 */
#ifndef WMBUS_MANCHESTER_H
#define WMBUS_MANCHESTER_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Decodes n bytes (clamped to chip_len / 2) into out. Returns -1 without a violation, otherwise the index of
 * the first bad bit (chip pair; bit 8k is the MSB of byte k). Only the whole bytes before it are written.
 */
int32_t wmbus_manchester_decode(const uint8_t *chips, size_t chip_len, uint8_t *out, size_t n);

/* 8 chips (4 pairs) -> nibble, -1 if any pair is 00 or 11. */
int wmbus_manchester_nibble(uint8_t chips);

#ifdef __cplusplus
}
#endif

#endif
