/*
 * Hex helpers shared by the host-only C programs: the test harness (host-tests/native/harness.c) and
 * the native bench (host-tests/bench/native-bench.c). Header-only; `static inline` so a program that
 * uses only part of it still builds with -Wall -Wextra -Werror.
 */
#ifndef WMBUS_HOST_HEX_H
#define WMBUS_HOST_HEX_H

/* Value of one hex digit (either case), or -1 for any other character. */
static inline int hex_nibble(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

#endif
