/*
 * Transmit side of the native radio path (docs/bidirectional.md "Turnaround"): the chip stream of a frame and
 * its split into radio preamble / sync word / FIFO payload, the pending downlink of a meter with its window,
 * and the "send at" time arithmetic. Pure C99, no allocation, no XS. TS twins: firmware/phy/tx-plan.ts
 * (planTransmission, over phy/on-air.ts encodeOnAir) and firmware/radio/transmit.ts (strobeAt, inWindow).
 */
#ifndef WMBUS_TX_H
#define WMBUS_TX_H

#include <stddef.h>
#include <stdint.h>

/* Longest chip stream: S1 (279 preamble pairs) with a 290-byte frame: (558 + 18 + 16 * 290 + 8) / 8 = 653. */
#define WMBUS_TX_MAX_CHIP_BYTES 660

typedef struct {
	/* Whole `01` bytes the radio makes itself, the 16 chips after them (its sync word), and where the FIFO
	 * payload starts in the chip stream and how long it is (bytes). */
	unsigned preamble_bytes;
	unsigned sync_word;
	unsigned payload_start;
	unsigned payload_len;
	unsigned chip_bytes;
} wmbus_tx_plan_t;

/*
 * The whole chip stream of `frame` (L first, DLL CRCs included) in mode `phy` ('T', 'C', 'S'), frame format
 * `format` ('A', 'B': C only), `pairs` preamble pairs: n x `01`, the mode's sync (C: plus the format word), the
 * 3-of-6 / NRZ / Manchester body, 4 or 8 alternating postamble chips. Returns the chip bytes, 0 on bad input.
 */
size_t wmbus_tx_encode(char phy, char format, unsigned pairs, const uint8_t *frame, size_t n, uint8_t *out, size_t cap);

/*
 * Encodes and splits: `choices` (n_choices values, ascending) are the preamble byte counts the radio can make
 * (CC1101 NUM_PREAMBLE 2..24); NULL = any count (SX1262). The largest choice not above the whole `01` bytes is
 * taken (1 when none fits). Returns 0 and fills `plan` and `chips`, or -1 on bad input.
 */
int wmbus_tx_plan(char phy, char format, unsigned pairs, const uint8_t *frame, size_t n, const uint8_t *choices,
	size_t n_choices, uint8_t *chips, size_t cap, wmbus_tx_plan_t *plan);

/* When to strobe TX so the first chip is on air at `start_at_us`: max(now + ready, start_at - lead). */
int64_t wmbus_tx_strobe_at(int64_t now_us, int64_t start_at_us, uint32_t ready_us, uint32_t lead_us);

/* 1 when a transmission that started at `started_us` began inside [open, close] after `frame_end_us`. */
int wmbus_tx_in_window(int64_t frame_end_us, int64_t started_us, uint32_t open_us, uint32_t close_us);

/*
 * A downlink prepared in advance for one meter: its link address (M + A, frame bytes 2..9) and its window.
 * `wmbus_tx_due` checks a received frame (L first) against it and gives the start time: frame end + open +
 * margin, or -1 when the frame is not from that meter.
 */
typedef struct {
	uint8_t address[8];
	uint32_t open_us;
	uint32_t close_us;
	uint32_t margin_us;
	int armed;
} wmbus_tx_pending_t;

int64_t wmbus_tx_due(const wmbus_tx_pending_t *p, const uint8_t *frame, size_t n, int64_t frame_end_us);

#endif
