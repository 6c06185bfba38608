/**
 * Preload for the zero-network test (`node --require this-file …`): Lathe promises it makes no request
 * beyond loopback, so this refuses every outbound connection at the socket level and records each attempt.
 * It patches the places every JavaScript network path goes through: net.Socket#connect (http, https,
 * fetch/undici, WebSocket, tls), dgram sends, and DNS lookups of names other than localhost. A refused
 * connection fails the way an offline machine fails it (ECONNREFUSED / ENOTFOUND), so the code under test
 * takes its real error path; the attempt is appended as one JSON line to $LATHE_NETWORK_LOG, which the test
 * reads. It is plain CommonJS so that Node preloads it without a loader in the main thread and in every
 * worker thread: workers inherit `--require` from the parent's execArgv, while Node 20 does not run
 * `--import` preloads in workers.
 */
'use strict';
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS on purpose: Node 20 runs --require preloads in workers, not --import ones */
const dgram = require('node:dgram');
const dns = require('node:dns');
const { appendFileSync } = require('node:fs');
const net = require('node:net');
const { threadId } = require('node:worker_threads');

const log = process.env.LATHE_NETWORK_LOG;
if (!log) throw new Error('refuse-network.cjs needs LATHE_NETWORK_LOG (the file it records attempts in)');

// Proves the preload ran in this thread, so an empty attempt list means "nothing tried", not "not hooked".
appendFileSync(log, JSON.stringify({ kind: 'hooked', pid: process.pid, threadId }) + '\n');

/** True for loopback addresses and names, which Lathe may use (lathe serve, the CLI talking to it). */
function isLoopback(host) {
  if (host === undefined || host === null || host === '') return true; // Node defaults to localhost.
  const name = String(host)
    .toLowerCase()
    .replace(/^\[|\]$/g, '');
  return (
    name === 'localhost' ||
    name.endsWith('.localhost') ||
    name === '::1' ||
    /^127\.\d+\.\d+\.\d+$/.test(name) ||
    /^::ffff:127\.\d+\.\d+\.\d+$/.test(name)
  );
}

function record(kind, target) {
  appendFileSync(
    log,
    JSON.stringify({ kind, target, pid: process.pid, threadId, stack: new Error().stack?.split('\n').slice(2, 8) }) +
      '\n',
  );
}

function refusal(code, syscall, target) {
  return Object.assign(new Error(`${syscall} ${code} ${target} (outbound network refused by the zero-network test)`), {
    code,
    errno: code === 'ENOTFOUND' ? -3008 : -111,
    syscall,
  });
}

/** The host and port of any of net.Socket#connect's call shapes; `path` means a local (Unix) socket. */
function targetOf(args) {
  const first = Array.isArray(args[0]) ? args[0][0] : args[0];
  if (first !== null && typeof first === 'object') {
    if (first.path !== undefined) return { local: true };
    return { host: first.host, port: first.port };
  }
  if (typeof first === 'string' && !/^\d+$/.test(first)) return { local: true }; // connect(path)
  return { host: typeof args[1] === 'string' ? args[1] : undefined, port: first };
}

const originalConnect = net.Socket.prototype.connect;
net.Socket.prototype.connect = function connect(...args) {
  const target = targetOf(args);
  if (target.local || isLoopback(target.host)) return originalConnect.apply(this, args);
  const where = `${target.host}:${target.port}`;
  record('connect', where);
  process.nextTick(() => this.destroy(refusal('ECONNREFUSED', 'connect', where)));
  return this;
};

const originalSend = dgram.Socket.prototype.send;
dgram.Socket.prototype.send = function send(...args) {
  const address = args.find((value, index) => index > 0 && typeof value === 'string');
  if (isLoopback(address)) return originalSend.apply(this, args);
  record('udp', String(address));
  const callback = args.find((value) => typeof value === 'function');
  if (callback) process.nextTick(() => callback(refusal('ECONNREFUSED', 'send', String(address))));
  return undefined;
};

const originalLookup = dns.lookup;
dns.lookup = function lookup(hostname, ...rest) {
  if (isLoopback(hostname)) return originalLookup.call(this, hostname, ...rest);
  record('dns', String(hostname));
  const callback = rest.find((value) => typeof value === 'function');
  process.nextTick(() => callback(refusal('ENOTFOUND', 'getaddrinfo', String(hostname))));
  return {};
};

const originalPromiseLookup = dns.promises.lookup;
dns.promises.lookup = function lookup(hostname, ...rest) {
  if (isLoopback(hostname)) return originalPromiseLookup.call(this, hostname, ...rest);
  record('dns', String(hostname));
  return Promise.reject(refusal('ENOTFOUND', 'getaddrinfo', String(hostname)));
};

for (const method of ['resolve', 'resolve4', 'resolve6', 'resolveAny', 'resolveTxt', 'resolveSrv']) {
  const original = dns[method];
  dns[method] = function resolve(hostname, ...rest) {
    if (isLoopback(hostname)) return original.call(this, hostname, ...rest);
    record('dns', String(hostname));
    const callback = rest.find((value) => typeof value === 'function');
    process.nextTick(() => callback(refusal('ENOTFOUND', 'query', String(hostname))));
    return undefined;
  };
}
