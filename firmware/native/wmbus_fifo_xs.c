/*
 * XS glue for wmbus_fifo.c (device only; host twin: firmware/phy/frame-assembler.ts). JS side:
 * firmware/native/fifo-native.ts, a class built on Native("xs_wmbus_fifo_destructor").
 *
 * The state lives in a host chunk (XS heap, freed with the object, no malloc). Chunks move when the garbage
 * collector compacts, so the pointer is fetched again after anything that can allocate or run JS. On the
 * device the radio task normally owns its own wmbus_fifo_t and posts whole frames; this glue serves
 * JS-driven radios and on-device tests.
 */
#include <stddef.h>
#include <stdint.h>

#include "xsmc.h"

#include "wmbus_fifo.h"

typedef struct {
	wmbus_fifo_t f;
	uint32_t consumed; /* bytes used by the last feed */
} xs_wmbus_fifo_t;

/* Field selectors of xs_wmbus_fifo_get, mirrored in fifo-native.ts. */
enum {
	FIELD_STATUS = 0,
	FIELD_MODE,
	FIELD_FORMAT,
	FIELD_RAW_TOTAL,
	FIELD_RAW_RECEIVED,
	FIELD_RAW_REMAINING,
	FIELD_FRAME_LENGTH,
	FIELD_LENGTH,
	FIELD_ERROR_AT,
	FIELD_CONSUMED,
	FIELD_RX,
	FIELD_MAX_FRAME
};

void xs_wmbus_fifo_destructor(void *data)
{
	(void)data; /* host chunk: XS frees it with the object */
}

static xs_wmbus_fifo_t *fifo(xsMachine *the)
{
	return (xs_wmbus_fifo_t *)xsmcGetHostChunkValidate(xsThis, (void *)xs_wmbus_fifo_destructor);
}

/* constructor(rx: 0 = T+C channel, 1 = S channel, maxFrame = WMBUS_FIFO_CAPACITY) */
void xs_wmbus_fifo(xsMachine *the)
{
	xsIntegerValue rx = xsmcToInteger(xsArg(0));
	xsIntegerValue max = WMBUS_FIFO_CAPACITY;
	xs_wmbus_fifo_t *x;

	if (xsmcArgc > 1 && xsmcTypeOf(xsArg(1)) != xsUndefinedType)
		max = xsmcToInteger(xsArg(1));
	if (rx != WMBUS_RX_TC && rx != WMBUS_RX_S)
		xsRangeError("bad rx");
	if (max < 0)
		max = 0;
	if (max > WMBUS_FIFO_CAPACITY)
		max = WMBUS_FIFO_CAPACITY;
	x = (xs_wmbus_fifo_t *)xsmcSetHostChunk(xsThis, NULL, sizeof(xs_wmbus_fifo_t)); /* zero filled */
	wmbus_fifo_init(&x->f, (uint8_t)rx, (uint16_t)max);
}

void xs_wmbus_fifo_reset(xsMachine *the)
{
	xs_wmbus_fifo_t *x = fifo(the);
	wmbus_fifo_reset(&x->f);
	x->consumed = 0;
}

/* feed(buffer, start = 0, length = rest) -> status (0 more, 1 frame, < 0 error) */
void xs_wmbus_fifo_feed(xsMachine *the)
{
	xsIntegerValue argc = xsmcArgc, start = 0, count = -1;
	void *data;
	xsUnsignedValue length;
	xs_wmbus_fifo_t *x;
	size_t used = 0;
	int status;

	if (argc > 1 && xsmcTypeOf(xsArg(1)) != xsUndefinedType)
		start = xsmcToInteger(xsArg(1));
	if (argc > 2 && xsmcTypeOf(xsArg(2)) != xsUndefinedType)
		count = xsmcToInteger(xsArg(2));
	if (start < 0)
		xsRangeError("bad range");
	xsmcGetBufferReadable(xsArg(0), &data, &length);
	if (count < 0)
		count = (xsIntegerValue)length - start;
	if (count < 0 || (xsUnsignedValue)start + (xsUnsignedValue)count > length)
		xsRangeError("bad range");
	x = fifo(the); /* no allocation between here and the end of the feed */
	status = wmbus_fifo_feed(&x->f, (const uint8_t *)data + start, (size_t)count, &used);
	x->consumed = (uint32_t)used;
	xsmcSetInteger(xsResult, status);
}

/* get(field) -> number; mode and format are character codes ('T', 'C', 'S', 'A', 'B') or 0. */
void xs_wmbus_fifo_get(xsMachine *the)
{
	xsIntegerValue field = xsmcToInteger(xsArg(0));
	xs_wmbus_fifo_t *x = fifo(the);
	xsIntegerValue v;

	switch (field) {
	case FIELD_STATUS: v = x->f.status; break;
	case FIELD_MODE: v = x->f.mode; break;
	case FIELD_FORMAT: v = x->f.format; break;
	case FIELD_RAW_TOTAL: v = x->f.raw_total; break;
	case FIELD_RAW_RECEIVED: v = x->f.raw_got; break;
	case FIELD_RAW_REMAINING: v = (xsIntegerValue)wmbus_fifo_raw_remaining(&x->f); break;
	case FIELD_FRAME_LENGTH: v = x->f.frame_len; break;
	case FIELD_LENGTH: v = x->f.len; break;
	case FIELD_ERROR_AT: v = x->f.error_at; break;
	case FIELD_CONSUMED: v = (xsIntegerValue)x->consumed; break;
	case FIELD_RX: v = x->f.rx; break;
	case FIELD_MAX_FRAME: v = x->f.max_frame; break;
	default: xsRangeError("bad field"); return;
	}
	xsmcSetInteger(xsResult, v);
}

/* frame() -> ArrayBuffer with a copy of the decoded bytes */
void xs_wmbus_fifo_frame(xsMachine *the)
{
	xsIntegerValue n = fifo(the)->f.len;
	xsmcSetArrayBuffer(xsResult, NULL, n); /* allocates: the chunk may move */
	xsmcSetArrayBufferData(xsResult, 0, fifo(the)->f.buf, n);
}
