import { describe, expect, it } from 'vitest';
import type { AgreementResult, AgreementSource } from '../../src/shared/agreement';
import { reviewKeyAction } from '../../src/renderer/src/review/review-keys';
import { parseRoute, routeHash, sessionTabs } from '../../src/renderer/src/routes';
import { blandAltmanPoints, defaultPair, parseLag, reportFileName, scatterPoints } from '../../src/renderer/src/study/agreement-data';

const source = (id: string, unit: string, beats = false): AgreementSource => ({ id, streamKey: `sim/${id.split(':')[0]}`, channel: id.split(':')[1] ?? 'HR', unit, beats });
const key = { ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, repeat: false, targetTag: 'BODY', targetEditable: false };

describe('agreement route', () => {
  it('parses and writes #/sessions/<id>/agreement, with the review and agreement tabs', () => {
    const route = parseRoute('#/sessions/7/agreement');
    expect(route).toEqual({ view: 'agreement', sessionId: 7 });
    expect(routeHash(route)).toBe('#/sessions/7/agreement');
    expect(parseRoute('#/sessions/7/agreement/')).toEqual(route);
    expect(sessionTabs(route).map((t) => [routeHash(t.route), t.label])).toEqual([
      ['#/sessions/7', 'Session 7'],
      ['#/sessions/7/agreement', 'Agreement'],
    ]);
    expect(sessionTabs({ view: 'review', sessionId: 7, t: 3 }).map((t) => t.label)).toEqual(['Session 7']);
    expect(sessionTabs({ view: 'live' })).toEqual([]);
  });

  it('opens from the review with B, not while typing in a field', () => {
    expect(reviewKeyAction({ ...key, key: 'b' })).toEqual({ kind: 'agreement' });
    expect(reviewKeyAction({ ...key, key: 'B', targetTag: 'INPUT' })).toBeNull();
  });
});

describe('agreement view data', () => {
  it('picks the ECG HR against the PPG HR, else a source of the same unit, else nothing', () => {
    const sources = [source('ecg:beats', 'ms', true), source('ppg.metrics:SpO2', '%'), source('ppg.metrics', 'bpm'), source('ecg.metrics', 'bpm'), source('strap.hr', 'bpm')];
    expect(defaultPair(sources)).toEqual({ a: 'ecg.metrics', b: 'ppg.metrics' });
    expect(defaultPair([source('ecg:beats', 'ms', true), source('ppg:beats', 'ms', true)])).toEqual({ a: 'ecg:beats', b: 'ppg:beats' });
    expect(defaultPair([source('ecg.metrics', 'bpm'), source('ecg.metrics:RMSSD', 'ms')])).toBeNull();
  });

  it('turns the pairs into Bland-Altman and scatter points on a square domain', () => {
    const result = { report: { sessionId: 3, a: source('ecg.metrics', 'bpm'), b: source('sim/ppg.metrics:HR', 'bpm') }, points: { t: [0, 1], a: [60, 70], b: [62, 69] } } as unknown as AgreementResult;
    expect(blandAltmanPoints(result)).toEqual([
      { x: 61, y: 2 },
      { x: 69.5, y: -1 },
    ]);
    const scatter = scatterPoints(result);
    expect(scatter.points).toEqual([
      { x: 60, y: 62 },
      { x: 70, y: 69 },
    ]);
    expect(scatter.domain).toEqual([59, 71]);
    expect(reportFileName(result, 'csv')).toBe('agreement-3-ecg.metrics-vs-sim_ppg.metrics_HR.csv');
  });

  it('reads the lag field: empty estimates, a number overrides, anything else is an error naming it', () => {
    expect(parseLag(' ')).toEqual({});
    expect(parseLag('-1.5')).toEqual({ lag: -1.5 });
    expect(parseLag('abc').error).toContain('"abc"');
    expect(parseLag('900').error).toContain('-600 to 600');
  });
});
