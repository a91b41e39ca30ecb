/**
 * A record's library of beat shapes, for the offline verification (beat-verify.ts): the beats
 * with no other detection within the T-wave window (360 ms, Hamilton & Tompkins 1986) on either
 * side, clustered by shape. Such a detection cannot be a QRS's own P or T wave paired with it, so
 * the library holds the record's normal beats and, where it has them, its ectopic shapes (a PVC
 * with a coupling interval over 360 ms, a bundle-branch or aberrated beat), each a cluster.
 * Clustering is leader clustering (a beat joins the first-best cluster whose leader it matches
 * with a Pearson correlation of at least `joinCorr`, else starts one), the usual way beat
 * classifiers group QRS shapes before labelling them (Hamilton's OSEA, Computers in Cardiology
 * 29:101-104, 2002; the 0.9 correlation of template matching is that of its beat classifier).
 */

export interface BeatLibraryOptions {
  /** A beat joins a cluster whose leader it correlates with at least this well. */
  joinCorr: number;
  /** A cluster counts once it has this many members (a shape seen once may be an artefact). */
  minMembers: number;
  /** At most this many clusters (a very noisy record would otherwise make one per beat). */
  maxClusters: number;
}

export const DEFAULT_BEAT_LIBRARY: BeatLibraryOptions = { joinCorr: 0.9, minMembers: 3, maxClusters: 64 };

export interface BeatCluster {
  /** The first member's window. */
  leader: Float64Array;
  members: number;
  /** Median QRS energy of the members. */
  energy: number;
}

/**
 * Clusters the windows `windowAt(k)` of the beats with no neighbour within `pairSamples`;
 * `energy[k]` is beat k's QRS energy. Returns the clusters with at least `minMembers` members.
 */
export function beatLibrary(beats: readonly number[], pairSamples: number, windowAt: (k: number) => Float64Array, energy: readonly number[], options: Partial<BeatLibraryOptions> = {}): BeatCluster[] {
  const o = { ...DEFAULT_BEAT_LIBRARY, ...options };
  const clusters: { leader: Float64Array; energies: number[] }[] = [];
  beats.forEach((b, k) => {
    if ((k > 0 && b - beats[k - 1] < pairSamples) || (k + 1 < beats.length && beats[k + 1] - b < pairSamples)) return;
    const s = windowAt(k);
    const best = bestCluster(clusters, s);
    if (best.corr >= o.joinCorr) clusters[best.index].energies.push(energy[k]);
    else if (clusters.length < o.maxClusters) clusters.push({ leader: s, energies: [energy[k]] });
  });
  return clusters
    .filter((c) => c.energies.length >= o.minMembers)
    .map((c) => ({ leader: c.leader, members: c.energies.length, energy: c.energies.sort((a, b) => a - b)[c.energies.length >> 1] }));
}

/** The cluster whose leader `s` correlates with best, and that correlation (-2 when there is none). */
export function bestCluster(clusters: readonly { leader: Float64Array }[], s: Float64Array): { index: number; corr: number } {
  let index = -1;
  let corr = -2;
  clusters.forEach((c, j) => {
    const r = pearson(s, c.leader);
    if (r > corr) { corr = r; index = j; }
  });
  return { index, corr };
}

export function pearson(a: Float64Array, b: Float64Array): number {
  let ma = 0;
  let mb = 0;
  for (let i = 0; i < a.length; i++) { ma += a[i]; mb += b[i]; }
  ma /= a.length;
  mb /= a.length;
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    const da = a[i] - ma;
    const db = b[i] - mb;
    ab += da * db;
    aa += da * da;
    bb += db * db;
  }
  return aa > 0 && bb > 0 ? ab / Math.sqrt(aa * bb) : 0;
}
