/** A button that opens the file dialog and hands over the chosen file (the input is reset, so the same file can be chosen again). */
export function FileButton({ label, accept, testId, onFile }: { label: string; accept: string; testId: string; onFile: (file: File) => void }) {
  return (
    <label className="button">
      {label}
      <input
        type="file"
        accept={accept}
        hidden
        data-testid={testId}
        onChange={(e) => {
          const file = e.target.files?.[0];
          e.target.value = '';
          if (file) onFile(file);
        }}
      />
    </label>
  );
}
