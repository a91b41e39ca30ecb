/**
 * Participants and studies as the engine, the CLI and the UI see them. Participants are
 * pseudonymous: an ID and fields that matter for wearable sensing, never a name, birth date,
 * e-mail or other direct identifier. Pure.
 */

export const MAX_PARTICIPANT_ID_CHARS = 64;
export const MAX_STUDY_NAME_CHARS = 100;
export const MAX_NOTES_CHARS = 2000;

export const SEXES = ['female', 'male', 'intersex', 'unspecified'] as const;
export type Sex = (typeof SEXES)[number];

export const HANDS = ['left', 'right', 'ambidextrous'] as const;
export type Hand = (typeof HANDS)[number];

/** Skin tone scales and their values, lightest first: Fitzpatrick I-VI, Monk 1-10. */
export const SKIN_TONE_SCALES = {
  fitzpatrick: ['I', 'II', 'III', 'IV', 'V', 'VI'],
  monk: ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10'],
} as const;
export type SkinToneScale = keyof typeof SKIN_TONE_SCALES;

export interface SkinTone {
  scale: SkinToneScale;
  value: string;
}

export interface Participant {
  /** Pseudonymous, unique ignoring case, at most MAX_PARTICIPANT_ID_CHARS. */
  id: string;
  /** e.g. "30-39" or "80+". */
  ageBand?: string;
  sex?: Sex;
  skinTone?: SkinTone;
  /** Wrist circumference, cm. */
  wristCm?: number;
  dominantHand?: Hand;
  notes?: string;
}

/** A participant as listed: `recorded` false when only sessions name the ID (no record saved yet). */
export interface ParticipantEntry extends Participant {
  recorded: boolean;
  /** Sessions that name this participant. */
  sessions: number;
}

export interface StudyInput {
  /** A saved study's id to update (rename, describe); absent to add one. */
  id?: number;
  name: string;
  description?: string;
}

/** A study as listed: `id` null for a name sessions carry without a record (a session imported from another library). */
export interface StudyEntry {
  id: number | null;
  name: string;
  description: string;
  sessions: number;
}

/** "fitzpatrick:III" or "monk:5" (as the CLI takes it) to a skin tone; throws naming what is wrong. */
export function parseSkinTone(text: string): SkinTone {
  const [scale, value] = text.trim().split(':', 2).map((s) => s.trim());
  const scaleName = scale.toLowerCase();
  if (!(scaleName in SKIN_TONE_SCALES)) throw new Error(`skin tone "${text}": the scale is fitzpatrick or monk (e.g. fitzpatrick:III, monk:5)`);
  const values: readonly string[] = SKIN_TONE_SCALES[scaleName as SkinToneScale];
  const match = values.find((v) => v.toLowerCase() === (value ?? '').toLowerCase());
  if (!match) throw new Error(`skin tone "${text}": ${scaleName} takes ${values[0]} to ${values.at(-1)}`);
  return { scale: scaleName as SkinToneScale, value: match };
}

/** "Fitzpatrick III", "Monk 5". */
export function formatSkinTone(tone: SkinTone): string {
  return `${tone.scale === 'fitzpatrick' ? 'Fitzpatrick' : 'Monk'} ${tone.value}`;
}
