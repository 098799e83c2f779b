/* Manchester decoding. See wmbus_manchester.h. */
#include "wmbus_manchester.h"

int wmbus_manchester_nibble(uint8_t c)
{
	/* Every pair must be 01 or 10: its two chips differ. The second chip of each pair is the bit. */
	if ((((c >> 1) ^ c) & 0x55) != 0x55)
		return -1;
	return ((c >> 3) & 0x8) | ((c >> 2) & 0x4) | ((c >> 1) & 0x2) | (c & 0x1);
}

/* Index 0..3 of the first pair that is 00 or 11. */
static unsigned first_violation(uint8_t c)
{
	int p;
	for (p = 0; p < 4; p++) {
		unsigned pair = (c >> (6 - 2 * p)) & 3;
		if (pair == 0 || pair == 3)
			return (unsigned)p;
	}
	return 0;
}

int32_t wmbus_manchester_decode(const uint8_t *chips, size_t chip_len, uint8_t *out, size_t n)
{
	size_t k;
	int hi, lo;

	if (n > chip_len / 2)
		n = chip_len / 2;
	for (k = 0; k < n; k++) {
		hi = wmbus_manchester_nibble(chips[2 * k]);
		if (hi < 0)
			return (int32_t)(8 * k + first_violation(chips[2 * k]));
		lo = wmbus_manchester_nibble(chips[2 * k + 1]);
		if (lo < 0)
			return (int32_t)(8 * k + 4 + first_violation(chips[2 * k + 1]));
		out[k] = (uint8_t)((hi << 4) | lo);
	}
	return -1;
}
