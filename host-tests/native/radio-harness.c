/*
 * Host harness for the pure C of the native radio service (firmware/native/wmbus_radio_queue.c,
 * wmbus_radio_cc1101.c). One operation per line on stdin, one result line per operation on stdout, compared
 * with the TypeScript twins by host-tests/test/radio-load-queue.test.ts. Hex is upper case, "-" = empty.
 *
 *   rq CAP MAX OP OP ...   frame queue: OP = "p:HEX:M:F:RSSI:TIME" (push) or "x" (pop). Per op, separated by
 *                          ";": push -> "P1"/"P0"; pop -> head as "LEN M F RSSI TIME HEX" (or "-") then " X1"/
 *                          " X0". Then "|pushed popped overflows too_long high_water".
 *   cc RX TOTAL CHUNKS HEX CC1101 service on a scripted chip: HEX = the RX FIFO bytes after the sync word
 *                          (frame and trailing noise); TOTAL = bytes until the packet ends (GDO0 falls);
 *                          CHUNKS = comma separated byte counts that arrive before each service call.
 *                          -> "frames crc length coding sync overflows|PKTLEN fixed|HEX M F" (queue head or "-")
 *
 * Build: host-tests/native/harness.ts buildRadioHarness().
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness-hex.h"
#include "wmbus_radio_cc1101.h"
#include "wmbus_radio_queue.h"

static size_t parse_hex(const char *p, const char **end, uint8_t *out, size_t cap)
{
	size_t n = 0;
	if (*p == '-') {
		*end = p + 1;
		return 0;
	}
	while (nibble(p[0]) >= 0 && nibble(p[1]) >= 0 && n < cap) {
		out[n++] = (uint8_t)((nibble(p[0]) << 4) | nibble(p[1]));
		p += 2;
	}
	*end = p;
	return n;
}

static wmbus_radio_queue_t queue;
static uint8_t bytes[4096];

static void op_rq(const char *p)
{
	char *end;
	unsigned cap = (unsigned)strtoul(p, &end, 10), max = (unsigned)strtoul(end, &end, 10);
	int first = 1;
	wmbus_rq_init(&queue, cap, max);
	p = end;
	while (*p == ' ')
		p++;
	while (*p && *p != '\n') {
		if (!first)
			putchar(';');
		first = 0;
		if (*p == 'p') {
			const char *q;
			size_t n = parse_hex(p + 2, &q, bytes, sizeof(bytes));
			uint8_t mode = (uint8_t)q[1], format = (uint8_t)q[3];
			long rssi = strtol(q + 5, &end, 10);
			unsigned long time = strtoul(end + 1, &end, 10);
			printf("P%d", wmbus_rq_push(&queue, bytes, n, mode, format, (int16_t)rssi, (uint32_t)time));
			p = end;
		} else {
			int h = wmbus_rq_head(&queue);
			if (h < 0)
				putchar('-');
			else {
				printf("%u %c %c %d %lu ", queue.length[h], queue.mode[h], queue.format[h], queue.rssi[h], (unsigned long)queue.time[h]);
				put_hex(queue.data[h], queue.length[h]);
			}
			printf(" X%d", wmbus_rq_pop(&queue));
			p++;
		}
		while (*p == ' ')
			p++;
	}
	printf("|%lu %lu %lu %lu %lu", (unsigned long)queue.pushed, (unsigned long)queue.popped, (unsigned long)queue.overflows,
	       (unsigned long)queue.too_long, (unsigned long)queue.high_water);
}

/* Scripted CC1101: `arrived` of `len` stream bytes have been received, `taken` read out. */
typedef struct {
	const uint8_t *stream;
	size_t len, arrived, taken, total;
	int pktlen, fixed;
} fake_chip_t;

static uint8_t fake_status(void *ctx, uint8_t reg)
{
	fake_chip_t *c = (fake_chip_t *)ctx;
	if (reg == 0x3B) {
		size_t n = c->arrived - c->taken;
		return (uint8_t)(n > 64 ? 0x80 : n);
	}
	return reg == 0x34 ? 0x40 : 0; /* RSSI 64 -> -42 dBm */
}

static void fake_fifo(void *ctx, uint8_t *out, unsigned n)
{
	fake_chip_t *c = (fake_chip_t *)ctx;
	memcpy(out, c->stream + c->taken, n);
	c->taken += n;
}

static void fake_write(void *ctx, uint8_t reg, uint8_t value)
{
	fake_chip_t *c = (fake_chip_t *)ctx;
	if (reg == 0x06 && value != 0xFF)
		c->pktlen = value;
	if (reg == 0x08 && (value & 3) == 0)
		c->fixed = 1;
}

static void fake_strobe(void *ctx, uint8_t cmd)
{
	fake_chip_t *c = (fake_chip_t *)ctx;
	if (cmd == 0x3A) /* SFRX: the chip starts over; the test stream ends here */
		c->taken = c->arrived = c->len;
}

static int fake_gdo0(void *ctx)
{
	fake_chip_t *c = (fake_chip_t *)ctx;
	return c->arrived < c->total;
}

static uint32_t fake_now(void *ctx)
{
	(void)ctx;
	return 7;
}

static wmbus_cc1101_service_t service;

static void op_cc(const char *p)
{
	fake_chip_t chip;
	wmbus_cc1101_bus_t bus = {&chip, fake_status, fake_fifo, fake_write, fake_strobe, fake_gdo0, fake_now, NULL};
	uint8_t rx = strncmp(p, "S ", 2) == 0 ? WMBUS_RX_S : WMBUS_RX_TC;
	char *end;
	const char *q;
	unsigned long chunks[512];
	size_t nchunks = 0, i;
	wmbus_cc1101_stats_t *st = &service.stats;
	int h;

	memset(&chip, 0, sizeof(chip));
	chip.pktlen = -1;
	chip.total = strtoul(p + 2, &end, 10);
	p = end + 1;
	do {
		chunks[nchunks++] = strtoul(p, &end, 10);
		p = end + 1;
	} while (*end == ',' && nchunks < 512);
	chip.len = parse_hex(p, &q, bytes, sizeof(bytes));
	chip.stream = bytes;
	wmbus_rq_init(&queue, 4, WMBUS_RQ_MAX_FRAME);
	wmbus_cc1101_service_init(&service, rx, 0x02, 0x47, &queue);
	for (i = 0; i < nchunks && chip.arrived < chip.len; i++) {
		chip.arrived += chunks[i];
		if (chip.arrived > chip.len)
			chip.arrived = chip.len;
		wmbus_cc1101_service(&service, &bus);
	}
	printf("%lu %lu %lu %lu %lu %lu|%d %d|", (unsigned long)st->frames, (unsigned long)st->crc_errors, (unsigned long)st->length_errors,
	       (unsigned long)st->coding_errors, (unsigned long)st->sync_errors, (unsigned long)st->overflows, chip.pktlen, chip.fixed);
	h = wmbus_rq_head(&queue);
	if (h < 0)
		putchar('-');
	else {
		put_hex(queue.data[h], queue.length[h]);
		printf(" %c %c", queue.mode[h], queue.format[h]);
	}
}

int main(void)
{
	char *line = NULL;
	size_t cap = 0;
	while (getline(&line, &cap, stdin) > 0) {
		if (strncmp(line, "rq ", 3) == 0)
			op_rq(line + 3);
		else if (strncmp(line, "cc ", 3) == 0)
			op_cc(line + 3);
		else {
			fprintf(stderr, "radio-harness: unknown operation '%.20s'\n", line);
			return 2;
		}
		putchar('\n');
	}
	free(line);
	return 0;
}
