/** One measured figure of a benchmark, with its target when the project has one. */
export interface Metric {
  value: number;
  unit: string;
  /** e.g. ">= 1000000" or "< 50"; absent for informative figures. */
  target?: string;
}

export interface BenchCase {
  name: string;
  description: string;
  run(): Promise<Record<string, Metric>>;
}

/** Whether a value meets a target written as "<op> <number>". */
export function meets(value: number, target: string): boolean {
  const m = /^\s*(>=|<=|>|<)\s*(-?[\d.e+]+)\s*$/.exec(target);
  if (!m) throw new Error(`bad target "${target}"`);
  const bound = Number(m[2]);
  return m[1] === '>=' ? value >= bound : m[1] === '<=' ? value <= bound : m[1] === '>' ? value > bound : value < bound;
}

/** The middle value (the upper one of an even count): a shared machine's outliers count less. */
export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1];
}
