/*
 * Native radio task (device only): the CC1101 FIFO is serviced by a FreeRTOS task, not by JavaScript, so the
 * 80 us per byte of the radio never waits for the XS thread (issue 6, "radio FIFO service loop"; issue 8,
 * "0 frames lost by the gateway at 100 % channel load").
 *
 *   GDO0/GDO2 edge -> GPIO ISR (IRAM) -> vTaskNotifyGiveFromISR -> radio task (priority above the XS task)
 *   -> wmbus_cc1101_service (pure C, wmbus_radio_cc1101.c: SPI FIFO reads, wmbus_fifo state machine, DLL CRC
 *   check) -> wmbus_radio_queue (pure C) -> one modMessagePostToMachine "frames waiting" message at a time
 *   -> XS: the glue's deliver calls the JS callback, which pops frames (take) one per decode turn
 *   (firmware/radio/radio-service.ts).
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

#ifdef __cplusplus
extern "C" {
#endif

/* Same signature as Moddable's modMessageDeliver (xsHost.h): runs on the XS task. */
typedef void (*wmbus_radio_deliver_t)(void *the, void *refcon, uint8_t *message, uint16_t length);

typedef struct wmbus_radio_task_config {
	int spi_host;   /* ESP-IDF spi_host_device_t of the bus embedded:io/spi initialised (same port) */
	uint32_t spi_hz;
	int select;     /* CSn GPIO, driven by the task around each transaction */
	int gdo0, gdo2; /* interrupt GPIOs (GDO2 may be -1: then GDO0 edges and the 2 ms poll only) */
	uint8_t rx;     /* WMBUS_RX_TC or WMBUS_RX_S */
	uint8_t pktctrl0, fifothr; /* register image values of the channel (cc1101-settings.ts) */
	void *machine;  /* xsMachine of the XS task */
	wmbus_radio_deliver_t deliver;
} wmbus_radio_task_config_t;

/* Starts the task (the chip must already be configured and in RX); 0 on success, < 0 on an ESP-IDF error. */
int wmbus_radio_task_start(const wmbus_radio_task_config_t *config);
void wmbus_radio_task_stop(void);

/* JS needs the SPI bus (watchdog, re-configuration): pause(1, _) waits for the end of a service pass and holds
 * the task off; pause(0, rearmed) lets it run again; rearmed = JS re-armed or reset the chip, so the frame in
 * progress is gone and the service starts over (RX armed once more). */
void wmbus_radio_task_pause(int paused, int rearmed);

/* Queue access from the XS task: lock around wmbus_rq_head/pop (a critical section shared with the task). */
void wmbus_radio_task_lock(void);
void wmbus_radio_task_unlock(void);
wmbus_radio_queue_t *wmbus_radio_task_queue(void);
/* Called by the deliver callback: the next pushed frame may post a new message. */
void wmbus_radio_task_woken(void);
const wmbus_cc1101_stats_t *wmbus_radio_task_stats(void);

#ifdef __cplusplus
}
#endif

#endif
