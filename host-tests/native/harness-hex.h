/* Hex helpers shared by the host C harnesses (harness.c, radio-harness.c, bench/native-bench.c). Host only. */
#ifndef HARNESS_HEX_H
#define HARNESS_HEX_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

static inline int nibble(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Upper-case hex, "-" for an empty string. */
static inline void put_hex(const uint8_t *b, size_t n)
{
	static const char HEX[] = "0123456789ABCDEF";
	size_t i;
	if (n == 0) {
		putchar('-');
		return;
	}
	for (i = 0; i < n; i++) {
		putchar(HEX[b[i] >> 4]);
		putchar(HEX[b[i] & 15]);
	}
}

#endif
