export { ClockModel, type ClockFit } from './clock-model';
export { hostNow, type HostClock } from './host-clock';
export { StreamBus, type BusListener } from './stream-bus';
export { UiPublisher, MAX_FRAME_RATE } from './ui-publisher';
export { VbpDevice } from './vbp-device';
export { concatRun, contiguousRuns } from './chunk-runs';
export { SyncedClock } from './synced-clock';
export { TextDevice } from './text-device';
export { BoardConnection, type BoardConnectionOptions } from './board-connection';
