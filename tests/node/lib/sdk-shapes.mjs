// The request shapes the official Eyeson clients put on the wire, read from their
// sources (never copied): each builder returns a request descriptor
// { method, url, headers, body?, chunked? } for lib/api.mjs rawRequest().
//
// Sources read (newest snapshots):
//   eyeson-team/eyeson-node @ edfb2fa (package "@eyeson/node" 1.5.2; NOT published on npm
//     under any name we could find: @eyeson/node, eyeson-node, node-eyeson, eyeson-sdk ... all 404)
//   eyeson-team/eyeson-go   @ 066c524
//   eyeson-team/eyeson-php  @ 4a69250
//   eyeson-team/eyeson-ruby @ 5e41c2f
//   npm "eyeson" 1.9.6 (package/src/ComApi.js, package/src/eyeson.js, package/src/events/*.js)

import { randomAlnum } from './server.mjs';

// ---------------------------------------------------------------------------
// Encoders
// ---------------------------------------------------------------------------

/** Go url.QueryEscape: unreserved [A-Za-z0-9-_.~] stay, space -> '+', rest %XX (upper hex). */
function goEscape(s) {
  return Array.from(Buffer.from(String(s), 'utf8'))
    .map((b) => {
      const c = String.fromCharCode(b);
      if (/[A-Za-z0-9\-_.~]/.test(c)) return c;
      if (c === ' ') return '+';
      return '%' + b.toString(16).toUpperCase().padStart(2, '0');
    })
    .join('');
}

/**
 * eyeson-go eyeson.go NewRequest: `data.Encode()` of url.Values, i.e. keys sorted,
 * brackets percent-encoded (`user%5Bname%5D=Ann+Host`).
 * @param {Array<[string,string]>} pairs
 */
export function goFormEncode(pairs) {
  const byKey = new Map();
  for (const [k, v] of pairs) {
    if (!byKey.has(k)) byKey.set(k, []);
    byKey.get(k).push(v);
  }
  return [...byKey.keys()]
    .sort()
    .flatMap((k) => byKey.get(k).map((v) => `${goEscape(k)}=${goEscape(v)}`))
    .join('&');
}

/** PHP urlencode (used by http_build_query): only [A-Za-z0-9-_.] stay, space -> '+'. */
function phpUrlencode(s) {
  return Array.from(Buffer.from(String(s), 'utf8'))
    .map((b) => {
      const c = String.fromCharCode(b);
      if (/[A-Za-z0-9\-_.]/.test(c)) return c;
      if (c === ' ') return '+';
      return '%' + b.toString(16).toUpperCase().padStart(2, '0');
    })
    .join('');
}

/**
 * eyeson-php src/Utils/Request.php deliver(): http_build_query(ensureBooleans($params)), then
 * preg_replace('/%5B[0-9]+%5D/', '%5B%5D') (so list indices become `[]`). ensureBooleans maps
 * top-level true/false to "true"/"false"; nested arrays are walked by http_build_query (which
 * would turn nested booleans into "1"/"0"); null values are skipped by http_build_query.
 * @param {Record<string, any>} params - insertion order is kept, like a PHP array
 */
export function phpFormEncode(params) {
  const out = [];
  const walk = (prefix, value, top) => {
    if (value === null || value === undefined) return;
    if (top && value === true) value = 'true';
    if (top && value === false) value = 'false';
    if (value === true) value = '1';
    if (value === false) value = '0';
    if (Array.isArray(value)) value = Object.fromEntries(value.map((v, i) => [String(i), v]));
    if (typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) walk(`${prefix}[${k}]`, v, false);
      return;
    }
    out.push(`${phpUrlencode(prefix)}=${phpUrlencode(value)}`);
  };
  for (const [k, v] of Object.entries(params)) walk(k, v, true);
  return out.join('&').replace(/%5B[0-9]+%5D/g, '%5B%5D');
}

/**
 * multipart/form-data as Chromium serialises a FormData (boundary `----WebKitFormBoundary` +
 * 16 alphanumerics). An empty FormData gives just the closing delimiter.
 * @param {Array<[string,string]>} fields
 */
export function browserMultipart(fields) {
  const boundary = `----WebKitFormBoundary${randomAlnum(16)}`;
  let body = '';
  for (const [name, value] of fields) {
    body += `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
  }
  body += `--${boundary}--\r\n`;
  return { contentType: `multipart/form-data; boundary=${boundary}`, body };
}

/**
 * eyeson npm 1.9.6 ComApi.js `_objectToFormData`: top-level keys as is; a nested object's keys
 * become `<parent property>[<key>]` (only ONE level of namespace: the recursion passes the bare
 * property name, so a third level loses its grandparent); non-object values are appended as
 * strings, so `undefined` becomes the text "undefined".
 */
export function browserLibFormFields(obj, namespace) {
  const fields = [];
  for (const prop of Object.keys(obj ?? {})) {
    const key = namespace ? `${namespace}[${Number.isNaN(parseInt(prop, 10)) ? prop : ''}]` : prop;
    const v = obj[prop];
    if (typeof v === 'object' && v !== null) fields.push(...browserLibFormFields(v, prop));
    else fields.push([key, String(v)]);
  }
  return fields;
}

/** Flattens nested input into bracketed [key, string] pairs (`options[custom_fields][locale]`). */
export function bracketPairs(obj, prefix = '') {
  const pairs = [];
  for (const [k, v] of Object.entries(obj)) {
    const key = prefix ? `${prefix}[${k}]` : k;
    if (v === undefined || v === null) continue;
    if (Array.isArray(v)) for (const item of v) pairs.push([`${key}[]`, String(item)]);
    else if (typeof v === 'object') pairs.push(...bracketPairs(v, key));
    else pairs.push([key, String(v)]);
  }
  return pairs;
}

// ---------------------------------------------------------------------------
// Shapes. Each takes the server ({apiUrl, apiKey}) and returns request builders.
// "SDK call" marks a request the SDK really makes; "conventions" marks a step the SDK has no
// method for, sent with that SDK's encoding and headers so the flows stay comparable.
// ---------------------------------------------------------------------------

const BROWSER_ORIGIN = 'http://127.0.0.1:9';
const BROWSER_UA =
  'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36';

export const shapes = {
  // eyeson-node src/client.js: node:https request, every request carries
  // `Content-Type: application/json` (GET and DELETE too), `Authorization: <key>` only on the
  // key-holding client; bodies are `req.write(JSON.stringify(data)); req.end()`, i.e.
  // Transfer-Encoding: chunked with no Content-Length; no User-Agent and no Accept header.
  // NOTE: client.js uses node:https with a bare hostname (port 443), so the real SDK cannot
  // reach a plain-HTTP or non-443 server at all; we replay its wire format over http.
  'node-sdk': (srv) => {
    const keyed = { 'Content-Type': 'application/json', Authorization: srv.apiKey };
    const anon = { 'Content-Type': 'application/json' };
    return {
      // SDK call: src/permalink.js PermalinkAPI.create(username, params) posts
      // `{ user, ...params }` where user = { name: username, ...params.user }. Because the
      // spread puts params.user back over the merged user, the caller must repeat the name
      // inside params.user to send a custom id (we do, as a working app must).
      createPermalink: (input) => ({
        method: 'POST', url: `${srv.apiUrl}/permalink`, headers: keyed, chunked: true,
        body: JSON.stringify({ user: input.user, name: input.name, options: input.options, expires_at: input.expires_at }),
      }),
      // SDK call: PermalinkAPI.getbyId -> GET /permalink/<id>
      getPermalink: (id) => ({ method: 'GET', url: `${srv.apiUrl}/permalink/${id}`, headers: keyed }),
      // SDK call: PermalinkAPI.delete -> DELETE /permalink/<id> (accepts 200/201/204)
      deletePermalink: (id) => ({ method: 'DELETE', url: `${srv.apiUrl}/permalink/${id}`, headers: keyed }),
      // conventions: the Node SDK has no meeting-info call (Permalink.started reads
      // data.room.started_at of getbyId); sent like its unauthenticated client would.
      meetingInfo: (token) => ({ method: 'GET', url: `${srv.apiUrl}/permalink/${token}`, headers: anon }),
      // SDK call: PermalinkAPI.joinMeeting -> `new Client({hostname})` (no key) .post(path)
      // with no data: Content-Type application/json and Content-Length: 0 (empty body).
      startPermalink: (userToken) => ({ method: 'POST', url: `${srv.apiUrl}/permalink/${userToken}`, headers: anon }),
      // SDK call: PermalinkAPI.registerGuest(username, guestToken, params) posts
      // `{ name, ...params }` as JSON without a key.
      registerGuest: (guestToken, guest) => ({
        method: 'POST', url: `${srv.apiUrl}/guests/${guestToken}`, headers: anon, chunked: true,
        body: JSON.stringify({ name: guest.name, custom_fields: { locale: guest.locale } }),
      }),
      // SDK call: Eyeson.getAllCurrentMeetings -> GET /rooms
      listRooms: () => ({ method: 'GET', url: `${srv.apiUrl}/rooms`, headers: keyed }),
      // SDK call: User.waitReady -> GET /rooms/<access_key> (client without key)
      getRoom: (accessKey) => ({ method: 'GET', url: `${srv.apiUrl}/rooms/${accessKey}`, headers: anon }),
      // SDK call: User.stopMeeting -> DELETE /rooms/<access_key> (client without key)
      stopMeeting: (accessKey) => ({ method: 'DELETE', url: `${srv.apiUrl}/rooms/${accessKey}`, headers: anon }),
      // SDK call: Eyeson.join(username, roomId, params) posts `{ id, name, user, options }`.
      createRoom: (input) => ({
        method: 'POST', url: `${srv.apiUrl}/rooms`, headers: keyed, chunked: true,
        body: JSON.stringify({ id: input.id, name: input.name, user: input.user, options: input.options }),
      }),
    };
  },

  // eyeson-go eyeson.go NewRequest: POST/PUT bodies are `data.Encode()` (form-urlencoded,
  // keys sorted, brackets percent-encoded) with `Content-Type: application/x-www-form-urlencoded`;
  // every request has `Accept: application/json` and `User-Agent: eyeson-go`;
  // `Authorization: <key>` only when the client holds a key (UserClient() has none).
  // Go's transport adds `Accept-Encoding: gzip` and sends `Content-Length: 0` for a POST
  // without data. The Go SDK has NO permalink API, so the permalink steps use its conventions.
  'go-sdk': (srv) => {
    const base = { Accept: 'application/json', 'User-Agent': 'eyeson-go', 'Accept-Encoding': 'gzip' };
    const keyed = { ...base, Authorization: srv.apiKey };
    const form = { 'Content-Type': 'application/x-www-form-urlencoded' };
    return {
      // conventions (no Go permalink API): like rooms_service.go Join, which sets
      // "user[name]" and copies the caller's options map ("options[widescreen]": "true", ...).
      createPermalink: (input) => ({
        method: 'POST', url: `${srv.apiUrl}/permalink`, headers: { ...form, ...keyed },
        body: goFormEncode(bracketPairs({ user: input.user, name: input.name, options: input.options, expires_at: input.expires_at })),
      }),
      getPermalink: (id) => ({ method: 'GET', url: `${srv.apiUrl}/permalink/${id}`, headers: keyed }),
      deletePermalink: (id) => ({ method: 'DELETE', url: `${srv.apiUrl}/permalink/${id}`, headers: keyed }),
      meetingInfo: (token) => ({ method: 'GET', url: `${srv.apiUrl}/permalink/${token}`, headers: base }),
      startPermalink: (userToken) => ({
        method: 'POST', url: `${srv.apiUrl}/permalink/${userToken}`, headers: { ...form, ...base }, body: '',
      }),
      // SDK call shape: rooms_service.go GuestJoin sets name, id?, avatar? (no locale field).
      registerGuest: (guestToken, guest) => ({
        method: 'POST', url: `${srv.apiUrl}/guests/${guestToken}`, headers: { ...form, ...keyed },
        body: goFormEncode([['name', guest.name]]),
      }),
      // SDK call: rooms_service.go GetCurrentMeetings -> GET /rooms, decoded into []RoomInfo
      listRooms: () => ({ method: 'GET', url: `${srv.apiUrl}/rooms`, headers: keyed }),
      // SDK call: user_service.go updateRoomData (UserClient, no key), decoded into RoomResponse
      getRoom: (accessKey) => ({ method: 'GET', url: `${srv.apiUrl}/rooms/${accessKey}`, headers: base }),
      // SDK call: user_service.go StopMeeting -> DELETE /rooms/<access_key> (UserClient)
      stopMeeting: (accessKey) => ({ method: 'DELETE', url: `${srv.apiUrl}/rooms/${accessKey}`, headers: base }),
      // SDK call: rooms_service.go Join(id, user, options map[string]string)
      createRoom: (input) => ({
        method: 'POST', url: `${srv.apiUrl}/rooms`, headers: { ...form, ...keyed },
        body: goFormEncode(bracketPairs({ id: input.id, user: { name: input.user.name }, 'user[id]': input.user.id, name: input.name, options: input.options })),
      }),
    };
  },

  // eyeson-php src/Utils/Request.php deliver(): curl with CURLOPT_POSTFIELDS set to the
  // http_build_query string (so curl adds `Content-Type: application/x-www-form-urlencoded`),
  // `User-Agent: eyeson-php`, curl's default `Accept: */*`, and `Authorization: <key>` when
  // $requireAuth and a key is configured. Booleans go out as "true"/"false".
  'php-sdk': (srv) => {
    const base = { 'User-Agent': 'eyeson-php', Accept: '*/*' };
    const keyed = { ...base, Authorization: srv.apiKey };
    const form = { 'Content-Type': 'application/x-www-form-urlencoded' };
    // src/Resource/Room.php setOptions/prefix: options listed in OPTIONS become
    // options[<k>], the CUSTOM_OPTIONS (locale, logo, hide_chat, ...) become
    // options[custom_fields][<k>]; anything else is dropped.
    const phpOptions = (options) => {
      const out = {};
      for (const [k, v] of Object.entries(options)) {
        if (k === 'custom_fields') for (const [ck, cv] of Object.entries(v)) out[`options[custom_fields][${ck}]`] = cv;
        else out[`options[${k}]`] = v;
      }
      return out;
    };
    return {
      // SDK call: src/Resource/PermalinkAPI.php create($user, $options): params =
      // array_merge(prefix(user), ['id' => null, 'name' => ..., options...]) + expires_at.
      createPermalink: (input) => ({
        method: 'POST', url: `${srv.apiUrl}/permalink`, headers: { ...form, ...keyed },
        body: phpFormEncode({
          'user[name]': input.user.name, 'user[id]': input.user.id,
          id: null, name: input.name, ...phpOptions(input.options), expires_at: input.expires_at,
        }),
      }),
      // SDK call: PermalinkAPI.php getById -> GET /permalink/<id> with the key
      getPermalink: (id) => ({ method: 'GET', url: `${srv.apiUrl}/permalink/${id}`, headers: keyed }),
      // SDK call: PermalinkAPI.php delete -> Api::delete('/permalink/'.$id, 200): only 200 counts
      deletePermalink: (id) => ({ method: 'DELETE', url: `${srv.apiUrl}/permalink/${id}`, headers: keyed }),
      // conventions: no PHP meeting-info call; sent without the key like joinMeeting.
      meetingInfo: (token) => ({ method: 'GET', url: `${srv.apiUrl}/permalink/${token}`, headers: base }),
      // SDK call: PermalinkAPI.php joinMeeting -> post('/permalink/'.$userToken, [], false):
      // an empty form body (Content-Length: 0) and no Authorization.
      startPermalink: (userToken) => ({
        method: 'POST', url: `${srv.apiUrl}/permalink/${userToken}`, headers: { ...form, ...base }, body: '',
      }),
      // SDK call: PermalinkAPI.php registerGuest($user, $guestToken, $options) posts the
      // user array (+ options) without the key: name=...&custom_fields%5Blocale%5D=...
      registerGuest: (guestToken, guest) => ({
        method: 'POST', url: `${srv.apiUrl}/guests/${guestToken}`, headers: { ...form, ...base },
        body: phpFormEncode({ name: guest.name, custom_fields: { locale: guest.locale } }),
      }),
      // SDK call: Eyeson.php getAllCurrentMeetings -> GET /rooms
      listRooms: () => ({ method: 'GET', url: `${srv.apiUrl}/rooms`, headers: keyed }),
      // SDK call: Eyeson.php getRoomDetails -> get('/rooms/'.$accessKey, false)
      getRoom: (accessKey) => ({ method: 'GET', url: `${srv.apiUrl}/rooms/${accessKey}`, headers: base }),
      // SDK call: Eyeson.php shutdown('<accessKey>') on a client configured with an API key:
      // Resource/Room.php destroy() -> Api::delete('/rooms/'.$id) with $requireAuth = true,
      // so DELETE /rooms/<access_key> arrives WITH `Authorization: <key>`.
      stopMeeting: (accessKey) => ({ method: 'DELETE', url: `${srv.apiUrl}/rooms/${accessKey}`, headers: keyed }),
      // SDK call: Eyeson.php join($user, $id, $options) -> Resource/Room.php join()
      createRoom: (input) => ({
        method: 'POST', url: `${srv.apiUrl}/rooms`, headers: { ...form, ...keyed },
        body: phpFormEncode({
          'user[name]': input.user.name, 'user[id]': input.user.id,
          id: input.id, name: input.name, ...phpOptions(input.options),
        }),
      }),
    };
  },

  // npm eyeson 1.9.6 src/ComApi.js: fetch() from the page's origin; `_post` sends a FormData
  // (multipart/form-data) built by `_objectToFormData`; no Authorization header ever (the lib
  // never holds an API key); `_request` returns JSON only if the response Content-Type contains
  // application/json. The lib has no create/read calls: those steps use multipart with the key.
  'browser-lib': (srv) => {
    const base = { Origin: BROWSER_ORIGIN, Referer: `${BROWSER_ORIGIN}/`, 'User-Agent': BROWSER_UA, Accept: '*/*' };
    const mp = (fields, headers = base) => {
      const { contentType, body } = browserMultipart(fields);
      return { headers: { ...headers, 'Content-Type': contentType }, body };
    };
    return {
      // conventions: multipart with bracketed keys and the key header.
      createPermalink: (input) => ({
        method: 'POST', url: `${srv.apiUrl}/permalink`,
        ...mp(bracketPairs({ user: input.user, name: input.name, options: input.options, expires_at: input.expires_at }),
          { ...base, Authorization: srv.apiKey }),
      }),
      getPermalink: (id) => ({ method: 'GET', url: `${srv.apiUrl}/permalink/${id}`, headers: { ...base, Authorization: srv.apiKey } }),
      deletePermalink: (id) => ({ method: 'DELETE', url: `${srv.apiUrl}/permalink/${id}`, headers: { ...base, Authorization: srv.apiKey } }),
      // lib call: RequestPermalinkMeetingInfoEvent -> ComApi.requestPermalinkMeetingInfo:
      // GET /permalink/<token>, no body, no key.
      meetingInfo: (token) => ({ method: 'GET', url: `${srv.apiUrl}/permalink/${token}`, headers: base }),
      // lib call: eyeson.connectPermalink -> ComApi.joinPermalinkUser: `_post(path)` with no
      // data = an EMPTY multipart body (only the closing boundary line).
      startPermalink: (userToken) => ({ method: 'POST', url: `${srv.apiUrl}/permalink/${userToken}`, ...mp([]) }),
      // lib call: RequestGuestUserEvent -> ComApi.requestUser: multipart name, email,
      // custom_fields[locale]; an app that passes no email makes the lib send the text "undefined".
      registerGuest: (guestToken, guest) => ({
        method: 'POST', url: `${srv.apiUrl}/guests/${guestToken}`,
        ...mp(browserLibFormFields({ name: guest.name, email: undefined, custom_fields: { locale: guest.locale } })),
      }),
      listRooms: () => ({ method: 'GET', url: `${srv.apiUrl}/rooms`, headers: { ...base, Authorization: srv.apiKey } }),
      // lib call: ComApi.getRoom -> GET /rooms/<access_key>
      getRoom: (accessKey) => ({ method: 'GET', url: `${srv.apiUrl}/rooms/${accessKey}`, headers: base }),
      // lib call: ComApi.terminateMeeting -> DELETE /rooms/<access_key> (after a CORS preflight)
      stopMeeting: (accessKey) => ({ method: 'DELETE', url: `${srv.apiUrl}/rooms/${accessKey}`, headers: base }),
      createRoom: (input) => ({
        method: 'POST', url: `${srv.apiUrl}/rooms`,
        ...mp(bracketPairs({ id: input.id, name: input.name, user: input.user, options: input.options }),
          { ...base, Authorization: srv.apiKey }),
      }),
    };
  },

  // The docs' curl example for POST /permalink (JSON with FLAT bracketed keys), which D6
  // says we accept; otherwise plain fetch-like requests with the key where needed.
  'docs-json-flat': (srv) => {
    const json = { 'Content-Type': 'application/json', Accept: 'application/json' };
    const keyed = { ...json, Authorization: srv.apiKey };
    const flat = (obj) => JSON.stringify(Object.fromEntries(bracketPairs(obj).map(([k, v]) => {
      // keep JSON booleans as booleans, as a hand-written JSON body would
      if (v === 'true') return [k, true];
      if (v === 'false') return [k, false];
      return [k, v];
    })));
    return {
      createPermalink: (input) => ({
        method: 'POST', url: `${srv.apiUrl}/permalink`, headers: keyed,
        body: flat({ user: input.user, name: input.name, options: input.options, expires_at: input.expires_at }),
      }),
      getPermalink: (id) => ({ method: 'GET', url: `${srv.apiUrl}/permalink/${id}`, headers: keyed }),
      deletePermalink: (id) => ({ method: 'DELETE', url: `${srv.apiUrl}/permalink/${id}`, headers: keyed }),
      meetingInfo: (token) => ({ method: 'GET', url: `${srv.apiUrl}/permalink/${token}`, headers: { Accept: 'application/json' } }),
      startPermalink: (userToken) => ({ method: 'POST', url: `${srv.apiUrl}/permalink/${userToken}`, headers: { Accept: 'application/json' } }),
      registerGuest: (guestToken, guest) => ({
        method: 'POST', url: `${srv.apiUrl}/guests/${guestToken}`, headers: json,
        body: flat({ name: guest.name, custom_fields: { locale: guest.locale } }),
      }),
      listRooms: () => ({ method: 'GET', url: `${srv.apiUrl}/rooms`, headers: keyed }),
      getRoom: (accessKey) => ({ method: 'GET', url: `${srv.apiUrl}/rooms/${accessKey}`, headers: { Accept: 'application/json' } }),
      stopMeeting: (accessKey) => ({ method: 'DELETE', url: `${srv.apiUrl}/rooms/${accessKey}`, headers: { Accept: 'application/json' } }),
      createRoom: (input) => ({
        method: 'POST', url: `${srv.apiUrl}/rooms`, headers: keyed,
        body: flat({ id: input.id, name: input.name, user: input.user, options: input.options }),
      }),
    };
  },
};

export { BROWSER_ORIGIN };

/** Ruby's URI.encode_www_form_component: [*-.0-9A-Z_a-z] stay, space -> '+'. */
function rubyEscape(s) {
  return Array.from(Buffer.from(String(s), 'utf8'))
    .map((b) => {
      const c = String.fromCharCode(b);
      if (/[*\-.0-9A-Z_a-z]/.test(c)) return c;
      if (c === ' ') return '+';
      return '%' + b.toString(16).toUpperCase().padStart(2, '0');
    })
    .join('');
}

/**
 * eyeson-ruby lib/eyeson/requests.rb: RestClient::Request with `payload: params.compact`
 * (a nested Hash), i.e. RestClient::Utils.encode_query_string: LITERAL brackets
 * (`user[name]=Ann+Host`), each key part and value escaped, nested nil -> bare key.
 */
export function rubyFormEncode(obj) {
  const out = [];
  const walk = (prefix, v) => {
    if (v !== null && typeof v === 'object') {
      for (const [k, val] of Object.entries(v)) walk(prefix ? `${prefix}[${rubyEscape(k)}]` : rubyEscape(k), val);
    } else if (v === null || v === undefined) out.push(prefix);
    else out.push(`${prefix}=${rubyEscape(v)}`);
  };
  walk('', obj);
  return out.join('&');
}

/**
 * eyeson-ruby has no permalink support; only Room.join (POST /rooms) matters. requests.rb
 * sends EVERY request with `Authorization: <configured key>`, `Accept: application/json`,
 * `User-Agent: eyeson-ruby` (RestClient adds `Accept-Encoding: gzip, deflate` and the
 * form Content-Type), so access-key endpoints also receive the API key header.
 */
export const rubyShape = (srv) => {
  const base = {
    Authorization: srv.apiKey, Accept: 'application/json', 'User-Agent': 'eyeson-ruby',
    'Accept-Encoding': 'gzip, deflate',
  };
  const form = { 'Content-Type': 'application/x-www-form-urlencoded' };
  return {
    // SDK call: lib/eyeson/room.rb Room.join(id:, name:, user:, options:) -> params.compact
    createRoom: (input) => ({
      method: 'POST', url: `${srv.apiUrl}/rooms`, headers: { ...form, ...base },
      body: rubyFormEncode({ id: input.id, name: input.name, user: input.user, options: input.options }),
    }),
    // conventions (the gem has no such call): with its always-present key header
    getRoom: (accessKey) => ({ method: 'GET', url: `${srv.apiUrl}/rooms/${accessKey}`, headers: base }),
    stopMeeting: (accessKey) => ({ method: 'DELETE', url: `${srv.apiUrl}/rooms/${accessKey}`, headers: base }),
  };
};
