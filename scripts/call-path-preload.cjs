/**
 * Preload for scripts/call-path.ts (given with --require through NODE_OPTIONS): records the whole call path,
 * async callers included, each time a statement whose SQL matches LATHE_TRACE_SQL runs. better-sqlite3's
 * Statement#run is wrapped, and the stack is taken through the inspector (Debugger async call stacks on), so
 * a synchronous pass-through that returned a promise still shows: Error#stack would only show `async` frames.
 * Each match is one JSON line in LATHE_TRACE_LOG: { sql, frames: [{ functionName, url }] (innermost first),
 * ran?: [url] }.
 */
'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS on purpose: a --require preload runs before any loader, and must patch the CommonJS better-sqlite3 the app imports */
const { isMainThread } = require('node:worker_threads');
const inspector = require('node:inspector');
const { appendFileSync } = require('node:fs');

const pattern = process.env.LATHE_TRACE_SQL ? new RegExp(process.env.LATHE_TRACE_SQL, 'i') : undefined;
const log = process.env.LATHE_TRACE_LOG;

if (isMainThread && pattern && log) {
  const session = new inspector.Session();
  session.connect();
  let pendingSql;
  let pendingRan;
  session.on('Runtime.consoleAPICalled', (message) => {
    if (pendingSql === undefined) return;
    const frames = [];
    for (let trace = message.params.stackTrace; trace; trace = trace.parent)
      for (const frame of trace.callFrames) frames.push({ functionName: frame.functionName, url: frame.url });
    appendFileSync(log, JSON.stringify({ sql: pendingSql, frames, ran: pendingRan }) + '\n');
    pendingSql = undefined;
  });
  // With LATHE_TRACE_REQUEST set, also every file whose code ran from the moment Node's HTTP server hands a
  // request over to the INSERT (V8's precise coverage, counters reset at each request): the path's side trips
  // (auth, body reading, checks) included.
  let takeCoverage;
  if (process.env.LATHE_TRACE_REQUEST) {
    session.post('Profiler.enable');
    session.post('Profiler.startPreciseCoverage', { callCount: true, detailed: false });
    takeCoverage = () => {
      let taken;
      session.post('Profiler.takePreciseCoverage', (error, result) => (taken = error ? undefined : result));
      return taken.result.filter((script) => script.functions.some((f) => f.ranges[0].count > 0)).map((s) => s.url);
    };
    const http = require('node:http');
    const emit = http.Server.prototype.emit;
    http.Server.prototype.emit = function (name, ...rest) {
      if (name === 'request') takeCoverage();
      return emit.call(this, name, ...rest);
    };
  }
  session.post('Runtime.enable');
  session.post('Debugger.enable');
  session.post('Debugger.setAsyncCallStackDepth', { maxDepth: 128 });

  const Database = require(
    require.resolve('better-sqlite3', { paths: [process.env.LATHE_TRACE_ROOT || process.cwd()] }),
  );
  const prepare = Database.prototype.prepare;
  let wrapped = false;
  Database.prototype.prepare = function (...args) {
    const statement = prepare.apply(this, args);
    if (!wrapped) {
      wrapped = true;
      const prototype = Object.getPrototypeOf(statement);
      const run = prototype.run;
      prototype.run = function (...values) {
        if (pattern.test(this.source)) {
          pendingSql = this.source;
          pendingRan = takeCoverage ? takeCoverage() : undefined;
          inspector.console.trace('lathe call path'); // Seen only by the session above; nothing is printed.
        }
        return run.apply(this, values);
      };
    }
    return statement;
  };
}
