/**
 * `lathe doctor --verify`: re-hashes every object, because objects are trusted only as far as their
 * bytes still match their names. A link or folder planted in `objects/sha256` is reported, never followed.
 */
import type { ObjectStore } from './object-store.js';

/** What a verification found. */
export interface ObjectCheck {
  checked: number;
  bytes: number;
  /** Objects whose bytes no longer hash to their name. */
  corrupt: string[];
  /** Entries that are not plain files named by a hash (links, folders, stray names). */
  foreign: string[];
}

/** Re-hashes every object of the store. */
export async function verifyObjects(objects: ObjectStore): Promise<ObjectCheck> {
  const result: ObjectCheck = { checked: 0, bytes: 0, corrupt: [], foreign: [] };
  for (const entry of objects.entries()) {
    if (!entry.plain) {
      result.foreign.push(entry.path);
      continue;
    }
    result.checked += 1;
    result.bytes += entry.size;
    if (!(await objects.verify(entry.hash))) result.corrupt.push(entry.hash);
  }
  return result;
}
