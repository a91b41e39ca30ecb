import { protocolJson, type Protocol } from '../../../shared/protocol';

/** Downloads `protocol` as its JSON file, `<name>.json` (what import reads back). */
export function downloadProtocol(protocol: Protocol): void {
  const url = URL.createObjectURL(new Blob([protocolJson(protocol)], { type: 'application/json' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = `${protocol.name.trim() || 'protocol'}.json`;
  a.click();
  URL.revokeObjectURL(url);
}
