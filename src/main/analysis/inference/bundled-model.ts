import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

const MODELS = join('resources', 'models');

/**
 * The folder of the models shipped with the app (`resources/models`), or null when it is not
 * there: from the built main process (`out/main`, or a shared chunk one folder down), or from
 * source (tests, tsx).
 */
export function bundledModelsDir(): string | null {
  const candidates = ['../..', '../../..', '../../../..'].map((up) => join(__dirname, up, MODELS));
  const found = [...candidates, join(process.cwd(), MODELS)].find((dir) => existsSync(dir));
  return found ? resolve(found) : null;
}

/** The bundled PVC model's absolute path, or null when it is not there. */
export function bundledModelPath(): string | null {
  const dir = bundledModelsDir();
  const file = dir && join(dir, 'pvc', 'pvc.onnx');
  return file && existsSync(file) ? file : null;
}
