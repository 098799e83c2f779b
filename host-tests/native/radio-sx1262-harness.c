/*
 * Host harness for the SX1262 buffer service of the native radio task (firmware/native/wmbus_radio_sx1262.c)
 * on a scripted chip, compared with the TypeScript FIFO state machine + CRC check by
 * host-tests/test/radio-sx1262-native.test.ts. One operation per line on stdin, one result line on stdout.
 *
 *   sx RX W CHUNKS HEX   HEX = the bytes after the sync word (frame and trailing noise); CHUNKS = comma
 *                        separated byte counts that reach the ring before each service call (RxDone → the
 *                        DIO1 handler, else the poll when one is due); W = 1: the packet ends (RxDone) right
 *                        after the handler's first GetIrqStatus, inside its window (§13.3), else 0.
 *   -> "frames crc length coding sync rssi_lost irq_repeats|END|HEX M F RSSI" (queue head or "-"), END = the
 *      packet engine's byte count when it raised RxDone (-1: never, RX was re-armed first).
 *
 * The chip: 256-byte ring written at the RX data pointer (0x0803), the packet ends when its 8-bit byte count
 * equals 0x06BB (read live, AN1200.53), IRQ bits stay set until cleared and DIO1 is their OR (§13.3),
 * GetPacketStatus reads 0 outside RX, SetRx starts the next packet at the buffer base (§7.2).
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness-hex.h"
#include "wmbus_radio_sx1262.h"

#define IRQ_RX_DONE 0x002u
#define IRQ_SYNC 0x008u
#define IRQ_DIO1 0x20Au
#define RSSI_SYNC 140 /* -70 dBm */

typedef struct chip {
	uint8_t ring[256];
	unsigned wp, base, count, plen, irq, rx, over, synced, window, gets;
	int end;
	const uint8_t *stream;
	size_t len, pos;
} chip_t;

static void feed(chip_t *c, unsigned k)
{
	while (k-- > 0 && c->rx && !c->over && c->pos < c->len) {
		c->ring[c->wp] = c->stream[c->pos++];
		c->wp = (c->wp + 1) & 0xFFu;
		c->count++;
		if ((c->count & 0xFFu) == c->plen) {
			c->irq |= IRQ_RX_DONE;
			c->rx = 0; /* single mode: to the fallback mode */
			c->over = 1;
			c->end = (int)c->count;
		}
	}
}

static int transfer(void *ctx, uint8_t *b, unsigned n)
{
	chip_t *c = ctx;
	unsigned i, addr = n >= 3 ? ((unsigned)b[1] << 8) | b[2] : 0;
	switch (b[0]) {
	case 0x12: /* GetIrqStatus */
		b[2] = (uint8_t)(c->irq >> 8);
		b[3] = (uint8_t)(c->irq & 0xFFu);
		if (c->window && c->gets++ == 0)
			feed(c, 100000); /* the packet ends inside the window */
		break;
	case 0x02: c->irq &= ~addr; break;
	case 0x14: b[2] = 0; b[3] = b[4] = c->rx ? RSSI_SYNC : 0; break;
	case 0x13: b[2] = (uint8_t)(c->count & 0xFFu); b[3] = (uint8_t)c->base; break;
	case 0x1D: b[4] = (uint8_t)(addr == 0x0803 ? c->wp : addr == 0x06BB ? c->plen : 0); break;
	case 0x0D: if (addr == 0x06BB) c->plen = b[3]; break;
	case 0x1E: for (i = 3; i < n; i++) b[i] = c->ring[(b[1] + i - 3) & 0xFFu]; break;
	case 0x80: c->rx = 0; break;
	case 0x8F: c->base = b[2]; break;
	case 0x82:
		c->rx = 1;
		c->wp = c->base;
		c->count = 0;
		if (c->synced)
			c->over = 1; /* re-armed: the scripted packet is over */
		break;
	default: break;
	}
	return 1;
}

static int dio1(void *ctx) { return (((chip_t *)ctx)->irq & IRQ_DIO1) != 0; }
static uint32_t now(void *ctx) { (void)ctx; return 7; }

static wmbus_sx1262_service_t service;
static wmbus_radio_queue_t queue;
static uint8_t stream[4096];

static void op_sx(const char *p)
{
	chip_t c;
	wmbus_sx1262_bus_t bus = {&c, transfer, dio1, now, NULL};
	char *end;
	unsigned rx = strncmp(p, "S ", 2) == 0 ? WMBUS_RX_S : WMBUS_RX_TC, chunks[512], nchunks = 0, i;
	const char *h;
	int head;
	memset(&c, 0, sizeof(c));
	c.end = -1;
	p = strchr(p, ' ') + 1;
	c.window = (unsigned)strtoul(p, &end, 10);
	p = end + 1;
	while (nchunks < 512) {
		chunks[nchunks++] = (unsigned)strtoul(p, &end, 10);
		p = end;
		if (*p != ',')
			break;
		p++;
	}
	h = p + 1;
	while (nibble(h[0]) >= 0 && nibble(h[1]) >= 0 && c.len < sizeof(stream)) {
		stream[c.len++] = (uint8_t)((nibble(h[0]) << 4) | nibble(h[1]));
		h += 2;
	}
	c.stream = stream;
	wmbus_rq_init(&queue, 4, WMBUS_FIFO_CAPACITY);
	wmbus_sx1262_service_init(&service, (uint8_t)rx, &queue);
	wmbus_sx1262_arm(&service, &bus, 0);
	c.synced = 1;
	c.irq |= IRQ_SYNC;
	wmbus_sx1262_on_dio1(&service, &bus);
	for (i = 0; i < nchunks; i++) {
		feed(&c, chunks[i]);
		if (dio1(&c))
			wmbus_sx1262_on_dio1(&service, &bus);
		else if (wmbus_sx1262_next_poll_bytes(&service))
			wmbus_sx1262_poll(&service, &bus);
	}
	{
		const wmbus_sx1262_stats_t *s = &service.stats;
		printf("%u %u %u %u %u %u %u|%d|", (unsigned)s->frames, (unsigned)s->crc_errors, (unsigned)s->length_errors, (unsigned)s->coding_errors,
		       (unsigned)s->sync_errors, (unsigned)s->rssi_lost, (unsigned)s->irq_repeats, c.end);
	}
	head = wmbus_rq_head(&queue);
	if (head < 0) {
		printf("-\n");
		return;
	}
	put_hex(queue.data[head], queue.length[head]);
	printf(" %c %c %d\n", queue.mode[head], queue.format[head], queue.rssi[head]);
}

int main(void)
{
	static char line[16384];
	while (fgets(line, sizeof(line), stdin)) {
		if (strncmp(line, "sx ", 3) == 0)
			op_sx(line + 3);
		else
			printf("? %s", line);
		fflush(stdout);
	}
	return 0;
}
