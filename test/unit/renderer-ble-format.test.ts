import { describe, expect, it } from 'vitest';
import { adapterText, contactText, driversText, formatBattery, formatRssi, linkFigures, serviceLabel } from '../../src/renderer/src/devices/ble-format';

describe('Bluetooth LE wording in the devices panel', () => {
  it('says why the adapter is unusable, and that it is checking before it knows', () => {
    const reason = 'cannot load the Bluetooth library (@abandonware/noble): EAFNOSUPPORT, Address family not supported';
    expect(adapterText({ state: 'unavailable', reason })).toBe(`Bluetooth unavailable: ${reason}`);
    expect(adapterText({ state: 'off', reason: 'the adapter is off' })).toBe('Bluetooth off: the adapter is off');
    expect(adapterText({ state: 'ready' })).toBe('Bluetooth ready');
    expect(adapterText(null)).toMatch(/^Checking/);
  });

  it('names the services we drive, shortens other SIG services and keeps the first group of vendor UUIDs', () => {
    expect(serviceLabel('0000180d-0000-1000-8000-00805f9b34fb')).toBe('Heart Rate');
    expect(serviceLabel('FB005C80-02E7-F387-1CAD-8ACD2D8DF0C8')).toBe('Polar PMD');
    expect(serviceLabel('6e400001-b5a3-f393-e0a9-e50e24dcca9e')).toBe('Nordic UART');
    expect(serviceLabel('00001816-0000-1000-8000-00805f9b34fb')).toBe('0x1816');
    expect(serviceLabel('12345678-aaaa-bbbb-cccc-1234567890ab')).toBe('12345678');
  });

  it('lists drivers in order and a dash for none', () => {
    expect(driversText(['hrs', 'pmd'])).toBe('Heart Rate (HRS) · Polar PMD');
    expect(driversText(['nus'])).toBe('Nordic UART (VBP)');
    expect(driversText([])).toBe('—');
  });

  it('gives RSSI in dBm and battery in %, a dash for what the device does not report', () => {
    expect(formatRssi(-61.6)).toBe('-62 dBm');
    expect(formatRssi(undefined)).toBe('—');
    expect(formatRssi(Number.NaN)).toBe('—');
    expect(formatBattery(85)).toBe('85%');
    expect(formatBattery(undefined)).toBe('—');
    expect(linkFigures({ address: 'aa', drivers: ['hrs'], batteryPct: 7 })).toBe('battery 7% · RSSI —');
  });

  it('words sensor contact', () => {
    expect(contactText('detected')).toBe('skin contact');
    expect(contactText('not detected')).toBe('no skin contact');
    expect(contactText('unsupported')).toBe('not reported by the device');
    expect(contactText(undefined)).toBe('—');
  });
});
