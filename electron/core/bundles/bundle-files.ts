/**
 * The files of a bundle and how they are written: the runtime (resources/bundle-runtime, plain
 * JavaScript), the per-target extras (Dockerfile, package.json, README), onnxruntime-node vendored with
 * its Linux x64 binary only, and a deterministic zip (sorted paths, one fixed timestamp, fixed
 * attributes, one compression level) so the same version gives the same bytes every time.
 */
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, sep } from 'node:path';
import { zip, type AsyncZipOptions, type AsyncZippable } from 'fflate';
import type { BundleManifest, BundleTarget } from '../../../shared/contract/index.js';
import { LatheError } from '../../../shared/errors.js';
import { appRoot } from '../app-root.js';

/** A file of a bundle: its path inside the bundle (always `/`) and its bytes. */
export interface BundleFile {
  path: string;
  bytes: Uint8Array;
}

/** AWS Lambda's limits for a function uploaded directly as a zip (bytes). */
export const lambdaLimits = { zippedBytes: 50 * 1024 * 1024, unzippedBytes: 250 * 1024 * 1024 } as const;

/** The entry point each target starts. */
export const entryOf: Record<BundleTarget, string> = {
  server: 'node server.js',
  lambda: 'lambda.handler',
  gcf: 'predict (gcf.js)',
};

/** The Node major version the bundles are written for (Dockerfile, Lambda runtime, GCF runtime). */
const nodeMajor = 20;

function runtimeFolder(): string {
  return join(appRoot(), 'resources', 'bundle-runtime');
}

/** Reads the bundle runtime's scripts a target needs. */
export function runtimeFiles(target: BundleTarget): BundleFile[] {
  const names = [
    'model-runtime.js',
    'request-error.js',
    'json-answer.js',
    'arrow-body.js',
    'selftest.js',
    { server: 'server.js', lambda: 'lambda.js', gcf: 'gcf.js' }[target],
  ];
  return names.map((name) => ({ path: name, bytes: readFileSync(join(runtimeFolder(), name)) }));
}

/** The installed folder of a package (found from its main file: onnxruntime-common exports no package.json). */
function packageFolder(name: string): string {
  const require = createRequire(join(appRoot(), 'package.json'));
  for (let dir = dirname(require.resolve(name)); dirname(dir) !== dir; dir = dirname(dir)) {
    const candidate = join(dir, 'package.json');
    if (existsSync(candidate) && (JSON.parse(readFileSync(candidate, 'utf8')) as { name?: string }).name === name)
      return dir;
  }
  throw new LatheError('NOT_FOUND', `Cannot find the installed package ${name}`, { package: name });
}

function walk(root: string, folder: string, keep: (path: string) => boolean, out: BundleFile[], prefix: string): void {
  for (const entry of readdirSync(folder, { withFileTypes: true })) {
    const full = join(folder, entry.name);
    if (entry.isDirectory()) walk(root, full, keep, out, prefix);
    else if (entry.isFile()) {
      const path = relative(root, full).split(sep).join('/');
      if (keep(path)) out.push({ path: `${prefix}/${path}`, bytes: readFileSync(full) });
    }
  }
}

/**
 * onnxruntime-node and onnxruntime-common as installed with Lathe, cut to what runs on Linux x64 with
 * CommonJS: package.json, licences, the compiled JavaScript, and bin/napi-v6/linux/x64 (no other
 * platform's binaries, no sources, maps or typings), so the bundle runs offline from its folder; and
 * Apache Arrow's one-file build under vendor/ (outside node_modules, so GCF's npm install leaves it be).
 */
export function vendoredRuntime(): { files: BundleFile[]; onnxruntime: string } {
  const files: BundleFile[] = [];
  const node = packageFolder('onnxruntime-node');
  const common = packageFolder('onnxruntime-common');
  const licence = (path: string) => /^(LICEN[CS]E|NOTICE|ThirdPartyNotices)[^/]*$/i.test(path);
  const binary = join(node, 'bin', 'napi-v6', 'linux', 'x64');
  try {
    statSync(join(binary, 'onnxruntime_binding.node'));
  } catch {
    throw new LatheError('NOT_FOUND', `onnxruntime-node's Linux x64 binary is missing from ${binary}`, {
      file: binary,
    });
  }
  walk(
    node,
    node,
    (path) =>
      path === 'package.json' ||
      licence(path) ||
      (/^dist\/[^/]+\.js$/.test(path) && !path.endsWith('.map')) ||
      path.startsWith('bin/napi-v6/linux/x64/'),
    files,
    'node_modules/onnxruntime-node',
  );
  walk(
    common,
    common,
    (path) => path === 'package.json' || licence(path) || /^dist\/cjs\/.+\.(js|json)$/.test(path),
    files,
    'node_modules/onnxruntime-common',
  );
  // Apache Arrow's single-file build (its dependencies inlined) and its licence, for Arrow request bodies.
  const arrow = packageFolder('apache-arrow');
  for (const name of ['Arrow.es2015.min.js', 'LICENSE.txt', 'NOTICE.txt'])
    files.push({ path: `vendor/apache-arrow/${name}`, bytes: readFileSync(join(arrow, name)) });
  const version = (JSON.parse(readFileSync(join(node, 'package.json'), 'utf8')) as { version: string }).version;
  return { files, onnxruntime: version };
}

/** The bundle's package.json: CommonJS, the Node version, how to start and test it. */
export function packageJson(target: BundleTarget, name: string, version: number, onnxruntime: string): string {
  const base = {
    name: `${name.toLowerCase().replace(/[^a-z0-9._-]/g, '-')}-v${version}-${target}`,
    version: `${version}.0.0`,
    private: true,
    description: `Lathe bundle of ${name}@${version} (${target})`,
    type: 'commonjs',
    engines: { node: `>=${nodeMajor}` },
  };
  const scripts = { selftest: 'node selftest.js' };
  if (target === 'server')
    return (
      JSON.stringify({ ...base, main: 'server.js', scripts: { start: 'node server.js', ...scripts } }, null, 2) + '\n'
    );
  if (target === 'lambda') return JSON.stringify({ ...base, main: 'lambda.js', scripts }, null, 2) + '\n';
  return (
    JSON.stringify(
      {
        ...base,
        main: 'gcf.js',
        scripts: { start: 'functions-framework --target=predict', ...scripts },
        dependencies: { '@google-cloud/functions-framework': '^4.0.0', 'onnxruntime-node': onnxruntime },
      },
      null,
      2,
    ) + '\n'
  );
}

/** The server's Dockerfile: an official slim Node image, the bundle copied as it is, no install step. */
export function dockerfile(): string {
  return `# Lathe bundle: the model server on an official slim Node image. Everything it needs is in this folder
# (onnxruntime-node for Linux x64 is vendored in node_modules), so there is no npm install.
FROM node:${nodeMajor}-slim
WORKDIR /srv/model
COPY . .
RUN node selftest.js
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8080
EXPOSE 8080
USER node
HEALTHCHECK --interval=30s --timeout=3s CMD node -e "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/health').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "server.js"]
`;
}

/** What every bundle's README says, then what its target adds. */
export function readme(manifest: Omit<BundleManifest, 'files'>): string {
  const { model, target, schema } = manifest;
  const example = {
    rows: [
      Object.fromEntries(
        schema.input.fields.map((f) => [f.name, f.type === 'string' ? (f.categories?.[0] ?? 'text') : 0]),
      ),
    ],
  };
  const lines = [
    `# ${model.name}@${model.version} — Lathe bundle (${target})`,
    '',
    `Made by Lathe ${manifest.lathe} from model version ${model.name}@${model.version} (ONNX sha256 ${model.sha256}).`,
    'Everything it needs is in this folder: model.onnx, manifest.json (lineage, metrics, validation, schema and',
    'the SHA-256 of every file), golden.json (rows with the outputs Lathe gave them) and onnxruntime-node for',
    'Linux x64 in node_modules. It runs with plain `node` (20 or newer); nothing to install.',
    '',
    '## Check it',
    '',
    '    node selftest.js        # every file hash and every golden row; exit code 0 when all hold',
    '',
    '## Request and answer',
    '',
    '`POST /predict` takes rows or columns (one value per field and row; `null` is a missing value):',
    '',
    '    ' + JSON.stringify(example),
    '    {"columns": {' + schema.input.fields.map((f) => `"${f.name}": [...]`).join(', ') + '}}',
    '',
    'and answers in the same shape (`predictions` for rows, `columns` for columns) with these outputs:',
    schema.output.map((o) => `\`${o.name}\``).join(', ') + '.',
    'A field that is missing, unknown or of the wrong type is a 400 whose `error.field` names it.',
    '',
    'It also takes an Apache Arrow IPC stream (`Content-Type: application/vnd.apache.arrow.stream`): one column',
    'per field (numbers as any int, float or bool type; strings as utf8 or a dictionary of utf8, as a pandas',
    'categorical gives; nulls for missing values; one or more record batches), answered as an Arrow stream of',
    'the same output columns (JSON columns instead with `Accept: application/json`). No number is printed or',
    'parsed, which on a small model costs more than the scoring. From pandas:',
    '',
    '    import pyarrow as pa, requests',
    '    table = pa.Table.from_pandas(frame[[' +
      schema.input.fields.map((f) => `"${f.name}"`).join(', ') +
      ']], preserve_index=False)',
    '    sink = pa.BufferOutputStream()',
    '    with pa.ipc.new_stream(sink, table.schema) as writer:',
    '        writer.write_table(table)',
    '    answer = requests.post(url + "/predict", data=sink.getvalue().to_pybytes(),',
    '                           headers={"content-type": "application/vnd.apache.arrow.stream"})',
    '    scores = pa.ipc.open_stream(answer.content).read_pandas()',
    '',
    'Fields: ' + schema.input.fields.map((f) => `\`${f.name}\` (${f.type})`).join(', ') + '.',
    '',
  ];
  if (target === 'server')
    lines.push(
      '## Run it',
      '',
      '    node server.js                       # PORT (8080), HOST (0.0.0.0), MAX_BODY_BYTES (32 MiB)',
      '    docker build -t model . && docker run -p 8080:8080 model',
      '',
      'Routes: `POST /predict`, `GET /health`, `GET /metadata` (schema, version, metrics, lineage, validation),',
      '`GET /metrics` (Prometheus text: requests, latency histogram, errors, rows scored). SIGTERM or SIGINT',
      'stops accepting connections, finishes the requests in flight and exits 0.',
      '',
    );
  if (target === 'lambda')
    lines.push(
      '## Deploy it',
      '',
      `Upload the zip as an AWS Lambda function on the \`nodejs${nodeMajor}.x\` runtime, x86_64, handler`,
      '`lambda.handler`, behind an API Gateway proxy integration (REST API payload 1.0 or HTTP API 2.0).',
      'Give it at least 512 MB of memory. Routes as above: `POST /predict`, `GET /health`, `GET /metadata`',
      '(a stage prefix such as `/prod/predict` is fine). For Arrow bodies on a REST API, add',
      '`application/vnd.apache.arrow.stream` to its binary media types so the body arrives base64 (an HTTP API',
      'does this by itself); the Arrow answer goes back base64 with `isBase64Encoded`. Lambda sends at most 6 MB',
      'back: a larger answer is a 413 that says how many rows per request would fit.',
      '',
    );
  if (target === 'gcf')
    lines.push(
      '## Deploy it',
      '',
      `    gcloud functions deploy ${model.name.toLowerCase()} --gen2 --runtime nodejs${nodeMajor} \\`,
      '      --entry-point predict --trigger-http --memory 1Gi --source .',
      '',
      'Cloud Build installs the dependencies of package.json (the Functions Framework and onnxruntime-node).',
      'Locally: `npx @google-cloud/functions-framework --target=predict`. Routes: `POST /predict`,',
      '`GET /health`, `GET /metadata`.',
      '',
    );
  return lines.join('\n');
}

/** SHA-256 of bytes, hex. */
export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** One fixed time for every entry (local 2000-01-01 00:00, since a zip stores local DOS time). */
const fixedTime = new Date(2000, 0, 1, 0, 0, 0);
/** Regular file, rw-r--r--, in a zip's external attributes (upper 16 bits), made on Unix. */
const fileAttributes = 0o100644 * 0x10000;

/**
 * Zips the files deterministically: sorted by path, one timestamp, fixed attributes and compression
 * level. fflate compresses the files on worker threads, so the event loop stays free.
 */
export function deterministicZip(files: BundleFile[]): Promise<Uint8Array> {
  const entries: AsyncZippable = {};
  const sorted = [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  for (const file of sorted) {
    const options: AsyncZipOptions = { level: 6, mtime: fixedTime, os: 3, attrs: fileAttributes };
    entries[file.path] = [file.bytes, options];
  }
  return new Promise((resolve, reject) =>
    zip(entries, { level: 6, mtime: fixedTime }, (error, data) => (error ? reject(error) : resolve(data))),
  );
}
