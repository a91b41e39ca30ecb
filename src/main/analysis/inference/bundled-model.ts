import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const PVC = join('resources', 'models', 'pvc', 'pvc.onnx');

/**
 * The bundled PVC model's absolute path, or null when it is not there: from the built main
 * process (`out/main`, or a shared chunk one folder down), or from source (tests, tsx).
 */
export function bundledModelPath(): string | null {
  const candidates = [join(__dirname, '../..', PVC), join(__dirname, '../../..', PVC), join(__dirname, '../../../..', PVC), join(process.cwd(), PVC)];
  const found = candidates.find((f) => existsSync(f));
  return found ? resolve(found) : null;
}
