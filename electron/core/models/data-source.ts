/**
 * Resolves the `--data` of training and scoring: a table file on disk, or a versioned dataset
 * (`NAME`, `NAME@latest`, `NAME@3`) from the datasets feature.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, extname, resolve as resolvePath } from 'node:path';
import { LatheError } from '../../../shared/errors.js';

/** What a data reference resolves to. */
export interface ResolvedData {
  path: string;
  format?: 'csv' | 'tsv' | 'parquet' | 'jsonl';
  /** How the data is named in messages and params (`NAME@V` or the file path). */
  label: string;
  name: string;
  /** The dataset version, for lineage; null for a plain file. */
  datasetVersionId: string | null;
  hash: string | null;
}

/** Resolves a dataset reference. */
export type DataResolver = (ref: string) => Promise<ResolvedData>;

/** The part of the datasets service that training and scoring use. */
export interface DatasetLookup {
  resolve(
    ref: string,
  ):
    | { versionId: string; name: string; version: number; hash: string; path: string; format: string }
    | Promise<{ versionId: string; name: string; version: number; hash: string; path: string; format: string }>;
}

/** A resolver over files and, when given, the datasets registry. Files win when the path exists. */
export function createDataResolver(datasets?: DatasetLookup): DataResolver {
  return async (ref) => {
    const looksLikeFile = /[\\/]/.test(ref) || /\.(csv|tsv|parquet|jsonl|json)$/i.test(ref);
    const absolute = resolvePath(ref);
    if (existsSync(absolute) && statSync(absolute).isFile()) {
      return {
        path: absolute,
        label: absolute,
        name: basename(absolute, extname(absolute)),
        datasetVersionId: null,
        hash: null,
      };
    }
    if (looksLikeFile || !datasets) {
      throw new LatheError(
        'NOT_FOUND',
        looksLikeFile
          ? `No such file: ${absolute}`
          : `No dataset registry to resolve "${ref}"; give a file path instead`,
        { data: ref },
      );
    }
    const found = await datasets.resolve(ref);
    return {
      path: found.path,
      format: found.format as ResolvedData['format'],
      label: `${found.name}@${found.version}`,
      name: found.name,
      datasetVersionId: found.versionId,
      hash: found.hash,
    };
  };
}
