/* SX1262 buffer service of the native radio task; see wmbus_radio_sx1262.h. */
#include <string.h>

#include "wmbus_crc.h"
#include "wmbus_radio_sx1262.h"

/* DS_SX1261-2 §13 opcodes, §13.3.1 IRQ bits, AN1200.53 registers (as sx1262-settings.ts). */
#define OP_CLEAR_IRQ 0x02
#define OP_WRITE_REGISTER 0x0D
#define OP_GET_IRQ 0x12
#define OP_GET_RX_BUFFER_STATUS 0x13
#define OP_GET_PACKET_STATUS 0x14
#define OP_READ_REGISTER 0x1D
#define OP_READ_BUFFER 0x1E
#define OP_SET_STANDBY 0x80
#define OP_SET_RX 0x82
#define OP_SET_BUFFER_BASE 0x8F
#define IRQ_RX_DONE 0x002u
#define IRQ_SYNC_WORD_VALID 0x008u
#define IRQ_TIMEOUT 0x200u
#define IRQ_ALL 0x3FFu
#define REG_PAYLOAD_LENGTH 0x06BBu
#define REG_RX_DATA_POINTER 0x0803u
#define LONG_POLL_BYTES 128u /* the ring is read at least this often while a frame arrives */
#define END_SLACK_BYTES 4u
#define RING_SAFE_BYTES 250u /* byte times between ring reads before the ring may have lapped (sx1262-receive.ts #drain) */
#define MAX_IRQ_PASSES 4
#define RSSI_UNKNOWN_HALF_DB (-254) /* -127 dBm, RSSI_UNKNOWN_DBM of sx1262-receive.ts */
#define STUCK (-1)

void wmbus_sx1262_service_init(wmbus_sx1262_service_t *s, uint8_t rx, wmbus_radio_queue_t *queue)
{
	memset(s, 0, sizeof(*s));
	wmbus_fifo_init(&s->fifo, rx, WMBUS_FIFO_CAPACITY);
	s->queue = queue;
	s->header_bytes = rx == WMBUS_RX_S ? 2 : 3;
	s->byte_us = rx == WMBUS_RX_S ? 244 : 80; /* 8 chips at 32.768 / 100 kchip/s (phy/modes.ts fifoByteMicros) */
}

static int command(wmbus_sx1262_service_t *s, const wmbus_sx1262_bus_t *bus, const uint8_t *bytes, unsigned n)
{
	memcpy(s->cmd, bytes, n);
	return bus->transfer(bus->ctx, s->cmd, n);
}

/* A Get command answering n bytes after the status byte, big-endian; -1 when stuck. */
static long get(wmbus_sx1262_service_t *s, const wmbus_sx1262_bus_t *bus, uint8_t op, unsigned n)
{
	unsigned i;
	long v = 0;
	memset(s->cmd, 0, 2 + n);
	s->cmd[0] = op;
	if (!bus->transfer(bus->ctx, s->cmd, 2 + n))
		return -1;
	for (i = 0; i < n; i++)
		v = v * 256 + s->cmd[2 + i];
	return v;
}

static int write_length(wmbus_sx1262_service_t *s, const wmbus_sx1262_bus_t *bus, unsigned value)
{
	const uint8_t w[4] = {OP_WRITE_REGISTER, REG_PAYLOAD_LENGTH >> 8, REG_PAYLOAD_LENGTH & 0xFF, (uint8_t)(value & 0xFFu)};
	return command(s, bus, w, 4);
}

int wmbus_sx1262_arm(wmbus_sx1262_service_t *s, const wmbus_sx1262_bus_t *bus, int stopped)
{
	static const uint8_t standby[2] = {OP_SET_STANDBY, 0x01}, base[3] = {OP_SET_BUFFER_BASE, 0, 0};
	static const uint8_t clear[3] = {OP_CLEAR_IRQ, IRQ_ALL >> 8, IRQ_ALL & 0xFF}, rx[4] = {OP_SET_RX, 0, 0, 0};
	s->in_frame = 0;
	s->read_ptr = 0;
	s->next_poll = 0;
	if (!stopped && !(command(s, bus, standby, 2) && command(s, bus, base, 3)))
		return 0;
	return write_length(s, bus, 0xFF) && command(s, bus, clear, 3) && command(s, bus, rx, 4);
}

static int begin_frame(wmbus_sx1262_service_t *s, const wmbus_sx1262_bus_t *bus)
{
	long status = get(s, bus, OP_GET_PACKET_STATUS, 3); /* RxStatus, RssiSync, RssiAvg (§13.5.3) */
	unsigned rssi_sync;
	if (status < 0)
		return 0;
	rssi_sync = (unsigned)(status >> 8) & 0xFFu;
	s->stats.syncs++;
	if (rssi_sync == 0)
		s->stats.rssi_lost++; /* the chip left RX before the status was read */
	s->rssi_half_db = rssi_sync == 0 ? RSSI_UNKNOWN_HALF_DB : (int16_t)-(int)rssi_sync;
	s->in_frame = 1;
	s->read = 0;
	s->length_final = 0;
	s->next_poll = (uint16_t)(s->header_bytes + 1);
	wmbus_fifo_reset(&s->fifo);
	return 1;
}

/* DLL CRC check and queue push of a complete frame (as finish() of wmbus_radio_cc1101.c); 1 when queued. The frame
 * is queued without its CRCs ('a'/'b'), as the JS radio service queues what the TS driver stripped. */
static int deliver(wmbus_sx1262_service_t *s, const wmbus_sx1262_bus_t *bus)
{
	const wmbus_fifo_t *f = &s->fifo;
	uint8_t format = f->format == WMBUS_FORMAT_B ? WMBUS_FORMAT_B : WMBUS_FORMAT_A;
	int n = format == WMBUS_FORMAT_A ? wmbus_strip_frame_a(f->buf, f->len, s->scratch) : wmbus_strip_frame_b(f->buf, f->len, s->scratch);
	int queued;
	if (n < 0) {
		s->stats.crc_errors++;
		return 0;
	}
	s->stats.frames++;
	if (bus->lock)
		bus->lock(bus->ctx, 1);
	queued = wmbus_rq_push(s->queue, s->scratch, (size_t)n, f->mode ? f->mode : WMBUS_MODE_T,
			       format == WMBUS_FORMAT_B ? WMBUS_FORMAT_B_STRIPPED : WMBUS_FORMAT_A_STRIPPED, s->rssi_half_db, bus->now(bus->ctx));
	if (bus->lock)
		bus->lock(bus->ctx, 0);
	if (!queued)
		s->stats.queue_drops++;
	return queued;
}

/* Reads n ring bytes into the state machine. 1 while the frame goes on, 0 once it ended (RX re-armed),
 * with *queued set; STUCK when the chip stopped answering. */
static int drain(wmbus_sx1262_service_t *s, const wmbus_sx1262_bus_t *bus, unsigned n, int stopped, int *queued)
{
	int status;
	if (n > 0) {
		memset(s->cmd, 0, 3 + n);
		s->cmd[0] = OP_READ_BUFFER;
		s->cmd[1] = s->read_ptr;
		if (!bus->transfer(bus->ctx, s->cmd, 3 + n))
			return STUCK;
		s->read_ptr = (uint8_t)((s->read_ptr + n) & 0xFFu);
		s->read = (uint16_t)(s->read + n);
		status = wmbus_fifo_feed(&s->fifo, s->cmd + 3, n, NULL);
	} else {
		status = wmbus_fifo_feed(&s->fifo, s->cmd, 0, NULL);
	}
	if (status == WMBUS_FIFO_MORE)
		return 1;
	if (status == WMBUS_FIFO_FRAME)
		*queued += deliver(s, bus);
	else if (status == WMBUS_FIFO_ERR_CODING)
		s->stats.coding_errors++;
	else if (status == WMBUS_FIFO_ERR_SYNC)
		s->stats.sync_errors++;
	else
		s->stats.length_errors++;
	return wmbus_sx1262_arm(s, bus, stopped) ? 0 : STUCK;
}

int wmbus_sx1262_poll(wmbus_sx1262_service_t *s, const wmbus_sx1262_bus_t *bus)
{
	static const uint8_t rd[5] = {OP_READ_REGISTER, REG_RX_DATA_POINTER >> 8, REG_RX_DATA_POINTER & 0xFF, 0, 0};
	int queued = 0, r;
	unsigned total, remaining;
	if (!s->in_frame)
		return 0;
	if (!command(s, bus, rd, 5))
		return STUCK;
	r = drain(s, bus, (unsigned)(s->cmd[4] - s->read_ptr) & 0xFFu, 0, &queued);
	if (r <= 0)
		return r == STUCK ? STUCK : queued;
	total = s->fifo.raw_total;
	if (total == 0) {
		s->next_poll = 1;
		return 0;
	}
	remaining = total - s->read;
	if (!s->length_final) {
		/* count - 1 while >= 256 bytes remain (next match 255 bytes on), then the length mod 256 (AN1200.53) */
		if (!write_length(s, bus, remaining > 255 ? s->read - 1u : total))
			return STUCK;
		s->length_final = remaining <= 255;
	}
	s->next_poll = (uint16_t)(s->length_final ? (remaining < LONG_POLL_BYTES ? remaining : LONG_POLL_BYTES) + END_SLACK_BYTES : LONG_POLL_BYTES);
	return 0;
}

/* The task's poll timer, `bytes_since_read` byte times after the previous ring read (the C has no clock): more
 * than RING_SAFE_BYTES means the 256-byte ring may have lapped (§7.2), so the frame is abandoned (overflow
 * counted) and RX re-armed; otherwise wmbus_sx1262_poll. Frames queued, or -1 when the chip is stuck. */
static int poll_after(wmbus_sx1262_service_t *s, const wmbus_sx1262_bus_t *bus, unsigned bytes_since_read)
{
	if (!s->in_frame || bytes_since_read <= RING_SAFE_BYTES)
		return wmbus_sx1262_poll(s, bus);
	s->stats.overflows++;
	return wmbus_sx1262_arm(s, bus, 0) ? 0 : STUCK;
}

/* RxDone: the rest of the packet (GetRxBufferStatus, §13.5.2); a frame still incomplete was cut short. */
static int packet_done(wmbus_sx1262_service_t *s, const wmbus_sx1262_bus_t *bus, int *queued)
{
	if (s->in_frame) {
		long st = get(s, bus, OP_GET_RX_BUFFER_STATUS, 2); /* PayloadLengthRx, RxStartBufferPointer */
		int r;
		if (st < 0)
			return STUCK;
		r = drain(s, bus, (unsigned)(((st >> 8) + (st & 0xFF)) - s->read_ptr) & 0xFFu, 1, queued);
		if (r <= 0)
			return r;
		s->stats.length_errors++;
	}
	return wmbus_sx1262_arm(s, bus, 1) ? 0 : STUCK;
}

int wmbus_sx1262_on_dio1(wmbus_sx1262_service_t *s, const wmbus_sx1262_bus_t *bus)
{
	int pass, queued = 0;
	for (pass = 0; pass < MAX_IRQ_PASSES; pass++) {
		long irq;
		uint8_t clear[3] = {OP_CLEAR_IRQ, 0, 0};
		if (pass > 0) {
			if (!bus->dio1(bus->ctx))
				break;
			s->stats.irq_repeats++;
		}
		irq = get(s, bus, OP_GET_IRQ, 2);
		if (irq < 0)
			return STUCK;
		clear[1] = (uint8_t)(irq >> 8);
		clear[2] = (uint8_t)(irq & 0xFF);
		if (!command(s, bus, clear, 3))
			return STUCK;
		s->stats.irqs++;
		/* single mode: one packet per SetRx, so a sync and an RxDone read together belong to one packet */
		if ((irq & IRQ_SYNC_WORD_VALID) && !s->in_frame && !begin_frame(s, bus))
			return STUCK;
		if (irq & IRQ_RX_DONE) {
			if (packet_done(s, bus, &queued) == STUCK)
				return STUCK;
		} else if ((irq & IRQ_TIMEOUT) && !wmbus_sx1262_arm(s, bus, 0)) {
			return STUCK;
		}
	}
	return queued;
}

unsigned wmbus_sx1262_next_poll_bytes(const wmbus_sx1262_service_t *s)
{
	return s->in_frame ? s->next_poll : 0;
}

int wmbus_sx1262_task_pass(wmbus_sx1262_service_t *s, const wmbus_sx1262_bus_t *bus, uint32_t now_us, uint32_t *wait_us)
{
	int queued = 0, r, served;
	uint32_t syncs = s->stats.syncs;
	int polled = s->poll_planned && (int32_t)(now_us - s->poll_due_us) >= 0;
	unsigned next;
	*wait_us = s->poll_planned && !polled ? s->poll_due_us - now_us : 0;
	/* the due poll first: after a long stall it must see the lapped ring before RxDone reads the rest */
	if (polled) {
		r = poll_after(s, bus, (now_us - s->last_read_us) / s->byte_us);
		if (r < 0)
			return STUCK;
		queued += r;
	}
	served = bus->dio1(bus->ctx) != 0;
	if (served) {
		r = wmbus_sx1262_on_dio1(s, bus);
		if (r < 0)
			return STUCK;
		queued += r;
	}
	if (!served && !polled)
		return 0; /* nothing ran: a planned poll stays due when it was */
	next = wmbus_sx1262_next_poll_bytes(s);
	s->poll_planned = next > 0;
	if (next == 0)
		return queued;
	if (polled || s->stats.syncs != syncs)
		s->last_read_us = now_us; /* the ring was read (or the frame began) in this pass */
	*wait_us = next * s->byte_us;
	s->poll_due_us = now_us + *wait_us;
	return queued;
}

int wmbus_sx1262_rearm(wmbus_sx1262_service_t *s, const wmbus_sx1262_bus_t *bus)
{
	s->poll_planned = 0;
	return wmbus_sx1262_arm(s, bus, 0);
}
