/**
 * Artifacts are stored as flat relative paths; a listing shows one folder level, the way MLflow's
 * `artifacts/list` does: the files directly in the folder and each sub-folder once. Run artifacts and
 * logged-model files are listed by this one function.
 */

/** One entry of a folder listing. */
export interface FolderEntry {
  path: string;
  isDir: boolean;
  size: number | null;
}

/** The entries directly under `prefix` (`''` or `dir/`) of `files`, all of whose paths start with it. */
export function folderEntries(files: readonly { path: string; size: number }[], prefix: string): FolderEntry[] {
  const entries = new Map<string, FolderEntry>();
  for (const file of files) {
    const rest = file.path.slice(prefix.length);
    const slash = rest.indexOf('/');
    if (slash < 0) entries.set(file.path, { path: file.path, isDir: false, size: file.size });
    else {
      const sub = prefix + rest.slice(0, slash);
      if (!entries.has(sub)) entries.set(sub, { path: sub, isDir: true, size: null });
    }
  }
  return [...entries.values()];
}
