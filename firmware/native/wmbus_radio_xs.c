/*
 * XS glue of the native radio task (device only; see wmbus_radio_task.h). JS side:
 * firmware/native/radio-task-native.ts (NativeRadioTask), a FrameSource for firmware/radio/radio-service.ts.
 *
 * One radio task per firmware, so the state is static: the JS callback (remembered, so the GC keeps it) that
 * the deliver function calls on the XS task when frames wait, and the metadata of the frame last taken.
 * The queue is read inside the task's critical section and copied out before anything allocates.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "xsmc.h"

#include "wmbus_radio_task.h"

/* Field selectors of xs_wmbus_radio_get, mirrored in radio-task-native.ts. */
enum {
	FIELD_WAITING = 0,
	FIELD_MODE,
	FIELD_FORMAT,
	FIELD_RSSI_HALF_DB,
	FIELD_TIME,
	FIELD_FRAMES,
	FIELD_CRC_ERRORS,
	FIELD_LENGTH_ERRORS,
	FIELD_CODING_ERRORS,
	FIELD_SYNC_ERRORS,
	FIELD_OVERFLOWS,
	FIELD_QUEUE_DROPS,
	FIELD_HIGH_WATER,
	FIELD_SYNCS,
	FIELD_IRQ_REPEATS,
	FIELD_RSSI_LOST,
	FIELD_IN_FRAME
};

static xsSlot callback;
static int started;
static struct {
	uint8_t mode, format;
	int16_t rssi;
	uint32_t time;
} last;

void xs_wmbus_radio_destructor(void *data)
{
	(void)data;
}

/* Runs on the XS task (modMessagePostToMachine): tells JS that frames wait. */
static void deliver(void *machine, void *refcon, uint8_t *message, uint16_t length)
{
	xsMachine *the = (xsMachine *)machine;
	(void)refcon;
	(void)message;
	(void)length;
	wmbus_radio_task_woken();
	if (!started)
		return;
	xsBeginHost(the);
	xsCallFunction0(callback, xsGlobal);
	xsEndHost(the);
}

/* constructor(chip, spiHost, spiHz, select, irq, irq2, busy, rx, pktctrl0, fifothr, onFrames): see
 * wmbus_radio_task_config_t; irq2 is the CC1101's GDO2 (or -1), busy the SX1262's BUSY pin. */
void xs_wmbus_radio(xsMachine *the)
{
	wmbus_radio_task_config_t c;
	int err;

	if (started)
		xsUnknownError("radio task already running");
	if (xsmcArgc < 11 || !xsmcIsInstanceOf(xsArg(10), xsFunctionPrototype))
		xsTypeError("onFrames must be a function");
	memset(&c, 0, sizeof(c));
	c.chip = (uint8_t)xsmcToInteger(xsArg(0));
	c.spi_host = xsmcToInteger(xsArg(1));
	c.spi_hz = (uint32_t)xsmcToInteger(xsArg(2));
	c.select = xsmcToInteger(xsArg(3));
	c.irq = xsmcToInteger(xsArg(4));
	c.irq2 = xsmcToInteger(xsArg(5));
	c.busy = xsmcToInteger(xsArg(6));
	c.rx = (uint8_t)xsmcToInteger(xsArg(7));
	c.pktctrl0 = (uint8_t)xsmcToInteger(xsArg(8));
	c.fifothr = (uint8_t)xsmcToInteger(xsArg(9));
	if (c.chip != WMBUS_CHIP_CC1101 && c.chip != WMBUS_CHIP_SX1262)
		xsRangeError("bad chip");
	if (c.rx != WMBUS_RX_TC && c.rx != WMBUS_RX_S)
		xsRangeError("bad rx");
	if (c.chip == WMBUS_CHIP_SX1262 && c.busy < 0)
		xsRangeError("the SX1262 needs its BUSY pin");
	c.machine = the;
	c.deliver = deliver;
	callback = xsArg(10);
	xsRemember(callback);
	started = 1;
	err = wmbus_radio_task_start(&c);
	if (err != 0) {
		started = 0;
		xsForget(callback);
		xsUnknownError("radio task start failed");
	}
}

void xs_wmbus_radio_close(xsMachine *the)
{
	if (!started)
		return;
	wmbus_radio_task_stop();
	started = 0;
	xsForget(callback);
}

/* pause(paused, rearmed): JS is about to use / done with the chip's SPI bus (see wmbus_radio_task.h). */
void xs_wmbus_radio_pause(xsMachine *the)
{
	int paused = xsmcTest(xsArg(0)) ? 1 : 0;
	int rearmed = xsmcArgc > 1 && xsmcTest(xsArg(1)) ? 1 : 0;
	wmbus_radio_task_pause(paused, rearmed);
}

/* take(buffer) -> length of the oldest frame copied into buffer, or -1 when none waits. */
void xs_wmbus_radio_take(xsMachine *the)
{
	uint8_t frame[WMBUS_RQ_MAX_FRAME];
	void *data;
	xsUnsignedValue size;
	wmbus_radio_queue_t *q = wmbus_radio_task_queue();
	int h, n = -1;

	xsmcGetBufferWritable(xsArg(0), &data, &size);
	wmbus_radio_task_lock();
	h = wmbus_rq_head(q);
	if (h >= 0 && q->length[h] <= size) {
		n = q->length[h];
		memcpy(frame, q->data[h], (size_t)n);
		last.mode = q->mode[h];
		last.format = q->format[h];
		last.rssi = q->rssi[h];
		last.time = q->time[h];
		wmbus_rq_pop(q);
	}
	wmbus_radio_task_unlock();
	if (h >= 0 && n < 0)
		xsRangeError("buffer too small");
	if (n > 0)
		memcpy(data, frame, (size_t)n); /* no allocation since the buffer pointer was taken */
	xsmcSetInteger(xsResult, n);
}

/*
 * txArm(address, openUs, closeUs, marginUs, job, go, leadUs, readyUs, rest) -> 0 or < 0: a downlink prepared
 * in advance (wmbus_radio_task_tx_arm). Integers are converted before any buffer pointer is taken (conversions
 * can run JS); the buffers are copied to the stack.
 */
void xs_wmbus_radio_tx_arm(xsMachine *the)
{
	wmbus_tx_pending_t p;
	uint8_t job[600], go[16], rest[300];
	void *data;
	xsUnsignedValue size, job_len, go_len, rest_len;
	uint32_t lead, ready;

	memset(&p, 0, sizeof(p));
	p.open_us = (uint32_t)xsmcToInteger(xsArg(1));
	p.close_us = (uint32_t)xsmcToInteger(xsArg(2));
	p.margin_us = (uint32_t)xsmcToInteger(xsArg(3));
	lead = (uint32_t)xsmcToInteger(xsArg(6));
	ready = (uint32_t)xsmcToInteger(xsArg(7));
	xsmcGetBufferReadable(xsArg(0), &data, &size);
	if (size != sizeof(p.address))
		xsRangeError("address: 8 bytes");
	memcpy(p.address, data, sizeof(p.address));
	xsmcGetBufferReadable(xsArg(4), &data, &job_len);
	if (job_len > sizeof(job))
		xsRangeError("job too long");
	memcpy(job, data, job_len);
	xsmcGetBufferReadable(xsArg(5), &data, &go_len);
	if (go_len > sizeof(go))
		xsRangeError("go too long");
	memcpy(go, data, go_len);
	xsmcGetBufferReadable(xsArg(8), &data, &rest_len);
	if (rest_len > sizeof(rest))
		xsRangeError("rest too long");
	memcpy(rest, data, rest_len);
	xsmcSetInteger(xsResult, wmbus_radio_task_tx_arm(&p, job, (unsigned)job_len, go, (unsigned)go_len, lead, ready, rest, (unsigned)rest_len));
}

/* txStarted() -> esp_timer µs of the last native transmission's first chip, -1 before */
void xs_wmbus_radio_tx_started(xsMachine *the)
{
	xsmcSetNumber(xsResult, (xsNumberValue)wmbus_radio_task_tx_started());
}

/* get(field) -> number */
void xs_wmbus_radio_get(xsMachine *the)
{
	xsIntegerValue field = xsmcToInteger(xsArg(0));
	wmbus_radio_task_stats_t stats;
	const wmbus_radio_task_stats_t *s = &stats;
	wmbus_radio_queue_t *q = wmbus_radio_task_queue();
	xsIntegerValue v;

	wmbus_radio_task_stats(&stats);
	switch (field) {
	case FIELD_WAITING: v = q->count; break;
	case FIELD_MODE: v = last.mode; break;
	case FIELD_FORMAT: v = last.format; break;
	case FIELD_RSSI_HALF_DB: v = last.rssi; break;
	case FIELD_TIME: v = (xsIntegerValue)last.time; break;
	case FIELD_FRAMES: v = (xsIntegerValue)s->frames; break;
	case FIELD_CRC_ERRORS: v = (xsIntegerValue)s->crc_errors; break;
	case FIELD_LENGTH_ERRORS: v = (xsIntegerValue)s->length_errors; break;
	case FIELD_CODING_ERRORS: v = (xsIntegerValue)s->coding_errors; break;
	case FIELD_SYNC_ERRORS: v = (xsIntegerValue)s->sync_errors; break;
	case FIELD_OVERFLOWS: v = (xsIntegerValue)s->overflows; break;
	case FIELD_QUEUE_DROPS: v = (xsIntegerValue)(s->queue_drops); break;
	case FIELD_HIGH_WATER: v = (xsIntegerValue)q->high_water; break;
	case FIELD_SYNCS: v = (xsIntegerValue)s->syncs; break;
	case FIELD_IRQ_REPEATS: v = (xsIntegerValue)s->irq_repeats; break;
	case FIELD_RSSI_LOST: v = (xsIntegerValue)s->rssi_lost; break;
	case FIELD_IN_FRAME: v = (xsIntegerValue)s->in_frame; break;
	default: xsRangeError("bad field"); return;
	}
	xsmcSetInteger(xsResult, v);
}
