/**
 * Adding a dataset: in the web shell, drop a file or pick one (uploaded to `lathe serve` with
 * progress), or type the path of a file on this machine. In the desktop app, drop a file or choose it
 * with the native dialog: the preload turns it into a path, and nothing is copied through the page.
 */
import { useRef, useState } from 'react';
import { Alert, Button, Code, Group, Modal, Progress, SegmentedControl, Stack, Text, TextInput } from '@mantine/core';
import { IconUpload } from '@tabler/icons-react';
import type { AddDatasetResult } from '../../../../shared/contract/index';
import { useClient } from '../../api/hooks';
import { ClientError } from '../../api/client-error';
import { acceptedExtensions, unsupportedFileProblem } from './file-types';

/** A dataset name from a file name: "Customers 2024.csv" → "Customers-2024". */
export function nameFromFile(fileName: string): string {
  return fileName
    .replace(/\.[^.]+$/, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[^A-Za-z0-9]+/, '')
    .slice(0, 200);
}

/** Sends a file to the upload route with progress; resolves with the add result. */
function uploadFile(
  file: File,
  name: string,
  message: string,
  onProgress: (fraction: number) => void,
): Promise<AddDatasetResult> {
  return new Promise((resolve, reject) => {
    const request = new XMLHttpRequest();
    const query = new URLSearchParams({ name, filename: file.name, ...(message ? { message } : {}) });
    request.open('POST', `/api/datasets/upload?${query.toString()}`);
    request.setRequestHeader('Content-Type', 'application/octet-stream');
    request.upload.onprogress = (event) => event.lengthComputable && onProgress(event.loaded / event.total);
    request.onload = () => {
      let body: { result?: AddDatasetResult; error?: unknown } = {};
      try {
        body = JSON.parse(request.responseText) as typeof body;
      } catch {
        // fall through to the status
      }
      if (request.status === 200 && body.result) resolve(body.result);
      else
        reject(
          ClientError.from(body.error ?? { code: 'INTERNAL', message: `Upload failed with HTTP ${request.status}` }),
        );
    };
    request.onerror = () =>
      reject(
        new ClientError({
          code: 'INTERNAL',
          message: 'The upload did not reach Lathe: is `lathe serve` still running?',
        }),
      );
    request.send(file);
  });
}

/** The modal. */
export function AddDatasetModal({
  opened,
  onClose,
  onAdded,
  initialFile,
  versionOf,
}: {
  opened: boolean;
  onClose: () => void;
  onAdded: (result: AddDatasetResult) => void;
  initialFile?: File | null;
  /** Set on a dataset's page: the file becomes the next version of this dataset, and the name is fixed. */
  versionOf?: string;
}) {
  const client = useClient();
  const desktop = typeof window !== 'undefined' && window.lathe !== undefined;
  const [mode, setMode] = useState<'upload' | 'path'>(desktop ? 'path' : 'upload');
  const [file, setFile] = useState<File | null>(initialFile ?? null);
  const [path, setPath] = useState('');
  const [typedName, setName] = useState(initialFile ? nameFromFile(initialFile.name) : '');
  const name = versionOf ?? typedName;
  const [message, setMessage] = useState('');
  const [progress, setProgress] = useState<number | null>(null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ClientError | null>(null);
  const [dragging, setDragging] = useState(false);
  const picker = useRef<HTMLInputElement>(null);
  const [seenInitial, setSeenInitial] = useState<File | null | undefined>(initialFile);
  if (initialFile !== seenInitial) {
    setSeenInitial(initialFile);
    if (initialFile) {
      const desktopPath = window.latheDesktop?.pathForFile(initialFile);
      const problem = unsupportedFileProblem(initialFile.name);
      if (desktopPath) setPath(desktopPath);
      else if (problem) {
        setMode('upload');
        setError(new ClientError({ code: 'BAD_INPUT', message: problem, details: { file: initialFile.name } }));
      } else {
        setFile(initialFile);
        setMode('upload');
      }
      setName((current) => current || nameFromFile(initialFile.name));
    }
  }

  const choose = (chosen: File | undefined) => {
    if (!chosen) return;
    const problem = unsupportedFileProblem(chosen.name);
    if (problem) {
      // Refused here, before a byte is uploaded.
      setFile(null);
      setError(new ClientError({ code: 'BAD_INPUT', message: problem, details: { file: chosen.name } }));
      return;
    }
    setError(null);
    setName((current) => current || nameFromFile(chosen.name));
    // In the desktop app a dropped file is read in place, by path.
    const desktopPath = window.latheDesktop?.pathForFile(chosen);
    if (desktopPath) setPath(desktopPath);
    else setFile(chosen);
  };
  const pickWithDialog = async () => {
    const picked = await window.latheDesktop?.pickDataFile();
    if (!picked) return;
    setPath(picked);
    setError(null);
    const base = picked.split(/[\\/]/).pop() ?? '';
    setName((current) => current || nameFromFile(base));
  };
  const reset = () => {
    setFile(null);
    setPath('');
    setName('');
    setMessage('');
    setProgress(null);
    setError(null);
    setBusy(false);
  };
  const close = () => {
    if (busy) return;
    reset();
    onClose();
  };
  const submit = async () => {
    setBusy(true);
    setError(null);
    try {
      const result =
        mode === 'upload' && file
          ? await uploadFile(file, name.trim(), message.trim(), setProgress)
          : await client['datasets.addFile']({
              path: path.trim(),
              name: name.trim(),
              ...(message.trim() ? { message: message.trim() } : {}),
            });
      onAdded(result);
      reset();
      onClose();
    } catch (caught) {
      setError(ClientError.from(caught));
      setBusy(false);
      setProgress(null);
    }
  };
  const ready = name.trim() !== '' && (mode === 'upload' ? file !== null : path.trim() !== '');

  return (
    <Modal
      opened={opened}
      onClose={close}
      title={versionOf ? `New version of ${versionOf}` : 'Add a dataset'}
      size="lg"
      centered
    >
      <Stack>
        {!desktop && (
          <SegmentedControl
            value={mode}
            onChange={(value) => setMode(value as 'upload' | 'path')}
            data={[
              { value: 'upload', label: 'Upload a file' },
              { value: 'path', label: 'A path on this machine' },
            ]}
          />
        )}
        {mode === 'upload' ? (
          <>
            <DropZone
              active={dragging}
              onDragging={setDragging}
              onChoose={() => picker.current?.click()}
              onDropFile={choose}
              title={file ? file.name : 'Drop a file here, or click to choose'}
              detail={file ? `${file.size.toLocaleString()} bytes` : 'CSV, TSV, Parquet or JSON Lines'}
            />
            <input
              ref={picker}
              type="file"
              accept={acceptedExtensions.join(',')}
              hidden
              data-testid="dataset-file-input"
              onChange={(e) => choose(e.currentTarget.files?.[0])}
            />
          </>
        ) : (
          <Stack gap="xs">
            {desktop && window.latheDesktop && (
              <DropZone
                active={dragging}
                onDragging={setDragging}
                onChoose={() => void pickWithDialog()}
                onDropFile={choose}
                title="Drop a file here, or click to choose"
                detail="CSV, TSV, Parquet or JSON Lines"
              />
            )}
            <TextInput
              label="File path"
              description="The file is hashed and copied into Lathe's store; the original stays where it is."
              placeholder="/data/customers.csv"
              value={path}
              onChange={(e) => {
                const value = e.currentTarget.value;
                setPath(value);
                const base = value.split(/[\\/]/).pop() ?? '';
                if (!name && base.includes('.')) setName(nameFromFile(base));
              }}
            />
          </Stack>
        )}
        <TextInput
          label="Dataset name"
          description={
            versionOf
              ? `The file becomes the next version of ${versionOf} (the same bytes again add nothing).`
              : 'Adding new bytes under an existing name makes its next version.'
          }
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          readOnly={versionOf !== undefined}
          variant={versionOf ? 'filled' : 'default'}
          required
        />
        <TextInput
          label="Message"
          placeholder="What changed in this version (optional)"
          value={message}
          onChange={(e) => setMessage(e.currentTarget.value)}
        />
        {progress !== null && busy && (
          <Stack gap={4}>
            <Progress value={progress * 100} animated={progress >= 1} aria-label="Upload progress" />
            <Text size="xs" c="dimmed">
              {progress < 1 ? `Uploading… ${Math.round(progress * 100)}%` : 'Checking, hashing and profiling…'}
            </Text>
          </Stack>
        )}
        {busy && progress === null && (
          <Text size="xs" c="dimmed">
            Checking, hashing and profiling…
          </Text>
        )}
        {error && (
          <Alert color="red" title="Could not add the dataset" data-testid="add-dataset-error">
            <Text size="sm" style={{ whiteSpace: 'pre-wrap' }}>
              {error.message}
            </Text>
          </Alert>
        )}
        <Text size="xs" c="dimmed">
          From a terminal: <Code>lathe data add FILE --name NAME</Code>
        </Text>
        <Group justify="flex-end">
          <Button variant="default" onClick={close} disabled={busy}>
            Cancel
          </Button>
          <Button onClick={() => void submit()} loading={busy} disabled={!ready}>
            {versionOf ? 'Add version' : 'Add dataset'}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}

/** The dashed area a file is dropped on; click or Enter chooses one instead. */
function DropZone(props: {
  active: boolean;
  onDragging: (dragging: boolean) => void;
  onChoose: () => void;
  onDropFile: (file: File | undefined) => void;
  title: string;
  detail: string;
}) {
  return (
    <div
      className="drop-zone"
      data-active={props.active}
      role="button"
      tabIndex={0}
      aria-label="Drop a data file here or press Enter to choose one"
      onClick={props.onChoose}
      onKeyDown={(e) => (e.key === 'Enter' || e.key === ' ') && props.onChoose()}
      onDragOver={(e) => {
        e.preventDefault();
        props.onDragging(true);
      }}
      onDragLeave={() => props.onDragging(false)}
      onDrop={(e) => {
        e.preventDefault();
        props.onDragging(false);
        props.onDropFile(e.dataTransfer.files[0]);
      }}
    >
      <IconUpload size={28} stroke={1.5} />
      <Text fw={500} mt="xs">
        {props.title}
      </Text>
      <Text size="xs" c="dimmed">
        {props.detail}
      </Text>
    </div>
  );
}
