/**
 * The GATT notification log of `ble-replay:` and `--capture`: one JSON object per line,
 * `{"t": seconds, "service": "<uuid>", "characteristic": "<uuid>", "value": "<hex>"}`, UUIDs in
 * lowercase 128-bit form, `t` from the start of the log.
 */
import { createWriteStream, mkdirSync, openSync, type WriteStream } from 'node:fs';
import { join, resolve } from 'node:path';

export interface GattLogEntry {
  t: number;
  service: string;
  characteristic: string;
  value: Uint8Array;
}

const UUID128 = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Every entry of a log's text, in order; a bad line throws naming the file, the line and what is wrong with it. */
export function parseGattLog(text: string, file: string): GattLogEntry[] {
  const entries: GattLogEntry[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i].trim();
    if (!line) continue;
    const fail = (what: string): never => {
      throw new Error(`${file} line ${i + 1}: ${what}`);
    };
    let o: unknown;
    try {
      o = JSON.parse(line);
    } catch {
      fail('not a JSON object');
    }
    if (typeof o !== 'object' || o === null || Array.isArray(o)) fail('not a JSON object');
    const { t, service, characteristic, value } = o as Record<string, unknown>;
    if (typeof t !== 'number' || !Number.isFinite(t) || t < 0) fail(`"t" must be a number of seconds >= 0, got ${JSON.stringify(t)}`);
    const previous = entries[entries.length - 1];
    if (previous && (t as number) < previous.t) fail(`"t" ${t} is before the previous line's ${previous.t}: the log must be in time order`);
    for (const [name, uuid] of [['service', service], ['characteristic', characteristic]] as const) {
      if (typeof uuid !== 'string' || !UUID128.test(uuid)) fail(`"${name}" must be a lowercase 128-bit UUID (e.g. 0000180d-0000-1000-8000-00805f9b34fb), got ${JSON.stringify(uuid)}`);
    }
    if (typeof value !== 'string' || !/^(?:[0-9a-fA-F]{2})*$/.test(value)) fail(`"value" must be hex bytes (e.g. "1648"), got ${JSON.stringify(value)}`);
    entries.push({ t: t as number, service: service as string, characteristic: characteristic as string, value: Uint8Array.from(Buffer.from(value as string, 'hex')) });
  }
  if (entries.length === 0) throw new Error(`${file} holds no GATT notifications`);
  return entries;
}

export function formatGattLogLine(entry: GattLogEntry): string {
  return `${JSON.stringify({ t: Number(entry.t.toFixed(6)), service: entry.service, characteristic: entry.characteristic, value: Buffer.from(entry.value).toString('hex') })}\n`;
}

/** Appends a connected device's notifications to a log, timed from the capture's start. */
export class GattLogWriter {
  private readonly out: WriteStream;
  private failure: string | undefined;

  constructor(
    readonly file: string,
    private readonly startedAt: number,
  ) {
    // Opened here, not by the stream later: the file exists once a capture is said to be writing,
    // and a path that cannot be written is refused to the caller at once.
    const failed = (error: Error) => `cannot write the GATT log ${file}: ${error.message}`;
    let fd: number;
    try {
      fd = openSync(file, 'w');
    } catch (error) {
      throw new Error(failed(error as Error));
    }
    this.out = createWriteStream(file, { fd });
    this.out.on('error', (error) => (this.failure = failed(error)));
  }

  /** Why writing failed, if it did. */
  get error(): string | undefined {
    return this.failure;
  }

  add(service: string, characteristic: string, value: Uint8Array, arrival: number): void {
    if (!this.failure) this.out.write(formatGattLogLine({ t: Math.max(0, arrival - this.startedAt), service, characteristic, value }));
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.out.end(resolve));
  }
}

/** Where a capture goes: `file` as given, or with none (the UI's button) a new file in `dir` named by the device and the time. */
export function captureFile(file: string, dir: string, deviceId: string): string {
  if (file.trim()) return resolve(file.trim());
  mkdirSync(dir, { recursive: true });
  return join(dir, `gatt-${deviceId.replace(/[^\w.-]+/g, '_')}-${new Date().toISOString().replace(/[:.]/g, '-')}.jsonl`);
}
