import { describe, expect, it } from 'vitest';
import {
  annotationMnemonic,
  beatCode,
  chooseWfdbScale,
  decodeSamples,
  demuxSignals,
  encodeMitAnnotations,
  encodeSamples,
  encodeWfdbHeader,
  NOTE_CODE,
  parseMitAnnotations,
  parseWfdbHeader,
  quantisationStep,
  toAdc,
} from '../../src/main/formats/wfdb';

describe('WFDB writer', () => {
  it('finds the quantisation step of ADC values stored as Float32, and none for computed values', () => {
    const adc = Array.from({ length: 5000 }, (_, i) => Math.round(300 * Math.sin(i / 7)) - 40);
    expect(quantisationStep(Float32Array.from(adc, (d) => (d - 1024) / 200))).toBeCloseTo(1 / 200, 9);
    // An EDF grid: an offset and a step of (physical range) / (digital range).
    const step = 2.5 / 65535;
    // Float32 keeps the span to a few parts in 10^7: so is the step.
    expect(Math.abs(quantisationStep(Float32Array.from(adc, (d) => d * step - 1.2))! / step - 1)).toBeLessThan(1e-6);
    expect(quantisationStep(Float32Array.from({ length: 5000 }, (_, i) => Math.sin(i / 7.3) * 1.7))).toBeNull();
    expect(quantisationStep([NaN, 1])).toBeNull();
  });

  it('keeps one ADC unit per step where the range fits 16 bits, picks 212 where it fits 12, and scales down otherwise', () => {
    const mitbih = chooseWfdbScale(-3, 4, 1 / 200);
    expect(mitbih.gain).toBeCloseTo(200, 9);
    expect(mitbih.fits212).toBe(true);
    const wide = chooseWfdbScale(-100, 100, 1 / 200);
    expect([wide.gain, wide.fits212]).toEqual([200, false]);
    const tooWide = chooseWfdbScale(-1e6, 1e6, 1);
    expect(tooWide.gain).toBeLessThan(1);
    expect(toAdc(1e6, tooWide, 16)).toBeLessThanOrEqual(32767);
    expect(toAdc(-1e6, tooWide, 16)).toBeGreaterThanOrEqual(-32767);
    expect(toAdc(NaN, mitbih, 212)).toBe(-2048);
    expect(toAdc(NaN, mitbih, 16)).toBe(-32768);
  });

  it('writes a header the reader parses back, gains exact and invalid samples read as NaN', () => {
    const text = encodeWfdbHeader({
      record: 'session_3',
      fs: 250,
      frames: 4,
      start: 1_700_000_000.25,
      signals: [
        { fileName: 'session_3.dat', format: 212, gain: 200, baseline: 12, units: 'mV', initialValue: 5, checksum: -3, description: 'ecg Lead I' },
        { fileName: 'session_3.dat', format: 212, gain: 1 / 0.0003, baseline: -4, units: 'arb units', initialValue: 0, checksum: 7, description: 'ppg red' },
      ],
      comments: ['made\nby a test'],
    });
    expect(text.split('\n')[0]).toBe('session_3 2 250 4 22:13:20.250 14/11/2023');
    const h = parseWfdbHeader(text);
    expect(h.signals.map((s) => [s.format, s.gain, s.baseline, s.units, s.initialValue, s.checksum, s.description])).toEqual([
      [212, 200, 12, 'mV', 5, -3, 'ecg Lead I'],
      [212, 3333.33333333, -4, 'arb_units', 0, 7, 'ppg red'],
    ]);
    expect(h.comments).toEqual(['made by a test']);
    const frames = [12 + 200, -4 + 1000, toAdc(NaN, h.signals[0], 212), -4];
    const back = demuxSignals(decodeSamples(encodeSamples(frames, 212), 212), h.signals, h.fs, h.samples);
    expect(Array.from(back[0].data)).toEqual([1, NaN]);
    expect(back[1].data[0]).toBeCloseTo(0.3, 6);
    expect(back[1].data[1]).toBe(0);
  });

  it('writes annotations the reader parses back: classes, SKIPs past 1023 samples, AUX of odd and even lengths', () => {
    const annotations = [
      { sample: 10, code: beatCode('N') },
      { sample: 500, code: beatCode('V') },
      { sample: 500, code: NOTE_CODE, aux: 'marker: stand up' },
      { sample: 70_000, code: beatCode(null) },
      { sample: 70_001, code: NOTE_CODE, aux: 'label: ok' },
      { sample: 3_000_000_000 / 1000, code: beatCode('Z') },
    ];
    const back = parseMitAnnotations(encodeMitAnnotations(annotations));
    expect(back.samples).toEqual(annotations.map((a) => a.sample));
    expect(back.codes.map(annotationMnemonic)).toEqual(['N', 'V', '#22', 'N', '#22', 'Q']);
    expect(back.aux).toEqual([null, null, 'marker: stand up', null, 'label: ok', null]);
    expect(() => encodeMitAnnotations([{ sample: 5, code: 1 }, { sample: 4, code: 1 }])).toThrow('annotations out of order: sample 4 after 5');
  });
});
