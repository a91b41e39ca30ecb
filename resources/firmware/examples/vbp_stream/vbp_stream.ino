/*
 * vbp_stream - stream one analog sensor (a PPG front end, an ECG amplifier, a potentiometer) to
 * Vitalscope over USB serial using the Vitalscope Board Protocol (VBP v1).
 *
 * - says HELLO (its descriptor) at power-up and whenever the host sends DESCRIBE
 * - samples A0 at a fixed 250 Hz on micros() and sends DATA packets of 10 samples (25 per second),
 *   each stamped with the micros() of its first sample and a sequence number
 * - answers SYNC_REQUEST at once with micros(), so the host can measure clock offset and drift
 * - obeys START/STOP
 *
 * Copy vbp.h and vbp.c (resources/firmware/) next to this sketch, then build and upload it with
 * the Arduino IDE or arduino-cli. In Vitalscope: pick the board's port, protocol auto or vbp.
 */
#include "vbp.h"

static const uint32_t RATE_HZ = 250;
static const uint32_t PERIOD_US = 1000000UL / RATE_HZ;
static const uint8_t PER_PACKET = 10;
static const uint8_t SENSOR_PIN = A0;

static const char DESCRIPTOR[] =
    "{\"device\":{\"name\":\"Arduino PPG\",\"model\":\"vbp_stream\",\"firmware\":\"1.0.0\"},"
    "\"streams\":[{\"id\":0,\"name\":\"ppg\",\"kind\":\"ppg\",\"rate\":250,\"format\":\"i16\","
    "\"channels\":[{\"label\":\"A0\",\"unit\":\"counts\",\"scale\":1,\"offset\":0}]}]}";

static uint8_t frame[VBP_FRAME_SIZE(sizeof(DESCRIPTOR) + 4)]; /* big enough for HELLO and DATA */
static uint8_t samples[PER_PACKET * 2];
static uint8_t count = 0;
static uint16_t seq = 0;
static uint32_t first_sample_us = 0;
static uint32_t next_sample_us = 0;
static bool streaming = true; /* one-way hosts never send START: stream from power-up */
static vbp_rx_t rx;

static void sendHello() {
  size_t n = vbp_hello(frame, sizeof frame, DESCRIPTOR, sizeof(DESCRIPTOR) - 1);
  Serial.write(frame, n);
}

static void handleHost() {
  vbp_command_t cmd;
  while (Serial.available() > 0) {
    int byte = Serial.read();
    if (byte < 0 || !vbp_rx_push(&rx, (uint8_t)byte, &cmd)) continue;
    switch (cmd.type) {
      case VBP_SYNC_REQUEST: {
        uint32_t now = micros(); /* answer at once: the reply pins this instant */
        uint8_t reply[VBP_FRAME_SIZE(11)];
        Serial.write(reply, vbp_sync_reply(reply, sizeof reply, cmd.nonce, now));
        break;
      }
      case VBP_DESCRIBE:
        sendHello();
        break;
      case VBP_START:
        streaming = true;
        break;
      case VBP_STOP:
        streaming = false;
        count = 0;
        break;
    }
  }
}

void setup() {
  Serial.begin(921600); /* USB CDC ignores the rate; a UART bridge needs the same on the host */
  vbp_rx_init(&rx);
  sendHello();
  next_sample_us = micros();
}

void loop() {
  handleHost();
  uint32_t now = micros();
  if ((int32_t)(now - next_sample_us) < 0) return;
  uint32_t taken = next_sample_us;
  next_sample_us += PERIOD_US; /* a fixed grid on the board's clock, not "now + period" */
  if (!streaming) return;
  int16_t value = (int16_t)analogRead(SENSOR_PIN);
  if (count == 0) first_sample_us = taken;
  vbp_put_i16(samples + 2 * count, value);
  if (++count == PER_PACKET) {
    size_t n = vbp_data(frame, sizeof frame, 0, seq++, first_sample_us, PER_PACKET, samples, sizeof samples);
    Serial.write(frame, n);
    count = 0;
  }
}
