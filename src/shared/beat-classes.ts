/**
 * Beat classes: MIT-BIH beat code letters and the AAMI EC57 class each belongs to (de Chazal et
 * al. 2004, table 1): N = N, L, R, e, j; S = A, a, J, S; V = V, E; F = F; Q = /, f, Q. The AAMI
 * letters are themselves MIT codes of their class, so a class set by hand (N, V, S, F, Q) and one
 * read from a record's annotations score alike.
 */
export type AamiClass = 'N' | 'S' | 'V' | 'F' | 'Q';

export const AAMI_CLASSES: readonly AamiClass[] = ['N', 'S', 'V', 'F', 'Q'];

const AAMI_OF_LETTER: Readonly<Record<string, AamiClass>> = { N: 'N', L: 'N', R: 'N', e: 'N', j: 'N', A: 'S', a: 'S', J: 'S', S: 'S', V: 'V', E: 'V', F: 'F', '/': 'Q', f: 'Q', Q: 'Q' };

/** The AAMI class of a beat class letter; null for a letter outside the five classes (or none). */
export function aamiOfLetter(letter: string | null | undefined): AamiClass | null {
  return (letter && Object.hasOwn(AAMI_OF_LETTER, letter) && AAMI_OF_LETTER[letter]) || null;
}
