import { useRef, useState, type DragEvent } from 'react';
import type { VitalsApi } from '../../../shared/api';
import { importPickedModel, pairModelFiles } from './model-import';

interface Props {
  api: Pick<VitalsApi, 'uploadModelPart' | 'importModel'>;
  onImported(): void;
  onError(message: string | null): void;
}

/** The files of a drop: dropped files, and the files directly inside a dropped folder. */
async function droppedFiles(event: DragEvent): Promise<File[]> {
  const entries = [...event.dataTransfer.items].map((item) => item.webkitGetAsEntry?.()).filter((e): e is FileSystemEntry => !!e);
  if (!entries.some((e) => e.isDirectory)) return [...event.dataTransfer.files];
  const fileOf = (entry: FileSystemFileEntry) => new Promise<File>((resolve, reject) => entry.file(resolve, reject));
  const inside = (dir: FileSystemDirectoryEntry) => new Promise<FileSystemEntry[]>((resolve, reject) => dir.createReader().readEntries(resolve, reject));
  const files: File[] = [];
  for (const entry of entries) {
    const children = entry.isDirectory ? await inside(entry as FileSystemDirectoryEntry) : [entry];
    for (const child of children) if (child.isFile) files.push(await fileOf(child as FileSystemFileEntry));
  }
  return files;
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
        void droppedFiles(e).then(importFiles);
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
