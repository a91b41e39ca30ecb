import { parseArgs, type ParseArgsConfig } from 'node:util';
import { analyzeCommand } from './analysis/offline/analyze-command';
import { describeQueue } from '../shared/recording-queue';
import type { ConnectOptions, EngineStatus, JobState } from '../shared/types';
import { DEFAULT_SIMULATOR, SIMULATOR_PROFILES, type SimulatorOptions, type SimulatorProfile } from './devices';
import { startPtyBoard } from './devices/simulator/pty-board';
import { createEngine } from './engine';
import { startWebFace } from './server';
import { JobRunner } from './jobs';
import type { BeatEdit, BeatSeries } from '../shared/review';
import { Library, currentBeats, defaultDbPath, editBeats, rangeHrv, resetBeats, sessionDetail, toSummary } from './storage';

const HELP = `vitalscope — a workbench for wearable health sensors

Usage: vitalscope <command> [options]

Commands:
  record    --device ID [--device ID ...] --seconds N [--name S] [--participant P]
            [--baud N] [--protocol auto|vbp|text] [--rate HZ]
            [--hr BPM] [--loss PCT] [--drift PPM]          record a session; prints its id last.
            [--noise 0-1] [--spo2 PCT] [--still] [--profile wearable|bench16]
                                                            ID: sim, or serial:PATH (a USB serial port
                                                            or any pty, e.g. serial:/dev/ttyACM0)
            [--durable] [--queue-mb N]                      --durable: every flush survives a power loss
                                                            (slower); --queue-mb: memory for samples while
                                                            the library cannot be written (default 256)
  sessions  [--json]                                        list recorded sessions (status: complete,
                                                            recovered after a crash, or recording)
  export    <session-id> --format csv --out DIR             export a session (one CSV per stream + events.csv);
                                                            progress on stderr, Ctrl+C cancels (exit 130)
  simulate  --pty [--seconds N] [--loss PCT] [--drift PPM] [--hr BPM]
            [--noise 0-1] [--spo2 PCT] [--still] [--profile wearable|bench16]
                                                            run a simulated board on a pseudo-terminal;
                                                            prints the pty path on its first line
  serve     [--port N] [--durable] [--queue-mb N]           the app in a browser: prints the URL (with token);
            [--session ID]                                  --session: the URL opens that session's review
            [simulator options as for record]
  devices   [--json]                                        list devices: serial ports (USB VID:PID,
                                                            manufacturer) and the simulator
  analyze   INPUT [--signal L|I] [--rate HZ] [--kind LABEL=KIND] --json   analyse a WFDB .hea, .csv or session id
            [--ppg-polarity auto|volume|intensity]          which way up the PPG is (default: detected)
  beats     <session-id> --stream KEY [--json]              a stream's beats (s from the start; the corrected
                                                            set when edited, else the detected one)
            [--add T] [--delete T] [--move FROM:TO]         edit them, in the order given, all or none; the
            [--reject T] [--unreject T] [--reset]           detected set is kept; --reset drops the edits
  hrv       <session-id> --stream KEY [--from S] [--to S] [--json]
                                                            HR and HRV (SDNN, RMSSD, pNN50) from the current beats

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

function simulatorOptions(values: { hr?: string; loss?: string; drift?: string; noise?: string; spo2?: string; still?: boolean; profile?: string }): Partial<SimulatorOptions> {
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

async function record(args: string[]): Promise<void> {
  const { values } = parse(args, {
    device: { type: 'string', multiple: true },
    seconds: { type: 'string' },
    name: { type: 'string' },
    participant: { type: 'string' },
    baud: { type: 'string' },
    protocol: { type: 'string' },
    rate: { type: 'string' },
    ...simulatorFlags,
    ...storageFlags,
  });
  const devices = [...new Set(values.device ?? [])];
  if (devices.length === 0) throw new UsageError('--device is required (e.g. --device sim or --device serial:/dev/ttyACM0)');
  for (const id of devices) {
    if (id !== 'sim' && !/^serial:.+/.test(id)) throw new UsageError(`--device "${id}" is not a device id: use sim or serial:PATH (see vitalscope devices)`);
  }
  if (values.seconds === undefined) throw new UsageError('--seconds is required');
  const seconds = number(values.seconds, 'seconds', 0, 0.1, 7 * 24 * 3600);
  const protocol = values.protocol ?? 'auto';
  if (protocol !== 'auto' && protocol !== 'vbp' && protocol !== 'text') throw new UsageError(`--protocol must be auto, vbp or text, got "${protocol}"`);
  const connectOptions: ConnectOptions = {
    baud: values.baud === undefined ? undefined : Math.round(number(values.baud, 'baud', 0, 50, 20_000_000)),
    protocol,
    rate: values.rate === undefined ? undefined : number(values.rate, 'rate', 0, 0.001, 1_000_000),
  };
  const engine = await createEngine({ dbPath: dbPath(values.db), simulator: simulatorOptions(values), ...storageOptions(values) });
  try {
    for (const id of devices) await engine.connect(id, connectOptions);
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
        if (!d.protocol) return `${id}: ${d.bytesReceived} bytes but neither VBP frames nor text lines (try --protocol, check --baud)`;
        return `${id}: ${d.protocol} data but no stream described yet${d.protocol === 'vbp' ? ' (no HELLO: does the firmware answer DESCRIBE?)' : ''}`;
      });
      throw new Error(`no streams within 5 s from ${why.join('; ')}`);
    }
    const sessionId = await engine.startRecording({ name: values.name ?? '', participant: values.participant ?? '' });
    const trouble = { error: undefined as string | undefined, dropped: 0 };
    const unsubscribe = engine.subscribe({ status: (s) => reportRecorderTrouble(s, trouble) });
    const stopEarly = waitForSignal();
    const started = Date.now();
    let shownListenerError: string | undefined;
    const progress = setInterval(() => {
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
    await Promise.race([sleep(seconds * 1000), stopEarly.promise]);
    clearInterval(progress);
    unsubscribe();
    stopEarly.dispose();
    const summary = await engine.stopRecording();
    for (const s of summary?.streams ?? []) process.stderr.write(`  ${s.name}: ${s.samples} samples at ${s.rate} Hz\n`);
    process.stdout.write(`${sessionId}\n`);
  } finally {
    await engine.close();
  }
}

async function sessions(args: string[]): Promise<void> {
  const { values } = parse(args, { json: { type: 'boolean' } });
  const library = new Library(dbPath(values.db));
  try {
    const list = library.sessions().map(toSummary);
    if (values.json) {
      process.stdout.write(JSON.stringify(list, null, 2) + '\n');
      return;
    }
    if (list.length === 0) process.stdout.write(`no sessions in ${library.path}\n`);
    for (const s of list) {
      const duration = s.endedAt ? `${((Date.parse(s.endedAt) - Date.parse(s.startedAt)) / 1000).toFixed(1)} s` : 'unfinished';
      const streams = s.streams.map((st) => `${st.name} ${st.samples}`).join(', ');
      process.stdout.write(`${s.id}\t${s.status}\t${s.startedAt}\t${duration}\t${s.name}\t${s.participant || '-'}\t${streams}\n`);
    }
  } finally {
    library.close();
  }
}

async function exportCommand(args: string[]): Promise<number> {
  const { values, positionals } = parse(args, { format: { type: 'string' }, out: { type: 'string' } }, 1);
  if (positionals.length === 0) throw new UsageError('export needs a session id (see `vitalscope sessions`)');
  const id = number(positionals[0], 'session-id', 0, 1);
  if ((values.format ?? 'csv') !== 'csv') throw new UsageError(`--format "${values.format}" is not supported yet; supported: csv`);
  if (!values.out) throw new UsageError('--out DIR is required');
  // A job in a worker thread, as in the app: this thread stays free to show progress and take Ctrl+C.
  const progress = new ProgressLine(process.stderr);
  const runner: JobRunner = new JobRunner({
    dbPath: dbPath(values.db),
    onChange: () => {
      const [job] = runner.list(); // this runner runs one job
      if (job?.state === 'running' && job.progress.stage) progress.update(describeProgress(job));
    },
  });
  const jobId = runner.start({ kind: 'export-csv', title: `export of session ${id}`, sessionId: id, params: { sessionId: id, dir: values.out } }).id;
  const stop = waitForSignal();
  void stop.promise.then(() => runner.cancel(jobId));
  const job = await runner.wait(jobId);
  stop.dispose();
  progress.end();
  if (job.state === 'cancelled') {
    process.stderr.write(`export of session ${id} cancelled: its partial files were removed\n`);
    return 130;
  }
  if (job.state !== 'done') throw new Error(job.error);
  for (const f of job.output!.files) process.stdout.write(`${f}\n`);
  return 0;
}

function describeProgress(job: JobState): string {
  const p = job.progress;
  const eta = p.etaSeconds === null ? '' : `, ${Math.ceil(p.etaSeconds)} s left`;
  return `exporting ${p.stage}: ${(100 * p.fraction).toFixed(0)}% (${(p.bytesWritten / 1e6).toFixed(1)} MB${eta})`;
}

/** A status line on stderr: rewritten in place on a terminal, else one line a second. */
class ProgressLine {
  private last = 0;
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
  const { values } = parse(args, { json: { type: 'boolean' } });
  const engine = await createEngine({ dbPath: ':memory:' });
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

const BEAT_EDIT_FLAGS = ['add', 'delete', 'move', 'reject', 'unreject'] as const;

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
    if (op !== 'move') return [{ op, t: number(t.value, op, 0, -1e7, 1e7) }];
    const m = /^([^:]+):([^:]+)$/.exec(t.value ?? '');
    if (!m) throw new UsageError(`--move must be FROM:TO in seconds from the session start, got "${t.value}"`);
    return [{ op, from: number(m[1], 'move', 0, -1e7, 1e7), to: number(m[2], 'move', 0, -1e7, 1e7) }];
  });
  if (values.reset && edits.length) throw new UsageError('--reset drops every edit of the stream: give it without --add/--delete/--move/--reject/--unreject');
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
  else process.stdout.write(series.t.map((t, i) => `${+t.toFixed(4)}${series.rejected[i] ? '\trejected' : ''}\n`).join(''));
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

/** Each command resolves with its exit code, or nothing for 0. */
const COMMANDS: Record<string, (args: string[]) => Promise<number | void>> = {
  record,
  sessions,
  export: exportCommand,
  simulate,
  serve,
  devices,
  analyze: analyzeCommand,
  beats,
  hrv,
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
