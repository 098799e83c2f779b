/* Frame queue of the radio service; see wmbus_radio_queue.h. TypeScript twin: firmware/radio/frame-queue.ts. */
#include <string.h>

#include "wmbus_radio_queue.h"

void wmbus_rq_init(wmbus_radio_queue_t *q, unsigned capacity, unsigned max_frame)
{
	memset(q, 0, sizeof(*q));
	if (capacity < 1)
		capacity = 1;
	if (capacity > WMBUS_RQ_SLOTS)
		capacity = WMBUS_RQ_SLOTS;
	if (max_frame < 1)
		max_frame = 1;
	if (max_frame > WMBUS_RQ_MAX_FRAME)
		max_frame = WMBUS_RQ_MAX_FRAME;
	q->capacity = (uint8_t)capacity;
	q->max_frame = (uint16_t)max_frame;
}

int wmbus_rq_push(wmbus_radio_queue_t *q, const uint8_t *bytes, size_t len, uint8_t mode, uint8_t format, int16_t rssi_half_db,
		  uint32_t time)
{
	unsigned slot;

	if (len > q->max_frame) {
		q->too_long++;
		return 0;
	}
	if (q->count == q->capacity) {
		q->overflows++;
		return 0;
	}
	slot = (unsigned)q->head + q->count;
	if (slot >= q->capacity)
		slot -= q->capacity;
	if (len > 0)
		memcpy(q->data[slot], bytes, len);
	q->length[slot] = (uint16_t)len;
	q->mode[slot] = mode;
	q->format[slot] = format;
	q->rssi[slot] = rssi_half_db;
	q->time[slot] = time;
	q->count++;
	q->pushed++;
	if (q->count > q->high_water)
		q->high_water = q->count;
	return 1;
}

int wmbus_rq_head(const wmbus_radio_queue_t *q)
{
	return q->count == 0 ? -1 : (int)q->head;
}

int wmbus_rq_pop(wmbus_radio_queue_t *q)
{
	if (q->count == 0)
		return 0;
	q->head = (uint8_t)(q->head + 1u == q->capacity ? 0u : q->head + 1u);
	q->count--;
	q->popped++;
	return 1;
}
