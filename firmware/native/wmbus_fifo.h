/*
 * Radio FIFO service loop for wireless M-Bus as a pure state machine. Pure C99, no XS, no heap, no globals:
 * one wmbus_fifo_t per radio, owned by the radio task. Per FIFO byte it does a few table lookups, far below
 * the 80 us a byte takes at 100 kcps.
 *
 * After the radio matches its 16-bit sync word (0x543D on the T+C channel, 0x7696 on S) the driver calls
 * wmbus_fifo_reset() and feeds the FIFO bytes in chunks of any size:
 *   T+C channel: 3 header bytes. 54 CD L = C frame A, 54 3D L = C frame B, 54 xx = sync error, anything else
 *                = T, whose 24 chips are the 3-of-6 coded L- and C-fields.
 *   S channel:   2 header bytes, the Manchester coded L-field.
 * Then L is checked (frame A: L >= 9; frame B: L >= 12 and not 128/129), raw_total (FIFO bytes after the
 * sync word up to the end of the frame, for CC1101 PKTLEN and the infinite->fixed switch) is known, and the
 * frame is decoded into buf as bytes arrive: L first, DLL CRCs included, without the C-mode 54 CD/54 3D word.
 * A coding error ends the frame at once. CRCs are checked afterwards with wmbus_crc.h.
 *
 * TypeScript twin: firmware/phy/frame-assembler.ts (FrameAssembler), identical results, checked by
 * host-tests/test/native-twins.test.ts on chunked streams.
 */
#ifndef WMBUS_FIFO_H
#define WMBUS_FIFO_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Frame buffer; the longest frame (A, L = 255) is 290 bytes. */
#ifndef WMBUS_FIFO_CAPACITY
#define WMBUS_FIFO_CAPACITY 512
#endif

/* Receive channel. */
#define WMBUS_RX_TC 0 /* 868.95 MHz, T1/T2 and C1/C2 at once */
#define WMBUS_RX_S 1  /* 868.30 MHz, S1/S2 */

/* Detected mode and format (0 until known). */
#define WMBUS_MODE_T 'T'
#define WMBUS_MODE_C 'C'
#define WMBUS_MODE_S 'S'
#define WMBUS_FORMAT_A 'A'
#define WMBUS_FORMAT_B 'B'
/* Queue format codes of a frame whose CRCs the radio checked and removed (firmware/radio/radio-service.ts: the
 * decoder gets it without CRCs and does not strip again). */
#define WMBUS_FORMAT_A_STRIPPED 'a'
#define WMBUS_FORMAT_B_STRIPPED 'b'

/* wmbus_fifo_feed results; errors (< 0) and FRAME are final until wmbus_fifo_reset. */
#define WMBUS_FIFO_MORE 0
#define WMBUS_FIFO_FRAME 1
#define WMBUS_FIFO_ERR_CODING (-1)   /* bad 3-of-6 symbol or Manchester violation; error_at = frame byte */
#define WMBUS_FIFO_ERR_SYNC (-2)     /* 54 followed by neither CD nor 3D; error_at = -1 */
#define WMBUS_FIFO_ERR_LENGTH (-3)   /* L impossible for the frame format; error_at = 0 */
#define WMBUS_FIFO_ERR_OVERFLOW (-4) /* frame longer than max_frame; error_at = 0 */

typedef struct wmbus_fifo {
	uint8_t rx;          /* WMBUS_RX_TC or WMBUS_RX_S */
	int8_t status;       /* WMBUS_FIFO_MORE while assembling, then FRAME or an error */
	uint8_t mode;        /* WMBUS_MODE_* or 0 */
	uint8_t format;      /* WMBUS_FORMAT_* or 0 */
	uint8_t npend;       /* raw bytes waiting to complete a code group */
	uint8_t pend[3];
	uint16_t max_frame;  /* longest frame accepted, <= WMBUS_FIFO_CAPACITY */
	uint16_t raw_total;  /* FIFO bytes of the frame after the sync word; 0 until the header is read */
	uint16_t raw_got;    /* FIFO bytes consumed since reset */
	uint16_t frame_len;  /* frame bytes expected (L first, CRCs included); 0 until the header is read */
	uint16_t len;        /* frame bytes decoded so far */
	int16_t error_at;    /* see the error codes; -1 otherwise */
	uint8_t buf[WMBUS_FIFO_CAPACITY];
} wmbus_fifo_t;

/* Sets the channel and the longest frame to accept (clamped to WMBUS_FIFO_CAPACITY), then resets. */
void wmbus_fifo_init(wmbus_fifo_t *f, uint8_t rx, uint16_t max_frame);

/* Starts a new frame; call on every sync-word match. */
void wmbus_fifo_reset(wmbus_fifo_t *f);

/*
 * Feeds len FIFO bytes. Returns WMBUS_FIFO_MORE (all consumed), WMBUS_FIFO_FRAME (frame complete in
 * f->buf[0..f->len)) or an error; *consumed (may be NULL) tells how many bytes were used, so bytes after the
 * frame's last byte are left over. After FRAME or an error it consumes nothing and returns the same status.
 */
int wmbus_fifo_feed(wmbus_fifo_t *f, const uint8_t *data, size_t len, size_t *consumed);

/* FIFO bytes still needed for the frame, 0 while the header is incomplete or when finished. */
unsigned wmbus_fifo_raw_remaining(const wmbus_fifo_t *f);

#ifdef __cplusplus
}
#endif

#endif
