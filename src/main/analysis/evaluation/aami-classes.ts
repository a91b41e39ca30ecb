/**
 * AAMI EC57 beat classes of MIT-BIH annotation codes (de Chazal et al. 2004, table 1):
 * N = N, L, R, e, j; S = A, a, J, S; V = V, E; F = F; Q = /, f, Q. Other codes are not beats.
 */
export type AamiClass = 'N' | 'S' | 'V' | 'F' | 'Q';

export const AAMI_CLASSES: readonly AamiClass[] = ['N', 'S', 'V', 'F', 'Q'];

const BY_CODE: Record<number, AamiClass> = { 1: 'N', 2: 'N', 3: 'N', 34: 'N', 11: 'N', 8: 'S', 4: 'S', 7: 'S', 9: 'S', 5: 'V', 10: 'V', 6: 'F', 12: 'Q', 38: 'Q', 13: 'Q' };

/** The AAMI class of a MIT annotation code, or null for codes outside the five classes. */
export function aamiClass(code: number): AamiClass | null {
  return BY_CODE[code] ?? null;
}
