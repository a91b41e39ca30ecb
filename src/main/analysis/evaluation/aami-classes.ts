/** AAMI EC57 beat classes of MIT-BIH annotation codes (the table is in shared/beat-classes.ts). */
import { aamiOfLetter, type AamiClass } from '../../../shared/beat-classes';
import { annotationMnemonic } from '../../formats/wfdb';

export { AAMI_CLASSES, type AamiClass } from '../../../shared/beat-classes';

/** The AAMI class of a MIT annotation code, or null for codes outside the five classes. */
export function aamiClass(code: number): AamiClass | null {
  return aamiOfLetter(annotationMnemonic(code));
}
