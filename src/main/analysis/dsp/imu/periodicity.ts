/**
 * A running autocorrelation of the band-passed acceleration magnitude over the last few seconds,
 * for walk detection and the step period (the autocorrelation detectors of Rai et al., "Zee:
 * zero-effort crowdsourcing for indoor localization", MobiCom 2012, and of Brajdic & Harle 2013).
 * Walking is periodic at the step and the stride (two steps, left and right differ), handling a
 * phone or a bumpy ride is not. The signal is averaged down to about 25 Hz and each lag's product
 * is smoothed exponentially, so an update costs one multiply-add per lag and the estimate streams.
 */

const TARGET_HZ = 25;
/** A peak at least this share of the highest is a period. */
const STRONG_SHARE = 0.8;
/** The longest lag: a slow stride. */
const MAX_LAG_SEC = 2;

export interface Rhythm {
  /** Normalised autocorrelation at the highest lag (1: perfectly periodic; random jolts reach about 0.5). */
  strength: number;
  /** The step period, samples at the input rate; 0 while there is no estimate. */
  stepPeriod: number;
}

export class PeriodicityTracker {
  private readonly every: number;
  private readonly fsd: number;
  private readonly minLag: number;
  private readonly maxLag: number;
  private readonly ring: Float64Array;
  private readonly r: Float64Array;
  private readonly alpha: number;
  private acc = 0;
  private accN = 0;
  private k = 0;
  private current: Rhythm = { strength: 0, stepPeriod: 0 };

  /**
   * @param windowSec smoothing time constant of the autocorrelation
   * @param minStepSec shortest step interval; lags run from it to MAX_LAG_SEC
   * @param strideMinSec a first strong peak at least this late is a stride (two steps) unless its half is
   *   anticorrelated like a lone sinusoid (halfFloor): people walk faster than one step in 0.8 s
   */
  constructor(
    readonly fs: number,
    windowSec: number,
    minStepSec: number,
    private readonly strideMinSec = 0.8,
    private readonly halfFloor = -0.9,
  ) {
    this.every = Math.max(1, Math.round(fs / TARGET_HZ));
    this.fsd = fs / this.every;
    this.minLag = Math.max(1, Math.floor(minStepSec * this.fsd));
    this.maxLag = Math.ceil(MAX_LAG_SEC * this.fsd);
    this.ring = new Float64Array(this.maxLag + 1);
    this.r = new Float64Array(this.maxLag + 1);
    this.alpha = 1 / Math.max(1, windowSec * this.fsd);
  }

  get rhythm(): Readonly<Rhythm> {
    return this.current;
  }

  /** Feeds one band-passed sample. */
  push(y: number): void {
    this.acc += y;
    if (++this.accN < this.every) return;
    const z = this.acc / this.accN;
    this.acc = 0;
    this.accN = 0;
    const len = this.ring.length;
    const at = this.k % len;
    this.ring[at] = z;
    const lags = Math.min(this.maxLag, this.k);
    for (let lag = 0; lag <= lags; lag++) this.r[lag] += this.alpha * (z * this.ring[(at - lag + len) % len] - this.r[lag]);
    this.k++;
    if (this.k > this.maxLag) this.update();
  }

  private update(): void {
    const r0 = this.r[0];
    if (!(r0 > 0)) {
      this.current = { strength: 0, stepPeriod: 0 };
      return;
    }
    let top = this.minLag;
    for (let lag = this.minLag + 1; lag <= this.maxLag; lag++) if (this.r[lag] > this.r[top]) top = lag;
    // The first strong peak, not the highest: a periodic signal peaks as high at every multiple
    // of its period.
    let best = top;
    for (let lag = this.minLag + 1; lag < top; lag++) {
      if (this.r[lag] >= STRONG_SHARE * this.r[top] && this.r[lag] >= this.r[lag - 1] && this.r[lag] >= this.r[lag + 1]) {
        best = lag;
        break;
      }
    }
    const strength = Math.min(1, this.r[top] / r0);
    const half = Math.round(best / 2);
    const stride = best / this.fsd >= this.strideMinSec && half >= this.minLag && this.r[half] / r0 > this.halfFloor;
    this.current = { strength, stepPeriod: (stride ? best / 2 : best) * this.every };
  }
}
