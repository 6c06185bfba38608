'use strict';
/**
 * The dedicated-server entry of a Lathe bundle: `node server.js` serves the model over HTTP with Node's
 * own http module (no framework to install). POST /predict (JSON, or an Arrow IPC stream), GET /health, GET /metadata come from
 * model-runtime.js (shared with the serverless entries); GET /metrics is Prometheus text (requests,
 * a latency histogram, errors). SIGTERM/SIGINT stop accepting, finish what is in flight, then exit 0.
 * Settings: PORT (default 8080; 0 picks a free one), HOST (default 0.0.0.0), MAX_BODY_BYTES (32 MiB).
 */
const http = require('node:http');
const { loadBundle, route } = require('./model-runtime.js');

const host = process.env.HOST || '0.0.0.0';
const port = Number(process.env.PORT === undefined ? 8080 : process.env.PORT);
const maxBodyBytes = Number(process.env.MAX_BODY_BYTES || 32 * 1024 * 1024);
/** Latency histogram bounds in seconds (Prometheus' client defaults, which cover 5 ms to 10 s). */
const buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Counters kept per route and status, rendered as Prometheus text exposition format 0.0.4. */
function createMetrics() {
  const requests = new Map();
  const errors = new Map();
  const histogram = new Map();
  let rowsScored = 0;
  let inFlight = 0;
  const key = (labels) =>
    Object.entries(labels)
      .map(([k, v]) => `${k}="${String(v).replace(/["\\\n]/g, '_')}"`)
      .join(',');
  return {
    /** A request (other than /metrics) started or ended. */
    started() {
      inFlight++;
    },
    ended() {
      inFlight--;
    },
    observe(routeName, method, status, seconds, rows) {
      const labels = key({ route: routeName, method, status });
      requests.set(labels, (requests.get(labels) || 0) + 1);
      if (status >= 400) {
        const errorLabels = key({ route: routeName, status });
        errors.set(errorLabels, (errors.get(errorLabels) || 0) + 1);
      }
      const routeLabels = key({ route: routeName });
      let entry = histogram.get(routeLabels);
      if (!entry) histogram.set(routeLabels, (entry = { counts: new Array(buckets.length).fill(0), sum: 0, count: 0 }));
      buckets.forEach((bound, i) => {
        if (seconds <= bound) entry.counts[i]++;
      });
      entry.sum += seconds;
      entry.count++;
      rowsScored += rows;
    },
    render() {
      const lines = [
        '# HELP lathe_requests_total Requests answered, by route, method and status.',
        '# TYPE lathe_requests_total counter',
      ];
      for (const [labels, value] of requests) lines.push(`lathe_requests_total{${labels}} ${value}`);
      lines.push('# HELP lathe_request_errors_total Requests answered with a 4xx or 5xx status.');
      lines.push('# TYPE lathe_request_errors_total counter');
      for (const [labels, value] of errors) lines.push(`lathe_request_errors_total{${labels}} ${value}`);
      lines.push('# HELP lathe_request_duration_seconds Time from the request to its answer.');
      lines.push('# TYPE lathe_request_duration_seconds histogram');
      for (const [labels, entry] of histogram) {
        buckets.forEach((bound, i) =>
          lines.push(`lathe_request_duration_seconds_bucket{${labels},le="${bound}"} ${entry.counts[i]}`),
        );
        lines.push(`lathe_request_duration_seconds_bucket{${labels},le="+Inf"} ${entry.count}`);
        lines.push(`lathe_request_duration_seconds_sum{${labels}} ${entry.sum}`);
        lines.push(`lathe_request_duration_seconds_count{${labels}} ${entry.count}`);
      }
      lines.push('# HELP lathe_requests_in_flight Requests being read or answered now (not counting /metrics).');
      lines.push('# TYPE lathe_requests_in_flight gauge');
      lines.push(`lathe_requests_in_flight ${inFlight}`);
      lines.push('# HELP lathe_rows_scored_total Rows scored by POST /predict.');
      lines.push('# TYPE lathe_rows_scored_total counter');
      lines.push(`lathe_rows_scored_total ${rowsScored}`);
      return lines.join('\n') + '\n';
    },
  };
}

/** Reads a request body up to the limit; null when it is larger. */
function readBody(request) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    let size = 0;
    let tooLarge = false;
    request.on('data', (chunk) => {
      size += chunk.length;
      if (size > maxBodyBytes) tooLarge = true;
      else chunks.push(chunk);
    });
    request.on('end', () => resolve(tooLarge ? null : Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

async function main() {
  const bundle = await loadBundle(__dirname);
  const metrics = createMetrics();
  let stopping = false;
  const server = http.createServer(async (request, response) => {
    const started = process.hrtime.bigint();
    const pathname = (request.url || '/').split('?')[0];
    let answer;
    let rows = 0;
    if (pathname === '/metrics' && request.method === 'GET') {
      answer = { status: 200, headers: { 'content-type': 'text/plain; version=0.0.4' }, body: metrics.render() };
    } else {
      metrics.started();
      // A client that goes away mid-body ends its request here; it is answered (to nobody) like a bad one.
      const body = request.method === 'POST' ? await readBody(request).catch(() => undefined) : '';
      if (body === undefined) {
        answer = {
          status: 400,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ error: { code: 'BAD_INPUT', message: 'the request body was cut off', field: null } }),
        };
      } else if (body === null) {
        answer = {
          status: 413,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            error: { code: 'PAYLOAD_TOO_LARGE', message: `the body is over ${maxBodyBytes} bytes`, field: null },
          }),
        };
      } else {
        answer = await route(bundle, request.method, pathname, body, request.headers);
        rows = answer.rows || 0;
      }
      metrics.ended();
    }
    const headers = { ...answer.headers, 'content-length': Buffer.byteLength(answer.body) };
    if (stopping) headers.connection = 'close';
    response.writeHead(answer.status, headers);
    response.end(answer.body);
    const known = ['/predict', '/health', '/metadata', '/metrics'].includes(pathname) ? pathname : 'other';
    metrics.observe(known, request.method, answer.status, Number(process.hrtime.bigint() - started) / 1e9, rows);
  });
  server.keepAliveTimeout = 5000;
  server.listen(port, host, () => {
    const address = server.address();
    process.stdout.write(
      `${bundle.manifest.model.name}@${bundle.manifest.model.version} listening on http://${host}:${address.port}\n`,
    );
  });
  const stop = (signal) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`${signal}: finishing requests in flight, then exiting\n`);
    // No new connections; idle keep-alive ones close now, busy ones after their answer.
    server.close(async () => {
      await bundle.release();
      process.stdout.write('stopped\n');
      process.exit(0);
    });
    server.closeIdleConnections();
    setTimeout(() => {
      process.stderr.write('requests still open after 10 s; exiting anyway\n');
      process.exit(1);
    }, 10000).unref();
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

main().catch((error) => {
  process.stderr.write(`cannot start: ${error && error.stack ? error.stack : error}\n`);
  process.exit(1);
});
