/*
 * Host test harness for the pure C in firmware/native (no XS). Reads one operation per line on stdin and writes
 * exactly one result line per operation on stdout, so host-tests/test/native-twins.test.ts can compare the C
 * against the TypeScript twins in bulk. Hex is upper case; "-" stands for an empty byte string.
 *
 *   crc HEX                 -> CRC-16/EN-13757 as 4 hex digits                 (wmbus_crc16)
 *   fal L                   -> frame A length in decimal                       (wmbus_frame_a_length)
 *   sa HEX / sb HEX         -> stripped frame hex, or "null"                    (wmbus_strip_frame_a/b)
 *   sai HEX / sbi HEX       -> the same, stripping in place (out == in)
 *   d36 N HEX               -> "RET HEX clean": -1 or first bad symbol, decoded bytes, and "clean" when
 *                              nothing after those bytes was written ("dirty" otherwise) (wmbus_3of6_decode)
 *   dman N HEX              -> the same for Manchester; RET = first bad bit      (wmbus_manchester_decode)
 *   fifo RX MAX C1,C2,...   -> per chunk "status consumed remaining" joined by ";", then "|", then
 *                              "status mode format rawTotal rawGot frameLen len errorAt hex"   (wmbus_fifo_*)
 *                              RX is TC or S; chunks are fed in order until a final status.
 *
 * Build: gcc -std=c99 -O2 -Wall -Wextra -Werror -I firmware/native firmware/native/wmbus_{crc,3of6,manchester,
 * fifo}.c host-tests/native/harness.c (host-tests/native/harness.ts does this, with sanitizers when available).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "wmbus_3of6.h"
#include "wmbus_crc.h"
#include "wmbus_fifo.h"
#include "wmbus_manchester.h"

#include "hex.h"

static const char HEX[] = "0123456789ABCDEF";

/* Parses hex from s up to a space, comma or end; returns bytes written and advances *s. Exits on bad hex. */
static size_t parse_hex(const char **s, uint8_t *out, size_t cap)
{
	const char *p = *s;
	size_t n = 0;
	if (*p == '-') {
		*s = p + 1;
		return 0;
	}
	while (*p && *p != ' ' && *p != ',' && *p != '\n' && *p != '\r') {
		int h = hex_nibble(p[0]), l = p[1] ? hex_nibble(p[1]) : -1;
		if (h < 0 || l < 0 || n >= cap) {
			fprintf(stderr, "harness: bad hex near '%.20s'\n", p);
			exit(2);
		}
		out[n++] = (uint8_t)((h << 4) | l);
		p += 2;
	}
	*s = p;
	return n;
}

static void put_hex(const uint8_t *b, size_t n)
{
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

static const char *skip_word(const char *p)
{
	while (*p && *p != ' ')
		p++;
	while (*p == ' ')
		p++;
	return p;
}

#define CAP 8192

static uint8_t in[CAP];
static uint8_t out[CAP];
static wmbus_fifo_t fifo;

static void op_strip(const char *args, int format_b, int in_place)
{
	size_t n = parse_hex(&args, in, CAP);
	uint8_t *dst = in_place ? in : out;
	int r = format_b ? wmbus_strip_frame_b(in, n, dst) : wmbus_strip_frame_a(in, n, dst);
	if (r < 0)
		fputs("null", stdout);
	else
		put_hex(dst, (size_t)r);
}

static void op_fifo(const char *args)
{
	uint8_t rx = strncmp(args, "S ", 2) == 0 ? WMBUS_RX_S : WMBUS_RX_TC;
	unsigned long max;
	int status = WMBUS_FIFO_MORE, first = 1;

	args = skip_word(args);
	max = strtoul(args, NULL, 10);
	args = skip_word(args);
	wmbus_fifo_init(&fifo, rx, (uint16_t)(max > 65535 ? 65535 : max));
	for (;;) {
		size_t n = parse_hex(&args, in, CAP), used = 0;
		status = wmbus_fifo_feed(&fifo, in, n, &used);
		printf("%s%d %lu %u", first ? "" : ";", status, (unsigned long)used, wmbus_fifo_raw_remaining(&fifo));
		first = 0;
		if (*args != ',')
			break;
		args++;
	}
	printf("|%d %c %c %u %u %u %u %d ", fifo.status, fifo.mode ? fifo.mode : '-', fifo.format ? fifo.format : '-',
	       fifo.raw_total, fifo.raw_got, fifo.frame_len, fifo.len, fifo.error_at);
	put_hex(fifo.buf, fifo.len);
}

int main(void)
{
	char *line = NULL;
	size_t cap = 0;
	ssize_t got;

	while ((got = getline(&line, &cap, stdin)) > 0) {
		const char *args = skip_word(line);
		if (strncmp(line, "crc ", 4) == 0) {
			size_t n = parse_hex(&args, in, CAP);
			printf("%04X", wmbus_crc16(in, n));
		} else if (strncmp(line, "fal ", 4) == 0) {
			printf("%u", wmbus_frame_a_length((unsigned)strtoul(args, NULL, 10)));
		} else if (strncmp(line, "sa ", 3) == 0) {
			op_strip(args, 0, 0);
		} else if (strncmp(line, "sb ", 3) == 0) {
			op_strip(args, 1, 0);
		} else if (strncmp(line, "sai ", 4) == 0) {
			op_strip(args, 0, 1);
		} else if (strncmp(line, "sbi ", 4) == 0) {
			op_strip(args, 1, 1);
		} else if (strncmp(line, "d36 ", 4) == 0 || strncmp(line, "dman ", 5) == 0) {
			int man = line[1] == 'm';
			size_t want = strtoul(args, NULL, 10), n, max, count;
			int32_t r;
			args = skip_word(args);
			n = parse_hex(&args, in, CAP);
			memset(out, 0xA5, sizeof(out));
			r = man ? wmbus_manchester_decode(in, n, out, want) : wmbus_3of6_decode(in, n, out, want);
			max = man ? n / 2 : WMBUS_3OF6_DECODED_LEN(n);
			count = r < 0 ? (want < max ? want : max) : (size_t)r / (man ? 8 : 2);
			printf("%ld ", (long)r);
			put_hex(out, count);
			/* Nothing past the whole valid bytes may be written. */
			while (count < want && count < CAP && out[count] == 0xA5)
				count++;
			printf(" %s", count >= want || count >= CAP ? "clean" : "dirty");
		} else if (strncmp(line, "fifo ", 5) == 0) {
			op_fifo(args);
		} else {
			fprintf(stderr, "harness: unknown operation '%.20s'\n", line);
			return 2;
		}
		putchar('\n');
	}
	free(line);
	return 0;
}
