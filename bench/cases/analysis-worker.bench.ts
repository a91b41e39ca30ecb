import { StreamBus } from '../../src/main/acquisition/stream-bus';
import { AnalysisHost } from '../../src/main/analysis/analysis-host';
import { PhysiologySimulator } from '../../src/main/devices/simulator/signals';
import type { Chunk, StreamInfo } from '../../src/shared/types';
import type { BenchCase } from '../types';

const CHANNELS = 16;
const RATE = 1000;
const SECONDS = 60;
const CHUNK = 20;

/**
 * The live analysis worker fed 16 single-lead ECG streams at 1 kHz (a minute of data, in 20 ms
 * chunks as boards send them), as fast as it takes them: the share of one core it needs at real
 * time is its processing time over the data's duration.
 */
const analysisWorker: BenchCase = {
  name: 'analysis-worker',
  description: `live analysis worker on ${CHANNELS} ECG channels at ${RATE} Hz: share of one core at real time`,
  async run() {
    const body = new PhysiologySimulator({ ecgRateHz: RATE, seed: 5 });
    const ecg = new Float64Array(RATE * SECONDS);
    body.nextEcg(ecg, ecg.length);
    const streams: StreamInfo[] = Array.from({ length: CHANNELS }, (_, c) => ({
      key: `bench/ecg${c}`,
      deviceId: 'bench',
      name: `ecg${c}`,
      kind: 'ecg',
      rate: RATE,
      channels: [{ label: `lead ${c + 1}`, unit: 'uV' }],
    }));
    const t0 = 1_900_000_000;
    const chunks: Chunk[] = [];
    for (let i = 0; i < ecg.length; i += CHUNK) {
      for (let c = 0; c < CHANNELS; c++) {
        const data = new Float32Array(CHUNK);
        for (let k = 0; k < CHUNK; k++) data[k] = ecg[i + k] * (0.5 + c / CHANNELS);
        chunks.push({ key: streams[c].key, index: i, t0: t0 + i / RATE, dt: 1 / RATE, n: CHUNK, data });
      }
    }

    const bus = new StreamBus();
    let beats = 0;
    bus.subscribe({ event: (e) => (beats += e.kind === 'beat' ? 1 : 0) });
    const host = new AnalysisHost(bus, () => t0 + SECONDS);
    try {
      bus.setStreams('bench', streams);
      await host.psd('none', 0, 2).catch(() => undefined); // the worker is up and has the streams
      const started = performance.now();
      for (const chunk of chunks) bus.publish(chunk);
      // Requests are answered in order: this one comes back once every chunk has been analysed.
      await host.psd(streams[0].key, 0, 8);
      const seconds = (performance.now() - started) / 1000;
      return {
        coreShare: { value: (100 * seconds) / SECONDS, unit: '% of a core', target: '< 25' },
        realtimeFactor: { value: SECONDS / seconds, unit: 'x realtime' },
        beatsPerChannel: { value: beats / CHANNELS, unit: 'beats/min' },
      };
    } finally {
      await host.close();
    }
  },
};

export default analysisWorker;
