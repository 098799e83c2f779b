/*
 * Wall-clock ns/byte of the pure C in firmware/native (bench only, never a test). Reads three hex lines on
 * stdin: the CRC input, a frame A with CRCs, and 3-of-6 chips, followed by the decoded byte count, as
 * host-tests/bench/node-bench.ts twinInputs() builds them. Prints "crc N", "strip N", "3of6 N" (ns per
 * byte: CRC input byte, frame-A input byte, decoded byte). Each function is called in ROUNDS rounds of about
 * SECONDS / ROUNDS and the fastest round counts (other processes only slow a round down). The functions live
 * in other translation units (no LTO), so the calls cannot be optimised away.
 *
 * Build (native-bench.ts does it): gcc -std=c99 -O2 -I firmware/native firmware/native/wmbus_crc.c
 *   firmware/native/wmbus_3of6.c host-tests/bench/native-bench.c -o native-bench
 */
#define _POSIX_C_SOURCE 199309L
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../native/harness-hex.h"
#include "wmbus_3of6.h"
#include "wmbus_crc.h"


#define SECONDS 0.3
#define ROUNDS 5

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static size_t read_hex(uint8_t *out, size_t cap)
{
	char line[4096];
	size_t n = 0, i;
	if (!fgets(line, sizeof line, stdin)) {
		fprintf(stderr, "native-bench: missing input line\n");
		exit(2);
	}
	for (i = 0; nibble(line[i]) >= 0 && nibble(line[i + 1]) >= 0 && n < cap; i += 2)
		out[n++] = (uint8_t)((nibble(line[i]) << 4) | nibble(line[i + 1]));
	return n;
}

static volatile uint32_t sink;

/*
 * best = the fastest of ROUNDS rounds (each about SECONDS / ROUNDS long) in seconds per run of `stmt`.
 * A macro, not a function taking a callback, so the timed loop holds the direct call only.
 */
#define FASTEST(best, stmt)                                                                    \
	do {                                                                                   \
		double t0_, t_;                                                                \
		unsigned long calls_, i_;                                                      \
		int k_;                                                                        \
		for ((best) = 1e30, k_ = 0; k_ < ROUNDS; k_++) {                               \
			for (calls_ = 0, t0_ = t_ = now(); t_ - t0_ < SECONDS / ROUNDS; t_ = now()) \
				for (i_ = 0; i_ < 10000; i_++, calls_++)                           \
					stmt;                                                      \
			if ((t_ - t0_) / (double)calls_ < (best))                              \
				(best) = (t_ - t0_) / (double)calls_;                          \
		}                                                                              \
	} while (0)

int main(void)
{
	static uint8_t data[512], framed[512], chips[512], out[512];
	size_t nd = read_hex(data, sizeof data), nf = read_hex(framed, sizeof framed), nc = read_hex(chips, sizeof chips);
	unsigned long n3 = 0;
	double best;

	if (scanf("%lu", &n3) != 1 || n3 > sizeof out) {
		fprintf(stderr, "native-bench: bad 3-of-6 count\n");
		return 2;
	}
	FASTEST(best, sink ^= wmbus_crc16(data, nd));
	printf("crc %.4f\n", best * 1e9 / (double)nd);
	FASTEST(best, sink ^= (uint32_t)wmbus_strip_frame_a(framed, nf, out));
	printf("strip %.4f\n", best * 1e9 / (double)nf);
	FASTEST(best, sink ^= (uint32_t)wmbus_3of6_decode(chips, nc, out, n3));
	printf("3of6 %.4f\n", best * 1e9 / (double)n3);
	return 0;
}
