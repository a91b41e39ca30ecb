/**
 * Entry of the analysis worker thread: runs LiveAnalysis on the chunks the engine transfers in
 * and posts back derived chunks, events, numerics and PSDs. Acquisition never waits on it.
 */
import { parentPort } from 'node:worker_threads';
import { modelInfo } from './inference/live-model';
import { ModelHost } from './inference/model-host';
import { LiveAnalysis } from './live-analysis';
import type { FromWorker, ToWorker } from './worker-protocol';

const port = parentPort;
if (!port) throw new Error('the analysis worker must run in a worker thread');

const post = (message: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

const analysis = new LiveAnalysis({
  streams: (streams) => post({ type: 'streams', streams }),
  chunk: (chunk) => post({ type: 'chunk', chunk }, [chunk.data.buffer as ArrayBuffer]),
  event: (event) => post({ type: 'event', event }),
  models: (models) => post({ type: 'models', models }),
});

/** Loads a model and attaches it (or only describes it); a model that fails to load or attach is released with its error. */
async function loadModel(message: Extract<ToWorker, { type: 'model' }>): Promise<void> {
  let host: ModelHost | null = null;
  try {
    // One thread per live model: its runs are small, and the cores are the devices' and the other analysis' too.
    host = await ModelHost.load(message.file, { threads: 1 });
    if (!message.attach) {
      post({ type: 'model', id: message.id, info: modelInfo(host) });
      await host.close();
      return;
    }
    const state = analysis.attachModel(message.attach.modelId, host, message.attach.streamKey);
    post({ type: 'model', id: message.id, state });
  } catch (error) {
    await host?.close();
    post({ type: 'model', id: message.id, error: (error as Error).message });
  }
}

port.on('message', (message: ToWorker) => {
  switch (message.type) {
    case 'streams':
      analysis.setStreams(message.streams);
      post({ type: 'unsupported', unsupported: analysis.unsupported });
      break;
    case 'chunk':
      analysis.push(message.chunk);
      break;
    case 'numerics':
      post({ type: 'numerics', numerics: analysis.numerics(message.now) });
      post({ type: 'models', models: analysis.modelStates() });
      break;
    case 'model':
      void loadModel(message);
      break;
    case 'detachModel':
      void analysis.detachModel(message.modelId);
      break;
    case 'settle':
      post({ type: 'settled', id: message.id });
      break;
    case 'psd':
      try {
        const { freqs, psd } = analysis.psd(message.key, message.channel, message.seconds);
        post({ type: 'psd', id: message.id, freqs, psd });
      } catch (error) {
        post({ type: 'psd', id: message.id, error: (error as Error).message });
      }
      break;
  }
});
