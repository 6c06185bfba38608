/** MLflow's artifact proxy (PUT, GET, list) and artifacts/list: traversal tricks refused, nothing written outside the store. */
import { describe, expect, it } from 'vitest';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { call, get, startRun, useMlflowServer } from './testing/mlflow-server.js';

const server = useMlflowServer();

describe('artifacts through the proxy', () => {
  const proxy = '/api/2.0/mlflow-artifacts/artifacts';

  it('uploads with PUT, lists with artifacts/list and the proxy, downloads with GET', async () => {
    const { runId, experimentId } = await startRun('exp-artifacts');
    const root = `${proxy}/${experimentId}/${runId}/artifacts`;
    expect((await call('PUT', `${root}/model/config.json`, Buffer.from('{"layers": 3}'))).status).toBe(200);
    expect((await call('PUT', `${root}/notes%20v1.txt`, Buffer.from('hello'))).status).toBe(200);
    const listed = await get('artifacts/list', { run_id: runId, run_uuid: runId });
    expect(listed.json).toEqual({
      root_uri: `mlflow-artifacts:/${experimentId}/${runId}/artifacts`,
      files: [
        { path: 'model', is_dir: true },
        { path: 'notes v1.txt', is_dir: false, file_size: 5 },
      ],
    });
    const sub = await get('artifacts/list', { run_id: runId, path: 'model' });
    expect(sub.json.files).toEqual([{ path: 'model/config.json', is_dir: false, file_size: 13 }]);
    const proxied = await call(
      'GET',
      `${proxy}?path=${encodeURIComponent(`${experimentId}/${runId}/artifacts/model`)}`,
    );
    expect(proxied.json).toEqual({ files: [{ path: 'config.json', is_dir: false, file_size: 13 }] });
    const download = await call('GET', `${root}/model/config.json`);
    expect(download.status).toBe(200);
    expect(download.body).toBe('{"layers": 3}');
    expect(download.headers['content-type']).toBe('application/octet-stream');
    expect((await call('GET', `${root}/missing.txt`)).status).toBe(404);
    expect(
      (await call('GET', `/ajax-api/2.0/mlflow-artifacts/artifacts/${experimentId}/${runId}/artifacts/notes%20v1.txt`))
        .body,
    ).toBe('hello');
  });

  it('refuses every traversal and scheme trick with 400 and writes nothing outside the store', async () => {
    const { runId, experimentId } = await startRun('exp-evil');
    const root = `${proxy}/${experimentId}/${runId}/artifacts`;
    const before = readdirSync(server.home()).sort();
    const attacks = [
      `${root}/../../../../secret.txt`,
      `${root}/%2e%2e/%2e%2e/secret.txt`,
      `${root}/%252e%252e/secret.txt`,
      `${root}/a%2f..%2f..%2fsecret.txt`,
      `${root}/..%5c..%5csecret.txt`,
      `${root}/a\\..\\secret.txt`,
      `${root}//etc/passwd`,
      `${root}//proc/self/root/etc/passwd`,
      `${root}/%2Fetc%2Fpasswd`,
      `${root}/file:%2F%2F%2Fetc%2Fpasswd`,
      `${root}/file:/etc/passwd`,
      `${root}/a%23b`,
      `${root}/a;b`,
      `${root}/a%3Bb`,
      `${root}/C:%5Cwindows`,
      `${proxy}/${experimentId}/${runId}/../${runId}/artifacts/x`,
      `${proxy}/../../../secret.txt`,
      `${proxy}/${experimentId}/${runId}/notartifacts/x`,
    ];
    for (const path of attacks) {
      for (const method of ['PUT', 'GET']) {
        const reply = await call(method, path, method === 'PUT' ? Buffer.from('pwned') : undefined);
        expect(reply.status, `${method} ${path}`).toBe(400);
        expect(reply.body).not.toContain('outside every artifact root');
      }
    }
    for (const path of [
      '../secret.txt',
      '%2e%2e/secret.txt',
      '/etc/passwd',
      'a/../../b',
      'file:///etc/passwd',
      's3://bucket/x',
    ]) {
      expect((await get('artifacts/list', { run_id: runId, path })).status, path).toBe(400);
      expect(
        (await call('GET', `${proxy}?path=${encodeURIComponent(`${experimentId}/${runId}/artifacts/${path}`)}`)).status,
        path,
      ).toBe(400);
    }
    expect(readdirSync(server.home()).sort()).toEqual(before);
    expect(existsSync(join(server.home(), 'pwned'))).toBe(false);
    expect((await get('artifacts/list', { run_id: runId })).json.files).toEqual([]);
  });

  it('answers 404 for unknown runs or a run under the wrong experiment', async () => {
    const { runId } = await startRun('exp-wrong');
    expect((await call('PUT', `${proxy}/0/${runId}/artifacts/x.txt`, Buffer.from('x'))).status).toBe(404);
    expect((await call('PUT', `${proxy}/0/${'a'.repeat(32)}/artifacts/x.txt`, Buffer.from('x'))).status).toBe(404);
  });
});
