import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { VirtualTime } from '../../acquisition/virtual-time';
import type { GattService } from './gatt';
import { parseGattLog, type GattLogEntry } from './gatt-log';
import { LocalPeripheral } from './local-peripheral';

export const BLE_REPLAY_PREFIX = 'ble-replay:';

/** Reads a GATT log; a missing file or a bad line throws saying which and where. */
export function readGattLog(file: string): GattLogEntry[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`cannot read the GATT log ${file}: ${(error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message}`);
  }
  return parseGattLog(text, file);
}

/**
 * A GATT notification log played as a peripheral: its services and characteristics are those the
 * log names, and each line is notified at its `t` after the first subscription, on the engine
 * clock, so the real drivers run end to end. The link ends cleanly after the last line.
 */
export class ReplayPeripheral extends LocalPeripheral {
  protected readonly services: GattService[];
  protected readonly values = {};
  private origin = 0;
  private next = 0;

  constructor(
    file: string,
    private readonly entries: GattLogEntry[],
    now: () => number,
    steps?: VirtualTime,
  ) {
    super(`${BLE_REPLAY_PREFIX}${file}`, `GATT replay ${basename(file)}`, now, steps);
    const byService = new Map<string, Set<string>>();
    for (const e of entries) {
      if (!byService.has(e.service)) byService.set(e.service, new Set());
      byService.get(e.service)!.add(e.characteristic);
    }
    this.services = [...byService].map(([uuid, chars]) => ({ uuid, characteristics: [...chars].map((c) => ({ uuid: c, properties: ['notify' as const] })) }));
  }

  protected started(now: number): void {
    this.origin = now;
  }

  protected tick(now: number): void {
    while (this.next < this.entries.length && this.origin + this.entries[this.next].t <= now) {
      const e = this.entries[this.next++];
      this.notify(e.characteristic, e.value);
    }
    if (this.next === this.entries.length) this.end();
  }
}
