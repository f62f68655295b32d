// Assertions for the wire contract: /work/shared/spec/eyeson-api.md (section 2) and
// /work/shared/spec/decisions.md. Every helper throws an AssertionError naming the JSON path.

import assert from 'node:assert/strict';

export const ISO_MS_Z = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/; // spec 1.5, D16
export const TOKEN = /^[A-Za-z0-9]{24}$/; // D4: access keys, user tokens, guest tokens
export const HEX_ID = /^[0-9a-f]{24}$/; // D4: generated ids

export const typeOf = (v) => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/**
 * A value's shape: objects map keys to shapes, arrays become ['array', ...distinct element
 * shapes], scalars their type name. Two responses with equal signatures have the same set of
 * keys and the same value types everywhere.
 */
export function signature(v) {
  const t = typeOf(v);
  if (t === 'object') {
    return Object.fromEntries(Object.keys(v).sort().map((k) => [k, signature(v[k])]));
  }
  if (t === 'array') {
    const seen = new Map();
    for (const item of v) {
      const s = signature(item);
      seen.set(JSON.stringify(s), s);
    }
    return ['array', ...[...seen.keys()].sort().map((k) => seen.get(k))];
  }
  return t;
}

function isType(v, type) {
  return type === 'any' || type.split('|').includes(typeOf(v));
}

/** Asserts obj[key] exists and has one of the `|`-separated types. */
export function field(obj, key, type, where) {
  assert.ok(obj !== null && typeof obj === 'object', `${where} must be an object, got ${JSON.stringify(obj)}`);
  assert.ok(Object.hasOwn(obj, key), `${where}.${key} is missing (keys: ${Object.keys(obj).join(', ')})`);
  assert.ok(isType(obj[key], type), `${where}.${key} must be ${type}, got ${typeOf(obj[key])} ${JSON.stringify(obj[key])}`);
  return obj[key];
}

/** Finds every occurrence of `key` at any depth; returns their JSON paths. */
export function findKey(v, key, path = '$') {
  if (v === null || typeof v !== 'object') return [];
  const hits = [];
  for (const [k, val] of Object.entries(v)) {
    if (k === key) hits.push(`${path}.${k}`);
    hits.push(...findKey(val, key, `${path}.${k}`));
  }
  return hits;
}

export function wsBase(apiUrl) {
  return apiUrl.replace(/^http(s?):/, 'ws$1:');
}

// ---------------------------------------------------------------------------
// Go SDK decoding (eyeson-go room.go, observer_service.go). encoding/json fails the WHOLE
// decode when a JSON value cannot go into the Go field's type (a number into a string, a
// string into a bool, a string into a struct or slice...). null is accepted everywhere.
// Unknown keys are ignored.
// ---------------------------------------------------------------------------

const GoSIP = {
  uri: 'string', domain: 'string', authorizationUser: 'string', password: 'string',
  wsServers: 'string', displayName: 'string',
};

/** eyeson-go room.go RoomResponse (decoded from POST /rooms, POST /guests, GET /rooms/<key>). */
export const GoRoomResponse = {
  access_key: 'string',
  links: { gui: 'string', guest_join: 'string', websocket: 'string' },
  room: { id: 'string', guest_token: 'string', sip: GoSIP, shutdown: 'bool' },
  user: { id: 'string', name: 'string', sip: GoSIP },
  ready: 'bool',
  signaling: {
    type: 'string',
    options: {
      client_id: 'string', auth_token: 'string', conf_id: 'string', endpoint: 'string',
      stun_servers: ['string'],
      turn_servers: [{ urls: ['string'], username: 'string', password: 'string' }],
    },
  },
  options: { widescreen: 'bool' },
};

/** eyeson-go room.go RoomInfo (decoded from GET /rooms as []RoomInfo). */
export const GoRoomInfo = {
  id: 'string', name: 'string', ready: 'bool', started_at: 'string', shutdown: 'bool', guest_token: 'string',
};

/** Asserts `value` decodes into the Go type described by `schema` without an error. */
export function assertGoDecodes(value, schema, path = '$') {
  if (value === null) return; // null leaves any Go field at its zero value
  if (Array.isArray(schema)) {
    assert.ok(Array.isArray(value), `Go decode: ${path} is a Go slice, JSON has ${typeOf(value)} ${JSON.stringify(value)}`);
    value.forEach((item, i) => assertGoDecodes(item, schema[0], `${path}[${i}]`));
    return;
  }
  if (typeof schema === 'object') {
    assert.ok(typeOf(value) === 'object', `Go decode: ${path} is a Go struct, JSON has ${typeOf(value)} ${JSON.stringify(value)}`);
    for (const [k, sub] of Object.entries(schema)) {
      if (Object.hasOwn(value, k)) assertGoDecodes(value[k], sub, `${path}.${k}`);
    }
    return;
  }
  const want = { string: 'string', bool: 'boolean', int: 'number' }[schema];
  assert.equal(typeOf(value), want, `Go decode: ${path} is a Go ${schema}, JSON has ${typeOf(value)} ${JSON.stringify(value)}`);
  if (schema === 'int') assert.ok(Number.isInteger(value), `Go decode: ${path} must be an integer`);
}

// ---------------------------------------------------------------------------
// Spec 2.3: option defaults
// ---------------------------------------------------------------------------

export const OPTION_DEFAULTS = {
  show_names: true,
  show_label: true,
  exit_url: null,
  recording_available: true,
  broadcast_available: true,
  layout_available: true,
  reaction_available: true,
  guest_token_available: true,
  lock_available: false,
  kick_available: true,
  sfu_mode: 'ptp',
  widescreen: false,
  background_color: '#121212',
  audio_insert: 'audio_only',
};

/** Response-only fields of `options` (spec 2.3) with their documented values. */
export const OPTION_RESPONSE_ONLY = {
  layout: 'auto',
  layout_users: null,
  layout_name: null,
  layout_map: null,
  voice_activation: false,
  suggest_guest_names: true,
};

/**
 * Asserts an `options` object holds the given input values and the spec defaults for
 * everything not given. `input` is the nested logical options object.
 */
export function checkOptions(options, input, where = 'options') {
  assert.equal(typeOf(options), 'object', `${where} must be an object`);
  for (const [k, def] of Object.entries(OPTION_DEFAULTS)) {
    const want = Object.hasOwn(input, k) ? input[k] : def;
    assert.ok(Object.hasOwn(options, k), `${where}.${k} is missing (spec 2.3 default ${JSON.stringify(def)})`);
    assert.deepEqual(options[k], want, `${where}.${k}: want ${JSON.stringify(want)}, got ${JSON.stringify(options[k])}`);
  }
  for (const [k, def] of Object.entries(OPTION_RESPONSE_ONLY)) {
    assert.ok(Object.hasOwn(options, k), `${where}.${k} is missing (spec 2.3 response-only field, ${JSON.stringify(def)})`);
    assert.deepEqual(options[k], def, `${where}.${k}: want ${JSON.stringify(def)}, got ${JSON.stringify(options[k])}`);
  }
  const cf = field(options, 'custom_fields', 'object', where);
  for (const [k, v] of Object.entries(input.custom_fields ?? {})) {
    assert.deepEqual(cf[k], v, `${where}.custom_fields.${k}: want ${JSON.stringify(v)}, got ${JSON.stringify(cf[k])}`);
  }
}

// ---------------------------------------------------------------------------
// Spec 2.4: permalink object
// ---------------------------------------------------------------------------

/**
 * @param {object} body
 * @param {{apiUrl:string, appUrl:string}} srv
 * @param {object} input - the logical create input ({name, user, options, expires_at})
 * @param {{started?: boolean}} [state]
 */
export function checkPermalinkObject(body, srv, input, { started = false } = {}) {
  const w = 'permalink response';
  for (const k of ['permalink', 'room', 'team', 'user', 'options', 'links']) field(body, k, 'object', w);
  assert.ok(!Object.hasOwn(body, 'access_key'), `${w} must not carry access_key (spec 2.4)`);
  assert.ok(!Object.hasOwn(body.links, 'websocket'), `${w}.links must not carry websocket (spec 2.4)`);

  const p = body.permalink;
  const id = field(p, 'id', 'string', 'permalink');
  assert.match(id, HEX_ID, 'permalink.id: 24 lowercase hex (D4)');
  assert.match(field(p, 'created_at', 'string', 'permalink'), ISO_MS_Z, 'permalink.created_at: ISO 8601 with ms and Z');
  assert.match(field(p, 'user_token', 'string', 'permalink'), TOKEN, 'permalink.user_token: 24 alphanumerics (D4)');
  assert.match(field(p, 'guest_token', 'string', 'permalink'), TOKEN, 'permalink.guest_token: 24 alphanumerics (D4)');
  assert.notEqual(p.user_token, p.guest_token, 'user_token and guest_token differ');
  assert.deepEqual(field(p, 'expires_at', 'string|null', 'permalink'), input.expires_at ?? null, 'permalink.expires_at echoes the input (D16)');

  const r = body.room;
  assert.equal(field(r, 'id', 'string', 'room'), id, 'room.id equals permalink.id (D12)');
  assert.equal(field(r, 'name', 'string', 'room'), input.name, 'room.name');
  field(r, 'started_at', started ? 'string' : 'null', 'room');

  field(body.team, 'name', 'string', 'team');

  const u = body.user;
  if (input.user.id !== undefined) assert.equal(field(u, 'id', 'string', 'user'), input.user.id, 'user.id echoes user[id]');
  else field(u, 'id', 'string', 'user');
  assert.equal(field(u, 'name', 'string', 'user'), input.user.name, 'user.name');
  field(u, 'avatar', 'string|null', 'user');
  assert.equal(field(u, 'guest', 'boolean', 'user'), false, 'user.guest');

  checkOptions(body.options, input.options ?? {});

  const l = body.links;
  assert.equal(field(l, 'self', 'string', 'links'), `${srv.apiUrl}/permalink/${id}`, 'links.self (spec 4, D2)');
  assert.equal(field(l, 'gui', 'string', 'links'), `${srv.appUrl}/permalink?${p.user_token}`, 'links.gui (D2)');
  assert.equal(field(l, 'guest_join', 'string', 'links'), `${srv.appUrl}/permalink?guest=${p.guest_token}`, 'links.guest_join (D2)');
}

// ---------------------------------------------------------------------------
// D15: meeting info (GET /permalink/<user or guest token>, no key)
// ---------------------------------------------------------------------------

export function checkMeetingInfo(body, { permalink, userToken, started, startedAt }) {
  const w = 'meeting info';
  for (const k of ['permalink', 'room', 'options']) field(body, k, 'object', w);
  const p = body.permalink;
  assert.equal(field(p, 'id', 'string', 'permalink'), permalink.id, 'permalink.id (D15)');
  assert.equal(field(p, 'created_at', 'string', 'permalink'), permalink.created_at, 'permalink.created_at (D15)');
  assert.deepEqual(field(p, 'expires_at', 'string|null', 'permalink'), permalink.expires_at, 'permalink.expires_at (D15)');
  const r = body.room;
  assert.equal(field(r, 'id', 'string', 'room'), permalink.id, 'room.id (D15, D12)');
  field(r, 'name', 'string', 'room');
  field(r, 'ready', 'boolean', 'room');
  if (started) {
    assert.match(field(r, 'started_at', 'string', 'room'), ISO_MS_Z, 'room.started_at while running');
    if (startedAt) assert.equal(r.started_at, startedAt, 'room.started_at equals the running meeting\'s');
  } else {
    assert.equal(field(r, 'started_at', 'null', 'room'), null, 'room.started_at is null while no meeting runs (D15)');
  }
  // D5 / spec 3.3: nothing reachable without the key reveals a host user token.
  assert.deepEqual(findKey(body, 'user_token'), [], 'meeting info must not contain a user_token key (D5)');
  assert.ok(!JSON.stringify(body).includes(userToken), 'meeting info must not contain the host user_token value (D5)');
  assert.deepEqual(findKey(body, 'access_key'), [], 'meeting info must not contain an access_key (D5)');
}

// ---------------------------------------------------------------------------
// Spec 2.1: room response
// ---------------------------------------------------------------------------

/**
 * @param {object} body
 * @param {{apiUrl:string, appUrl:string}} srv
 * @param {object} expect - { roomId?, roomName?, userName, userId?, guest, permalinkGuestToken? }
 */
export function checkRoomResponse(body, srv, expect) {
  const w = 'room response';
  const ak = field(body, 'access_key', 'string', w);
  assert.match(ak, TOKEN, 'access_key: 24 alphanumerics (D4)');
  field(body, 'ready', 'boolean', w);
  assert.equal(field(body, 'locked', 'boolean', w), false, 'locked');
  for (const k of ['room', 'team', 'user', 'links', 'options', 'signaling']) field(body, k, 'object', w);
  assert.deepEqual(field(body, 'playbacks', 'array', w), [], 'playbacks of a fresh meeting');
  assert.equal(field(body, 'presentation', 'null', w), null, 'presentation of a fresh meeting');
  assert.deepEqual(field(body, 'broadcasts', 'array', w), [], 'broadcasts of a fresh meeting');
  assert.equal(field(body, 'recording', 'null', w), null, 'recording of a fresh meeting');
  assert.deepEqual(field(body, 'snapshots', 'array', w), [], 'snapshots of a fresh meeting');

  const r = body.room;
  const roomId = field(r, 'id', 'string', 'room');
  if (expect.roomId !== undefined) assert.equal(roomId, expect.roomId, 'room.id');
  const name = field(r, 'name', 'string', 'room');
  if (expect.roomName !== undefined) assert.equal(name, expect.roomName, 'room.name');
  field(r, 'ready', 'boolean', 'room');
  assert.match(field(r, 'started_at', 'string', 'room'), ISO_MS_Z, 'room.started_at of a running meeting');
  assert.equal(field(r, 'shutdown', 'boolean', 'room'), false, 'room.shutdown');
  const gt = field(r, 'guest_token', 'string', 'room');
  assert.match(gt, TOKEN, 'room.guest_token: 24 alphanumerics (D4)');

  field(body.team, 'name', 'string', 'team');

  const u = body.user;
  const uid = field(u, 'id', 'string', 'user');
  if (expect.userId !== undefined) assert.equal(uid, expect.userId, 'user.id');
  assert.equal(field(u, 'room_id', 'string', 'user'), roomId, 'user.room_id equals room.id');
  assert.equal(field(u, 'name', 'string', 'user'), expect.userName, 'user.name');
  field(u, 'avatar', 'string|null', 'user');
  assert.equal(field(u, 'guest', 'boolean', 'user'), expect.guest, 'user.guest');
  assert.equal(field(u, 'blocked', 'boolean', 'user'), false, 'user.blocked');
  field(u, 'ready', 'boolean', 'user');
  assert.equal(body.ready, r.ready && u.ready, 'ready = room.ready && user.ready (spec 2.1)');

  const l = body.links;
  assert.equal(field(l, 'self', 'string', 'links'), `${srv.apiUrl}/rooms/${ak}`, 'links.self (D2)');
  assert.equal(field(l, 'gui', 'string', 'links'), `${srv.appUrl}/?${ak}`, 'links.gui (D2)');
  const guestJoin = field(l, 'guest_join', 'string', 'links');
  const allowed = [`${srv.appUrl}/?guest=${gt}`];
  if (expect.permalinkGuestToken) allowed.push(`${srv.appUrl}/permalink?guest=${expect.permalinkGuestToken}`);
  assert.ok(allowed.includes(guestJoin), `links.guest_join (D2): got ${guestJoin}, want one of ${allowed.join(' | ')}`);
  assert.equal(field(l, 'websocket', 'string', 'links'), `${wsBase(srv.apiUrl)}/rt?access_key=${ak}`, 'links.websocket (D2: ws(s) scheme of api_url)');

  // What every client reads from `signaling` (npm eyeson RoomReceivedEvent.js uses
  // signaling.options.client_id; Go room.go types it as strings). The SEPP specifics of
  // spec 2.1 (type "sepp", endpoint, JWT, STUN/TURN) are checked by checkSeppSignaling().
  const s = body.signaling;
  field(s, 'type', 'string', 'signaling');
  const so = field(s, 'options', 'object', 'signaling');
  assert.ok(field(so, 'client_id', 'string', 'signaling.options'), 'signaling.options.client_id is not empty');
  assert.ok(field(so, 'conf_id', 'string', 'signaling.options'), 'signaling.options.conf_id is not empty');

  assertGoDecodes(body, GoRoomResponse);
}

/**
 * `signaling` as anteroom sends it: its own realtime endpoint, with the field types that
 * eyeson-go (room.go Signaling/SeppSignaling) decodes.
 */
export function checkAnteroomSignaling(body, apiUrl) {
  const s = field(body, 'signaling', 'object', 'room response');
  assert.equal(field(s, 'type', 'string', 'signaling'), 'anteroom', 'signaling.type');
  const so = field(s, 'options', 'object', 'signaling');
  assert.ok(field(so, 'client_id', 'string', 'signaling.options'), 'client_id is not empty');
  assert.ok(field(so, 'conf_id', 'string', 'signaling.options'), 'conf_id is not empty');
  const wsBase = apiUrl.replace(/^http/, 'ws');
  assert.equal(field(so, 'endpoint', 'string', 'signaling.options'), `${wsBase}/realtime`);
  const stun = field(so, 'stun_servers', 'array', 'signaling.options');
  stun.forEach((x, i) => assert.equal(typeOf(x), 'string', `signaling.options.stun_servers[${i}] is a string`));
  field(so, 'turn_servers', 'array', 'signaling.options');
}

/** SDK-side body handling every 2xx response must survive. */
export function checkSuccessBody(res, where) {
  if (res.status === 204) {
    assert.equal(res.text, '', `${where}: a 204 has an empty body`);
    return;
  }
  if (res.text === '') return; // Node SDK: `rawData && JSON.parse(rawData)`; PHP json_decode('') = null
  // eyeson-node client.js JSON.parses any non-empty 2xx body (a non-JSON one throws inside the
  // response handler); npm eyeson ComApi reads JSON only with a JSON Content-Type.
  assert.notEqual(res.json, undefined, `${where}: a non-empty 2xx body must be JSON, got ${res.text.slice(0, 200)}`);
  assert.match(res.contentType, /application\/json/, `${where}: Content-Type must be application/json, got ${res.contentType}`);
}

/** Spec 1.4: error bodies are {"error": "<message>"}. */
export function checkErrorBody(res, where) {
  assert.match(res.contentType, /application\/json/, `${where}: error Content-Type must be application/json, got ${res.contentType}`);
  assert.equal(typeOf(res.json), 'object', `${where}: error body must be a JSON object, got ${res.text.slice(0, 200)}`);
  assert.equal(typeOf(res.json.error), 'string', `${where}: error body needs a string "error", got ${res.text.slice(0, 200)}`);
}
