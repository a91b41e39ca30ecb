/*
 * vbp.h - Vitalscope Board Protocol v1 encoder for firmware (see PROTOCOL.md).
 *
 * Dependency-free C99: no malloc, no stdio; every function writes into a buffer the caller
 * provides and returns the number of bytes written (0 when the buffer is too small or an
 * argument is out of range). Frames are COBS-encoded, carry a CRC-16/CCITT-FALSE, and end with
 * the 0x00 delimiter: write them to the UART/USB CDC as they are.
 *
 * Board -> host: vbp_hello, vbp_data, vbp_event, vbp_sync_reply.
 * Host -> board: feed received bytes to vbp_rx_push; it reports START, STOP, DESCRIBE and
 * SYNC_REQUEST (answer that one at once with vbp_sync_reply and the current micros()).
 */
#ifndef VBP_H
#define VBP_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Largest decoded packet (type + body + crc), and the largest frame it encodes to. */
#define VBP_MAX_PACKET 2048u
#define VBP_FRAME_SIZE(packet_len) ((packet_len) + ((packet_len) + 253u) / 254u + 2u)
#define VBP_MAX_FRAME VBP_FRAME_SIZE(VBP_MAX_PACKET)
/* Frame buffer size for a DATA packet of `sample_bytes` bytes of samples. */
#define VBP_DATA_FRAME_SIZE(sample_bytes) VBP_FRAME_SIZE(1u + 8u + (sample_bytes) + 2u)

enum vbp_packet_type {
  VBP_HELLO = 0x01,
  VBP_DATA = 0x02,
  VBP_EVENT = 0x03,
  VBP_SYNC_REPLY = 0x04,
  VBP_START = 0x10,
  VBP_STOP = 0x11,
  VBP_SYNC_REQUEST = 0x12,
  VBP_DESCRIBE = 0x13
};

/* CRC-16/CCITT-FALSE of `len` bytes, continuing from `crc` (start with 0xFFFF). */
uint16_t vbp_crc16(uint16_t crc, const uint8_t *data, size_t len);

/* One packet: type, then body `a` followed by body `b` (either may be NULL/0), framed. */
size_t vbp_frame(uint8_t *out, size_t cap, uint8_t type, const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len);

/* HELLO: version 1 and the descriptor JSON (UTF-8, not NUL-terminated needed: pass its length). */
size_t vbp_hello(uint8_t *out, size_t cap, const char *json, size_t json_len);

/* DATA: `n` samples (0..255), interleaved by sample, already in the stream's format (use vbp_put_*). */
size_t vbp_data(uint8_t *out, size_t cap, uint8_t stream_id, uint16_t seq, uint32_t t_dev, uint8_t n, const uint8_t *samples, size_t samples_len);

/* EVENT: device time, a code, and text (UTF-8). */
size_t vbp_event(uint8_t *out, size_t cap, uint32_t t_dev, uint16_t code, const char *text, size_t text_len);

/* SYNC_REPLY: the nonce of the request and the device clock (µs) when it arrived. */
size_t vbp_sync_reply(uint8_t *out, size_t cap, uint32_t nonce, uint32_t t_dev);

/* Host side (and tests): START/STOP/DESCRIBE, and SYNC_REQUEST. */
size_t vbp_command(uint8_t *out, size_t cap, uint8_t type);
size_t vbp_sync_request(uint8_t *out, size_t cap, uint32_t nonce);

/* Little-endian sample writers: store one value at p and return p advanced past it. */
uint8_t *vbp_put_i16(uint8_t *p, int16_t v);
uint8_t *vbp_put_i24(uint8_t *p, int32_t v); /* clamped to -8388608..8388607 */
uint8_t *vbp_put_i32(uint8_t *p, int32_t v);
uint8_t *vbp_put_f32(uint8_t *p, float v);

/* Receiver for host commands. Commands are tiny; anything longer is dropped. */
#define VBP_RX_CAPACITY 16u
typedef struct {
  uint8_t buf[VBP_RX_CAPACITY];
  uint8_t len;
  uint8_t overflow;
  uint16_t errors; /* frames dropped: bad COBS, bad CRC, unknown or oversize */
} vbp_rx_t;

typedef struct {
  uint8_t type;   /* VBP_START, VBP_STOP, VBP_DESCRIBE or VBP_SYNC_REQUEST */
  uint32_t nonce; /* SYNC_REQUEST only */
} vbp_command_t;

void vbp_rx_init(vbp_rx_t *rx);
/* Feeds one received byte; returns 1 and fills *cmd when it completed a valid command. */
int vbp_rx_push(vbp_rx_t *rx, uint8_t byte, vbp_command_t *cmd);

#ifdef __cplusplus
}
#endif

#endif /* VBP_H */
