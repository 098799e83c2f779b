/*
 * Native radio task (device only): the radio chip is serviced by a FreeRTOS task, not by JavaScript, so the
 * 80 us per byte of the radio never waits for the XS thread (issue 6, "radio FIFO service loop"; issue 8,
 * "0 frames lost by the gateway at 100 % channel load"). Two chips:
 *
 *   CC1101: GDO0/GDO2 edge -> GPIO ISR (IRAM) -> vTaskNotifyGiveFromISR -> radio task (priority above the XS
 *   task) -> wmbus_cc1101_service (pure C, wmbus_radio_cc1101.c: SPI FIFO reads, wmbus_fifo state machine, DLL
 *   CRC check) -> wmbus_radio_queue (pure C);
 *   SX1262: DIO1 rising edge -> GPIO ISR, or the esp_timer of the next ring poll -> task notify -> radio task
 *   -> wmbus_sx1262_task_pass (pure C, wmbus_radio_sx1262.c: IRQ loop, ring reads, 0x06BB updates, re-arm, DLL
 *   CRC check, poll planning) -> wmbus_radio_queue; every command waits for BUSY low (DS_SX1261-2 §8.3.1);
 *   then one modMessagePostToMachine "frames waiting" message at a time -> XS: the glue's deliver calls the JS
 *   callback, which pops frames (take) one per decode turn (firmware/radio/radio-service.ts).
 *
 * Platform part: wmbus_radio_task_esp32.c (ESP-IDF, compiled on esp32 builds only). XS part: wmbus_radio_xs.c.
 * The logic that decides anything (FIFO state machine, length programming, CRC check, queue) is pure C, tested
 * on the host by host-tests/native/radio-harness.c; the platform file only moves bytes and wakes tasks.
 */
#ifndef WMBUS_RADIO_TASK_H
#define WMBUS_RADIO_TASK_H

#include <stdint.h>

#include "wmbus_radio_cc1101.h"
#include "wmbus_radio_queue.h"
#include "wmbus_radio_sx1262.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Same signature as Moddable's modMessageDeliver (xsHost.h): runs on the XS task. */
typedef void (*wmbus_radio_deliver_t)(void *the, void *refcon, uint8_t *message, uint16_t length);

/* Chip kinds (mirrored in radio-task-native.ts). */
#define WMBUS_CHIP_CC1101 0
#define WMBUS_CHIP_SX1262 1

typedef struct wmbus_radio_task_config {
	uint8_t chip;   /* WMBUS_CHIP_CC1101 or WMBUS_CHIP_SX1262 */
	int spi_host;   /* ESP-IDF spi_host_device_t of the bus embedded:io/spi initialised (same port) */
	uint32_t spi_hz;
	int select;     /* CSn GPIO, driven by the task around each transaction */
	int irq;        /* CC1101 GDO0 (sync .. end of packet), SX1262 DIO1 */
	int irq2;       /* CC1101 GDO2 (FIFO threshold, or -1: GDO0 edges and the 2 ms poll only); SX1262: unused */
	int busy;       /* SX1262 BUSY GPIO (§8.3.1); CC1101: unused */
	uint8_t rx;     /* WMBUS_RX_TC or WMBUS_RX_S */
	uint8_t pktctrl0, fifothr; /* CC1101: register image values of the channel (cc1101-settings.ts) */
	void *machine;  /* xsMachine of the XS task */
	wmbus_radio_deliver_t deliver;
} wmbus_radio_task_config_t;

/* Starts the task (the chip must already be configured and in RX); 0 on success, < 0 on an ESP-IDF error. */
int wmbus_radio_task_start(const wmbus_radio_task_config_t *config);
void wmbus_radio_task_stop(void);

/* JS needs the SPI bus (watchdog, re-configuration): pause(1, _) waits for the end of a service pass and holds
 * the task off; pause(0, rearmed) lets it run again; rearmed = JS re-armed or reset the chip, so the frame in
 * progress is gone and the service starts over (RX armed once more). An edge while paused is not lost: the
 * task serves a DIO1 / GDO level it finds on its next wake (at the latest the 2 ms idle tick). */
void wmbus_radio_task_pause(int paused, int rearmed);

/* Queue access from the XS task: lock around wmbus_rq_head/pop (a critical section shared with the task). */
void wmbus_radio_task_lock(void);
void wmbus_radio_task_unlock(void);
wmbus_radio_queue_t *wmbus_radio_task_queue(void);
/* Called by the deliver callback: the next pushed frame may post a new message. */
void wmbus_radio_task_woken(void);

/* Counters of the running service, chip-independent (0 where a chip has no such counter). */
typedef struct wmbus_radio_task_stats {
	uint32_t frames, crc_errors, length_errors, coding_errors, sync_errors, overflows, queue_drops;
	uint32_t syncs, irq_repeats, rssi_lost; /* SX1262 only */
	uint32_t in_frame; /* state, not a counter: 1 while the service reads a frame (sync seen, not finished) */
} wmbus_radio_task_stats_t;
void wmbus_radio_task_stats(wmbus_radio_task_stats_t *out);

/*
 * Native "send at": a downlink prepared in advance for the meter and window in `pending`. `job` holds the SPI
 * transactions that load the chip, each as [length][bytes]; `go` is the one that starts it (CC1101 STX, SX1262
 * SetTx), sent `lead_us` before the wanted first chip and not sooner than `ready_us` after loading; `rest` are
 * CC1101 FIFO bytes beyond the first 64, refilled every 1 ms after the start. Returns 0, or < 0 when the job
 * does not fit or the task is not running. wmbus_radio_task_tx_started: esp_timer time of the first chip, -1 before.
 */
#include "wmbus_tx.h"
int wmbus_radio_task_tx_arm(const wmbus_tx_pending_t *pending, const uint8_t *job, unsigned job_len, const uint8_t *go,
			    unsigned go_len, uint32_t lead_us, uint32_t ready_us, const uint8_t *rest, unsigned rest_len);
int64_t wmbus_radio_task_tx_started(void);

#ifdef __cplusplus
}
#endif

#endif
