/** The files of a drop: dropped files, and the files directly inside a dropped folder. */
export async function droppedFiles(transfer: DataTransfer): Promise<File[]> {
  const entries = [...transfer.items].map((item) => item.webkitGetAsEntry?.()).filter((e): e is FileSystemEntry => !!e);
  if (!entries.some((e) => e.isDirectory)) return [...transfer.files];
  const fileOf = (entry: FileSystemFileEntry) => new Promise<File>((resolve, reject) => entry.file(resolve, reject));
  const inside = (dir: FileSystemDirectoryEntry) => new Promise<FileSystemEntry[]>((resolve, reject) => dir.createReader().readEntries(resolve, reject));
  const files: File[] = [];
  for (const entry of entries) {
    const children = entry.isDirectory ? await inside(entry as FileSystemDirectoryEntry) : [entry];
    for (const child of children) if (child.isFile) files.push(await fileOf(child as FileSystemFileEntry));
  }
  return files;
}
