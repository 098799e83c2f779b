/*
 * Bounded ring of complete radio frames between the radio FIFO service (the native radio task) and the
 * decoder on the XS thread. Pure C99, no XS, no heap: the caller owns one wmbus_radio_queue_t (static on the
 * device). TypeScript twin: firmware/radio/frame-queue.ts (FrameQueue), identical results on random operation
 * sequences (host-tests/test/radio-load-queue.test.ts through host-tests/native/radio-harness.c).
 *
 * Single producer (radio task) and single consumer (XS thread): on the device both sides call these functions
 * inside a critical section (portENTER_CRITICAL / modCriticalSectionBegin), which keeps them short: push copies
 * at most 290 bytes, pop moves an index. A push into a full queue drops the new frame and counts it; a frame
 * longer than max_frame is dropped and counted. Nothing is lost silently.
 */
#ifndef WMBUS_RADIO_QUEUE_H
#define WMBUS_RADIO_QUEUE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Slots and bytes per slot of the static storage; the longest frame (A, L = 255) is 290 bytes. */
#ifndef WMBUS_RQ_SLOTS
#define WMBUS_RQ_SLOTS 8
#endif
#ifndef WMBUS_RQ_MAX_FRAME
#define WMBUS_RQ_MAX_FRAME 290
#endif

typedef struct wmbus_radio_queue {
	uint8_t capacity;   /* slots in use by this queue, 1..WMBUS_RQ_SLOTS */
	uint8_t head;       /* oldest frame */
	uint8_t count;      /* frames waiting */
	uint16_t max_frame; /* longest frame accepted, <= WMBUS_RQ_MAX_FRAME */
	uint32_t pushed, popped, overflows, too_long, high_water;
	uint16_t length[WMBUS_RQ_SLOTS];
	uint8_t mode[WMBUS_RQ_SLOTS];   /* 'T', 'C', 'S' */
	uint8_t format[WMBUS_RQ_SLOTS]; /* 'A', 'B'; 'a', 'b' without CRCs (checked by the radio) */
	int16_t rssi[WMBUS_RQ_SLOTS];   /* dBm x 2 */
	uint32_t time[WMBUS_RQ_SLOTS];  /* caller's ticks */
	uint8_t data[WMBUS_RQ_SLOTS][WMBUS_RQ_MAX_FRAME];
} wmbus_radio_queue_t;

/* Empties the queue and its counters; capacity and max_frame are clamped to the static storage (min 1). */
void wmbus_rq_init(wmbus_radio_queue_t *q, unsigned capacity, unsigned max_frame);

/* Copies a frame into a free slot: 1 when queued, 0 when dropped (counted in overflows or too_long). */
int wmbus_rq_push(wmbus_radio_queue_t *q, const uint8_t *bytes, size_t len, uint8_t mode, uint8_t format, int16_t rssi_half_db,
		  uint32_t time);

/* The oldest frame's slot index, or -1 when empty; read its fields with the index. */
int wmbus_rq_head(const wmbus_radio_queue_t *q);

/* Drops the oldest frame: 1, or 0 when empty. */
int wmbus_rq_pop(wmbus_radio_queue_t *q);

#ifdef __cplusplus
}
#endif

#endif
