import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { inferInput } from '../../src/main/analysis/inference/infer';
import { ModelHost, type ModelWindow } from '../../src/main/analysis/inference/model-host';
import { windowSamples } from '../../src/main/analysis/inference/windowing';
import { analyzeEcg } from '../../src/main/analysis/offline/analyze';
import { loadInput } from '../../src/main/analysis/offline/load-input';
import { Prng } from '../../src/main/devices/simulator/signals/prng';
import { quantile } from '../../src/shared/quantile';
import { SHARED_DATA } from '../../test/helpers/shared-data';
import { tempDir } from '../../test/helpers/temp-dir';
import type { BenchCase, Metric } from '../types';

const PVC = join(__dirname, '../../resources/models/pvc/pvc.onnx');
/** A 30-minute MIT-BIH record (650,000 samples at 360 Hz). */
const RECORD = join(SHARED_DATA, 'ecg/mitdb/100.hea');
const RUNS = 2000;
const BATCH = 256;

/** Random windows of the model's shapes: its cost does not depend on the values. */
function windows(host: ModelHost, n: number, seed: number): ModelWindow[] {
  const prng = new Prng(seed);
  const random = () => prng.next();
  const w = windowSamples(host.signal) * host.signal.channels;
  return Array.from({ length: n }, () => ({
    signal: Float32Array.from({ length: w }, () => random() * 2 - 1),
    ...(host.rr ? { rr: Float32Array.from(host.rr.values, () => 0.6 + random() * 0.4) } : {}),
    ...(host.template ? { template: Float32Array.from({ length: w }, () => random() * 2 - 1) } : {}),
  }));
}

/** p50/p99 ms of `runs` single-window runs, and ms per window in batches of BATCH, on one onnxruntime thread (as live). */
async function latency(host: ModelHost, prefix: string): Promise<Record<string, Metric>> {
  const one = windows(host, 64, 1);
  for (let i = 0; i < 50; i++) await host.run([one[i % one.length]]); // warm-up
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t = performance.now();
    await host.run([one[i % one.length]]);
    times.push(performance.now() - t);
  }
  const batch = windows(host, BATCH, 2);
  await host.run(batch);
  const t = performance.now();
  for (let i = 0; i < 10; i++) await host.run(batch);
  const perWindow = (performance.now() - t) / (10 * BATCH);
  return {
    [`${prefix}P50`]: { value: quantile(times, 0.5), unit: 'ms/window', target: prefix === 'pvcBatch1' ? '< 1' : undefined },
    [`${prefix}P99`]: { value: quantile(times, 0.99), unit: 'ms/window', target: prefix === 'pvcBatch1' ? '< 1' : undefined },
    [`${prefix.replace('Batch1', '')}Batched${BATCH}`]: { value: perWindow, unit: 'ms/window' },
  };
}

/** The CNN made by bench/models/make-cnn.py with torch, or null (and why) when torch is not there. */
function makeCnn(dir: string): { file: string; params: number } | { skipped: string } {
  const python = process.env.PYTHON ?? '/usr/bin/python3';
  try {
    const params = Number(execFileSync(python, [join(__dirname, '../models/make-cnn.py'), dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim().split('\n').at(-1));
    return { file: join(dir, 'cnn100k.onnx'), params };
  } catch (error) {
    return { skipped: `no CNN figures: ${python} could not make the model with torch (${(error as Error).message.split('\n')[0]}); apt-get install -y python3-torch python3-onnx` };
  }
}

/**
 * The inference host's cost: the bundled PVC model per beat (one window a run, and batched), a
 * 30-minute MIT-BIH record classified end to end (reading, detection, inference), and a 1-D CNN
 * of ~100k parameters on 2 s windows at 100 Hz (sliding every 0.5 s: 2 windows a second in real time).
 */
const models: BenchCase = {
  name: 'models',
  description: 'ONNX inference: the bundled PVC model per beat and over a 30-min record; a ~100k-parameter 1-D CNN per 2 s window',
  async run() {
    const metrics: Record<string, Metric> = {};
    const pvc = await ModelHost.load(PVC, { threads: 1 });
    try {
      Object.assign(metrics, await latency(pvc, 'pvcBatch1'));
    } finally {
      await pvc.close();
    }

    if (existsSync(RECORD)) {
      // As `vitalscope infer` runs it: onnxruntime's default threads.
      const host = await ModelHost.load(PVC);
      try {
        // The model's own runs, timed inside the end-to-end run.
        const run = host.run.bind(host);
        let inferenceMs = 0;
        host.run = async (w) => {
          const t = performance.now();
          const results = await run(w);
          inferenceMs += performance.now() - t;
          return results;
        };
        const input = loadInput(RECORD);
        const figures = { read: [] as number[], detection: [] as number[], inference: [] as number[], total: [] as number[] };
        let beats = 0;
        // A warm-up (JIT, onnxruntime's first runs), then medians of 3.
        for (let k = 0; k < 4; k++) {
          let t = performance.now();
          loadInput(RECORD);
          const read = performance.now() - t;
          t = performance.now();
          analyzeEcg(input.streams[0].channels[0]);
          const detection = performance.now() - t;
          inferenceMs = 0;
          t = performance.now();
          const result = await inferInput(host, input);
          const total = performance.now() - t;
          beats = result.outputs.length;
          if (k === 0) continue;
          figures.read.push(read);
          figures.detection.push(detection);
          figures.inference.push(inferenceMs);
          figures.total.push(total);
        }
        const median = (x: number[]) => quantile(x, 0.5);
        metrics.record30minBeats = { value: beats, unit: 'beats' };
        metrics.record30minRead = { value: median(figures.read), unit: 'ms' };
        metrics.record30minDetection = { value: median(figures.detection), unit: 'ms' };
        metrics.record30minModelRuns = { value: median(figures.inference), unit: 'ms' };
        // End to end: detection, windows and RR values, and the model's runs (the record already read).
        metrics.record30minEndToEnd = { value: median(figures.total), unit: 'ms', target: '< 1000' };
      } finally {
        await host.close();
      }
    } else process.stdout.write(`  (no 30-minute record figures: ${RECORD} is missing)\n`);

    const dir = tempDir('bench-cnn');
    try {
      const cnn = makeCnn(dir.path);
      if ('skipped' in cnn) process.stdout.write(`  (${cnn.skipped})\n`);
      else {
        const host = await ModelHost.load(cnn.file, { threads: 1 });
        try {
          metrics.cnnParameters = { value: cnn.params, unit: 'parameters' };
          Object.assign(metrics, await latency(host, 'cnnBatch1'));
          // Real time asks for 2 windows a second: the share of one core that takes.
          metrics.cnnRealtimeCoreShare = { value: (100 * 2 * metrics.cnnBatch1P50.value) / 1000, unit: '% of a core' };
        } finally {
          await host.close();
        }
      }
    } finally {
      dir.cleanup();
    }
    return metrics;
  },
};

export default models;
