'use strict';
/**
 * The AWS Lambda entry of a Lathe bundle (handler `lambda.handler`, Node.js runtime) behind API Gateway:
 * a proxy event in (REST API payload 1.0: `httpMethod`, `path`; HTTP API payload 2.0:
 * `requestContext.http.method`, `rawPath`; a base64 body either way), a JSON answer out (an Arrow
 * answer, for an Arrow body, goes back base64 with `isBase64Encoded`). The model is loaded once per
 * execution environment, on the first event, and reused while the environment lives.
 */
const { loadBundle, route } = require('./model-runtime.js');

let loading;

/**
 * Lambda refuses a synchronous response over 6 MB (API Gateway then answers a bare 502). The envelope's
 * own keys count too, so an answer body is held to a little less.
 */
const maxAnswerBytes = 6 * 1024 * 1024 - 4096;

/** The method, path and body of an API Gateway proxy event of either payload version. */
function requestOf(event) {
  const http = event && event.requestContext && event.requestContext.http;
  const method = http ? http.method : event.httpMethod;
  const path = http ? event.rawPath : event.path;
  let body = event.body === undefined || event.body === null ? '' : event.body;
  // Bytes stay bytes: an Arrow body is binary, and a JSON one is decoded by the router.
  if (event.isBase64Encoded) body = Buffer.from(body, 'base64');
  return { method: String(method || 'GET').toUpperCase(), path: path || '/', body, headers: event.headers || {} };
}

/** Lambda's handler. */
async function handler(event) {
  loading = loading || loadBundle(__dirname);
  const bundle = await loading;
  const request = requestOf(event || {});
  const answer = await route(bundle, request.method, request.path, request.body, request.headers);
  const binary = typeof answer.body !== 'string';
  const body = binary ? Buffer.from(answer.body).toString('base64') : answer.body;
  const size = Buffer.byteLength(body);
  if (size > maxAnswerBytes) {
    // Said in a way the caller can act on: how many rows per request would fit.
    const fits = answer.rows ? Math.max(1, Math.floor((answer.rows * maxAnswerBytes) / size)) : 0;
    return {
      statusCode: 413,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        error: {
          code: 'PAYLOAD_TOO_LARGE',
          message: `the answer to ${answer.rows} rows is ${(size / 1048576).toFixed(1)} MB, over Lambda's 6 MB response limit: send at most about ${fits} rows per request`,
          field: null,
        },
      }),
      isBase64Encoded: false,
    };
  }
  return { statusCode: answer.status, headers: answer.headers, body, isBase64Encoded: binary };
}

module.exports = { handler, requestOf };
