/**
 * Picks one version of one dataset (not only the latest): the training form, scoring and ONNX import
 * all start from "which data", so they share this pair of selects. Hands back the chosen version with its
 * columns, so forms can offer column pickers without another request.
 */
import { useEffect, useRef } from 'react';
import { Select, SimpleGrid } from '@mantine/core';
import type { DatasetVersion } from '../../../../shared/contract/index';
import { useLatheQuery } from '../../api/queries';

/** A dataset name and version number; `version` null until the versions have loaded. */
export interface DatasetChoice {
  name: string;
  version: number | null;
}

/** `NAME@V` of a complete choice, else null. */
export function choiceRef(choice: DatasetChoice | null): string | null {
  return choice && choice.version !== null ? `${choice.name}@${choice.version}` : null;
}

/** Two selects: dataset, then one of its versions (newest first, the latest chosen by default). */
export function DatasetVersionPicker({
  value,
  onChange,
  onVersion,
  label = 'Dataset',
  enabled = true,
  optional = false,
}: {
  value: DatasetChoice | null;
  onChange: (choice: DatasetChoice | null) => void;
  /** Called with the chosen version (columns included) whenever it changes. */
  onVersion?: (version: DatasetVersion | null) => void;
  label?: string;
  enabled?: boolean;
  /** No asterisk: the form works without a dataset (a validation suite may name its own holdout). */
  optional?: boolean;
}) {
  const datasets = useLatheQuery('datasets.list', {}, { enabled });
  const name = value?.name ?? null;
  const versions = useLatheQuery('datasets.versions', { name: name ?? '' }, { enabled: enabled && name !== null });
  const sorted = [...(versions.data ?? [])].sort((a, b) => b.version - a.version);
  const chosen = sorted.find((v) => v.version === value?.version) ?? null;
  // The latest version is the default once the versions are known.
  useEffect(() => {
    if (value && value.version === null && sorted.length > 0)
      onChange({ name: value.name, version: sorted[0]!.version });
  }, [value, sorted, onChange]);
  // Told once per chosen version, whatever callback identity the parent passes on each render.
  const onVersionRef = useRef(onVersion);
  useEffect(() => {
    onVersionRef.current = onVersion;
  });
  useEffect(() => onVersionRef.current?.(chosen), [chosen]);
  return (
    <SimpleGrid cols={2}>
      <Select
        label={label}
        placeholder="Choose a dataset"
        data={datasets.data?.map((d) => ({ value: d.name, label: d.name })) ?? []}
        value={name}
        onChange={(v) => onChange(v ? { name: v, version: null } : null)}
        nothingFoundMessage="No dataset by that name"
        searchable
        required={!optional}
      />
      <Select
        label="Version"
        placeholder={name ? 'Loading versions…' : 'Choose a dataset first'}
        data={sorted.map((v) => ({
          value: String(v.version),
          label: `@${v.version} · ${v.rows.toLocaleString()} rows${v.message ? ` · ${v.message}` : ''}`,
        }))}
        value={value?.version != null ? String(value.version) : null}
        onChange={(v) => name && v && onChange({ name, version: Number(v) })}
        disabled={!name}
        allowDeselect={false}
        required={!optional}
      />
    </SimpleGrid>
  );
}
