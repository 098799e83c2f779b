/*
 * SX1262 buffer service of the native radio task, as pure functions over an injected command bus. Pure C99,
 * no XS, no ESP-IDF, no heap. The C twin of the receive path of the SX1262 driver (IRQ service in
 * firmware/radio/sx1262/sx1262.ts, ring streaming in sx1262-receive.ts; Semtech DS_SX1261-2 rev. 2.1, AN1200.53
 * long packets):
 *   - DIO1 (SyncWordValid | RxDone | Timeout): GetIrqStatus, ClearIrqStatus of the bits read, repeated while
 *     DIO1 still reads 1 — an IRQ raised between the two commands (a BUSY wait) makes no new edge (§13.3);
 *   - SyncWordValid: RSSI from GetPacketStatus (0 = the chip already left RX: RSSI lost, counted), frame start;
 *   - while a frame arrives the task calls wmbus_sx1262_poll every wmbus_sx1262_next_poll_bytes byte times:
 *     the 256-byte ring is read up to the RX data pointer (0x0803) into the wmbus_fifo state machine, and the
 *     payload length 0x06BB is kept so the packet ends on the frame's last byte (count - 1 while >= 256 bytes
 *     remain, then the length mod 256);
 *   - RxDone: the rest of the packet (GetRxBufferStatus), then RX is re-armed without SetStandby/base (the
 *     chip is in its fallback mode); a complete frame's DLL CRCs are checked and an intact one is queued.
 * The bus callee waits for BUSY before each command (§8.3.1) and reports a stuck chip; then the service
 * returns -1 and the owner (the JS driver's watchdog) re-initialises the chip.
 */
#ifndef WMBUS_RADIO_SX1262_H
#define WMBUS_RADIO_SX1262_H

#include <stdint.h>

#include "wmbus_fifo.h"
#include "wmbus_radio_queue.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct wmbus_sx1262_bus {
	void *ctx;
	/* One command frame (opcode first), `buf` replaced by MISO; 0 when BUSY never dropped. */
	int (*transfer)(void *ctx, uint8_t *buf, unsigned n);
	int (*dio1)(void *ctx);      /* level of DIO1 */
	uint32_t (*now)(void *ctx);  /* time stamp for the queue */
	void (*lock)(void *ctx, int locked); /* optional (NULL): held around the queue push */
} wmbus_sx1262_bus_t;

typedef struct wmbus_sx1262_stats {
	uint32_t irqs, irq_repeats, syncs, frames, crc_errors, length_errors, coding_errors, sync_errors, overflows, queue_drops, rssi_lost;
} wmbus_sx1262_stats_t;

typedef struct wmbus_sx1262_service {
	wmbus_fifo_t fifo;
	wmbus_radio_queue_t *queue;
	uint8_t header_bytes; /* FIFO bytes that hold the length: 3 for T/C, 2 for S (sx1262-settings.ts) */
	uint8_t in_frame, length_final, read_ptr, poll_planned;
	uint16_t read, next_poll, byte_us;
	uint32_t poll_due_us, last_read_us; /* the task's clock (wmbus_sx1262_task_pass) */
	int16_t rssi_half_db;
	wmbus_sx1262_stats_t stats;
	uint8_t cmd[4 + 256];
	uint8_t scratch[WMBUS_FIFO_CAPACITY];
} wmbus_sx1262_service_t;

/* rx = WMBUS_RX_TC or WMBUS_RX_S; frames go to queue. */
void wmbus_sx1262_service_init(wmbus_sx1262_service_t *s, uint8_t rx, wmbus_radio_queue_t *queue);

/* Single-mode RX from ring address 0; `stopped` = the chip is in its fallback mode (after RxDone). 0 = stuck. */
int wmbus_sx1262_arm(wmbus_sx1262_service_t *s, const wmbus_sx1262_bus_t *bus, int stopped);

/* DIO1 rose: serves IRQs until DIO1 is low (at most 4 passes). Frames queued, or -1 when the chip is stuck. */
int wmbus_sx1262_on_dio1(wmbus_sx1262_service_t *s, const wmbus_sx1262_bus_t *bus);

/* Reads the ring while a frame arrives. Frames queued, or -1 when the chip is stuck. */
int wmbus_sx1262_poll(wmbus_sx1262_service_t *s, const wmbus_sx1262_bus_t *bus);

/* Byte times until the next wmbus_sx1262_poll; 0 = no frame in progress. */
unsigned wmbus_sx1262_next_poll_bytes(const wmbus_sx1262_service_t *s);

/* One wake of the radio task at now_us (its µs clock, may wrap): the ring poll when due, first, so a poll held
 * off past the ring's size (more than 250 byte times since the last ring read: the ring may have lapped, §7.2)
 * abandons the frame (overflow counted, RX re-armed) before RxDone would read a lapped ring; then DIO1 when it
 * is high (an edge, or one missed while the task was paused); then it plans the next poll: *wait_us = µs until
 * it, 0 = no frame in progress (then the task waits for DIO1 or its idle tick). Frames queued, or -1 when the
 * chip is stuck. */
int wmbus_sx1262_task_pass(wmbus_sx1262_service_t *s, const wmbus_sx1262_bus_t *bus, uint32_t now_us, uint32_t *wait_us);

/* The driver re-armed or re-initialised the chip (pause(0, 1)): forget the frame and re-arm RX. 0 = stuck. */
int wmbus_sx1262_rearm(wmbus_sx1262_service_t *s, const wmbus_sx1262_bus_t *bus);

#ifdef __cplusplus
}
#endif

#endif
