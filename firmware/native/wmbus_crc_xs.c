/*
 * XS glue for wmbus_crc.c (device only; the host uses the TypeScript twins in firmware/link).
 * JS side: firmware/native/crc-native.ts. Rules followed here (documentation/xs/XS in C.md, "Memory Safety"):
 * every argument is converted before a buffer pointer is taken (conversions may run JS), and no pointer into
 * XS memory is used after anything that can allocate.
 */
#include <stddef.h>
#include <stdint.h>

#include "xsmc.h"

#include "wmbus_crc.h"

/* crc16(buffer, start = 0, end = buffer length) -> number. RangeError unless 0 <= start <= end <= length. */
void xs_wmbus_crc16(xsMachine *the)
{
	xsIntegerValue argc = xsmcArgc, start = 0, end = -1;
	void *data;
	xsUnsignedValue length;

	if (argc > 1 && xsmcTypeOf(xsArg(1)) != xsUndefinedType)
		start = xsmcToInteger(xsArg(1));
	if (argc > 2 && xsmcTypeOf(xsArg(2)) != xsUndefinedType)
		end = xsmcToInteger(xsArg(2));
	xsmcGetBufferReadable(xsArg(0), &data, &length);
	if (end < 0)
		end = (xsIntegerValue)length;
	if (start < 0 || start > end || (xsUnsignedValue)end > length)
		xsRangeError("bad range");
	xsmcSetInteger(xsResult, wmbus_crc16((const uint8_t *)data + start, (size_t)(end - start)));
}

/* frameALength(l) -> number */
void xs_wmbus_frame_a_length(xsMachine *the)
{
	xsIntegerValue l = xsmcToInteger(xsArg(0));
	if (l < 0 || l > 255)
		xsRangeError("bad L");
	xsmcSetInteger(xsResult, (xsIntegerValue)wmbus_frame_a_length((unsigned)l));
}

static void strip(xsMachine *the, int format_b)
{
	uint8_t out[WMBUS_STRIPPED_MAX]; /* on the C stack: not moved by the XS garbage collector */
	void *data;
	xsUnsignedValue length;
	int n;

	xsmcGetBufferReadable(xsArg(0), &data, &length);
	n = format_b ? wmbus_strip_frame_b(data, length, out) : wmbus_strip_frame_a(data, length, out);
	/* data is not used after this point: allocating the result may move it. */
	if (n < 0)
		xsmcSetNull(xsResult);
	else
		xsmcSetArrayBuffer(xsResult, out, n);
}

/* stripFrameA(buffer) -> ArrayBuffer (frame without CRCs) | null */
void xs_wmbus_strip_frame_a(xsMachine *the)
{
	strip(the, 0);
}

/* stripFrameB(buffer) -> ArrayBuffer (frame without CRCs, L rewritten) | null */
void xs_wmbus_strip_frame_b(xsMachine *the)
{
	strip(the, 1);
}
