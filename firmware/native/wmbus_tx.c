/* Transmit side of the native radio path; see wmbus_tx.h. Twin of firmware/phy/tx-plan.ts. */
#include "wmbus_tx.h"

/* 3-of-6 code of each nibble (EN 13757-4; docs/protocol.md section 1.3). */
static const uint8_t CODE_3OF6[16] = {
	0x16, 0x0d, 0x0e, 0x0b, 0x1c, 0x19, 0x1a, 0x13, 0x2c, 0x25, 0x26, 0x23, 0x34, 0x31, 0x32, 0x29,
};

typedef struct {
	uint8_t *out;
	size_t cap;
	size_t n; /* chips written */
	int overflow;
} bits_t;

static void put(bits_t *w, uint32_t value, unsigned count)
{
	while (count > 0) {
		count--;
		if ((w->n >> 3) >= w->cap) {
			w->overflow = 1;
			return;
		}
		if (!(w->n & 7))
			w->out[w->n >> 3] = 0;
		if ((value >> count) & 1u)
			w->out[w->n >> 3] = (uint8_t)(w->out[w->n >> 3] | (0x80u >> (w->n & 7)));
		w->n++;
	}
}

size_t wmbus_tx_encode(char phy, char format, unsigned pairs, const uint8_t *frame, size_t n, uint8_t *out, size_t cap)
{
	bits_t w = { out, cap, 0, 0 };
	size_t i;
	unsigned post, k;
	if ((phy != 'T' && phy != 'C' && phy != 'S') || (format != 'A' && format != 'B') || (format == 'B' && phy != 'C'))
		return 0;
	if (n < 10 || n > 290 || pairs < 1 || pairs > 1000)
		return 0;
	for (k = 0; k < pairs; k++)
		put(&w, 1u, 2);
	if (phy == 'T')
		put(&w, 0x03du, 10);
	else if (phy == 'S')
		put(&w, 0x07696u, 18);
	else {
		put(&w, 0x543du, 16);
		put(&w, format == 'A' ? 0x54cdu : 0x543du, 16);
	}
	for (i = 0; i < n; i++) {
		if (phy == 'T') {
			put(&w, CODE_3OF6[frame[i] >> 4], 6);
			put(&w, CODE_3OF6[frame[i] & 15], 6);
		} else if (phy == 'S') {
			for (k = 8; k-- > 0;)
				put(&w, ((frame[i] >> k) & 1u) ? 1u : 2u, 2); /* 1 = `01`, 0 = `10` */
		} else
			put(&w, frame[i], 8);
	}
	post = (w.n % 8) == 4 ? 4 : 8;
	for (k = 0; k < post; k++)
		put(&w, k & 1u, 1);
	if (w.overflow || (w.n % 8) != 0)
		return 0;
	return w.n >> 3;
}

int wmbus_tx_plan(char phy, char format, unsigned pairs, const uint8_t *frame, size_t n, const uint8_t *choices,
	size_t n_choices, uint8_t *chips, size_t cap, wmbus_tx_plan_t *plan)
{
	size_t bytes = wmbus_tx_encode(phy, format, pairs, frame, n, chips, cap);
	unsigned whole = (2 * pairs) >> 3, pre = 0;
	size_t i;
	if (bytes == 0 || whole < 1)
		return -1;
	if (choices == NULL)
		pre = whole;
	else {
		for (i = 0; i < n_choices; i++)
			if (choices[i] <= whole)
				pre = choices[i];
		if (pre == 0)
			pre = 1;
	}
	if (pre + 2 > bytes)
		return -1;
	plan->preamble_bytes = pre;
	plan->sync_word = ((unsigned)chips[pre] << 8) | chips[pre + 1];
	plan->payload_start = pre + 2;
	plan->payload_len = (unsigned)bytes - pre - 2;
	plan->chip_bytes = (unsigned)bytes;
	return 0;
}

int64_t wmbus_tx_strobe_at(int64_t now_us, int64_t start_at_us, uint32_t ready_us, uint32_t lead_us)
{
	int64_t earliest = now_us + (int64_t)ready_us;
	int64_t wanted = start_at_us - (int64_t)lead_us;
	return wanted > earliest ? wanted : earliest;
}

int wmbus_tx_in_window(int64_t frame_end_us, int64_t started_us, uint32_t open_us, uint32_t close_us)
{
	int64_t d = started_us - frame_end_us;
	return d >= (int64_t)open_us && d <= (int64_t)close_us;
}

int64_t wmbus_tx_due(const wmbus_tx_pending_t *p, const uint8_t *frame, size_t n, int64_t frame_end_us)
{
	size_t i;
	if (!p->armed || n < 10)
		return -1;
	for (i = 0; i < 8; i++)
		if (frame[2 + i] != p->address[i])
			return -1;
	return frame_end_us + (int64_t)p->open_us + (int64_t)p->margin_us;
}
