import { protocolJson, type Protocol } from '../../../shared/protocol';
import { downloadText } from '../download-text';

/** Downloads `protocol` as its JSON file, `<name>.json` (what import reads back). */
export function downloadProtocol(protocol: Protocol): void {
  downloadText(`${protocol.name.trim() || 'protocol'}.json`, protocolJson(protocol), 'application/json');
}
