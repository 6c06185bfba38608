/**
 * Runs a native-library probe (Dawn, ONNX Runtime's WebGPU) away from Lathe's own thread, with a timeout,
 * so a driver that crashes or hangs cannot take Lathe down. Under Node (the CLI, `lathe serve`, tests) it is
 * a child process. Under Electron it is a worker thread: the packaged app turns the runAsNode fuse off, so
 * its binary cannot be started as plain Node, and a timed-out worker is terminated.
 */
import { execFile } from 'node:child_process';
import { Worker } from 'node:worker_threads';

/**
 * Runs `body`, the text of an async function body that gets `args` and returns a JSON-able answer (it may
 * `await import(...)` by absolute file URL). Resolves with the answer, or with `{ failed: why }`.
 */
export function runIsolated<Answer>(
  body: string,
  args: unknown[],
  timeoutMs: number,
  where: 'child' | 'worker' = process.versions.electron ? 'worker' : 'child',
): Promise<Answer | { failed: string }> {
  return where === 'worker' ? inWorker(body, args, timeoutMs) : inChild(body, args, timeoutMs);
}

function inChild<Answer>(body: string, args: unknown[], timeoutMs: number): Promise<Answer | { failed: string }> {
  const script = `const run = async (args) => { ${body} };
run(JSON.parse(process.argv[1])).then(
  (answer) => { console.log(JSON.stringify({ answer })); process.exit(0); },
  (error) => { console.log(JSON.stringify({ failed: String((error && error.message) || error).split('\\n')[0] })); process.exit(0); },
);`;
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--input-type=module', '-e', script, JSON.stringify(args)],
      { timeout: timeoutMs, encoding: 'utf8', maxBuffer: 1 << 20 },
      (error, stdout) => {
        try {
          const parsed = JSON.parse(stdout.trim().split('\n').at(-1) ?? '') as { answer: Answer } | { failed: string };
          resolve('answer' in parsed ? parsed.answer : parsed);
        } catch {
          resolve({
            failed: error?.killed
              ? `no answer within ${timeoutMs} ms`
              : `the probe stopped (${error?.signal ?? `exit code ${error?.code ?? '?'}`})`,
          });
        }
      },
    );
  });
}

function inWorker<Answer>(body: string, args: unknown[], timeoutMs: number): Promise<Answer | { failed: string }> {
  const script = `const { parentPort, workerData } = require('node:worker_threads');
const run = async (args) => { ${body} };
run(workerData).then(
  (answer) => parentPort.postMessage({ answer }),
  (error) => parentPort.postMessage({ failed: String((error && error.message) || error).split('\\n')[0] }),
);`;
  return new Promise((resolve) => {
    const worker = new Worker(script, { eval: true, workerData: args });
    const finish = (value: Answer | { failed: string }) => {
      clearTimeout(timer);
      resolve(value);
      void worker.terminate();
    };
    const timer = setTimeout(() => finish({ failed: `no answer within ${timeoutMs} ms` }), timeoutMs);
    worker.once('message', (message: { answer: Answer } | { failed: string }) =>
      finish('answer' in message ? message.answer : message),
    );
    worker.once('error', (error) => finish({ failed: error.message.split('\n')[0] ?? 'the probe failed' }));
    worker.once('exit', (code) => finish({ failed: `the probe stopped (exit code ${code})` }));
  });
}
