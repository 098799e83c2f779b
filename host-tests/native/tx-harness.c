/*
 * Harness for firmware/native/wmbus_tx.c (host-tests/test/native-tx.test.ts). One operation per stdin line,
 * one answer line each:
 *   plan <phy> <format> <pairs> <choices hex or -> <frame hex>  ->  ok <preamble> <sync hex> <payload hex> | err
 *   strobe <now> <start> <ready> <lead>                          ->  <time>
 *   win <end> <started> <open> <close>                           ->  0 | 1
 *   due <address hex> <open> <close> <margin> <frame hex> <end>  ->  <time> | -1
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness-hex.h"
#include "wmbus_tx.h"

static char line[8192];

/* Hex → bytes (stops at the first non-hex pair or at `cap`); the count. */
static size_t hex_decode(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;
	while (n < cap && nibble(s[0]) >= 0 && nibble(s[1]) >= 0) {
		out[n++] = (uint8_t)((nibble(s[0]) << 4) | nibble(s[1]));
		s += 2;
	}
	return n;
}
static uint8_t a[1024], b[1024], chips[WMBUS_TX_MAX_CHIP_BYTES];

int main(void)
{
	while (fgets(line, sizeof line, stdin)) {
		char op[16], s1[2100], s2[2100], s3[2100];
		long long x1, x2, x3, x4;
		if (sscanf(line, "%15s", op) != 1)
			continue;
		if (strcmp(op, "plan") == 0) {
			char phy, format;
			unsigned pairs;
			size_t nc = 0, nf;
			wmbus_tx_plan_t plan;
			unsigned i;
			if (sscanf(line, "plan %c %c %u %2099s %2099s", &phy, &format, &pairs, s1, s2) != 5) {
				puts("err");
				continue;
			}
			if (strcmp(s1, "-") != 0)
				nc = hex_decode(s1, a, sizeof a);
			nf = hex_decode(s2, b, sizeof b);
			if (wmbus_tx_plan(phy, format, pairs, b, nf, strcmp(s1, "-") ? a : NULL, nc, chips, sizeof chips, &plan) != 0) {
				puts("err");
				continue;
			}
			printf("ok %u %04x ", plan.preamble_bytes, plan.sync_word);
			for (i = 0; i < plan.payload_len; i++)
				printf("%02x", chips[plan.payload_start + i]);
			putchar('\n');
		} else if (strcmp(op, "strobe") == 0 && sscanf(line, "strobe %lld %lld %lld %lld", &x1, &x2, &x3, &x4) == 4) {
			printf("%lld\n", (long long)wmbus_tx_strobe_at(x1, x2, (uint32_t)x3, (uint32_t)x4));
		} else if (strcmp(op, "win") == 0 && sscanf(line, "win %lld %lld %lld %lld", &x1, &x2, &x3, &x4) == 4) {
			printf("%d\n", wmbus_tx_in_window(x1, x2, (uint32_t)x3, (uint32_t)x4));
		} else if (strcmp(op, "due") == 0 && sscanf(line, "due %2099s %lld %lld %lld %2099s %2099s", s1, &x1, &x2, &x3, s2, s3) == 6) {
			wmbus_tx_pending_t p;
			size_t nf;
			memset(&p, 0, sizeof p);
			hex_decode(s1, p.address, sizeof p.address);
			p.open_us = (uint32_t)x1;
			p.close_us = (uint32_t)x2;
			p.margin_us = (uint32_t)x3;
			p.armed = 1;
			nf = hex_decode(s2, b, sizeof b);
			printf("%lld\n", (long long)wmbus_tx_due(&p, b, nf, atoll(s3)));
		} else
			puts("err");
		fflush(stdout);
	}
	return 0;
}
