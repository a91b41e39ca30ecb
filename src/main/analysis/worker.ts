/**
 * Entry of the analysis worker thread: runs LiveAnalysis on the chunks the engine transfers in
 * and posts back derived chunks, events, numerics and PSDs. Acquisition never waits on it.
 */
import { parentPort } from 'node:worker_threads';
import { LiveAnalysis } from './live-analysis';
import type { FromWorker, ToWorker } from './worker-protocol';

const port = parentPort;
if (!port) throw new Error('the analysis worker must run in a worker thread');

const post = (message: FromWorker, transfer: ArrayBuffer[] = []) => port.postMessage(message, transfer);

const analysis = new LiveAnalysis({
  streams: (streams) => post({ type: 'streams', streams }),
  chunk: (chunk) => post({ type: 'chunk', chunk }, [chunk.data.buffer as ArrayBuffer]),
  event: (event) => post({ type: 'event', event }),
});

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
