/*
 * Live host harness: the SX1262 buffer service of the native radio task (firmware/native/wmbus_radio_sx1262.c)
 * with its bus answered by the host, so the C drives the simulated chip (host-tests/sim/sx1262) as the ESP32
 * task drives the real one. Driven by host-tests/native/sx1262-task-sim.ts over two pipes, one line each way:
 *
 *   host -> C: init T|S | pass NOW_US | rearm | take | stats   (pass: wmbus_sx1262_task_pass, the task's wake)
 *   C -> host while serving one: "x HEX" (one command frame; host answers the MISO bytes as HEX, or "!" when
 *   BUSY never dropped), "d" (DIO1 level: host answers 0 or 1), "n" (time stamp: host answers a number);
 *   then "= RESULT": pass: "QUEUED WAIT_US"; rearm: 1/0; take: "HEX MODE FORMAT RSSI TIME" or "-"; stats: counters.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "harness-hex.h"
#include "wmbus_radio_sx1262.h"

#define LINE_MAX_CHARS (2 * 300 + 16)

static char line[LINE_MAX_CHARS];

static const char *ask(void)
{
	fflush(stdout);
	if (!fgets(line, sizeof(line), stdin))
		exit(0);
	line[strcspn(line, "\r\n")] = 0;
	return line;
}

static int transfer(void *ctx, uint8_t *buf, unsigned n)
{
	const char *reply;
	unsigned i;
	(void)ctx;
	putchar('x');
	putchar(' ');
	put_hex(buf, n);
	putchar('\n');
	reply = ask();
	if (reply[0] == '!')
		return 0;
	for (i = 0; i < n && reply[2 * i] && reply[2 * i + 1]; i++)
		buf[i] = (uint8_t)(nibble(reply[2 * i]) * 16 + nibble(reply[2 * i + 1]));
	return 1;
}

static int dio1(void *ctx)
{
	(void)ctx;
	puts("d");
	return atoi(ask());
}

static uint32_t now(void *ctx)
{
	(void)ctx;
	puts("n");
	return (uint32_t)strtoul(ask(), NULL, 10);
}

static const wmbus_sx1262_bus_t bus = {NULL, transfer, dio1, now, NULL};
static wmbus_radio_queue_t queue;
static wmbus_sx1262_service_t service;

static void take(void)
{
	int h = wmbus_rq_head(&queue);
	if (h < 0) {
		puts("= -");
		return;
	}
	fputs("= ", stdout);
	put_hex(queue.data[h], queue.length[h]);
	printf(" %c %c %d %lu\n", queue.mode[h], queue.format[h], queue.rssi[h], (unsigned long)queue.time[h]);
	wmbus_rq_pop(&queue);
}

static void stats(void)
{
	const wmbus_sx1262_stats_t *s = &service.stats;
	printf("= %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu %lu %u\n", (unsigned long)s->irqs, (unsigned long)s->irq_repeats,
	       (unsigned long)s->syncs, (unsigned long)s->frames, (unsigned long)s->crc_errors, (unsigned long)s->length_errors,
	       (unsigned long)s->coding_errors, (unsigned long)s->sync_errors, (unsigned long)s->overflows,
	       (unsigned long)s->queue_drops, (unsigned long)s->rssi_lost, (unsigned)queue.high_water);
}

int main(void)
{
	char cmd[LINE_MAX_CHARS];
	for (;;) {
		strcpy(cmd, ask()); /* ask() reuses `line` for the replies inside the call */
		if (strncmp(cmd, "init ", 5) == 0) {
			wmbus_rq_init(&queue, WMBUS_RQ_SLOTS, WMBUS_RQ_MAX_FRAME);
			wmbus_sx1262_service_init(&service, cmd[5] == 'S' ? WMBUS_RX_S : WMBUS_RX_TC, &queue);
			puts("= 0");
		} else if (strncmp(cmd, "pass ", 5) == 0) {
			uint32_t wait_us = 0;
			int queued = wmbus_sx1262_task_pass(&service, &bus, (uint32_t)strtoul(cmd + 5, NULL, 10), &wait_us);
			printf("= %d %lu\n", queued, (unsigned long)wait_us);
		} else if (strcmp(cmd, "rearm") == 0) {
			printf("= %d\n", wmbus_sx1262_rearm(&service, &bus));
		} else if (strcmp(cmd, "take") == 0) {
			take();
		} else if (strcmp(cmd, "stats") == 0) {
			stats();
		} else {
			printf("? %s\n", cmd);
		}
	}
}
