import { describe, expect, it } from 'vitest';
import { filterSessions, normalizeTags, parseDate, sessionName } from '../../src/shared/session-library';
import type { SessionSummary } from '../../src/shared/types';

const session = (id: number, over: Partial<SessionSummary>): SessionSummary => ({
  id,
  status: 'complete',
  name: `s${id}`,
  participant: '',
  study: '',
  startedAt: '2024-05-02T10:00:00.000Z',
  endedAt: null,
  durationSec: 60,
  tags: [],
  devices: [],
  streams: [],
  ...over,
});

describe('session library rules', () => {
  it('normalizes names and tags, and refuses what cannot be stored', () => {
    expect(sessionName('  walk  ')).toBe('walk');
    expect(() => sessionName(' \t')).toThrow('a session name cannot be empty');
    expect(() => sessionName('x'.repeat(201))).toThrow('at most 200 characters (got 201)');
    expect(normalizeTags(['  b  side ', 'A', 'a', '', 'B side'])).toEqual(['A', 'b side']);
    expect(() => normalizeTags(Array.from({ length: 33 }, (_, i) => `t${i}`))).toThrow('at most 32 tags (got 33)');
  });

  it('keeps the sessions every filter and every search word match', () => {
    const list = [
      session(1, { name: 'Park walk', participant: 'P7', tags: ['outdoor'], devices: ['Polar H10'], durationSec: 1800 }),
      session(2, { name: 'night', participant: 'P17', tags: ['sleep'], startedAt: '2024-05-03T23:00:00.000Z', durationSec: 28_000 }),
      session(3, { name: 'live', status: 'recording', durationSec: null }),
    ];
    const ids = (filter: Parameters<typeof filterSessions>[1]) => filterSessions(list, filter).map((s) => s.id);
    expect(ids({})).toEqual([1, 2, 3]);
    expect(ids({ text: 'polar WALK' })).toEqual([1]);
    expect(ids({ text: 'polar night' })).toEqual([]);
    expect(ids({ participant: 'p7' })).toEqual([1]); // exactly, not P17
    expect(ids({ tag: 'SLEEP' })).toEqual([2]);
    expect(ids({ minDurationSec: 3600 })).toEqual([2, 3]); // open sessions pass
    expect(ids({ since: Date.parse('2024-05-03T00:00:00Z') })).toEqual([2]);
    expect(ids({ until: Date.parse('2024-05-03T00:00:00Z') })).toEqual([1, 3]);
  });

  it('reads a bare date as local midnight, or the end of that day', () => {
    expect(parseDate('2024-05-02')).toBe(new Date(2024, 4, 2).getTime());
    expect(parseDate('2024-05-02', true)).toBe(new Date(2024, 4, 3).getTime());
    expect(parseDate('2024-05-02T10:00:00Z')).toBe(Date.parse('2024-05-02T10:00:00Z'));
    expect(() => parseDate('May 2nd')).toThrow('"May 2nd" is not a date (use YYYY-MM-DD or an ISO 8601 time)');
  });
});
