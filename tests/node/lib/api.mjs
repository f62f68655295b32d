// Small helpers for raw requests against a started anteroom server.
//
// - apiFetch(): global fetch with `Authorization: <key>` (the raw key, no "Bearer").
// - rawRequest(): node:http with exactly the headers given (plus Host/Connection and
//   Content-Length or Transfer-Encoding), for replaying what an SDK puts on the wire.

import http from 'node:http';
import https from 'node:https';
import zlib from 'node:zlib';

/** Parses a body as JSON when it looks like JSON; returns undefined for an empty body. */
function parseJson(text) {
  if (text === '') return undefined;
  try { return JSON.parse(text); } catch { return undefined; }
}

/**
 * fetch() against server.apiUrl + path, with the API key unless `auth: false`.
 * Returns { status, headers, contentType, text, json }.
 */
export async function apiFetch(server, path, { auth = true, headers = {}, ...init } = {}) {
  const h = new Headers(headers);
  if (auth && !h.has('authorization')) h.set('authorization', server.apiKey);
  const res = await fetch(server.apiUrl + path, { ...init, headers: h, signal: AbortSignal.timeout(15_000) });
  const text = await res.text();
  return {
    status: res.status,
    headers: Object.fromEntries(res.headers),
    contentType: res.headers.get('content-type') ?? '',
    text,
    json: parseJson(text),
  };
}

/**
 * One HTTP request with full control over the wire format.
 * @param {string} url
 * @param {object} [opts]
 * @param {string} [opts.method]
 * @param {Record<string,string>} [opts.headers] - sent as given, nothing added
 * @param {string|Buffer} [opts.body] - omitted: no body at all
 * @param {boolean} [opts.chunked] - send the body with Transfer-Encoding: chunked (like
 *   node:https req.write(); req.end(), which the Node SDK does), instead of Content-Length
 * @returns {Promise<{status:number, headers:Record<string,string>, contentType:string, text:string, json:any}>}
 */
export function rawRequest(url, { method = 'GET', headers = {}, body, chunked = false, timeoutMs = 15_000 } = {}) {
  const u = new URL(url);
  const mod = u.protocol === 'https:' ? https : http;
  const h = { ...headers };
  if (body !== undefined && !chunked) h['Content-Length'] = String(Buffer.byteLength(body));
  return new Promise((resolve, reject) => {
    const req = mod.request(
      {
        method,
        hostname: u.hostname,
        port: u.port,
        path: u.pathname + u.search,
        headers: h,
        timeout: timeoutMs,
      },
      (res) => {
        const enc = (res.headers['content-encoding'] || '').toLowerCase();
        let stream = res;
        if (enc === 'gzip') stream = res.pipe(zlib.createGunzip());
        else if (enc === 'deflate') stream = res.pipe(zlib.createInflate());
        else if (enc === 'br') stream = res.pipe(zlib.createBrotliDecompress());
        const chunks = [];
        stream.on('data', (c) => chunks.push(c));
        stream.on('error', reject);
        stream.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({
            status: res.statusCode,
            headers: res.headers,
            contentType: res.headers['content-type'] ?? '',
            text,
            json: parseJson(text),
          });
        });
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs} ms: ${method} ${url}`)));
    req.on('error', reject);
    if (body !== undefined && chunked) req.write(body);
    if (body !== undefined && !chunked) req.end(body);
    else req.end();
  });
}

/** A one-line description of a request/response pair for assertion messages. */
export function describe(req, res) {
  const body = req.body === undefined ? '' : ` body=${JSON.stringify(String(req.body)).slice(0, 400)}`;
  const got = res ? ` -> ${res.status} ${res.contentType} ${res.text.slice(0, 600)}` : '';
  return `${req.method} ${req.url} headers=${JSON.stringify(req.headers ?? {})}${body}${got}`;
}
