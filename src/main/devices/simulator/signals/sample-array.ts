/** Caller-provided output block: channel-major samples, allocated once and reused. */
export type SampleArray = Float32Array | Float64Array;
