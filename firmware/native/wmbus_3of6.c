/* 3-out-of-6 decoding, table driven. See wmbus_3of6.h. */
#include "wmbus_3of6.h"

/* Codes (docs/protocol.md §1.3): 0:16 1:0D 2:0E 3:0B 4:1C 5:19 6:1A 7:13 8:2C 9:25 A:26 B:23 C:34 D:31 E:32 F:29. */
#define X (-1)
const int8_t wmbus_3of6_table[64] = {
	/* 0x00 */ X, X, X, X, X, X, X, X, X, X, X, 0x3, X, 0x1, 0x2, X,
	/* 0x10 */ X, X, X, 0x7, X, X, 0x0, X, X, 0x5, 0x6, X, 0x4, X, X, X,
	/* 0x20 */ X, X, X, 0xB, X, 0x9, 0xA, X, X, 0xF, X, X, 0x8, X, X, X,
	/* 0x30 */ X, 0xD, 0xE, X, 0xC, X, X, X, X, X, X, X, X, X, X, X,
};
#undef X

/*
 * Decodes one byte from its two 6-chip symbols into *out. Returns -1 when both are codes, else the
 * index (0 high, 1 low) of the first symbol that is not; *out is then left alone.
 */
static inline int decode_byte(int sym_hi, int sym_lo, uint8_t *out)
{
	int hi = wmbus_3of6_table[sym_hi], lo;

	if (hi < 0)
		return 0;
	lo = wmbus_3of6_table[sym_lo];
	if (lo < 0)
		return 1;
	*out = (uint8_t)((hi << 4) | lo);
	return -1;
}

/* Three chip bytes carry two bytes: the first in the high 12 chips, the second in the low 12. */
static inline int decode_first(const uint8_t *p, uint8_t *out)
{
	return decode_byte(p[0] >> 2, ((p[0] & 0x03) << 4) | (p[1] >> 4), out);
}

static inline int decode_second(const uint8_t *p, uint8_t *out)
{
	return decode_byte(((p[1] & 0x0F) << 2) | (p[2] >> 6), p[2] & 0x3F, out);
}

int32_t wmbus_3of6_decode(const uint8_t *chips, size_t chip_len, uint8_t *out, size_t n)
{
	size_t k, max = WMBUS_3OF6_DECODED_LEN(chip_len);
	const uint8_t *p;
	int bad;

	if (n > max)
		n = max;
	for (k = 0, p = chips; k + 1 < n; k += 2, p += 3) {
		bad = decode_first(p, &out[k]);
		if (bad >= 0)
			return (int32_t)(2 * k) + bad;
		bad = decode_second(p, &out[k + 1]);
		if (bad >= 0)
			return (int32_t)(2 * k + 2) + bad;
	}
	/* Odd count: the last byte is the high 12 chips of two chip bytes. */
	if (k < n) {
		bad = decode_first(p, &out[k]);
		if (bad >= 0)
			return (int32_t)(2 * k) + bad;
	}
	return -1;
}
