/* CC1101 RX FIFO service of the native radio task; see wmbus_radio_cc1101.h. */
#include <string.h>

#include "wmbus_crc.h"
#include "wmbus_radio_cc1101.h"

/* SWRS061I Tables 42-44 and cc1101-registers.ts / cc1101-settings.ts. */
#define REG_FIFOTHR 0x03
#define REG_PKTLEN 0x06
#define REG_PKTCTRL0 0x08
#define STROBE_SRX 0x34
#define STROBE_SIDLE 0x36
#define STROBE_SFRX 0x3A
#define STATUS_RSSI 0x34
#define STATUS_RXBYTES 0x3B
#define RXBYTES_OVERFLOW 0x80
#define LENGTH_FIXED 0
#define LENGTH_INFINITE 2
#define FIFOTHR_HEADER 0x00 /* 4 bytes */
#define FIFOTHR_BODY 0x07   /* 32 bytes */
#define CC1101_FIFO 64
#define RSSI_OFFSET_HALF_DB 148 /* 74 dB (§17.3) in 0.5 dB steps */
#define GUARD 16                /* FIFO reads per call, as the JS driver */

void wmbus_cc1101_service_init(wmbus_cc1101_service_t *s, uint8_t rx, uint8_t pktctrl0, uint8_t fifothr, wmbus_radio_queue_t *queue)
{
	memset(s, 0, sizeof(*s));
	wmbus_fifo_init(&s->fifo, rx, WMBUS_FIFO_CAPACITY);
	s->queue = queue;
	s->pktctrl0 = (uint8_t)(pktctrl0 & ~3u);
	s->fifothr = (uint8_t)(fifothr & 0xF0u);
}

static uint8_t rx_bytes(const wmbus_cc1101_bus_t *bus)
{
	uint8_t a = bus->read_status(bus->ctx, STATUS_RXBYTES), b;
	int i;
	for (i = 0; i < 4; i++) { /* SWRZ020: read until two reads agree */
		b = bus->read_status(bus->ctx, STATUS_RXBYTES);
		if (a == b)
			break;
		a = b;
	}
	return a;
}

void wmbus_cc1101_arm(wmbus_cc1101_service_t *s, const wmbus_cc1101_bus_t *bus)
{
	bus->strobe(bus->ctx, STROBE_SIDLE);
	bus->strobe(bus->ctx, STROBE_SFRX);
	bus->write_reg(bus->ctx, REG_FIFOTHR, (uint8_t)(s->fifothr | FIFOTHR_HEADER));
	bus->write_reg(bus->ctx, REG_PKTLEN, 0xFF);
	bus->write_reg(bus->ctx, REG_PKTCTRL0, (uint8_t)(s->pktctrl0 | LENGTH_INFINITE));
	bus->strobe(bus->ctx, STROBE_SRX);
	s->in_frame = s->length_set = s->fixed_pending = 0;
	s->read = 0;
}

static void start_frame(wmbus_cc1101_service_t *s, const wmbus_cc1101_bus_t *bus)
{
	int raw = (int8_t)bus->read_status(bus->ctx, STATUS_RSSI);
	s->in_frame = 1;
	s->read = 0;
	wmbus_fifo_reset(&s->fifo);
	s->rssi_half_db = (int16_t)(raw - RSSI_OFFSET_HALF_DB);
}

/* PKTLEN and the infinite -> fixed switch once the FIFO length is known (SWRS061I §15.3). PKTLEN must be
 * different from 0 (§29): a length that is a multiple of 256 ends one byte later, that byte is left unread
 * and flushed by the re-arm (twin: packetEnd in cc1101-receive.ts). */
static void program_length(wmbus_cc1101_service_t *s, const wmbus_cc1101_bus_t *bus, unsigned in_fifo)
{
	unsigned total = s->fifo.raw_total;
	if ((total & 0xFFu) == 0)
		total++;
	if (!s->length_set) {
		s->length_set = 1;
		bus->write_reg(bus->ctx, REG_PKTLEN, (uint8_t)(total & 0xFFu));
		if (total <= 255)
			bus->write_reg(bus->ctx, REG_PKTCTRL0, (uint8_t)(s->pktctrl0 | LENGTH_FIXED));
		else
			s->fixed_pending = 1;
		bus->write_reg(bus->ctx, REG_FIFOTHR, (uint8_t)(s->fifothr | FIFOTHR_BODY));
	}
	if (s->fixed_pending && s->read + in_fifo + 256u > total) {
		s->fixed_pending = 0;
		bus->write_reg(bus->ctx, REG_PKTCTRL0, (uint8_t)(s->pktctrl0 | LENGTH_FIXED));
	}
}

/* CRC check and queueing of a complete frame, without its CRCs ('a'/'b': the decoder does not strip again); 1 when queued. */
static int finish(wmbus_cc1101_service_t *s, const wmbus_cc1101_bus_t *bus)
{
	const wmbus_fifo_t *f = &s->fifo;
	uint8_t format = f->format == WMBUS_FORMAT_B ? WMBUS_FORMAT_B : WMBUS_FORMAT_A;
	int n = format == WMBUS_FORMAT_A ? wmbus_strip_frame_a(f->buf, f->len, s->scratch) : wmbus_strip_frame_b(f->buf, f->len, s->scratch);
	int queued = 0;
	if (n < 0) {
		s->stats.crc_errors++;
	} else {
		s->stats.frames++;
		uint32_t now = bus->now(bus->ctx);
		if (bus->lock)
			bus->lock(bus->ctx, 1);
		queued = wmbus_rq_push(s->queue, s->scratch, (size_t)n, f->mode ? f->mode : WMBUS_MODE_T,
				       format == WMBUS_FORMAT_B ? WMBUS_FORMAT_B_STRIPPED : WMBUS_FORMAT_A_STRIPPED, s->rssi_half_db, now);
		if (bus->lock)
			bus->lock(bus->ctx, 0);
		if (!queued)
			s->stats.queue_drops++;
	}
	wmbus_cc1101_arm(s, bus);
	return queued;
}

int wmbus_cc1101_service(wmbus_cc1101_service_t *s, const wmbus_cc1101_bus_t *bus)
{
	int guard;
	s->stats.services++;
	for (guard = 0; guard < GUARD; guard++) {
		uint8_t rxbytes = rx_bytes(bus);
		unsigned n = rxbytes & 0x7Fu, take;
		int receiving, status;
		if (rxbytes & RXBYTES_OVERFLOW) {
			s->stats.overflows++;
			wmbus_cc1101_arm(s, bus);
			return 0;
		}
		receiving = bus->gdo0(bus->ctx) != 0;
		if (!s->in_frame) {
			if (!receiving && n == 0)
				return 0;
			start_frame(s, bus);
		}
		take = receiving ? (n > 0 ? n - 1 : 0) : n;
		if (take == 0) {
			if (!receiving)
				wmbus_cc1101_arm(s, bus); /* packet over with the frame incomplete */
			return 0;
		}
		if (take > CC1101_FIFO)
			take = CC1101_FIFO;
		bus->read_fifo(bus->ctx, s->scratch, take);
		s->read = (uint16_t)(s->read + take);
		status = wmbus_fifo_feed(&s->fifo, s->scratch, take, NULL);
		if (status == WMBUS_FIFO_FRAME)
			return finish(s, bus);
		if (status != WMBUS_FIFO_MORE) {
			if (status == WMBUS_FIFO_ERR_CODING)
				s->stats.coding_errors++;
			else if (status == WMBUS_FIFO_ERR_SYNC)
				s->stats.sync_errors++;
			else
				s->stats.length_errors++;
			wmbus_cc1101_arm(s, bus);
			return 0;
		}
		if (s->fifo.raw_total > 0)
			program_length(s, bus, n - take);
	}
	return 0;
}
