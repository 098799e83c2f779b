/*
 * ESP-IDF part of the native radio task (see wmbus_radio_task.h). Device only: listed under the esp32
 * platform in manifest.json; not compiled on the host (no ESP-IDF headers there). Everything that decides is
 * in the pure C (wmbus_radio_cc1101.c, wmbus_radio_sx1262.c, wmbus_radio_queue.c); this file moves bytes and
 * wakes tasks. Its host twin for the SX1262 is host-tests/native/sx1262-task-sim.ts (same wake-ups and pause).
 *
 * Concurrency: the queue is shared with the XS task under a spinlock critical section (portENTER_CRITICAL,
 * what modCriticalSectionBegin is on esp32); a pass of the service holds `bus_mutex`, which JS takes through
 * wmbus_radio_task_pause() before it touches the chip itself. At most one "frames waiting" message is in
 * the XS queue at a time (`wake_pending`), so modMessagePostToMachine never blocks the radio task on a full
 * XS queue (it would: MODDEF_TASK_QUEUEWAIT, docs/device-notes.md §2).
 */
#include <stddef.h>
#include <string.h>

#include "driver/gpio.h"
#include "driver/spi_master.h"
#include "esp_attr.h"
#include "esp_timer.h"
#include "freertos/FreeRTOS.h"
#include "freertos/semphr.h"
#include "freertos/task.h"

#include "xsHost.h" /* modMessagePostToMachine */

#include "wmbus_radio_task.h"
#include "wmbus_tx.h"

#define TASK_STACK 3072
#define TASK_PRIORITY 10 /* above the XS task (docs/device-notes.md §2: higher than 4) */
#define TASK_CORE 1
#define POLL_MS 2        /* idle / in-frame poll, as the CC1101 JS driver's FRAME_POLL_MS */
#define READ 0x80
#define BURST 0x40
#define FIFO 0x3F
#define SPI_CHUNK 64     /* bytes per transaction: the SPI peripheral's buffer without DMA */
#define SX_BUSY_TIMEOUT_US 20000 /* as sx1262-bus.ts BUSY_TIMEOUT_US (§8.3.1, §9.2) */
#define SX_FRAME_BYTES (4 + 256) /* the C service's longest command (ReadBuffer of the whole ring) */

static wmbus_radio_task_config_t cfg;
static wmbus_radio_queue_t queue;
static wmbus_cc1101_service_t service;
static wmbus_sx1262_service_t sx;
static spi_device_handle_t spi;
static TaskHandle_t task;
static SemaphoreHandle_t bus_mutex;
static esp_timer_handle_t poll_timer; /* SX1262: the next ring poll (FreeRTOS ticks are too coarse: 80 us/byte) */
static portMUX_TYPE queue_mux = portMUX_INITIALIZER_UNLOCKED;
static volatile int wake_pending, running;
static uint8_t tx[SX_FRAME_BYTES], rx_buf[SX_FRAME_BYTES];

/* One transaction of n bytes under our chip select, in SPI_CHUNK pieces (CSn stays low between them). */
static void transfer(unsigned n)
{
	spi_transaction_t t;
	unsigned done;
	gpio_set_level(cfg.select, 0);
	for (done = 0; done < n; done += SPI_CHUNK) {
		unsigned k = n - done < SPI_CHUNK ? n - done : SPI_CHUNK;
		memset(&t, 0, sizeof(t));
		t.length = 8 * k;
		t.tx_buffer = tx + done;
		t.rx_buffer = rx_buf + done;
		spi_device_polling_transmit(spi, &t);
	}
	gpio_set_level(cfg.select, 1);
}

static uint8_t bus_read_status(void *ctx, uint8_t reg)
{
	(void)ctx;
	tx[0] = READ | BURST | reg;
	tx[1] = 0;
	transfer(2);
	return rx_buf[1];
}

static void bus_read_fifo(void *ctx, uint8_t *out, unsigned n)
{
	(void)ctx;
	memset(tx, 0, n + 1);
	tx[0] = READ | BURST | FIFO;
	transfer(n + 1);
	memcpy(out, rx_buf + 1, n);
}

static void bus_write_reg(void *ctx, uint8_t reg, uint8_t value)
{
	(void)ctx;
	tx[0] = reg;
	tx[1] = value;
	transfer(2);
}

static void bus_strobe(void *ctx, uint8_t cmd)
{
	(void)ctx;
	tx[0] = cmd;
	transfer(1);
}

/* The interrupt pin's level: CC1101 GDO0, SX1262 DIO1. */
static int irq_level(void *ctx)
{
	(void)ctx;
	return gpio_get_level(cfg.irq);
}

static uint32_t bus_now(void *ctx)
{
	(void)ctx;
	return (uint32_t)(esp_timer_get_time() / 1000);
}

static void bus_lock(void *ctx, int locked)
{
	(void)ctx;
	if (locked)
		portENTER_CRITICAL(&queue_mux);
	else
		portEXIT_CRITICAL(&queue_mux);
}

static const wmbus_cc1101_bus_t bus = {NULL, bus_read_status, bus_read_fifo, bus_write_reg, bus_strobe, irq_level, bus_now, bus_lock};

/* SX1262 (DS_SX1261-2 §8.3.1): BUSY low before chip select, then one command frame; 0 when BUSY stays high. */
static int sx_transfer(void *ctx, uint8_t *buf, unsigned n)
{
	int64_t deadline = esp_timer_get_time() + SX_BUSY_TIMEOUT_US;
	(void)ctx;
	if (n > SX_FRAME_BYTES)
		return 0;
	while (gpio_get_level(cfg.busy))
		if (esp_timer_get_time() > deadline)
			return 0;
	memcpy(tx, buf, n);
	transfer(n);
	memcpy(buf, rx_buf, n);
	return 1;
}

static const wmbus_sx1262_bus_t sx_bus = {NULL, sx_transfer, irq_level, bus_now, bus_lock};

static void IRAM_ATTR gdo_isr(void *arg)
{
	BaseType_t woken = pdFALSE;
	(void)arg;
	vTaskNotifyGiveFromISR(task, &woken);
	if (woken)
		portYIELD_FROM_ISR();
}

/* esp_timer task context: the planned ring poll is due. */
static void poll_due(void *arg)
{
	(void)arg;
	xTaskNotifyGive(task);
}

/* SX1262 pass: the pure C serves and plans; a planned poll arms the one-shot timer. Stuck (-1): the JS watchdog
 * re-initialises the chip and says so through pause(0, 1). */
static int sx_pass(void)
{
	uint32_t wait_us = 0;
	int pushed = wmbus_sx1262_task_pass(&sx, &sx_bus, (uint32_t)esp_timer_get_time(), &wait_us);
	esp_timer_stop(poll_timer); /* ESP_ERR_INVALID_STATE when not running: fine */
	if (wait_us > 0)
		esp_timer_start_once(poll_timer, wait_us);
	return pushed;
}

/*
 * Native "send at" (docs/bidirectional.md "Turnaround"): the JS driver prepares a downlink in advance — the SPI
 * transactions that load the chip (TX registers, FIFO/buffer, synthesizer on) and the one that starts it (CC1101
 * STX, SX1262 SetTx) — for one meter and its window. When the task queues a frame from that meter, it runs the
 * load transactions at once and starts the chip from an esp_timer one-shot at frame end + open + margin − lead
 * (wmbus_tx_due, wmbus_tx_strobe_at). The frame end is taken as the time the task queued it (late by the
 * service latency, well under the 1 ms width of the T2 window). Afterwards the JS driver restores RX as after
 * its own transmissions (it sees tx_started through wmbus_radio_task_tx_started).
 */
#define TX_JOB_BYTES 600
static uint8_t tx_job[TX_JOB_BYTES]; /* [n][n bytes] ... : one SPI transaction each */
static unsigned tx_job_len, tx_go_len;
static uint8_t tx_go[16];
static wmbus_tx_pending_t tx_pending;
static uint32_t tx_lead_us, tx_ready_us;
static esp_timer_handle_t tx_timer, tx_refill_timer;
static volatile int64_t tx_started_us = -1;
/* CC1101: FIFO bytes the load could not hold, written after STX as TXBYTES shows room (SWRS061I section 15.4) */
#define TX_REST_BYTES 300
static uint8_t tx_rest[TX_REST_BYTES];
static unsigned tx_rest_len, tx_rest_at;

/* esp_timer task context, every 1 ms while a CC1101 transmission has FIFO bytes left. */
static void tx_refill_due(void *arg)
{
	uint8_t txbytes;
	unsigned room, n;
	(void)arg;
	spi_device_acquire_bus(spi, portMAX_DELAY);
	txbytes = bus_read_status(NULL, 0x3a); /* TXBYTES: bit 7 underflow, 6:0 bytes in the FIFO */
	if (!(txbytes & 0x80) && tx_rest_at < tx_rest_len) {
		room = 64u - (txbytes & 0x7fu);
		n = tx_rest_len - tx_rest_at < room ? tx_rest_len - tx_rest_at : room;
		if (n > 0) {
			tx[0] = BURST | FIFO;
			memcpy(tx + 1, tx_rest + tx_rest_at, n);
			transfer(n + 1);
			tx_rest_at += n;
		}
	}
	spi_device_release_bus(spi);
	if ((txbytes & 0x80) || tx_rest_at >= tx_rest_len)
		esp_timer_stop(tx_refill_timer);
}

static void raw_transaction(const uint8_t *b, unsigned n)
{
	uint8_t frame[SX_FRAME_BYTES];
	if (n > SX_FRAME_BYTES)
		return;
	memcpy(frame, b, n);
	if (cfg.chip == WMBUS_CHIP_SX1262)
		sx_transfer(NULL, frame, n);
	else {
		memcpy(tx, frame, n);
		transfer(n);
	}
}

/* esp_timer task context: start the prepared transmission now. */
static void tx_go_due(void *arg)
{
	(void)arg;
	spi_device_acquire_bus(spi, portMAX_DELAY);
	raw_transaction(tx_go, tx_go_len);
	spi_device_release_bus(spi);
	tx_started_us = esp_timer_get_time() + (int64_t)tx_lead_us;
	if (cfg.chip == WMBUS_CHIP_CC1101 && tx_rest_at < tx_rest_len)
		esp_timer_start_periodic(tx_refill_timer, 1000);
}

/* After a pass that queued frames: is the newest one from the meter a downlink waits for? */
static void tx_check(void)
{
	unsigned idx, at;
	int64_t now, due, strobe;
	if (!tx_pending.armed || queue.count == 0)
		return;
	idx = (unsigned)(queue.head + queue.count - 1u) % queue.capacity;
	now = esp_timer_get_time();
	due = wmbus_tx_due(&tx_pending, queue.data[idx], queue.length[idx], now);
	if (due < 0)
		return;
	tx_pending.armed = 0;
	for (at = 0; at < tx_job_len && at + 1u + tx_job[at] <= tx_job_len; at += 1u + tx_job[at])
		raw_transaction(&tx_job[at + 1u], tx_job[at]);
	strobe = wmbus_tx_strobe_at(now, due, tx_ready_us, tx_lead_us);
	esp_timer_start_once(tx_timer, (uint64_t)(strobe - esp_timer_get_time() > 0 ? strobe - esp_timer_get_time() : 0));
}

int wmbus_radio_task_tx_arm(const wmbus_tx_pending_t *pending, const uint8_t *job, unsigned job_len, const uint8_t *go,
			    unsigned go_len, uint32_t lead_us, uint32_t ready_us, const uint8_t *rest, unsigned rest_len)
{
	esp_timer_create_args_t timer;
	if (job_len > TX_JOB_BYTES || go_len > sizeof(tx_go) || go_len == 0 || rest_len > TX_REST_BYTES || !running)
		return -1;
	if (!tx_timer) {
		memset(&timer, 0, sizeof(timer));
		timer.callback = tx_go_due;
		timer.name = "wmbus_tx";
		if (esp_timer_create(&timer, &tx_timer) != ESP_OK)
			return -2;
		timer.callback = tx_refill_due;
		timer.name = "wmbus_tx_refill";
		if (esp_timer_create(&timer, &tx_refill_timer) != ESP_OK)
			return -2;
	}
	xSemaphoreTake(bus_mutex, portMAX_DELAY);
	memcpy(tx_job, job, job_len);
	tx_job_len = job_len;
	memcpy(tx_go, go, go_len);
	tx_go_len = go_len;
	tx_lead_us = lead_us;
	tx_ready_us = ready_us;
	if (rest_len > 0)
		memcpy(tx_rest, rest, rest_len);
	tx_rest_len = rest_len;
	tx_rest_at = 0;
	tx_pending = *pending;
	tx_pending.armed = 1;
	tx_started_us = -1;
	xSemaphoreGive(bus_mutex);
	return 0;
}

int64_t wmbus_radio_task_tx_started(void)
{
	return tx_started_us;
}

/* One service pass per notification or poll; the queue push inside it is the only critical section. */
static void radio_task(void *arg)
{
	(void)arg;
	while (running) {
		int pushed;
		ulTaskNotifyTake(pdTRUE, pdMS_TO_TICKS(POLL_MS));
		if (xSemaphoreTake(bus_mutex, 0) != pdTRUE)
			continue; /* JS holds the chip; a level still high is served on the next wake */
		spi_device_acquire_bus(spi, portMAX_DELAY);
		pushed = cfg.chip == WMBUS_CHIP_SX1262 ? sx_pass() : wmbus_cc1101_service(&service, &bus);
		if (pushed > 0)
			tx_check();
		spi_device_release_bus(spi);
		xSemaphoreGive(bus_mutex);
		if (pushed > 0 && !wake_pending) {
			wake_pending = 1;
			modMessagePostToMachine((xsMachine *)cfg.machine, NULL, 0, (modMessageDeliver)cfg.deliver, NULL);
		}
	}
	vTaskDelete(NULL);
}

int wmbus_radio_task_start(const wmbus_radio_task_config_t *config)
{
	spi_device_interface_config_t dev;
	esp_timer_create_args_t timer;
	esp_err_t err;

	if (running)
		return -1;
	cfg = *config;
	wmbus_rq_init(&queue, WMBUS_RQ_SLOTS, WMBUS_RQ_MAX_FRAME);
	if (cfg.chip == WMBUS_CHIP_SX1262) {
		/* the driver armed single-mode RX from ring address 0: the service starts at the same place */
		wmbus_sx1262_service_init(&sx, cfg.rx, &queue);
		memset(&timer, 0, sizeof(timer));
		timer.callback = poll_due;
		timer.name = "wmbus_poll";
		err = esp_timer_create(&timer, &poll_timer);
		if (err != ESP_OK)
			return -(int)err;
	} else {
		wmbus_cc1101_service_init(&service, cfg.rx, cfg.pktctrl0, cfg.fifothr, &queue);
	}
	memset(&dev, 0, sizeof(dev));
	dev.clock_speed_hz = (int)cfg.spi_hz;
	dev.mode = 0;
	dev.spics_io_num = -1; /* CSn is ours, toggled per transaction (SWRS061I section 10) */
	dev.queue_size = 1;
	err = spi_bus_add_device((spi_host_device_t)cfg.spi_host, &dev, &spi);
	if (err != ESP_OK) {
		if (cfg.chip == WMBUS_CHIP_SX1262)
			esp_timer_delete(poll_timer);
		return -(int)err;
	}
	bus_mutex = xSemaphoreCreateMutex();
	wake_pending = 0;
	running = 1;
	if (xTaskCreatePinnedToCore(radio_task, "wmbus_radio", TASK_STACK, NULL, TASK_PRIORITY, &task, TASK_CORE) != pdPASS) {
		running = 0;
		spi_bus_remove_device(spi);
		if (cfg.chip == WMBUS_CHIP_SX1262)
			esp_timer_delete(poll_timer);
		return -2;
	}
	gpio_install_isr_service(0); /* ESP_ERR_INVALID_STATE when Digital installed it already: fine */
	/* CC1101 GDO0 marks sync and end of packet (both edges); SX1262 DIO1 is the OR of the IRQ bits (§13.3) */
	gpio_set_intr_type((gpio_num_t)cfg.irq, cfg.chip == WMBUS_CHIP_SX1262 ? GPIO_INTR_POSEDGE : GPIO_INTR_ANYEDGE);
	gpio_isr_handler_add((gpio_num_t)cfg.irq, gdo_isr, NULL);
	if (cfg.chip == WMBUS_CHIP_CC1101 && cfg.irq2 >= 0) {
		gpio_set_intr_type((gpio_num_t)cfg.irq2, GPIO_INTR_POSEDGE);
		gpio_isr_handler_add((gpio_num_t)cfg.irq2, gdo_isr, NULL);
	}
	xTaskNotifyGive(task); /* a DIO1 already high (sync during the hand-over) is served at once */
	return 0;
}

void wmbus_radio_task_stop(void)
{
	if (!running)
		return;
	gpio_isr_handler_remove((gpio_num_t)cfg.irq);
	if (cfg.chip == WMBUS_CHIP_CC1101 && cfg.irq2 >= 0)
		gpio_isr_handler_remove((gpio_num_t)cfg.irq2);
	xSemaphoreTake(bus_mutex, portMAX_DELAY);
	running = 0;
	xTaskNotifyGive(task);
	xSemaphoreGive(bus_mutex);
	vTaskDelay(pdMS_TO_TICKS(2 * POLL_MS)); /* the task leaves its loop and deletes itself */
	if (cfg.chip == WMBUS_CHIP_SX1262) {
		esp_timer_stop(poll_timer);
		esp_timer_delete(poll_timer);
	}
	spi_bus_remove_device(spi);
	vSemaphoreDelete(bus_mutex);
}

/* The interrupt pins' ISRs on or off. Off while JS holds the chip: a watchdog re-initialisation resets it (SRES),
 * after which GDO0 outputs CLK_XOSC/192 (SWRS061 §29 IOCFG0 reset value 0x3F) until the registers are written
 * again; with the ISR on, that is an interrupt per clock edge. */
static void irq_enable(int on)
{
	if (on)
		gpio_intr_enable((gpio_num_t)cfg.irq);
	else
		gpio_intr_disable((gpio_num_t)cfg.irq);
	if (cfg.chip == WMBUS_CHIP_CC1101 && cfg.irq2 >= 0) {
		if (on)
			gpio_intr_enable((gpio_num_t)cfg.irq2);
		else
			gpio_intr_disable((gpio_num_t)cfg.irq2);
	}
}

void wmbus_radio_task_pause(int paused, int rearmed)
{
	if (!running)
		return;
	if (paused) {
		irq_enable(0);
		xSemaphoreTake(bus_mutex, portMAX_DELAY);
		return;
	}
	if (rearmed) { /* JS reset or re-armed the chip: the frame in progress is gone */
		spi_device_acquire_bus(spi, portMAX_DELAY);
		if (cfg.chip == WMBUS_CHIP_SX1262)
			wmbus_sx1262_rearm(&sx, &sx_bus);
		else
			wmbus_cc1101_arm(&service, &bus);
		spi_device_release_bus(spi);
	}
	xSemaphoreGive(bus_mutex);
	irq_enable(1); /* the registers are written again: GDO0/DIO1 carry our signals */
	xTaskNotifyGive(task); /* serve what arrived while paused (a DIO1 high, a poll due) now */
}

void wmbus_radio_task_lock(void)
{
	portENTER_CRITICAL(&queue_mux);
}

void wmbus_radio_task_unlock(void)
{
	portEXIT_CRITICAL(&queue_mux);
}

wmbus_radio_queue_t *wmbus_radio_task_queue(void)
{
	return &queue;
}

void wmbus_radio_task_woken(void)
{
	wake_pending = 0;
}

/* The counters both services have, by name. */
#define COPY_COMMON_STATS(out, s)                      \
	do {                                               \
		(out)->frames = (s)->frames;                   \
		(out)->crc_errors = (s)->crc_errors;           \
		(out)->length_errors = (s)->length_errors;     \
		(out)->coding_errors = (s)->coding_errors;     \
		(out)->sync_errors = (s)->sync_errors;         \
		(out)->overflows = (s)->overflows;             \
		(out)->queue_drops = (s)->queue_drops;         \
	} while (0)

void wmbus_radio_task_stats(wmbus_radio_task_stats_t *out)
{
	memset(out, 0, sizeof(*out));
	if (cfg.chip == WMBUS_CHIP_SX1262) {
		COPY_COMMON_STATS(out, &sx.stats);
		out->syncs = sx.stats.syncs;
		out->irq_repeats = sx.stats.irq_repeats;
		out->rssi_lost = sx.stats.rssi_lost;
		out->in_frame = sx.in_frame;
	} else {
		COPY_COMMON_STATS(out, &service.stats);
		out->in_frame = service.in_frame;
	}
}
