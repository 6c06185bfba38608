/**
 * What only the desktop shell can do for the page, exposed by the preload as `window.latheDesktop`:
 * the sandboxed page cannot see a file's path, so the preload asks Electron for it.
 */
/** A DOM File as far as shared/ may know it (shared/ has no DOM types). */
export interface FileLike {
  readonly name: string;
  readonly size: number;
}

export interface DesktopBridge {
  /** The path on disk of a File the user dropped or picked (empty when it has none). */
  pathForFile(file: FileLike): string;
  /** Opens the native open-file dialog for data files; resolves with the chosen path, or null when cancelled. */
  pickDataFile(): Promise<string | null>;
}

/** The extensions Lathe reads as tables. */
export const dataFileExtensions = ['csv', 'tsv', 'parquet', 'jsonl', 'ndjson'] as const;
