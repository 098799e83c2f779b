/*
 * XS glue for wmbus_3of6.c and wmbus_manchester.c (device only; host twins: firmware/phy/three-of-six.ts and
 * manchester.ts). JS side: firmware/native/coding-native.ts. Arguments are converted before buffer pointers
 * are taken, and nothing that can allocate runs while they are held.
 */
#include <stddef.h>
#include <stdint.h>

#include "xsmc.h"

#include "wmbus_3of6.h"
#include "wmbus_manchester.h"

/* (chips, out, n) -> -1 or the index of the first bad symbol/bit; whole valid bytes are written to out. */
static void decode(xsMachine *the, int manchester)
{
	xsIntegerValue n = xsmcToInteger(xsArg(2));
	void *chips, *out;
	xsUnsignedValue chip_len, out_len;
	int32_t r;

	if (n < 0)
		xsRangeError("bad count");
	xsmcGetBufferReadable(xsArg(0), &chips, &chip_len);
	xsmcGetBufferWritable(xsArg(1), &out, &out_len);
	if ((xsUnsignedValue)n > out_len)
		xsRangeError("output too small");
	r = manchester ? wmbus_manchester_decode(chips, chip_len, out, (size_t)n)
	               : wmbus_3of6_decode(chips, chip_len, out, (size_t)n);
	xsmcSetInteger(xsResult, r);
}

void xs_wmbus_3of6_decode(xsMachine *the)
{
	decode(the, 0);
}

void xs_wmbus_manchester_decode(xsMachine *the)
{
	decode(the, 1);
}
