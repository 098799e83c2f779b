/* Radio FIFO state machine. See wmbus_fifo.h. */
#include "wmbus_fifo.h"

#include "wmbus_3of6.h"
#include "wmbus_manchester.h"

void wmbus_fifo_init(wmbus_fifo_t *f, uint8_t rx, uint16_t max_frame)
{
	f->rx = rx;
	f->max_frame = max_frame > WMBUS_FIFO_CAPACITY ? WMBUS_FIFO_CAPACITY : max_frame;
	wmbus_fifo_reset(f);
}

void wmbus_fifo_reset(wmbus_fifo_t *f)
{
	f->status = WMBUS_FIFO_MORE;
	f->mode = 0;
	f->format = 0;
	f->npend = 0;
	f->raw_total = 0;
	f->raw_got = 0;
	f->frame_len = 0;
	f->len = 0;
	f->error_at = -1;
}

unsigned wmbus_fifo_raw_remaining(const wmbus_fifo_t *f)
{
	if (f->status != WMBUS_FIFO_MORE || f->raw_total == 0)
		return 0;
	return (unsigned)(f->raw_total - f->raw_got);
}

static int stop(wmbus_fifo_t *f, int status, int error_at)
{
	f->status = (int8_t)status;
	f->error_at = (int16_t)error_at;
	return status;
}

/* Checks L and sets the lengths. */
static int header(wmbus_fifo_t *f, unsigned l)
{
	unsigned n;

	if (f->format == WMBUS_FORMAT_A) {
		if (l < 9)
			return stop(f, WMBUS_FIFO_ERR_LENGTH, 0);
		n = l + 1 + 2 * (1 + ((l + 6) >> 4));
	} else {
		if (l < 12 || l == 128 || l == 129)
			return stop(f, WMBUS_FIFO_ERR_LENGTH, 0);
		n = l + 1;
	}
	if (n > f->max_frame)
		return stop(f, WMBUS_FIFO_ERR_OVERFLOW, 0);
	f->frame_len = (uint16_t)n;
	f->raw_total = (uint16_t)(f->mode == WMBUS_MODE_T ? (3 * n + 1) >> 1 : f->mode == WMBUS_MODE_C ? n + 2 : 2 * n);
	return WMBUS_FIFO_MORE;
}

/* One 3-of-6 byte from two 6-chip symbols; 0 (and stopped) on a bad symbol. */
static int put36(wmbus_fifo_t *f, unsigned hi, unsigned lo)
{
	int h = wmbus_3of6_table[hi], l = wmbus_3of6_table[lo];
	if (h < 0 || l < 0) {
		stop(f, WMBUS_FIFO_ERR_CODING, f->len);
		return 0;
	}
	f->buf[f->len++] = (uint8_t)((h << 4) | l);
	return 1;
}

static int put_man(wmbus_fifo_t *f, uint8_t c0, uint8_t c1)
{
	int h = wmbus_manchester_nibble(c0), l = wmbus_manchester_nibble(c1);
	if (h < 0 || l < 0) {
		stop(f, WMBUS_FIFO_ERR_CODING, f->len);
		return 0;
	}
	f->buf[f->len++] = (uint8_t)((h << 4) | l);
	return 1;
}

#define HI12(p) ((unsigned)(p)[0] >> 2), ((((unsigned)(p)[0] & 3) << 4) | ((unsigned)(p)[1] >> 4))
#define LO12(p) ((((unsigned)(p)[1] & 15) << 2) | ((unsigned)(p)[2] >> 6)), ((unsigned)(p)[2] & 63)

int wmbus_fifo_feed(wmbus_fifo_t *f, const uint8_t *data, size_t len, size_t *consumed)
{
	size_t i = 0;
	uint8_t *pend = f->pend;

	if (consumed)
		*consumed = 0;
	if (f->status != WMBUS_FIFO_MORE)
		return f->status;
	while (i < len) {
		uint8_t b = data[i++];
		f->raw_got++;
		if (consumed)
			*consumed = i;
		if (f->raw_total == 0) {
			/* header */
			pend[f->npend++] = b;
			if (f->rx == WMBUS_RX_S) {
				if (f->npend < 2)
					continue;
				f->npend = 0;
				f->mode = WMBUS_MODE_S;
				f->format = WMBUS_FORMAT_A;
				if (!put_man(f, pend[0], pend[1]))
					return f->status;
				if (header(f, f->buf[0]) != WMBUS_FIFO_MORE)
					return f->status;
				continue;
			}
			if (f->npend < 3)
				continue;
			f->npend = 0;
			if (pend[0] == 0x54) {
				f->mode = WMBUS_MODE_C;
				if (pend[1] == 0xCD)
					f->format = WMBUS_FORMAT_A;
				else if (pend[1] == 0x3D)
					f->format = WMBUS_FORMAT_B;
				else
					return stop(f, WMBUS_FIFO_ERR_SYNC, -1);
				f->buf[0] = pend[2];
				f->len = 1;
				if (header(f, pend[2]) != WMBUS_FIFO_MORE)
					return f->status;
				continue;
			}
			f->mode = WMBUS_MODE_T;
			f->format = WMBUS_FORMAT_A;
			if (!put36(f, HI12(pend)) || !put36(f, LO12(pend)))
				return f->status;
			if (header(f, f->buf[0]) != WMBUS_FIFO_MORE)
				return f->status;
			continue;
		}
		/* body */
		if (f->mode == WMBUS_MODE_C) {
			f->buf[f->len++] = b;
		} else if (f->mode == WMBUS_MODE_S) {
			pend[f->npend++] = b;
			if (f->npend == 2) {
				f->npend = 0;
				if (!put_man(f, pend[0], pend[1]))
					return f->status;
			}
		} else {
			pend[f->npend++] = b;
			if (f->npend == 3) {
				f->npend = 0;
				if (!put36(f, HI12(pend)) || !put36(f, LO12(pend)))
					return f->status;
			} else if (f->npend == 2 && f->raw_got == f->raw_total) {
				f->npend = 0;
				if (!put36(f, HI12(pend)))
					return f->status;
			}
		}
		if (f->raw_got == f->raw_total)
			return stop(f, WMBUS_FIFO_FRAME, -1);
	}
	return WMBUS_FIFO_MORE;
}
