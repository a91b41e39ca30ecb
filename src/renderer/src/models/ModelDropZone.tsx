import { useRef, useState } from 'react';
import type { VitalsApi } from '../../../shared/api';
import { droppedFiles } from '../dropped-files';
import { importPickedModel, pairModelFiles } from './model-import';

interface Props {
  api: Pick<VitalsApi, 'uploadModelPart' | 'importModel'>;
  onImported(): void;
  onError(message: string | null): void;
}

/** Imports models dropped on it or picked with the file dialog (an .onnx with its .onnx.json), sending them to the engine. */
export function ModelDropZone({ api, onImported, onError }: Props) {
  const input = useRef<HTMLInputElement>(null);
  const [over, setOver] = useState(false);
  const [progress, setProgress] = useState<string | null>(null);

  const importFiles = async (files: File[]): Promise<void> => {
    onError(null);
    const { picks, errors } = pairModelFiles(files);
    const failures = [...errors];
    for (const pick of picks) {
      try {
        await importPickedModel(api, pick, (f) => setProgress(`Importing ${pick.onnx.name}… ${Math.round(f * 100)}%`));
      } catch (error) {
        failures.push(error instanceof Error ? error.message : String(error));
      }
    }
    setProgress(null);
    if (picks.length > 0) onImported();
    onError(failures.length > 0 ? failures.join('\n') : null);
  };

  return (
    <div
      className={`model-drop${over ? ' over' : ''}`}
      data-testid="model-drop"
      onDragOver={(e) => {
        e.preventDefault();
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        setOver(false);
        void droppedFiles(e.dataTransfer).then(importFiles);
      }}
    >
      <span>{progress ?? 'Drop a model here: its .onnx together with its .onnx.json (or their folder), or'}</span>
      <button type="button" onClick={() => input.current?.click()} disabled={progress !== null}>
        Choose files…
      </button>
      <input
        ref={input}
        type="file"
        multiple
        accept=".onnx,.json"
        aria-label="Model files"
        hidden
        onChange={(e) => {
          const files = [...(e.target.files ?? [])];
          e.target.value = '';
          void importFiles(files);
        }}
      />
    </div>
  );
}
