import { existsSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { evaluateModel, evaluateText } from './analysis/evaluation/evaluate-command';
import { inferCommand } from './analysis/inference/infer-command';
import { ModelHost } from './analysis/inference/model-host';
import { ModelLibrary, modelsDir } from './analysis/inference/model-library';
import { checkModelRun } from './analysis/inference/session-run';
import { analyzeCommand } from './analysis/offline/analyze-command';
import { isRecordingFile } from './analysis/offline/import-record';
import { describeQueue } from '../shared/recording-queue';
import { filterSessions, parseDate, type SessionFilter } from '../shared/session-library';
import { EXPORT_FORMAT_IDS, EXPORT_FORMATS } from '../shared/export-formats';
import type { ConnectOptions, CytonGain, ProtocolChoice, DatasetRequest, EngineStatus, ExportFormat, ExportRange, JobKind, JobState } from '../shared/types';
import { CYTON_GAINS } from '../shared/types';
import { DEFAULT_WORKERS } from './jobs/dataset-build';
import { LABEL_SOURCES } from './storage/dataset-parts';
import { DEFAULT_SIMULATOR, SIMULATOR_PROFILES, type SimulatorOptions, type SimulatorProfile } from './devices';
import { startPtyBoard } from './devices/simulator/pty-board';
import { STRAP_ID } from './devices/simulator/strap-peripheral';
import { BLE_PREFIX, bleCentral } from './devices/ble/noble-central';
import { BLE_REPLAY_PREFIX } from './devices/ble/replay-peripheral';
import { TICK_MS } from './devices/simulator/sim-transport';
import { hostNow } from './acquisition/host-clock';
import { MAX_SPEED, MIN_SPEED, playbackSessionId } from './acquisition/playback-device';
import { VirtualTime } from './acquisition/virtual-time';
import { createEngine, type Engine } from './engine';
import { parseRequiredStreams } from '../shared/preflight';
import { waitForPreflight } from './study/preflight-wait';
import { stepSummary } from './study/step-summary';
import { stepSummaryTable } from './study/step-summary-table';
import { agreementCsv, DEFAULT_MAX_LAG_S, DEFAULT_TOLERANCE_MS } from '../shared/agreement';
import { sessionAgreement } from './study/agreement-sources';
import { agreementText } from './study/agreement-text';
import { startWebFace } from './server';
import { announceSteps, markersFrom, protocolEnded, protocolFlags } from './study/record-study';
import { protocolsCommand } from './study/protocols-command';
import { protocolSeconds } from '../shared/protocol';
import { assignCommand, participantsCommand, studiesCommand } from './study/study-commands';
import { JobRunner, type JobRequest } from './jobs';
import type { BeatEdit, BeatSeries, ReanalysisOptions } from '../shared/review';
import { Library, currentBeats, defaultDbPath, deleteAnalysisRun, deleteModelRun, editBeats, hasAnalysisRun, listAnalysisRuns, listModelRuns, rangeHrv, resetBeats, sessionDetail, toSummary } from './storage';

const HELP = `vitalscope — a workbench for wearable health sensors

Usage: vitalscope <command> [options]

Commands:
  record    --device ID [--device ID ...] --seconds N [--name S] [--participant P]
            [--study NAME]                                  --study: a study added with studies add
            [--baud N] [--protocol auto|vbp|text|openbci-cyton] [--rate HZ]
            [--gain 1|2|4|6|8|12|24]                       with --protocol openbci-cyton: the gain the Cyton's
                                                            channels are set to, for the µV scale (default 24)
            [--hr BPM] [--loss PCT] [--drift PPM]          record a session; prints its id last.
            [--noise 0-1] [--spo2 PCT] [--still] [--profile wearable|bench16]
            [--ecg-bursts]                                  sim: ECG noise bursts (20 s a minute from 30 s)
                                                            ID: sim, serial:PATH (a USB serial port
                                                            or any pty, e.g. serial:/dev/ttyACM0), or
                                                            playback:SESSION-ID (a recorded session
                                                            replayed live; ends when it has played)
                                                            Bluetooth LE: ble:ADDRESS_OR_NAME (a Heart Rate
                                                            strap or a Nordic UART board), ble-replay:FILE.jsonl
                                                            (a GATT log played through the same drivers), or
                                                            sim:strap (a simulated chest strap sharing sim's heart)
            [--capture FILE.jsonl]                          log the BLE device's GATT notifications (replayable)
            [--speed 1-10]                                  playback speed, x real time (default 1)
            [--protocol FILE.json|NAME]                     run a study protocol (a file, or one saved in the
                                                            library); the recording lasts as long as its steps
                                                            unless --seconds says otherwise; each step is
                                                            said on stderr as it starts
            [--markers stdin]                               each line read from stdin becomes a marker when it
                                                            arrives (empty lines ignored; EOF stops nothing)
            [--fast]                                        sim only: run on virtual time, as fast as the
                                                            engine ingests (hours in minutes); progress
                                                            on stderr
            [--require KIND,... --preflight]                wait up to 10 s for the pre-flight check of these
                                                            streams (ecg, ppg, imu or a stream name: connected,
                                                            within 2 % of the nominal rate, good quality); when it
                                                            fails: a line per stream, exit 1, nothing recorded
            [--durable] [--queue-mb N]                      --durable: every flush survives a power loss
                                                            (slower); --queue-mb: memory for samples while
                                                            the library cannot be written (default 256)
  sessions  [--search TEXT] [--participant P] [--tag T]     list recorded sessions (status: complete,
            [--study NAME]                                  recovered after a crash, or recording); --search
            [--since DATE] [--until DATE] [--json]          matches name, participant, study, tags and devices;
                                                            DATE: YYYY-MM-DD (--until: through that day)
  rename    <session-id> NAME                               rename a session
  assign    <session-id> [--participant ID] [--study NAME]  set a recorded session's participant and/or study
                                                            (a saved study; '' clears either) [--json]
  participants [--json]                                     pseudonymous participant records (no names or other
                                                            direct identifiers), with their session counts
  participants add ID [--age-band 30-39] [--sex female|male|intersex|unspecified]
            [--skin-tone fitzpatrick:III|monk:5] [--wrist-cm N] [--hand left|right|ambidextrous] [--notes TEXT]
                                                            add a participant (an existing ID: the flags given
                                                            replace those fields); sessions naming ID link to it
  participants remove ID [--unlink]                         delete a record (refused while sessions name it,
                                                            unless --unlink clears their participant)
  studies   [--json]                                        studies with their session counts
  studies   add NAME [--description T]                      add a study (sessions join it: record --study)
  studies   remove NAME [--unlink]                          delete a study (--unlink: its sessions leave it)
  tag       <session-id> [+TAG|-TAG ...]                    add (+) or remove (-) tags; prints the tags
  delete    <session-id> --yes                              delete a session and everything recorded in it
  export    <session-id> --format FORMAT --out DIR|FILE     export a session; progress on stderr, Ctrl+C cancels
            [--from S] [--to S] [--streams KEY,...]         (exit 130); --from/--to: only [S, S) seconds from its
                                                            start; --streams: only these streams (keys as in
                                                            sessions --json, e.g. sim/ecg; default all). FORMAT:
${exportFormatHelp()}
  export    --all --format parquet --out DIR               every finished session into one Parquet folder
  export    <session-id> --format sqlite --out FILE         export a session as its own library file
                                                            (opens with --db FILE; importable)
  import    FILE                                            import every session of a library file under
                                                            new ids; prints them. Ctrl+C cancels (exit 130)
  import    FILE... [--participant P] [--no-detect]         import recordings as finished sessions, one each:
                                                            WFDB REC.hea (its .atr as the corrected beats with
                                                            classes), EDF/EDF+/BDF+ (.edf, .bdf; EDF+D breaks as
                                                            gaps, annotations as events), a CSV export folder or
                                                            stream .csv; prints each new id as soon as it reviews,
                                                            then detects the ECG's beats (--no-detect: leaves that
                                                            to the app's next start); a bad file is one line and
                                                            imports nothing, the others still do (exit 1)
  dataset   --out DIR --streams NAME[,NAME] --window S     build an ML dataset: windows of the streams (sliding
            [--step S] [--rate HZ] [--sessions ID,...|--all] by --step, or --around beats|markers), resampled to
            [--participants P,...] [--labels KIND,...]      --rate, with labels (KIND: label, beat, marker, step)
            [--around beats|markers] [--split 70,15,15]     and quality flags, split by participant (--seed N);
            [--seed N] [--workers N] [--npy] [--overwrite]  Parquet parts + manifest.json (+ .npy shards); windows
                                                            touching lost samples are skipped; a rerun resumes
  simulate  --pty [--seconds N] [--loss PCT] [--drift PPM] [--hr BPM]
            [--noise 0-1] [--spo2 PCT] [--still] [--profile wearable|bench16] [--ecg-bursts]
                                                            run a simulated board on a pseudo-terminal;
                                                            prints the pty path on its first line
  serve     [--port N] [--durable] [--queue-mb N]           the app in a browser: prints the URL (with token);
            [--session ID]                                  --session: the URL opens that session's review
            [simulator options as for record]
  devices   [--json]                                        list devices: serial ports (USB VID:PID,
                                                            manufacturer), the simulator, and recorded
                                                            sessions to play back (playback:ID)
  devices   --ble [--seconds N] [--json]                    scan N s (default 5) for Bluetooth LE devices we can
                                                            drive; no adapter: exit 1 with the reason
  analyze   INPUT [--signal L|I] [--rate HZ] [--kind LABEL=KIND] --json   analyse a WFDB .hea, .csv or session id
            [--ppg-polarity auto|volume|intensity]          which way up the PPG is (default: detected)
  infer     MODEL INPUT [--json|--csv] [--rate HZ]          run an ONNX model (manifest MODEL.json beside it) over a
                                                            WFDB .hea, .csv or session id: one output per window
  evaluate  MODEL INPUT... [--json]                       score a per-beat classifier against each record's .atr
                                                            (INPUT a REC.hea, or a session id whose ECG beats
                                                            have classes) (±150 ms, AAMI classes): Se, +P, F1, CIs,
                                                            confusion, slices, worst errors; progress on stderr
  protocols [--json]                                        the library's study protocols (name, steps, length, file)
  protocols import FILE.json [--replace]                    check a protocol file and store it in the library
  protocols export NAME FILE.json                           write a stored protocol to a file
  models    [--json]                                        the bundled models and those imported into the library's
                                                            models folder (<library dir>/models), with their manifests
  models    import FILE.onnx                                check a model and its manifest (FILE.onnx.json) and copy
                                                            both into the library's models folder; prints its id
  models    remove ID                                       remove an imported model (ID as listed: imported/NAME)
  beats     <session-id> --stream KEY [--json]              a stream's beats (s from the start; the corrected
                                                            set when edited, else the detected one)
            [--add T] [--delete T] [--move FROM:TO]         edit them, in the order given, all or none; the
            [--reject T] [--unreject T] [--reset]           detected set is kept; --reset drops the edits;
            [--class T:C]                                   --class sets the beat's class (N, V, S, F, Q, or an
                                                            MIT code letter; T: clears it)
  hrv       <session-id> --stream KEY [--from S] [--to S] [--json]
                                                            HR and HRV (SDNN, RMSSD, pNN50) from the current beats
  reanalyze <session-id> --name NAME [--ppg-polarity auto|volume|intensity] [--hrv-window S] [--hrv-step S] [--json]
                                                            re-run the analysis with other parameters (a job:
                                                            progress on stderr); stored as a named run, prints its id
  summary   <session-id> --by step [--json]                 per protocol step (or the whole session): HR mean and
                                                            range per source, SpO2, footsteps and cadence, % good
                                                            quality per source, lost samples
  runs      <session-id> [--json] [--delete RUN]            the session's stored analysis runs, side by side
  infer     MODEL <session-id> --save [--name NAME]         run a model over a session (a job: progress on stderr)
                                                            and store its outputs in it as a named run; prints its id
  model-runs <session-id> [--json] [--delete RUN]           the session's stored model runs, with counts per class
  agreement <session-id> --a SOURCE --b SOURCE [--by step]  agreement of B with the reference A (Bland-Altman): pairs
            [--tolerance-ms 150] [--lag S] [--max-lag 10]   on a 1 Hz grid, B's lag estimated within ±max-lag s
            [--json] [--csv FILE]                           (--lag overrides it), bias = mean of B - A, SD, 95 %
                                                            limits of agreement, MAE, RMSE, r; Se/+P of beats within
                                                            ±tolerance ms for beat or RR sources; --by step: per
                                                            protocol step too. SOURCE: a stream as exported
                                                            (ecg.metrics: its HR), NAME:CHANNEL, or NAME:beats

Common options:
  --db PATH     library database (default: $VITALSCOPE_DB, else ${defaultDbPath({})})
  -h, --help    this help
`;

class UsageError extends Error {}

const common = { db: { type: 'string' }, help: { type: 'boolean', short: 'h' } } as const;
const simulatorFlags = {
  hr: { type: 'string' },
  loss: { type: 'string' },
  drift: { type: 'string' },
  noise: { type: 'string' },
  spo2: { type: 'string' },
  still: { type: 'boolean' },
  'ecg-bursts': { type: 'boolean' },
  profile: { type: 'string' },
} as const;

function parse<T extends ParseArgsConfig['options']>(args: string[], options: T, positionals = 0) {
  try {
    const parsed = parseArgs({ args, options: { ...common, ...options }, allowPositionals: positionals > 0, strict: true, tokens: true });
    if (parsed.positionals.length > positionals) throw new UsageError(`unexpected argument "${parsed.positionals[positionals]}"`);
    return parsed;
  } catch (error) {
    throw error instanceof UsageError ? error : new UsageError((error as Error).message);
  }
}

function number(value: string | undefined, flag: string, fallback: number, min = -Infinity, max = Infinity): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < min || n > max) throw new UsageError(`--${flag} must be a number from ${min} to ${max}, got "${value}"`);
  return n;
}

/** `--gain`: the PGA gain a Cyton's channels are set to; it only scales Cyton samples, so it needs --protocol openbci-cyton. */
function cytonGain(value: string, protocol: ProtocolChoice): CytonGain {
  const gain = Number(value) as CytonGain;
  if (!CYTON_GAINS.includes(gain)) throw new UsageError(`--gain must be one of the ADS1299's gains ${CYTON_GAINS.join(', ')}, got "${value}"`);
  if (protocol !== 'openbci-cyton') throw new UsageError(`--gain sets an OpenBCI Cyton's gain: give it with --protocol openbci-cyton`);
  return gain;
}

function simulatorOptions(values: { hr?: string; loss?: string; drift?: string; noise?: string; spo2?: string; still?: boolean; 'ecg-bursts'?: boolean; profile?: string }): Partial<SimulatorOptions> {
  const profile = (values.profile ?? DEFAULT_SIMULATOR.profile) as SimulatorProfile;
  if (!SIMULATOR_PROFILES.includes(profile)) throw new UsageError(`--profile must be one of ${SIMULATOR_PROFILES.join(', ')}, got "${values.profile}"`);
  return {
    profile,
    hrBpm: number(values.hr, 'hr', DEFAULT_SIMULATOR.hrBpm, 20, 250),
    lossPct: number(values.loss, 'loss', 0, 0, 100),
    driftPpm: number(values.drift, 'drift', 0, -10_000, 10_000),
    noise: number(values.noise, 'noise', DEFAULT_SIMULATOR.noise, 0, 1),
    spo2: number(values.spo2, 'spo2', DEFAULT_SIMULATOR.spo2, 70, 100),
    motionArtifacts: !values.still,
    ecgBursts: values['ecg-bursts'] === true,
  };
}

const dbPath = (db: string | undefined) => db ?? defaultDbPath();

const storageFlags = { durable: { type: 'boolean' }, 'queue-mb': { type: 'string' } } as const;

function storageOptions(values: { durable?: boolean; 'queue-mb'?: string }): { durable: boolean; recordQueueBytes: number } {
  return { durable: values.durable ?? false, recordQueueBytes: number(values['queue-mb'], 'queue-mb', 256, 1, 1_000_000) * 1024 * 1024 };
}

/** Says on stderr, at once, when the recorder starts or stops failing to write, and what is queued or dropped. */
function reportRecorderTrouble(status: EngineStatus, last: { error?: string; dropped: number }): void {
  const rec = status.recording;
  const dropped = rec?.queue?.streams.reduce((sum, s) => sum + s.droppedSamples, 0) ?? 0;
  if (rec?.error !== last.error) {
    if (rec?.error) process.stderr.write(`RECORDING NOT WRITTEN: ${rec.error}${rec.queue ? `; ${describeQueue(rec.queue)}` : ''}\n`);
    else if (last.error) process.stderr.write(`recording written again: the queued samples are in the library${dropped ? `; ${describeQueue(rec!.queue!)}` : ''}\n`);
  } else if (dropped > 0 && last.dropped === 0 && rec?.queue) process.stderr.write(`RECORDING NOT WRITTEN: ${describeQueue(rec.queue)}\n`);
  last.error = rec?.error;
  last.dropped = dropped;
}

async function record(args: string[]): Promise<number | void> {
  const { values } = parse(args, {
    require: { type: 'string' },
    preflight: { type: 'boolean' },
    device: { type: 'string', multiple: true },
    seconds: { type: 'string' },
    name: { type: 'string' },
    participant: { type: 'string' },
    study: { type: 'string' },
    baud: { type: 'string' },
    protocol: { type: 'string', multiple: true },
    markers: { type: 'string' },
    rate: { type: 'string' },
    gain: { type: 'string' },
    speed: { type: 'string' },
    fast: { type: 'boolean' },
    capture: { type: 'string' },
    ...simulatorFlags,
    ...storageFlags,
  });
  const devices = [...new Set(values.device ?? [])];
  const bleDevices = devices.filter(isGattDeviceId);
  if (devices.length === 0) throw new UsageError('--device is required (e.g. --device sim or --device serial:/dev/ttyACM0)');
  for (const id of devices) {
    if (id !== 'sim' && !/^serial:.+/.test(id) && playbackSessionId(id) === null && !isGattDeviceId(id)) {
      throw new UsageError(`--device "${id}" is not a device id: use sim, sim:strap, serial:PATH, ble:ADDRESS_OR_NAME, ble-replay:FILE.jsonl or playback:SESSION-ID (see vitalscope devices)`);
    }
  }
  if (values.fast && devices.some((id) => id !== 'sim' && id !== STRAP_ID)) throw new UsageError('--fast runs the simulated devices on virtual time: use it with --device sim and sim:strap only');
  const liveBle = devices.filter((id) => id.startsWith('ble:'));
  if (values.capture !== undefined && bleDevices.length !== 1) throw new UsageError(`--capture FILE.jsonl logs one Bluetooth LE device's notifications: give exactly one ble:, ble-replay: or sim:strap device, not ${bleDevices.length}`);
  if (Boolean(values.preflight) !== (values.require !== undefined)) throw new UsageError('--require KIND,... and --preflight go together: the streams to check, and the check');
  const required = values.require === undefined ? [] : requiredStreams(values.require);
  if (values.preflight && required.length === 0) throw new UsageError('--require needs at least one stream kind or name (e.g. ecg,ppg)');
  const { board: protocol, study } = protocolFlags(values.protocol ?? [], dbPath(values.db));
  if (values.seconds === undefined && !study) throw new UsageError('--seconds is required (or --protocol FILE.json, whose steps set the length)');
  // A protocol sets the length unless --seconds says otherwise; the engine's runner ends its last step on time, then the recording stops here.
  const seconds = study && values.seconds === undefined ? protocolSeconds(study) : number(values.seconds, 'seconds', 0, 0.1, 7 * 24 * 3600);
  if (values.markers !== undefined && values.markers !== 'stdin') throw new UsageError(`--markers takes "stdin" (each line read becomes a marker), got "${values.markers}"`);
  const connectOptions: ConnectOptions = {
    baud: values.baud === undefined ? undefined : Math.round(number(values.baud, 'baud', 0, 50, 20_000_000)),
    protocol: protocol as ProtocolChoice,
    rate: values.rate === undefined ? undefined : number(values.rate, 'rate', 0, 0.001, 1_000_000),
    gain: values.gain === undefined ? undefined : cytonGain(values.gain, protocol),
    speed: number(values.speed, 'speed', MIN_SPEED, MIN_SPEED, MAX_SPEED),
  };
  const virtualTime = values.fast ? new VirtualTime(hostNow()) : undefined;
  // The process exits right after: the session is re-timed at stop, not in a job that exit would cancel.
  const engine = await createEngine({ dbPath: dbPath(values.db), simulator: simulatorOptions(values), ...storageOptions(values), virtualTime, finishSessionsInJobs: false });
  try {
    for (const id of devices) {
      await engine.connect(id, connectOptions).catch((error: Error) => {
        throw new Error(liveBle.includes(id) ? `cannot connect ${id}: ${error.message}` : error.message);
      });
    }
    if (values.capture !== undefined) process.stderr.write(`capturing ${bleDevices[0]}'s GATT notifications to ${await engine.captureGatt(bleDevices[0], values.capture)}\n`);
    // On virtual time the board says HELLO at its first delivery.
    virtualTime?.step(FAST_STEP_S);
    // Give every board a moment to describe its streams (HELLO, or a text board's rate estimate).
    const hasStreams = async () => {
      const status = await engine.getStatus();
      return devices.every((id) => status.streams.some((s) => s.deviceId === id));
    };
    try {
      await waitFor(hasStreams, 5000);
    } catch {
      const status = await engine.getStatus();
      const silent = devices.filter((id) => !status.streams.some((s) => s.deviceId === id));
      const why = silent.map((id) => {
        const d = status.devices.find((x) => x.deviceId === id);
        if (d?.error) return `${id}: ${d.error}`;
        if (!d?.bytesReceived) return `${id}: no bytes received (is the board streaming? right --baud?)`;
        if (!d.protocol) return `${id}: ${d.bytesReceived} bytes but neither VBP frames, text lines nor Cyton packets (try --protocol, check --baud)`;
        return `${id}: ${d.protocol} data but no stream described yet${d.protocol === 'vbp' ? ' (no HELLO: does the firmware answer DESCRIBE?)' : ''}`;
      });
      throw new Error(`no streams within 5 s from ${why.join('; ')}`);
    }
    if (values.preflight) {
      const advance = virtualTime ? () => stepFast(engine, virtualTime, 1) : () => sleep(250);
      const check = await waitForPreflight(engine, required, advance);
      for (const item of check.items) if (item.status !== 'ok') process.stderr.write(`pre-flight ${item.status}: ${item.why}\n`);
      if (!check.passed) return 1;
      process.stderr.write(`pre-flight passed: ${check.items.map((i) => i.why).join('; ')}\n`);
    }
    const sessionId = await engine.startRecording({ name: values.name ?? '', participant: values.participant ?? '', study: values.study ?? '', ...(study ? { protocol: study, openEnded: true } : {}) });
    const unannounce = study ? announceSteps(engine) : () => undefined;
    const stopMarkers = values.markers ? markersFrom(process.stdin, engine) : () => undefined;
    const trouble = { error: undefined as string | undefined, dropped: 0 };
    const unsubscribe = engine.subscribe({ status: (s) => reportRecorderTrouble(s, trouble) });
    const stopEarly = waitForSignal();
    const started = Date.now();
    let shownListenerError: string | undefined;
    const progress = setInterval(() => {
      if (virtualTime) return; // runFast says how far it is
      void engine.getStatus().then((s) => {
        // A part that failed on live data while the rest went on (e.g. the analysis): said once per new message.
        if (s.listenerError && s.listenerError !== shownListenerError) process.stderr.write(`warning: ${(shownListenerError = s.listenerError)}\n`);
        const samples = s.devices
          .map((d) => {
            const streams = d.streams.map((st) => `${st.key.split('/').pop()} ${st.samples}`).join(', ');
            const state = d.state === 'reconnecting' ? ` RECONNECTING (attempt ${d.reconnectAttempt ?? 1})` : d.state === 'error' ? ` ERROR ${d.error ?? ''}` : '';
            return devices.length > 1 ? `[${d.deviceId}] ${streams}${state}` : `${streams}${state}`;
          })
          .join(' ');
        const queue = s.recording?.queue ? ` | ${describeQueue(s.recording.queue)}` : '';
        process.stderr.write(`recording ${((Date.now() - started) / 1000).toFixed(0)}/${seconds} s: ${samples}${queue}\n`);
      });
    }, 1000);
    // On virtual time one more step lets the runner see its last boundary.
    if (virtualTime) await runFast(engine, virtualTime, seconds + (study ? FAST_STEP_S : 0), stopEarly.promise);
    else await Promise.race([sleep(seconds * 1000 + (study && values.seconds === undefined ? 1000 : 0)), stopEarly.promise, playbacksFinished(engine, devices), ...(study && values.seconds === undefined ? [protocolEnded(engine)] : [])]);
    clearInterval(progress);
    unsubscribe();
    unannounce();
    stopMarkers();
    stopEarly.dispose();
    const summary = await engine.stopRecording();
    for (const s of summary?.streams ?? []) process.stderr.write(`  ${s.name}: ${s.samples} samples at ${s.rate} Hz\n`);
    process.stdout.write(`${sessionId}\n`);
  } finally {
    await engine.close();
  }
}

function isGattDeviceId(id: string): boolean {
  return id === STRAP_ID || (id.startsWith(BLE_PREFIX) && id.length > BLE_PREFIX.length) || (id.startsWith(BLE_REPLAY_PREFIX) && id.length > BLE_REPLAY_PREFIX.length);
}

/** Virtual seconds per step of `record --fast`: the simulator's real-time delivery interval, so the clock model sees the same. */
const FAST_STEP_S = TICK_MS / 1000;
/** Simulated seconds between waits for the analysis: bounds its backlog (and memory) to this much data. */
const FAST_SETTLE_S = 10;

/** Steps the virtual clock `seconds` forward, then lets the analysis catch up. */
async function stepFast(engine: Engine, clock: VirtualTime, seconds: number): Promise<void> {
  for (let i = Math.round(seconds / FAST_STEP_S); i > 0; i--) clock.step(FAST_STEP_S);
  await engine.settle();
  await new Promise((resolve) => setImmediate(resolve));
}

/**
 * Steps the virtual clock through `seconds` as fast as the engine ingests: every FAST_SETTLE_S
 * it waits for the analysis worker to catch up and lets timers (the recorder's flush) run.
 * Progress (simulated time, speed factor) goes to stderr once a second.
 */
async function runFast(engine: Engine, clock: VirtualTime, seconds: number, stop: Promise<void>): Promise<void> {
  let stopped = false;
  void stop.then(() => (stopped = true));
  const wallStart = performance.now();
  let lastReport = wallStart;
  const steps = Math.round(seconds / FAST_STEP_S);
  const perSettle = Math.round(FAST_SETTLE_S / FAST_STEP_S);
  for (let i = 1; i <= steps && !stopped; i++) {
    clock.step(FAST_STEP_S);
    if (i % perSettle !== 0 && i !== steps) continue;
    await engine.settle();
    await new Promise((resolve) => setImmediate(resolve));
    const wall = performance.now();
    if (wall - lastReport >= 1000 || i === steps) {
      lastReport = wall;
      const simulated = i * FAST_STEP_S;
      process.stderr.write(`simulated ${simulated.toFixed(0)}/${seconds} s at ${(simulated / ((wall - wallStart) / 1000)).toFixed(0)}x real time\n`);
    }
  }
}

/** Resolves when every device is a playback that reached its end (never, when one is a board). */
async function playbacksFinished(engine: Engine, devices: string[]): Promise<void> {
  if (!devices.every((id) => playbackSessionId(id) !== null)) return new Promise(() => undefined);
  const finished = async () => (await engine.getStatus()).devices.every((d) => d.state === 'finished' || d.state === 'error');
  while (!(await finished())) await sleep(100);
  process.stderr.write('playback finished\n');
}

async function sessions(args: string[]): Promise<void> {
  const { values } = parse(args, {
    json: { type: 'boolean' },
    search: { type: 'string' },
    participant: { type: 'string' },
    study: { type: 'string' },
    tag: { type: 'string' },
    since: { type: 'string' },
    until: { type: 'string' },
  });
  const filter: SessionFilter = {
    text: values.search,
    participant: values.participant,
    study: values.study,
    tag: values.tag,
    since: values.since === undefined ? undefined : dateFlag(values.since, 'since', false),
    until: values.until === undefined ? undefined : dateFlag(values.until, 'until', true),
  };
  const filtering = Object.values(filter).some((v) => v !== undefined);
  withLibrary(values.db, (library) => {
    const list = filterSessions(library.sessions().map(toSummary), filter);
    if (values.json) {
      process.stdout.write(JSON.stringify(list, null, 2) + '\n');
      return;
    }
    if (list.length === 0) process.stdout.write(filtering ? `no sessions in ${library.path} match\n` : `no sessions in ${library.path}\n`);
    for (const s of list) {
      const duration = s.durationSec === null ? 'unfinished' : `${s.durationSec.toFixed(1)} s`;
      const streams = s.streams.map((st) => `${st.name} ${st.samples}`).join(', ');
      process.stdout.write(`${s.id}\t${s.status}\t${s.startedAt}\t${duration}\t${s.name}\t${s.participant || '-'}\t${streams}\t${s.tags.join(', ') || '-'}\n`);
    }
  });
}

function requiredStreams(text: string): string[] {
  try {
    return parseRequiredStreams(text);
  } catch (error) {
    throw new UsageError(`--require: ${(error as Error).message}`);
  }
}

function dateFlag(text: string, flag: string, endOfDay: boolean): number {
  try {
    return parseDate(text, endOfDay);
  } catch (error) {
    throw new UsageError(`--${flag}: ${(error as Error).message}`);
  }
}

function sessionIdArg(positionals: string[], command: string): number {
  const text = positionals[0];
  if (text === undefined) throw new UsageError(`${command} needs a session id (see \`vitalscope sessions\`)`);
  if (!/^[1-9]\d{0,15}$/.test(text)) throw new UsageError(`"${text}" is not a session id (see \`vitalscope sessions\`)`);
  return Number(text);
}

/** Runs `body` on the library, closing it after. */
function withLibrary<T>(db: string | undefined, body: (library: Library) => T): T {
  const library = new Library(dbPath(db));
  try {
    return body(library);
  } finally {
    library.close();
  }
}

async function rename(args: string[]): Promise<void> {
  const { values, positionals } = parse(args, {}, 2);
  const id = sessionIdArg(positionals, 'rename');
  if (positionals[1] === undefined) throw new UsageError('rename needs the new name: vitalscope rename ID NAME');
  const name = withLibrary(values.db, (library) => {
    library.renameSession(id, positionals[1]);
    return library.session(id)!.name;
  });
  process.stdout.write(`${id}\t${name}\n`);
}

/** `tag ID +a -b`: parsed by hand, since parseArgs would take `-b` for an option. */
async function tag(args: string[]): Promise<void> {
  let db: string | undefined;
  const rest: string[] = [];
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--db') db = args[++i];
    else if (args[i].startsWith('--db=')) db = args[i].slice(5);
    else rest.push(args[i]);
  }
  if (args.includes('--db') && db === undefined) throw new UsageError('--db needs a path');
  const [first, ...changes] = rest;
  const id = sessionIdArg(first === undefined ? [] : [first], 'tag');
  for (const c of changes) if (!/^[+-]./.test(c)) throw new UsageError(`tag changes are +TAG (add) or -TAG (remove), got "${c}"`);
  const tags = withLibrary(db, (library) => {
    const session = library.session(id);
    if (!session) throw new Error(`no session ${id} in ${library.path}`);
    let tags = session.tags;
    for (const c of changes) {
      const name = c.slice(1).trim().toLowerCase();
      tags = c.startsWith('+') ? [...tags, c.slice(1)] : tags.filter((t) => t.toLowerCase() !== name);
    }
    if (changes.length > 0) library.setSessionTags(id, tags);
    return library.session(id)!.tags;
  });
  process.stdout.write(`${id}\t${tags.join(', ')}\n`);
}

async function deleteCommand(args: string[]): Promise<void> {
  const { values, positionals } = parse(args, { yes: { type: 'boolean' } }, 1);
  const id = sessionIdArg(positionals, 'delete');
  withLibrary(values.db, (library) => {
    const session = library.session(id);
    if (!session) throw new Error(`no session ${id} in ${library.path}`);
    const summary = toSummary(session);
    const what = `session ${id} ("${summary.name}", ${summary.durationSec === null ? 'unfinished' : `${summary.durationSec.toFixed(1)} s`})`;
    if (!values.yes) throw new UsageError(`delete removes ${what} and everything recorded in it for good: add --yes to confirm`);
    library.deleteSession(id);
    process.stderr.write(`deleted ${what}\n`);
  });
}

/** The help's lines for each export format, from the list the export dialog shows too. */
function exportFormatHelp(): string {
  const lines = EXPORT_FORMAT_IDS.map((f) => `              ${f.padEnd(7)} (--out ${EXPORT_FORMATS[f].out}) ${EXPORT_FORMATS[f].description}`);
  return [...lines, `              ${'sqlite'.padEnd(7)} (--out FILE) the session as its own library file (opens with --db FILE; importable)`].join('\n');
}

async function exportCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse(
    args,
    { format: { type: 'string' }, out: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, all: { type: 'boolean' }, streams: { type: 'string' } },
    1,
  );
  const format = values.format ?? 'csv';
  const formats: string[] = [...EXPORT_FORMAT_IDS, 'sqlite'];
  if (!formats.includes(format)) throw new UsageError(`--format "${values.format}" is not supported; supported: ${formats.join(', ')}`);
  if (values.all && format !== 'parquet') throw new UsageError('--all is for --format parquet (one folder for every session)');
  if (values.all && positionals.length > 0) throw new UsageError('export takes a session id or --all, not both');
  const id = values.all ? 0 : sessionIdArg(positionals, 'export');
  const toFolder = format !== 'sqlite' && EXPORT_FORMATS[format as ExportFormat].out === 'DIR';
  if (!values.out) throw new UsageError(`--out ${toFolder ? 'DIR' : 'FILE'} is required`);
  const range: ExportRange = {};
  if (values.from !== undefined) range.from = number(values.from, 'from', 0, 0);
  if (values.to !== undefined) range.to = number(values.to, 'to', 0, 0);
  if (range.from !== undefined && range.to !== undefined && range.to <= range.from) throw new UsageError(`--to (${range.to}) must be after --from (${range.from})`);
  if (format === 'sqlite' && (range.from !== undefined || range.to !== undefined)) throw new UsageError('--from/--to are not for --format sqlite: a library file holds the whole session');
  if (format === 'sqlite' && values.streams !== undefined) throw new UsageError('--streams is not for --format sqlite: a library file holds the whole session');
  const streams = values.streams?.split(',').map((k) => k.trim());
  if (streams?.some((k) => k === '')) throw new UsageError(`--streams "${values.streams}": a comma-separated list of stream keys, none empty (e.g. sim/ecg,sim/ppg)`);
  const picked = streams ? { streams } : {};
  const title = values.all ? 'export of every session' : `export of session ${id}`;
  const job =
    format === 'parquet'
      ? await runJob(values.db, { kind: 'export-parquet', title, sessionId: id, params: { sessionIds: values.all ? 'all' : [id], dir: resolve(values.out), range, ...picked } }, 'exporting')
      : format === 'csv'
        ? await runJob(values.db, { kind: 'export-csv', title, sessionId: id, params: { sessionId: id, dir: values.out, range, ...picked } }, 'exporting')
        : format === 'wfdb'
          ? await runJob(values.db, { kind: 'export-wfdb', title, sessionId: id, params: { sessionId: id, dir: resolve(values.out), range, ...picked } }, 'exporting')
          : format !== 'sqlite'
            ? await runJob(values.db, { kind: 'export-edf', title, sessionId: id, params: { sessionId: id, file: resolve(values.out), format: format as 'edf' | 'bdf', range, ...picked } }, 'exporting')
        : await runJob(
          values.db,
          { kind: 'export-session-file', title: `export of session ${id}`, sessionId: id, params: { sessionId: id, file: resolve(values.out), replace: false } },
          'exporting',
        );
  if (!job) {
    process.stderr.write(`${title} cancelled: its partial ${toFolder ? 'files were' : 'file was'} removed\n`);
    return 130;
  }
  for (const f of job.output?.files ?? []) process.stdout.write(`${f}\n`);
  return 0;
}

async function datasetCommand(args: string[]): Promise<number> {
  const { values } = parse(args, {
    out: { type: 'string' },
    streams: { type: 'string' },
    window: { type: 'string' },
    step: { type: 'string' },
    rate: { type: 'string' },
    sessions: { type: 'string' },
    all: { type: 'boolean' },
    participants: { type: 'string' },
    labels: { type: 'string' },
    around: { type: 'string' },
    split: { type: 'string' },
    seed: { type: 'string' },
    workers: { type: 'string' },
    npy: { type: 'boolean' },
    overwrite: { type: 'boolean' },
  });
  const list = (v: string | undefined) => v?.split(',').map((x) => x.trim()).filter(Boolean);
  if (!values.out) throw new UsageError('--out DIR is required');
  if (!values.streams) throw new UsageError('--streams NAME[,NAME] is required (stream names as `vitalscope sessions --json` lists them)');
  if (values.window === undefined) throw new UsageError('--window S is required');
  if (values.all && values.sessions) throw new UsageError('give --sessions ID,... or --all, not both');
  if (values.around !== undefined && values.around !== 'beats' && values.around !== 'markers') throw new UsageError(`--around must be beats or markers, got "${values.around}"`);
  const labels = list(values.labels);
  for (const l of labels ?? []) if (!(LABEL_SOURCES as readonly string[]).includes(l)) throw new UsageError(`--labels: unknown kind "${l}"; known: ${LABEL_SOURCES.join(', ')}`);
  const split = values.split === undefined ? undefined : (values.split.split(',').map(Number) as [number, number, number]);
  if (split && (split.length !== 3 || split.some((p) => !Number.isFinite(p) || p < 0))) throw new UsageError(`--split must be three non-negative numbers TRAIN,VAL,TEST, got "${values.split}"`);
  const request: DatasetRequest = {
    out: resolve(values.out),
    streams: list(values.streams)!,
    window: number(values.window, 'window', 0, 0.001, 3600),
    ...(values.step !== undefined ? { step: number(values.step, 'step', 0, 0.001, 86400) } : {}),
    ...(values.rate !== undefined ? { rate: number(values.rate, 'rate', 0, 0.001, 100_000) } : {}),
    ...(values.sessions ? { sessions: list(values.sessions)!.map((s) => number(s, 'sessions', 0, 1)) } : {}),
    ...(values.participants ? { participants: list(values.participants) } : {}),
    ...(labels ? { labels: labels as DatasetRequest['labels'] } : {}),
    ...(values.around ? { around: values.around as 'beats' | 'markers' } : {}),
    ...(split ? { split } : {}),
    ...(values.seed !== undefined ? { seed: number(values.seed, 'seed', 0, 0, 2 ** 32 - 1) } : {}),
    workers: number(values.workers, 'workers', DEFAULT_WORKERS, 1, 64),
    npy: values.npy ?? false,
    overwrite: values.overwrite ?? false,
  };
  const job = await runJob(values.db, { kind: 'dataset', title: `dataset ${request.out}`, sessionId: 0, params: { request } }, 'building the dataset:');
  if (!job) {
    process.stderr.write(`dataset build cancelled: finished parts are kept in ${request.out}; rerun the same command to resume\n`);
    return 130;
  }
  process.stdout.write(`${job.output!.files![0]}\n`);
  return 0;
}

/** Each file on its own: a bad one is one line on stderr and imports nothing, the others still import; exit 1 if any failed. */
async function importCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { participant: { type: 'string' }, 'no-detect': { type: 'boolean' } }, Infinity);
  if (positionals.length === 0) throw new UsageError('import needs a file: vitalscope import FILE... (a library file, e.g. from export --format sqlite, a WFDB record REC.hea, an EDF/BDF file, or a CSV export folder or stream file)');
  const files = positionals.map((f) => resolve(f));
  const library = files.find((f) => !isRecordingFile(f));
  if (values.participant !== undefined && library) throw new UsageError(`--participant is for recordings (.hea, .edf, .bdf, .csv); ${library} is a library file, whose sessions keep their own`);
  let failed = false;
  const recordings: number[] = [];
  for (const file of files) {
    let job: JobState | null;
    try {
      job = await runJob(values.db, { kind: 'import-session-file', title: `import of ${file}`, sessionId: 0, params: { file, participant: values.participant } }, 'importing');
    } catch (error) {
      process.stderr.write(`vitalscope import: ${(error as Error).message}\n`);
      failed = true;
      continue;
    }
    if (!job) {
      process.stderr.write(`import of ${file} cancelled: nothing of it was kept\n`);
      return 130;
    }
    for (const id of job.output!.sessionIds!) process.stdout.write(`${id}\n`);
    if (isRecordingFile(file)) recordings.push(...job.output!.sessionIds!);
  }
  // The sessions review already; their detected beats follow (a no-op for a file with beats of its own).
  for (const id of values['no-detect'] ? [] : recordings) {
    let job: JobState | null;
    try {
      job = await runJob(values.db, { kind: 'detect-beats', title: `Beat detection of session ${id}`, sessionId: id, params: { sessionId: id } }, `session ${id}`);
    } catch (error) {
      process.stderr.write(`vitalscope import: session ${id} is kept without detected beats: ${(error as Error).message}\n`);
      failed = true;
      continue;
    }
    if (!job) {
      process.stderr.write(`beat detection of session ${id} cancelled: the session is kept, and the app detects its beats when it next starts\n`);
      return 130;
    }
  }
  return failed ? 1 : 0;
}

/**
 * Runs one job in a worker thread, as the app does: this thread stays free to show progress on
 * stderr and take Ctrl+C (which cancels it). Resolves with the done job, or null when cancelled.
 */
async function runJob<K extends JobKind>(db: string | undefined, request: JobRequest<K>, verb: string): Promise<JobState | null> {
  const progress = new ProgressLine(process.stderr);
  const runner: JobRunner = new JobRunner({
    dbPath: dbPath(db),
    onChange: () => {
      const [job] = runner.list(); // this runner runs one job
      if (job?.state === 'running' && job.progress.stage) progress.update(describeProgress(verb, job));
    },
  });
  const jobId = runner.start(request).id;
  const stop = waitForSignal();
  void stop.promise.then(() => runner.cancel(jobId));
  const job = await runner.wait(jobId);
  stop.dispose();
  progress.end();
  if (job.state === 'cancelled') return null;
  if (job.state !== 'done') throw new Error(job.error);
  return job;
}

function describeProgress(verb: string, job: JobState): string {
  const p = job.progress;
  const eta = p.etaSeconds === null ? '' : `, ${Math.ceil(p.etaSeconds)} s left`;
  return `${verb} ${p.stage}: ${(100 * p.fraction).toFixed(0)}% (${(p.bytesWritten / 1e6).toFixed(1)} MB${eta})`;
}

/**
 * A status line on stderr: rewritten in place on a terminal, else one line a second, the first
 * after a second (a job that finishes sooner leaves nothing in a log).
 */
class ProgressLine {
  private last = Date.now();
  private shown = false;

  constructor(private readonly out: NodeJS.WriteStream) {}

  update(text: string): void {
    if (this.out.isTTY) {
      this.out.write(`\r${text}\x1b[K`);
      this.shown = true;
    } else if (Date.now() - this.last >= 1000) {
      this.last = Date.now();
      this.out.write(`${text}\n`);
    }
  }

  end(): void {
    if (this.shown) this.out.write('\r\x1b[K');
    this.shown = false;
  }
}

async function simulate(args: string[]): Promise<void> {
  const { values } = parse(args, { pty: { type: 'boolean' }, seconds: { type: 'string' }, ...simulatorFlags });
  if (!values.pty) throw new UsageError('simulate needs --pty (the embedded simulator is the "sim" device of record/serve)');
  const seconds = number(values.seconds, 'seconds', Infinity, 0.1);
  const board = await startPtyBoard(simulatorOptions(values), seconds);
  process.stdout.write(`${board.path}\n`);
  process.stderr.write(`simulated board "${board.board.descriptor.device.name}" streaming VBP on ${board.path} (Ctrl+C to stop)\n`);
  const stop = waitForSignal();
  await Promise.race([board.done, stop.promise]);
  stop.dispose();
  await board.close();
}

async function serve(args: string[]): Promise<void> {
  const { values } = parse(args, { port: { type: 'string' }, session: { type: 'string' }, ...simulatorFlags, ...storageFlags });
  const port = number(values.port, 'port', 5180, 0, 65535);
  const session = values.session === undefined ? null : number(values.session, 'session', 0, 1);
  const engine = await createEngine({ dbPath: dbPath(values.db), simulator: simulatorOptions(values), ...storageOptions(values) });
  let face;
  try {
    // A session that is not there is said before any URL is printed.
    if (session !== null) await engine.getSessionDetail(session);
    face = await startWebFace({ engine, port });
  } catch (error) {
    await engine.close();
    const code = (error as NodeJS.ErrnoException).code;
    throw new Error(code === 'EADDRINUSE' ? `port ${port} is in use: pick another with --port N (0 = any free port)` : (error as Error).message);
  }
  // The review route of the session (#/sessions/<id>), or the app's default view.
  process.stdout.write(`${face.url}${session !== null ? `#/sessions/${session}` : ''}\n`);
  process.stderr.write(`Vitalscope web face on 127.0.0.1 only; open the URL above. Ctrl+C to stop.\n`);
  const stop = waitForSignal();
  await stop.promise;
  stop.dispose();
  await face.close();
  await engine.close();
}

async function devices(args: string[]): Promise<void> {
  const { values } = parse(args, { json: { type: 'boolean' }, ble: { type: 'boolean' }, seconds: { type: 'string' } });
  if (values.ble) return scanBle(number(values.seconds, 'seconds', 5, 0.5, 60), values.json ?? false);
  if (values.seconds !== undefined) throw new UsageError('--seconds goes with --ble (how long to scan)');
  // The library's sessions are playback devices; listing never creates a library that is not there.
  const library = dbPath(values.db);
  const engine = await createEngine({ dbPath: existsSync(library) ? library : ':memory:' });
  try {
    const list = await engine.listDevices();
    if (values.json) process.stdout.write(JSON.stringify(list, null, 2) + '\n');
    else {
      for (const d of list) process.stdout.write(`${d.id}\t${d.transport}\t${d.label}${d.detail ? `\t${d.detail}` : ''}\n`);
      if (!list.some((d) => d.transport === 'serial')) {
        process.stderr.write('no serial ports found (pseudo-terminals are never listed: pass them as --device serial:/dev/pts/N)\n');
      }
    }
  } finally {
    await engine.close();
  }
}

/** `devices --ble`: scans and lists what we can drive; without a usable adapter, exit 1 with the reason. */
async function scanBle(seconds: number, json: boolean): Promise<void> {
  const central = bleCentral();
  const state = await central.state();
  if (state.state !== 'ready') throw new Error(`Bluetooth unavailable: ${state.reason}`);
  if (!json) process.stderr.write(`scanning for ${seconds} s...\n`);
  const found = await central.scan(seconds);
  if (json) process.stdout.write(JSON.stringify(found, null, 2) + '\n');
  else {
    for (const d of found) process.stdout.write(`ble:${d.address}\t${d.name || '(no name)'}\t${d.rssi} dBm\t${d.drivers.join(', ')}\n`);
    if (found.length === 0) process.stderr.write('no Bluetooth LE device with a Heart Rate, Polar PMD or Nordic UART service found\n');
  }
}

const BEAT_EDIT_FLAGS = ['add', 'delete', 'move', 'reject', 'unreject', 'class'] as const;

/** A session id and --stream KEY: what `beats` and `hrv` work on. */
function sessionStream(command: string, positionals: string[], stream: string | undefined): { id: number; stream: string } {
  if (positionals.length === 0) throw new UsageError(`${command} needs a session id (see \`vitalscope sessions\`)`);
  if (!stream) throw new UsageError('--stream KEY is required: a stream key (sim/ecg) or name (ecg) of the session');
  return { id: number(positionals[0], 'session-id', 0, 1), stream };
}

/** The key of a stream given by key, or by name when one stream of the session has it (`ecg` for `sim/ecg`); else as given, for the query to say which streams there are. */
function streamKey(library: Library, id: number, given: string): string {
  const streams = library.session(id)?.streams ?? [];
  const named = streams.filter((s) => s.name === given);
  return streams.some((s) => s.key === given) || named.length !== 1 ? given : named[0].key;
}

async function beats(args: string[]): Promise<void> {
  const flags = Object.fromEntries(BEAT_EDIT_FLAGS.map((f) => [f, { type: 'string', multiple: true }] as const));
  const { values, positionals, tokens } = parse(args, { stream: { type: 'string' }, json: { type: 'boolean' }, reset: { type: 'boolean' }, ...flags }, 1);
  const { id, stream } = sessionStream('beats', positionals, values.stream);
  // Edits apply in the order they are given on the command line.
  const edits = tokens.flatMap((t): BeatEdit[] => {
    if (t.kind !== 'option' || !(BEAT_EDIT_FLAGS as readonly string[]).includes(t.name)) return [];
    const op = t.name as (typeof BEAT_EDIT_FLAGS)[number];
    if (op === 'class') {
      const c = /^([^:]+):(.*)$/.exec(t.value ?? '');
      if (!c) throw new UsageError(`--class must be T:CLASS (T in seconds from the session start; an empty CLASS clears it), got "${t.value}"`);
      return [{ op: 'classify', t: number(c[1], 'class', 0, -1e7, 1e7), class: c[2] || null }];
    }
    if (op !== 'move') return [{ op, t: number(t.value, op, 0, -1e7, 1e7) }];
    const m = /^([^:]+):([^:]+)$/.exec(t.value ?? '');
    if (!m) throw new UsageError(`--move must be FROM:TO in seconds from the session start, got "${t.value}"`);
    return [{ op, from: number(m[1], 'move', 0, -1e7, 1e7), to: number(m[2], 'move', 0, -1e7, 1e7) }];
  });
  if (values.reset && edits.length) throw new UsageError('--reset drops every edit of the stream: give it without --add/--delete/--move/--reject/--unreject/--class');
  const library = new Library(dbPath(values.db));
  let key = stream;
  let series: BeatSeries;
  try {
    key = streamKey(library, id, stream);
    series = values.reset ? resetBeats(library, id, key) : edits.length ? editBeats(library, id, key, edits) : currentBeats(library, id, key);
  } finally {
    library.close();
  }
  const rejected = series.rejected.filter(Boolean).length;
  const done = values.reset ? 'edits discarded: ' : edits.length ? `${edits.length} edit${edits.length === 1 ? '' : 's'} applied: ` : '';
  process.stderr.write(`session ${id} ${key}: ${done}${series.set} set, ${series.t.length} beats, ${rejected} rejected\n`);
  if (values.json) process.stdout.write(JSON.stringify(series) + '\n');
  else process.stdout.write(series.t.map((t, i) => `${+t.toFixed(4)}${series.rejected[i] ? '\trejected' : ''}${series.classes?.[i] ? `\t${series.classes[i]}` : ''}\n`).join(''));
}

async function hrv(args: string[]): Promise<void> {
  const { values, positionals } = parse(args, { stream: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, json: { type: 'boolean' } }, 1);
  const { id, stream } = sessionStream('hrv', positionals, values.stream);
  const library = new Library(dbPath(values.db));
  try {
    const key = streamKey(library, id, stream);
    const from = number(values.from, 'from', 0, -1e7, 1e7);
    const to = values.to === undefined ? sessionDetail(library, id).duration : number(values.to, 'to', 0, -1e7, 1e7);
    if (!(to > from)) throw new UsageError(`--to (${to} s) must be after --from (${from} s)`);
    const h = rangeHrv(library, id, key, from, to);
    if (values.json) {
      process.stdout.write(JSON.stringify(h) + '\n');
      return;
    }
    const show = (x: number | null, digits: number, unit: string) => (x === null ? '-' : `${x.toFixed(digits)}${unit}`);
    process.stdout.write(`session ${id} ${key} ${+from.toFixed(3)}-${+to.toFixed(3)} s, ${h.set} beats: ${h.beats} beats, ${h.nn} NN intervals\n`);
    process.stdout.write(`mean HR ${show(h.meanHrBpm, 1, ' bpm')}, SDNN ${show(h.sdnnMs, 1, ' ms')}, RMSSD ${show(h.rmssdMs, 1, ' ms')}, pNN50 ${show(h.pnn50, 1, ' %')}\n`);
  } finally {
    library.close();
  }
}

async function summary(args: string[]): Promise<void> {
  const { values, positionals } = parse(args, { by: { type: 'string' }, json: { type: 'boolean' } }, 1);
  const id = sessionIdArg(positionals, 'summary');
  if (values.by !== 'step') throw new UsageError(`summary needs --by step${values.by === undefined ? '' : `, got "--by ${values.by}"`}`);
  const result = withLibrary(values.db, (library) => stepSummary(library, id));
  process.stdout.write(values.json ? JSON.stringify(result) + '\n' : stepSummaryTable(result));
}

async function reanalyze(args: string[]): Promise<number | void> {
  const { values, positionals } = parse(
    args,
    { name: { type: 'string' }, 'ppg-polarity': { type: 'string' }, 'hrv-window': { type: 'string' }, 'hrv-step': { type: 'string' }, json: { type: 'boolean' } },
    1,
  );
  const id = sessionIdArg(positionals, 'reanalyze');
  const name = values.name?.trim();
  if (!name) throw new UsageError('--name NAME is required: runs are kept side by side under their names');
  const polarity = values['ppg-polarity'];
  if (polarity !== undefined && !['auto', 'volume', 'intensity'].includes(polarity)) throw new UsageError(`--ppg-polarity must be auto, volume or intensity, not "${polarity}"`);
  const options: ReanalysisOptions = {
    name,
    ...(polarity ? { ppgPolarity: polarity as ReanalysisOptions['ppgPolarity'] } : {}),
    ...(values['hrv-window'] !== undefined ? { hrvWindowSec: number(values['hrv-window'], 'hrv-window', 0, 30, 3600) } : {}),
    ...(values['hrv-step'] !== undefined ? { hrvStepSec: number(values['hrv-step'], 'hrv-step', 0, 1, 3600) } : {}),
  };
  withLibrary(values.db, (library) => {
    const session = library.session(id);
    if (!session) throw new Error(`no session ${id} in ${library.path}`);
    if (session.status === 'recording') throw new Error(`session ${id} is still recording: stop it first`);
    if (hasAnalysisRun(library, id, name)) throw new Error(`session ${id} already has an analysis run named "${name}": pick another name, or delete it with \`vitalscope runs ${id} --delete RUN\``);
  });
  const job = await runJob(values.db, { kind: 'reanalyze', title: `re-analysis of session ${id} "${name}"`, sessionId: id, params: { sessionId: id, options } }, 're-analysing');
  if (!job) {
    process.stderr.write(`re-analysis of session ${id} cancelled: nothing was stored\n`);
    return 130;
  }
  if (values.json) {
    const run = withLibrary(values.db, (l) => listAnalysisRuns(l, id).find((r) => r.id === job.output?.runId));
    process.stdout.write(JSON.stringify(run) + '\n');
  } else process.stdout.write(`${job.output?.runId}\n`);
}

async function runs(args: string[]): Promise<void> {
  const { values, positionals } = parse(args, { delete: { type: 'string' }, json: { type: 'boolean' } }, 1);
  const id = sessionIdArg(positionals, 'runs');
  withLibrary(values.db, (library) => {
    if (!library.session(id)) throw new Error(`no session ${id} in ${library.path}`);
    if (values.delete !== undefined) {
      deleteAnalysisRun(library, id, number(values.delete, 'delete', 0, 1));
      return;
    }
    const list = listAnalysisRuns(library, id);
    if (values.json) return void process.stdout.write(JSON.stringify(list) + '\n');
    if (list.length === 0) process.stdout.write(`session ${id} has no analysis runs (make one: vitalscope reanalyze ${id} --name NAME ...)\n`);
    const show = (x: number | null | undefined, digits: number) => (x === null || x === undefined ? '-' : x.toFixed(digits));
    for (const r of list) {
      process.stdout.write(
        `${r.id}\t${r.name}\t${JSON.stringify({ ...r.params, name: undefined })}\tECG ${r.ecg ? `${r.ecg.beats} beats (${r.ecg.withheld ?? '-'} withheld as unusable), HR ${show(r.ecg.meanHrBpm, 1)}, SDNN ${show(r.ecg.sdnnMs, 1)}, RMSSD ${show(r.ecg.rmssdMs, 1)}` : '-'}\tPPG ${r.ppg ? `${r.ppg.beats} peaks, ${r.ppg.polarity}, HR ${show(r.ppg.meanHrBpm, 1)}` : '-'}\tsteps ${r.imu?.steps ?? '-'}\n`,
      );
    }
  });
}

/** `infer MODEL SESSION --save [--name NAME]`: the model's outputs stored in the session (without --save: printed, see infer-command.ts). */
async function infer(args: string[]): Promise<number | void> {
  if (!args.includes('--save')) return inferCommand(args);
  const { values, positionals } = parse(args, { save: { type: 'boolean' }, name: { type: 'string' } }, 2);
  if (positionals.length < 2) throw new UsageError('infer --save needs a MODEL (.onnx, with its manifest beside it) and a session id');
  const id = sessionIdArg(positionals.slice(1), 'infer --save');
  const run = withLibrary(values.db, (library) => checkModelRun(library, id, positionals[0], values.name));
  const params = { sessionId: id, file: run.file, name: run.name };
  const job = await runJob(values.db, { kind: 'infer-session', title: `model ${run.manifest.name} over session ${id}`, sessionId: id, params }, 'model run');
  if (!job) {
    process.stderr.write(`model run over session ${id} cancelled: nothing was stored\n`);
    return 130;
  }
  process.stdout.write(`${job.output?.runId}\n`);
}

async function modelRuns(args: string[]): Promise<void> {
  const { values, positionals } = parse(args, { delete: { type: 'string' }, json: { type: 'boolean' } }, 1);
  const id = sessionIdArg(positionals, 'model-runs');
  withLibrary(values.db, (library) => {
    if (!library.session(id)) throw new Error(`no session ${id} in ${library.path}`);
    if (values.delete !== undefined) return deleteModelRun(library, id, number(values.delete, 'delete', 0, 1));
    const list = listModelRuns(library, id);
    if (values.json) return void process.stdout.write(JSON.stringify(list) + '\n');
    if (list.length === 0) process.stdout.write(`session ${id} has no model runs (make one: vitalscope infer MODEL ${id} --save)\n`);
    for (const r of list) {
      const counts = Object.entries(r.counts).map(([label, n]) => `${label} ${n}`).join(', ') || '-';
      const s = r.skipped;
      process.stdout.write(`${r.id}\t${r.name}\t${r.model}\t${r.streamKey}\t${r.outputs} outputs\t${counts}\tskipped ${s.gap} gap, ${s.edge} edge, ${s.rr} rr\n`);
    }
  });
}

async function evaluate(args: string[]): Promise<void> {
  const { values, positionals } = parse(args, { json: { type: 'boolean' } }, Infinity);
  if (positionals.length < 2) throw new UsageError('evaluate needs a MODEL (.onnx with its manifest beside it) and at least one INPUT: a RECORD.hea (with its .atr beside it) or a session id whose ECG beats have classes');
  const bad = positionals.slice(1).find((p) => !/\.hea$/i.test(p) && !/^\d+$/.test(p));
  if (bad) throw new UsageError(`"${bad}" is neither a WFDB record nor a session id: evaluate takes .hea files with reference annotations (.atr) beside them, or ids of sessions whose ECG beats have classes`);
  const report = await evaluateModel(positionals[0], positionals.slice(1), { db: dbPath(values.db), progress: (line) => process.stderr.write(`${line}\n`) });
  process.stdout.write(values.json ? JSON.stringify(report) + '\n' : evaluateText(report));
}

async function models(args: string[]): Promise<void> {
  const { values, positionals } = parse(args, { json: { type: 'boolean' } }, 2);
  const library = new ModelLibrary(modelsDir(dbPath(values.db)));
  const [action, target] = positionals;
  if (action === 'import' || action === 'remove') {
    if (!target) throw new UsageError(action === 'import' ? 'models import needs a FILE.onnx (its manifest FILE.onnx.json beside it)' : 'models remove needs a model id (see `vitalscope models`)');
    if (action === 'remove') return library.remove(target);
    // One onnxruntime thread: a check, not a benchmark.
    const validate = async (file: string) => (await ModelHost.load(file, { threads: 1 })).close();
    const model = await library.importFile(resolve(target), validate);
    process.stderr.write(`imported ${model.name} into ${dirname(model.file)}\n`);
    return void process.stdout.write(`${model.id}\n`);
  }
  if (action !== undefined) throw new UsageError(`unknown models action "${action}": models [--json], models import FILE.onnx, models remove ID`);
  const list = library.list();
  if (values.json) return void process.stdout.write(JSON.stringify(list) + '\n');
  for (const m of list) {
    const what = m.error ? `unreadable: ${m.error}` : `${m.version} · ${m.trigger === 'beats' ? 'per beat' : 'sliding'} on ${m.kind} · ${m.labels ? m.labels.join('/') : m.unit}`;
    process.stdout.write(`${m.id}\t${m.name}\t${what}\t${m.file}\n`);
  }
}

async function agreement(args: string[]): Promise<void> {
  const { values, positionals } = parse(
    args,
    { a: { type: 'string' }, b: { type: 'string' }, by: { type: 'string' }, 'tolerance-ms': { type: 'string' }, lag: { type: 'string' }, 'max-lag': { type: 'string' }, json: { type: 'boolean' }, csv: { type: 'string' } },
    1,
  );
  const id = sessionIdArg(positionals, 'agreement');
  if (!values.a || !values.b) throw new UsageError('agreement needs --a SOURCE (the reference) and --b SOURCE, e.g. --a ecg.metrics --b ppg.metrics');
  if (values.by !== undefined && values.by !== 'step') throw new UsageError(`--by takes only "step", got "${values.by}"`);
  const request = {
    a: values.a,
    b: values.b,
    byStep: values.by === 'step',
    toleranceMs: number(values['tolerance-ms'], 'tolerance-ms', DEFAULT_TOLERANCE_MS, 1, 10_000),
    maxLag: number(values['max-lag'], 'max-lag', DEFAULT_MAX_LAG_S, 0, 600),
    ...(values.lag !== undefined ? { lag: number(values.lag, 'lag', 0, -600, 600) } : {}),
  };
  const { report } = withLibrary(values.db, (library) => sessionAgreement(library, id, request));
  if (request.byStep && report.steps.length === 0) process.stderr.write(`session ${id} has no protocol steps: only the overall figures\n`);
  if (values.csv) {
    try {
      writeFileSync(values.csv, agreementCsv(report));
    } catch (error) {
      throw new Error(`cannot write ${values.csv}: ${(error as Error).message}`);
    }
  }
  process.stdout.write(values.json ? JSON.stringify(report) + '\n' : agreementText(report));
}

/** Each command resolves with its exit code, or nothing for 0. */
const COMMANDS: Record<string, (args: string[]) => Promise<number | void>> = {
  record,
  sessions,
  rename,
  tag,
  assign: assignCommand,
  participants: participantsCommand,
  studies: studiesCommand,
  delete: deleteCommand,
  export: exportCommand,
  import: importCommand,
  dataset: datasetCommand,
  simulate,
  serve,
  devices,
  analyze: analyzeCommand,
  infer,
  models,
  evaluate,
  beats,
  hrv,
  summary,
  reanalyze,
  runs,
  'model-runs': modelRuns,
  protocols: protocolsCommand,
  agreement,
};

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`no device described its streams within ${timeoutMs / 1000} s`);
    await sleep(20);
  }
}

/** Resolves on Ctrl+C / SIGTERM so long-running commands finish cleanly (recordings are closed). */
function waitForSignal(): { promise: Promise<void>; dispose(): void } {
  let handler!: () => void;
  const promise = new Promise<void>((resolve) => (handler = () => resolve()));
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
  return {
    promise,
    dispose: () => {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}

export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (!command || command === '-h' || command === '--help' || command === 'help') {
    process.stdout.write(HELP);
    return 0;
  }
  const run = COMMANDS[command];
  try {
    if (!run) throw new UsageError(`unknown command "${command}"`);
    if (rest.includes('--help') || rest.includes('-h')) {
      process.stdout.write(HELP);
      return 0;
    }
    return (await run(rest)) ?? 0;
  } catch (error) {
    const usage = error instanceof UsageError;
    process.stderr.write(`vitalscope${command ? ` ${command}` : ''}: ${(error as Error).message}${usage ? ' (see vitalscope --help)' : ''}\n`);
    return usage ? 2 : 1;
  }
}

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
