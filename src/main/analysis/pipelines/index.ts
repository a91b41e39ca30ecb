export { EcgPipeline, DEFAULT_ECG_PIPELINE, type EcgPipelineOptions, type EcgUpdate, type HrvWindow } from './ecg-pipeline';
export { PpgPipeline, POLARITY_PROBE_S, type PolarityChoice, type PpgPipelineOptions, type PpgUpdate, type PpgWindow } from './ppg-pipeline';
export { ImuPipeline, type ImuUpdate, type ImuWindow } from './imu-pipeline';
export { BRIDGE_MAX_SEC, GAP_GUARD_SEC, HIDING_GAP_SEC, MAX_MISSING } from './gap-bridge';
export { EcgUsabilityMonitor, USABILITY_BUFFER_S } from './ecg-usability-monitor';
