/*
 * CC1101 RX FIFO service of the native radio task, as pure functions over an injected register bus. Pure C99,
 * no XS, no ESP-IDF, no heap: the device task (wmbus_radio_task_esp32.c) passes SPI accessors, the host
 * harness (host-tests/native/radio-harness.c) passes a scripted FIFO. Same reception steps as the JavaScript
 * driver (firmware/radio/cc1101/cc1101-receive.ts, TI SWRS061I, AN067, errata SWRZ020):
 *   - RXBYTES is read until two reads agree; while GDO0 (sync .. end of packet) is high one byte is left in
 *     the FIFO;
 *   - the bytes go through the wmbus_fifo state machine; once the header gives the FIFO length, PKTLEN is
 *     set (mod 256) and the chip switches to fixed length (at once up to 255 bytes, else once fewer than 256
 *     remain), the FIFO threshold rises to 32 bytes;
 *   - at the frame's end the DLL CRCs are checked (wmbus_crc.h) and an intact frame is pushed to the queue
 *     with mode, format, RSSI (read at sync) and time; everything else is counted;
 *   - RX is re-armed (SIDLE, SFRX, infinite length, header threshold, SRX), also after an RX FIFO overflow.
 * One call drains what the FIFO holds; the task calls it on every GDO0/GDO2 edge and on a 2 ms poll.
 */
#ifndef WMBUS_RADIO_CC1101_H
#define WMBUS_RADIO_CC1101_H

#include <stdint.h>

#include "wmbus_fifo.h"
#include "wmbus_radio_queue.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Register bus of one CC1101 (SWRS061I §10). Every call is one SPI transaction with chip select. */
typedef struct wmbus_cc1101_bus {
	void *ctx;
	uint8_t (*read_status)(void *ctx, uint8_t reg);               /* burst-read status register 0x30..0x3D */
	void (*read_fifo)(void *ctx, uint8_t *out, unsigned n);       /* burst-read n <= 64 RX FIFO bytes */
	void (*write_reg)(void *ctx, uint8_t reg, uint8_t value);     /* configuration register 0x00..0x2E */
	void (*strobe)(void *ctx, uint8_t cmd);                       /* command strobe 0x30..0x3D */
	int (*gdo0)(void *ctx);                                       /* level of GDO0 (sync .. end of packet) */
	uint32_t (*now)(void *ctx);                                   /* time stamp for the queue */
	void (*lock)(void *ctx, int locked); /* optional (NULL): held around the queue push, which the XS task pops */
} wmbus_cc1101_bus_t;

typedef struct wmbus_cc1101_stats {
	uint32_t services, frames, crc_errors, length_errors, coding_errors, sync_errors, overflows, queue_drops;
} wmbus_cc1101_stats_t;

typedef struct wmbus_cc1101_service {
	wmbus_fifo_t fifo;
	wmbus_radio_queue_t *queue;
	uint8_t pktctrl0; /* register image values of the channel (cc1101-settings.ts), length bits ignored */
	uint8_t fifothr;
	uint8_t in_frame, length_set, fixed_pending;
	int16_t rssi_half_db;
	uint16_t read;
	wmbus_cc1101_stats_t stats;
	uint8_t scratch[WMBUS_FIFO_CAPACITY]; /* CRC check target; also the FIFO read buffer */
} wmbus_cc1101_service_t;

/* rx = WMBUS_RX_TC or WMBUS_RX_S; pktctrl0/fifothr from the register image; frames go to queue. */
void wmbus_cc1101_service_init(wmbus_cc1101_service_t *s, uint8_t rx, uint8_t pktctrl0, uint8_t fifothr, wmbus_radio_queue_t *queue);

/* SIDLE, SFRX, infinite length with the 4-byte threshold, SRX; forgets a frame in progress. */
void wmbus_cc1101_arm(wmbus_cc1101_service_t *s, const wmbus_cc1101_bus_t *bus);

/* Drains the RX FIFO; returns the number of frames pushed to the queue (the task then wakes XS). */
int wmbus_cc1101_service(wmbus_cc1101_service_t *s, const wmbus_cc1101_bus_t *bus);

#ifdef __cplusplus
}
#endif

#endif
