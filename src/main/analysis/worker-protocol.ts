import type { Chunk, ModelInfo, ModelState, Numeric, SessionEvent, StreamInfo, UnsupportedStream } from '../../shared/types';

/** Messages from the engine to the analysis worker. */
export type ToWorker =
  | { type: 'streams'; streams: StreamInfo[] }
  | { type: 'chunk'; chunk: Chunk }
  | { type: 'numerics'; now: number }
  | { type: 'psd'; id: number; key: string; channel: number; seconds: number }
  /** Answered with `settled` once everything sent before it is analysed and its results posted. */
  | { type: 'settle'; id: number }
  /** Loads an ONNX model (answered with `model`): `attach` runs it on a stream under `modelId`, else it is only inspected and released. */
  | { type: 'model'; id: number; file: string; attach?: { modelId: string; streamKey: string } }
  | { type: 'detachModel'; modelId: string };

/** Messages from the analysis worker to the engine. */
export type FromWorker =
  | { type: 'streams'; streams: StreamInfo[] }
  | { type: 'chunk'; chunk: Chunk }
  | { type: 'event'; event: SessionEvent }
  | { type: 'numerics'; numerics: Numeric[] }
  /** After every stream change: the raw streams of an analysable kind left out, and why. */
  | { type: 'unsupported'; unsupported: UnsupportedStream[] }
  | { type: 'psd'; id: number; freqs?: Float64Array; psd?: Float64Array; error?: string }
  | { type: 'settled'; id: number }
  | { type: 'model'; id: number; info?: ModelInfo; state?: ModelState; error?: string }
  /** The attached models, on every attach, detach or failure and with each numerics tick. */
  | { type: 'models'; models: ModelState[] };
