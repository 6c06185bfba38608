'use strict';
/**
 * The Google Cloud Functions (2nd gen) entry of a Lathe bundle: registers the HTTP function `predict`
 * with the Functions Framework (`functions.http`), so `gcloud functions deploy NAME --gen2
 * --runtime nodejs20 --entry-point predict --trigger-http` serves POST /predict, GET /health and
 * GET /metadata. The framework parses a JSON body itself; the raw body is used when it did not (an
 * Arrow IPC stream arrives as bytes).
 */
const functions = require('@google-cloud/functions-framework');
const { loadBundle, route } = require('./model-runtime.js');

let loading;

functions.http('predict', async (request, response) => {
  loading = loading || loadBundle(__dirname);
  const bundle = await loading;
  const parsed = request.body !== undefined && request.body !== null && typeof request.body === 'object';
  const body = parsed && !Buffer.isBuffer(request.body) ? request.body : request.rawBody || request.body || '';
  const answer = await route(bundle, request.method, request.path, body, request.headers);
  response.status(answer.status).set(answer.headers).send(answer.body);
});
