/*
 * Host-side check of the firmware encoder (compiled by test/integration/firmware.test.ts with the
 * host's gcc). Modes:
 *   vectors        print the PROTOCOL.md test vectors as hex, one per line
 *   stream N       write a binary VBP stream to stdout: HELLO, N DATA packets (i24 sawtooth and
 *                  f32 ramp, clock starting just before the 32-bit wrap), one EVENT, one SYNC_REPLY
 *   rx HEX         feed HEX bytes to vbp_rx_push and print each command, then the error count
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../vbp.h"

static void print_hex(const uint8_t *p, size_t n) {
  for (size_t i = 0; i < n; i++) printf("%02x", p[i]);
  printf("\n");
}

static int vectors(void) {
  static uint8_t out[VBP_MAX_FRAME];
  const char *json =
      "{\"device\":{\"name\":\"Vector board\",\"model\":\"VB-1\",\"firmware\":\"1.0.0\",\"serial\":\"0001\"},"
      "\"streams\":[{\"id\":0,\"name\":\"ecg\",\"kind\":\"ecg\",\"rate\":250,\"format\":\"i16\","
      "\"channels\":[{\"label\":\"Lead I\",\"unit\":\"uV\",\"scale\":1.0,\"offset\":0}]}]}";
  print_hex(out, vbp_hello(out, sizeof out, json, strlen(json)));
  uint8_t samples[8];
  uint8_t *p = samples;
  p = vbp_put_i16(p, 0);
  p = vbp_put_i16(p, 1);
  p = vbp_put_i16(p, -1);
  p = vbp_put_i16(p, 256);
  print_hex(out, vbp_data(out, sizeof out, 0, 7, 1000000u, 4, samples, (size_t)(p - samples)));
  print_hex(out, vbp_event(out, sizeof out, 1500000u, 1, "button", 6));
  /* A buffer one byte too small must be refused, not overrun. */
  size_t need = vbp_event(out, sizeof out, 1500000u, 1, "button", 6);
  printf("%s\n", vbp_event(out, need - 1, 1500000u, 1, "button", 6) == 0 ? "small-buffer-refused" : "small-buffer-OVERRUN");
  return 0;
}

static int stream(int packets) {
  static uint8_t out[VBP_MAX_FRAME];
  const char *json =
      "{\"device\":{\"name\":\"C encoder\",\"model\":\"host\",\"firmware\":\"test\"},\"streams\":["
      "{\"id\":0,\"name\":\"ecg\",\"kind\":\"ecg\",\"rate\":500,\"format\":\"i24\",\"channels\":[{\"label\":\"I\",\"unit\":\"uV\",\"scale\":0.5,\"offset\":0}]},"
      "{\"id\":1,\"name\":\"temp\",\"kind\":\"temp\",\"rate\":50,\"format\":\"f32\",\"channels\":[{\"label\":\"skin\",\"unit\":\"degC\",\"scale\":1,\"offset\":0},"
      "{\"label\":\"air\",\"unit\":\"degC\",\"scale\":1,\"offset\":0}]}]}";
  fwrite(out, 1, vbp_hello(out, sizeof out, json, strlen(json)), stdout);
  uint32_t t0 = 4294967295u - 200000u; /* wraps after 0.2 s */
  int32_t k = 0;
  for (int i = 0; i < packets; i++) {
    uint8_t samples[10 * 3];
    uint8_t *p = samples;
    for (int s = 0; s < 10; s++, k++) p = vbp_put_i24(p, (k % 2000) - 1000); /* sawtooth -1000..999 */
    uint32_t t = t0 + (uint32_t)i * 20000u;
    fwrite(out, 1, vbp_data(out, sizeof out, 0, (uint16_t)i, t, 10, samples, (size_t)(p - samples)), stdout);
    uint8_t temps[2 * 4];
    p = vbp_put_f32(temps, 30.0f + 0.25f * (float)i);
    p = vbp_put_f32(p, -5.5f);
    fwrite(out, 1, vbp_data(out, sizeof out, 1, (uint16_t)i, t, 1, temps, (size_t)(p - temps)), stdout);
  }
  fwrite(out, 1, vbp_event(out, sizeof out, t0, 2, "battery 80%", 11), stdout);
  fwrite(out, 1, vbp_sync_reply(out, sizeof out, 42u, t0), stdout);
  return 0;
}

static int rx(const char *hex) {
  vbp_rx_t r;
  vbp_rx_init(&r);
  vbp_command_t cmd;
  for (size_t i = 0; hex[i] && hex[i + 1]; i += 2) {
    char pair[3] = {hex[i], hex[i + 1], 0};
    uint8_t byte = (uint8_t)strtoul(pair, NULL, 16);
    if (vbp_rx_push(&r, byte, &cmd)) {
      if (cmd.type == VBP_SYNC_REQUEST) printf("sync %lu\n", (unsigned long)cmd.nonce);
      else printf("%s\n", cmd.type == VBP_START ? "start" : cmd.type == VBP_STOP ? "stop" : "describe");
    }
  }
  printf("errors %u\n", (unsigned)r.errors);
  return 0;
}

int main(int argc, char **argv) {
  if (argc >= 2 && strcmp(argv[1], "vectors") == 0) return vectors();
  if (argc >= 3 && strcmp(argv[1], "stream") == 0) return stream(atoi(argv[2]));
  if (argc >= 3 && strcmp(argv[1], "rx") == 0) return rx(argv[2]);
  fprintf(stderr, "usage: %s vectors | stream N | rx HEX\n", argv[0]);
  return 2;
}
