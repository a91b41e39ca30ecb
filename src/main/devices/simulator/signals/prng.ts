/**
 * Seeded randomness for the signal generators: the same seed gives the same recording, so tests
 * and detector evaluations are reproducible. Never use Math.random in the simulator.
 */

const TWO_POW_32 = 4294967296;

/** mulberry32: 32-bit state, one multiply-xorshift round per draw; ample quality for noise. */
export class Prng {
  private state: number;
  private spare = 0;
  private hasSpare = false;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / TWO_POW_32;
  }

  /** Standard normal (Box-Muller; the second value of each pair is kept for the next call). */
  gaussian(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    const r = Math.sqrt(-2 * Math.log(1 - this.next())); // 1 - u is in (0, 1]: no log(0)
    const a = 2 * Math.PI * this.next();
    this.spare = r * Math.sin(a);
    this.hasSpare = true;
    return r * Math.cos(a);
  }
}

/**
 * Stateless uniform in [0, 1) for (seed, index, salt) (murmur3 finaliser). Per-beat and per-bout
 * parameters come from here so they depend on the beat or bout index only, not on call order.
 */
export function hash01(seed: number, index: number, salt = 0): number {
  let h = (seed ^ 0x9e3779b9) | 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) ^ (index | 0);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) ^ Math.imul(salt | 0, 0x27d4eb2f);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / TWO_POW_32;
}

/** An independent 32-bit seed for one sub-generator of a simulator seeded with `seed`. */
export function deriveSeed(seed: number, salt: number): number {
  return Math.floor(hash01(seed, salt, 0x5eed) * TWO_POW_32) >>> 0;
}
