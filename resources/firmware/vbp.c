/* vbp.c - Vitalscope Board Protocol v1 encoder for firmware. See vbp.h and PROTOCOL.md. */
#include "vbp.h"

#include <string.h>

uint16_t vbp_crc16(uint16_t crc, const uint8_t *data, size_t len) {
  for (size_t i = 0; i < len; i++) {
    crc ^= (uint16_t)((uint16_t)data[i] << 8);
    for (int bit = 0; bit < 8; bit++) crc = (crc & 0x8000u) ? (uint16_t)((crc << 1) ^ 0x1021u) : (uint16_t)(crc << 1);
  }
  return crc;
}

/* COBS encoder state writing straight into the caller's buffer. */
typedef struct {
  uint8_t *out;
  size_t cap;
  size_t at;      /* next free position */
  size_t code_at; /* where the current block's code byte goes */
  uint8_t code;
  int overflow;
} cobs_t;

static void cobs_begin(cobs_t *c, uint8_t *out, size_t cap) {
  c->out = out;
  c->cap = cap;
  c->code_at = 0;
  c->at = 1;
  c->code = 1;
  c->overflow = cap < 2;
}

/* Writes the current block's code byte and opens the next block. */
static void cobs_close_block(cobs_t *c) {
  c->out[c->code_at] = c->code;
  if (c->at >= c->cap) {
    c->overflow = 1;
    return;
  }
  c->code_at = c->at++;
  c->code = 1;
}

static void cobs_put(cobs_t *c, uint8_t byte) {
  if (c->overflow) return;
  if (byte == 0) {
    cobs_close_block(c);
    return;
  }
  if (c->at >= c->cap) {
    c->overflow = 1;
    return;
  }
  c->out[c->at++] = byte;
  if (++c->code == 0xFF) cobs_close_block(c);
}

static size_t cobs_end(cobs_t *c) {
  if (c->overflow || c->at >= c->cap) return 0;
  c->out[c->code_at] = c->code;
  c->out[c->at++] = 0x00; /* frame delimiter */
  return c->at;
}

size_t vbp_frame(uint8_t *out, size_t cap, uint8_t type, const uint8_t *a, size_t a_len, const uint8_t *b, size_t b_len) {
  if (1u + a_len + b_len + 2u > VBP_MAX_PACKET) return 0;
  cobs_t c;
  cobs_begin(&c, out, cap);
  uint16_t crc = vbp_crc16(0xFFFFu, &type, 1);
  cobs_put(&c, type);
  if (a_len) {
    crc = vbp_crc16(crc, a, a_len);
    for (size_t i = 0; i < a_len; i++) cobs_put(&c, a[i]);
  }
  if (b_len) {
    crc = vbp_crc16(crc, b, b_len);
    for (size_t i = 0; i < b_len; i++) cobs_put(&c, b[i]);
  }
  cobs_put(&c, (uint8_t)(crc & 0xFF));
  cobs_put(&c, (uint8_t)(crc >> 8));
  return cobs_end(&c);
}

static void put_u16(uint8_t *p, uint16_t v) {
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
}

static void put_u32(uint8_t *p, uint32_t v) {
  p[0] = (uint8_t)v;
  p[1] = (uint8_t)(v >> 8);
  p[2] = (uint8_t)(v >> 16);
  p[3] = (uint8_t)(v >> 24);
}

size_t vbp_hello(uint8_t *out, size_t cap, const char *json, size_t json_len) {
  const uint8_t version = 1;
  return vbp_frame(out, cap, VBP_HELLO, &version, 1, (const uint8_t *)json, json_len);
}

size_t vbp_data(uint8_t *out, size_t cap, uint8_t stream_id, uint16_t seq, uint32_t t_dev, uint8_t n, const uint8_t *samples, size_t samples_len) {
  uint8_t head[8];
  head[0] = stream_id;
  put_u16(head + 1, seq);
  put_u32(head + 3, t_dev);
  head[7] = n;
  return vbp_frame(out, cap, VBP_DATA, head, sizeof head, samples, samples_len);
}

size_t vbp_event(uint8_t *out, size_t cap, uint32_t t_dev, uint16_t code, const char *text, size_t text_len) {
  uint8_t head[6];
  put_u32(head, t_dev);
  put_u16(head + 4, code);
  return vbp_frame(out, cap, VBP_EVENT, head, sizeof head, (const uint8_t *)text, text_len);
}

size_t vbp_sync_reply(uint8_t *out, size_t cap, uint32_t nonce, uint32_t t_dev) {
  uint8_t body[8];
  put_u32(body, nonce);
  put_u32(body + 4, t_dev);
  return vbp_frame(out, cap, VBP_SYNC_REPLY, body, sizeof body, NULL, 0);
}

size_t vbp_command(uint8_t *out, size_t cap, uint8_t type) {
  return vbp_frame(out, cap, type, NULL, 0, NULL, 0);
}

size_t vbp_sync_request(uint8_t *out, size_t cap, uint32_t nonce) {
  uint8_t body[4];
  put_u32(body, nonce);
  return vbp_frame(out, cap, VBP_SYNC_REQUEST, body, sizeof body, NULL, 0);
}

uint8_t *vbp_put_i16(uint8_t *p, int16_t v) {
  put_u16(p, (uint16_t)v);
  return p + 2;
}

uint8_t *vbp_put_i24(uint8_t *p, int32_t v) {
  if (v > 8388607) v = 8388607;
  if (v < -8388608) v = -8388608;
  uint32_t u = (uint32_t)v;
  p[0] = (uint8_t)u;
  p[1] = (uint8_t)(u >> 8);
  p[2] = (uint8_t)(u >> 16);
  return p + 3;
}

uint8_t *vbp_put_i32(uint8_t *p, int32_t v) {
  put_u32(p, (uint32_t)v);
  return p + 4;
}

uint8_t *vbp_put_f32(uint8_t *p, float v) {
  uint32_t u;
  memcpy(&u, &v, sizeof u);
  put_u32(p, u);
  return p + 4;
}

void vbp_rx_init(vbp_rx_t *rx) {
  memset(rx, 0, sizeof *rx);
}

int vbp_rx_push(vbp_rx_t *rx, uint8_t byte, vbp_command_t *cmd) {
  if (byte != 0) {
    if (rx->len < VBP_RX_CAPACITY) rx->buf[rx->len++] = byte;
    else rx->overflow = 1;
    return 0;
  }
  uint8_t len = rx->len;
  uint8_t overflow = rx->overflow;
  rx->len = 0;
  rx->overflow = 0;
  if (len == 0) return 0; /* idle delimiter */
  if (overflow) {
    rx->errors++;
    return 0;
  }
  /* COBS-decode in place (the decoded form is never longer than the encoded one). */
  uint8_t packet[VBP_RX_CAPACITY];
  size_t at = 0;
  size_t i = 0;
  while (i < len) {
    uint8_t code = rx->buf[i++];
    if (code == 0 || i + code - 1u > len) {
      rx->errors++;
      return 0;
    }
    for (uint8_t k = 1; k < code; k++) packet[at++] = rx->buf[i++];
    if (code != 0xFF && i < len) packet[at++] = 0;
  }
  if (at < 3 || vbp_crc16(0xFFFFu, packet, at - 2) != (uint16_t)(packet[at - 2] | (packet[at - 1] << 8))) {
    rx->errors++;
    return 0;
  }
  size_t body = at - 3;
  uint8_t type = packet[0];
  if ((type == VBP_START || type == VBP_STOP || type == VBP_DESCRIBE) && body == 0) {
    cmd->type = type;
    cmd->nonce = 0;
    return 1;
  }
  if (type == VBP_SYNC_REQUEST && body == 4) {
    cmd->type = type;
    cmd->nonce = (uint32_t)packet[1] | ((uint32_t)packet[2] << 8) | ((uint32_t)packet[3] << 16) | ((uint32_t)packet[4] << 24);
    return 1;
  }
  rx->errors++;
  return 0;
}
