// Replays the exact request shapes of the official Eyeson clients (Node SDK, Go SDK, PHP SDK,
// the browser library `eyeson` 1.9.6, plus the docs' flat-bracket JSON and the Ruby gem for
// POST /rooms) through one permalink flow each, and asserts:
//   - every shape gets identical results (statuses, key sets and value types, option values);
//   - the contract: spec sections 2.1/2.3/2.4, links per D1/D2, D5, D12-D16, D18, D9 and the
//     status table of decisions.md.
// Which SDK source file each request comes from is cited in lib/sdk-shapes.mjs.

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { startServer } from '../lib/server.mjs';
import { rawRequest, describe as describeCall } from '../lib/api.mjs';
import { shapes, rubyShape, BROWSER_ORIGIN } from '../lib/sdk-shapes.mjs';
import {
  GoRoomInfo, HEX_ID, ISO_MS_Z, assertGoDecodes, checkErrorBody, checkMeetingInfo, checkOptions,
  checkPermalinkObject, checkRoomResponse, checkAnteroomSignaling, checkSuccessBody, field, findKey, signature, typeOf,
} from '../lib/contract.mjs';

const TIMEOUT = 20_000;

/** The same logical input for every shape. */
const INPUT = Object.freeze({
  name: 'Compat Room',
  user: { name: 'Ann Host', id: 'host-1' },
  options: {
    widescreen: true,
    show_names: false,
    sfu_mode: 'disabled',
    background_color: '#336699',
    exit_url: 'https://example.com/bye?a=1&b=2',
    custom_fields: { locale: 'de' },
  },
  expires_at: '2099-05-15T10:00:00.000Z',
});
const GUEST = Object.freeze({ name: 'Gus Guest', locale: 'fr' });

/** Expected status per step (spec + decisions.md). */
const EXPECTED_STATUS = {
  create: 201, // spec 3.3 #1
  read: 200, // spec 3.3 #3
  infoBeforeGuestToken: 200, // D15
  infoBeforeUserToken: 200, // D15
  guestBeforeStart: 409, // D14
  start: 201, // D13
  getRoom: 200, // spec 3.1
  infoDuring: 200, // D15
  listRooms: 200, // decisions.md status table
  guest: 201, // spec 3.2
  guestGetRoom: 200, // spec 3.1
  stop: 204, // decisions.md status table: DELETE /rooms/<access_key>
  roomAfterStop: 410, // D9
  guestRoomAfterStop: 410, // D9
  infoAfterStop: 200, // D15
  guestAfterStop: 409, // D14: the permalink guest token survives the meeting
  deletePermalink: 200, // D18
  infoAfterDelete: 404, // D15/D18
};

let srv;
const flows = {}; // shape name -> recorded flow

before(async () => {
  srv = await startServer();
}, { timeout: TIMEOUT });

after(async () => {
  await srv?.stop();
});

/** Sends a request descriptor; records it with its response under `flow.steps[name]`. */
async function step(flow, name, req) {
  let res;
  try {
    res = await rawRequest(req.url, req);
  } catch (err) {
    res = { status: 0, headers: {}, contentType: '', text: `transport error: ${err.message}`, json: undefined };
  }
  flow.steps[name] = { req, res };
  return res;
}

/** Runs the whole permalink flow for one shape. Stops early only when a needed value is missing. */
async function runPermalinkFlow(shapeName) {
  const s = shapes[shapeName](srv);
  const flow = { shape: shapeName, steps: {} };

  const created = await step(flow, 'create', s.createPermalink(INPUT));
  const pl = created.json?.permalink;
  if (created.status !== 201 || typeOf(pl) !== 'object') return flow;
  flow.permalink = pl;

  await step(flow, 'read', s.getPermalink(pl.id));
  await step(flow, 'infoBeforeGuestToken', s.meetingInfo(pl.guest_token));
  await step(flow, 'infoBeforeUserToken', s.meetingInfo(pl.user_token));
  await step(flow, 'guestBeforeStart', s.registerGuest(pl.guest_token, GUEST));

  const started = await step(flow, 'start', s.startPermalink(pl.user_token));
  const accessKey = started.json?.access_key;
  if (started.status < 200 || started.status > 299 || typeof accessKey !== 'string') return flow;
  flow.accessKey = accessKey;

  await step(flow, 'getRoom', s.getRoom(accessKey));
  await step(flow, 'infoDuring', s.meetingInfo(pl.guest_token));
  await step(flow, 'listRooms', s.listRooms());
  const guest = await step(flow, 'guest', s.registerGuest(pl.guest_token, GUEST));
  const guestKey = guest.json?.access_key;
  if (typeof guestKey === 'string') {
    flow.guestAccessKey = guestKey;
    await step(flow, 'guestGetRoom', s.getRoom(guestKey));
  }
  if (shapeName === 'browser-lib') {
    // The browser's fetch() sends a CORS preflight before DELETE (not a simple method).
    await step(flow, 'stopPreflight', {
      method: 'OPTIONS',
      url: `${srv.apiUrl}/rooms/${accessKey}`,
      headers: { Origin: BROWSER_ORIGIN, 'Access-Control-Request-Method': 'DELETE' },
    });
  }
  await step(flow, 'stop', s.stopMeeting(accessKey));
  await step(flow, 'roomAfterStop', s.getRoom(accessKey));
  if (guestKey) await step(flow, 'guestRoomAfterStop', s.getRoom(guestKey));
  await step(flow, 'infoAfterStop', s.meetingInfo(pl.guest_token));
  await step(flow, 'guestAfterStop', s.registerGuest(pl.guest_token, GUEST));
  await step(flow, 'deletePermalink', s.deletePermalink(pl.id));
  await step(flow, 'infoAfterDelete', s.meetingInfo(pl.guest_token));
  return flow;
}

/** Returns the recorded step or fails with a message saying why it was not reached. */
function got(flow, name) {
  const st = flow.steps[name];
  if (!st) {
    const reached = Object.entries(flow.steps)
      .map(([n, x]) => `${n}=${x.res.status}`)
      .join(', ');
    assert.fail(`step "${name}" was not reached (earlier steps: ${reached}); see the first failing step`);
  }
  return st;
}

function expectStatus(flow, name, want = EXPECTED_STATUS[name]) {
  const { req, res } = got(flow, name);
  assert.equal(res.status, want, `${name}: want ${want}\n  ${describeCall(req, res)}`);
  return res;
}

const SHAPES = Object.keys(shapes);

for (const shapeName of SHAPES) {
  describe(`permalink flow, ${shapeName} request shape`, { timeout: TIMEOUT }, () => {
    let flow;
    before(async () => {
      flow = await runPermalinkFlow(shapeName);
      flows[shapeName] = flow;
    }, { timeout: TIMEOUT });

    it('POST /permalink answers 201 with a permalink object (spec 2.4, D2, D12)', () => {
      const res = expectStatus(flow, 'create');
      checkSuccessBody(res, 'create');
      checkPermalinkObject(res.json, srv, INPUT);
    });

    it('GET /permalink/<id> with the key answers 200 with the same permalink object', () => {
      const res = expectStatus(flow, 'read');
      checkSuccessBody(res, 'read');
      checkPermalinkObject(res.json, srv, INPUT);
      const created = got(flow, 'create').res.json;
      assert.deepEqual(res.json.permalink, created.permalink, 'read permalink equals created permalink');
      assert.deepEqual(res.json.options, created.options, 'read options equal created options');
      assert.deepEqual(res.json.links, created.links, 'read links equal created links');
    });

    it('meeting info before the start: 200, started_at null, no user token (D15, D5)', () => {
      for (const name of ['infoBeforeGuestToken', 'infoBeforeUserToken']) {
        const res = expectStatus(flow, name);
        checkSuccessBody(res, name);
        checkMeetingInfo(res.json, { permalink: flow.permalink, userToken: flow.permalink.user_token, started: false });
        checkOptions(res.json.options, INPUT.options, `${name}.options`);
      }
    });

    it('POST /guests/<permalink guest_token> before the start answers 409 "meeting not started" (D14)', () => {
      const res = expectStatus(flow, 'guestBeforeStart');
      checkErrorBody(res, 'guestBeforeStart');
      assert.equal(res.json.error, 'meeting not started', 'D14 error message');
    });

    it('POST /permalink/<user_token> answers 201 with a room response (D13, spec 2.1, D2, D12)', () => {
      const res = expectStatus(flow, 'start');
      checkSuccessBody(res, 'start');
      checkRoomResponse(res.json, srv, {
        roomId: flow.permalink.id,
        roomName: INPUT.name,
        userName: INPUT.user.name,
        userId: INPUT.user.id,
        guest: false,
        permalinkGuestToken: flow.permalink.guest_token,
      });
      checkOptions(res.json.options, INPUT.options, 'start.options');
    });

    it('GET /rooms/<access_key> answers 200 with the same meeting', () => {
      const res = expectStatus(flow, 'getRoom');
      checkSuccessBody(res, 'getRoom');
      const start = got(flow, 'start').res.json;
      checkRoomResponse(res.json, srv, {
        roomId: flow.permalink.id, roomName: INPUT.name, userName: INPUT.user.name, userId: INPUT.user.id,
        guest: false, permalinkGuestToken: flow.permalink.guest_token,
      });
      assert.equal(res.json.access_key, start.access_key, 'same access_key');
      assert.equal(res.json.room.started_at, start.room.started_at, 'same started_at');
    });

    it('meeting info while running: started_at set, still no user token (D15, D5)', () => {
      const res = expectStatus(flow, 'infoDuring');
      checkSuccessBody(res, 'infoDuring');
      const startedAt = got(flow, 'start').res.json?.room?.started_at;
      checkMeetingInfo(res.json, { permalink: flow.permalink, userToken: flow.permalink.user_token, started: true, startedAt });
      assert.ok(!res.text.includes(flow.accessKey), 'meeting info must not reveal the host access_key (D5)');
    });

    it('GET /rooms lists the running meeting; items decode as Go RoomInfo', () => {
      const res = expectStatus(flow, 'listRooms');
      checkSuccessBody(res, 'listRooms');
      assert.equal(typeOf(res.json), 'array', 'GET /rooms answers a JSON list');
      const mine = res.json.find((r) => r?.id === flow.permalink.id);
      assert.ok(mine, `the running permalink meeting (${flow.permalink.id}) is listed: ${res.text.slice(0, 300)}`);
      for (const k of ['id', 'name', 'ready', 'started_at', 'shutdown', 'guest_token']) field(mine, k, 'any', 'GET /rooms item');
      assert.match(mine.started_at, ISO_MS_Z, 'GET /rooms item started_at');
      assert.equal(mine.shutdown, false, 'GET /rooms item shutdown');
      res.json.forEach((item, i) => assertGoDecodes(item, GoRoomInfo, `$[${i}]`));
    });

    it('POST /guests/<permalink guest_token> while running answers 201 with a guest room response', () => {
      const res = expectStatus(flow, 'guest');
      checkSuccessBody(res, 'guest');
      checkRoomResponse(res.json, srv, {
        roomId: flow.permalink.id, roomName: INPUT.name, userName: GUEST.name, guest: true,
        permalinkGuestToken: flow.permalink.guest_token,
      });
      assert.notEqual(res.json.access_key, flow.accessKey, 'the guest gets its own access key');
      assert.equal(res.json.room.started_at, got(flow, 'start').res.json.room.started_at, 'same meeting');
      assert.deepEqual(findKey(res.json, 'user_token'), [], 'no user_token in a guest response (D5)');
      assert.ok(!res.text.includes(flow.permalink.user_token), 'guest response must not reveal the host user_token (D5)');
      assert.ok(!res.text.includes(flow.accessKey), 'guest response must not reveal the host access_key (D5)');
      const g = expectStatus(flow, 'guestGetRoom');
      assert.equal(g.json?.access_key, res.json.access_key, 'GET /rooms/<guest access_key> works');
    });

    if (shapeName === 'browser-lib') {
      it('CORS: responses allow any origin and DELETE passes the preflight', () => {
        for (const name of ['infoBeforeGuestToken', 'start', 'guest', 'getRoom']) {
          const { res } = got(flow, name);
          const acao = res.headers['access-control-allow-origin'];
          assert.ok(acao === '*' || acao === BROWSER_ORIGIN, `${name}: Access-Control-Allow-Origin is * or the origin, got ${acao}`);
        }
        const { req, res } = got(flow, 'stopPreflight');
        assert.ok(res.status >= 200 && res.status < 300, `preflight answers 2xx\n  ${describeCall(req, res)}`);
        const acao = res.headers['access-control-allow-origin'];
        assert.ok(acao === '*' || acao === BROWSER_ORIGIN, `preflight Access-Control-Allow-Origin, got ${acao}`);
        const methods = String(res.headers['access-control-allow-methods'] ?? '');
        assert.ok(methods === '*' || /\bDELETE\b/i.test(methods), `preflight allows DELETE, got "${methods}"`);
      });
    }

    it('DELETE /rooms/<access_key> answers 204 with an empty body; the meeting is gone (D9)', () => {
      const res = expectStatus(flow, 'stop');
      checkSuccessBody(res, 'stop');
      const after = expectStatus(flow, 'roomAfterStop');
      checkErrorBody(after, 'roomAfterStop');
      if (flow.guestAccessKey) expectStatus(flow, 'guestRoomAfterStop');
    });

    it('after the stop: meeting info 200 with started_at null (D15), guests 409 again (D14)', () => {
      const res = expectStatus(flow, 'infoAfterStop');
      checkMeetingInfo(res.json, { permalink: flow.permalink, userToken: flow.permalink.user_token, started: false });
      const g = expectStatus(flow, 'guestAfterStop');
      checkErrorBody(g, 'guestAfterStop');
    });

    it('DELETE /permalink/<id> answers 200 with an empty body (D18); its tokens then 404 (D15)', () => {
      const res = expectStatus(flow, 'deletePermalink');
      assert.equal(res.text, '', 'D18: empty body');
      const info = expectStatus(flow, 'infoAfterDelete');
      checkErrorBody(info, 'infoAfterDelete');
    });
  });
}

describe('every request shape gives identical results', () => {
  /** Comparable view of one flow: per step status, content type family and body signature. */
  const view = (flow) =>
    Object.fromEntries(
      Object.entries(flow.steps)
        .filter(([name]) => name !== 'stopPreflight')
        .map(([name, { res }]) => [
          name,
          { status: res.status, json: /application\/json/.test(res.contentType), body: res.text === '' ? 'empty' : signature(res.json) },
        ]),
    );

  it('same statuses, same response keys and value types at every step', () => {
    const [first, ...rest] = SHAPES;
    assert.ok(flows[first], `flow of ${first} ran`);
    for (const other of rest) {
      assert.ok(flows[other], `flow of ${other} ran`);
      assert.deepEqual(view(flows[other]), view(flows[first]), `${other} differs from ${first}`);
    }
  });

  it('same option values and same echoed input', () => {
    const pick = (flow) => ({
      createOptions: flow.steps.create?.res.json?.options,
      readOptions: flow.steps.read?.res.json?.options,
      infoOptions: flow.steps.infoBeforeGuestToken?.res.json?.options,
      startOptions: flow.steps.start?.res.json?.options,
      guestOptions: flow.steps.guest?.res.json?.options,
      expiresAt: flow.steps.create?.res.json?.permalink?.expires_at,
      roomName: flow.steps.create?.res.json?.room?.name,
      user: flow.steps.create?.res.json?.user && {
        id: flow.steps.create.res.json.user.id, name: flow.steps.create.res.json.user.name,
      },
      startUser: flow.steps.start?.res.json?.user && {
        id: flow.steps.start.res.json.user.id, name: flow.steps.start.res.json.user.name,
      },
      guestUser: flow.steps.guest?.res.json?.user && {
        name: flow.steps.guest.res.json.user.name, guest: flow.steps.guest.res.json.user.guest,
      },
    });
    const [first, ...rest] = SHAPES;
    for (const other of rest) {
      assert.deepEqual(pick(flows[other]), pick(flows[first]), `${other} differs from ${first}`);
    }
  });
});

describe('signaling block of the room response (spec 2.1, docs/api.md)', () => {
  // anteroom speaks its own realtime protocol, not Eyeson's SEPP (docs/realtime.md). The
  // block keeps the field types eyeson-go's room.go decodes (strings and lists), so SDKs that
  // decode it still accept the response.
  it('type "anteroom" with a ws(s) endpoint, participant and meeting ids, STUN and TURN lists', () => {
    const flow = flows['node-sdk'];
    assert.ok(flow, 'the node-sdk flow ran');
    const { req, res } = got(flow, 'start');
    assert.equal(res.status, 201, describeCall(req, res));
    checkAnteroomSignaling(res.json, srv.apiUrl);
    const again = got(flow, 'guest');
    assert.notEqual(
      again.res.json.signaling.options.client_id,
      res.json.signaling.options.client_id,
      'every participant has its own client_id',
    );
  });
});

describe('API key handling (D3, spec 1.2)', { timeout: TIMEOUT }, () => {
  const body = JSON.stringify({ user: { name: 'Key Tester' } });
  const post = (headers) =>
    rawRequest(`${srv.apiUrl}/permalink`, { method: 'POST', headers: { 'Content-Type': 'application/json', ...headers }, body });

  it('the raw key (no "Bearer") is how every SDK sends it: 201', async () => {
    const res = await post({ Authorization: srv.apiKey });
    assert.equal(res.status, 201, res.text);
  });

  it('"Bearer <key>" is accepted too (D3)', async () => {
    const res = await post({ Authorization: `Bearer ${srv.apiKey}` });
    assert.equal(res.status, 201, res.text);
  });

  it('a missing or wrong key gets 401 with {"error"} (D3)', async () => {
    for (const headers of [{}, { Authorization: `${srv.apiKey}x` }, { Authorization: '' }]) {
      const res = await post(headers);
      assert.equal(res.status, 401, `headers ${JSON.stringify(headers)}: ${res.status} ${res.text}`);
      checkErrorBody(res, 'unauthenticated POST /permalink');
    }
  });
});

describe('SDK pitfalls the server must answer sanely', { timeout: TIMEOUT }, () => {
  it('Node SDK create(name, {user: {id}}) loses the name (params.user overrides it): 400 {"error"} (D7)', async () => {
    // eyeson-node src/permalink.js create(): `{ user, ...params }` puts params.user back over
    // the merged { name, ...params.user }, so the body carries no user.name.
    const res = await rawRequest(`${srv.apiUrl}/permalink`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: srv.apiKey },
      chunked: true,
      body: JSON.stringify({ user: { id: 'host-1' }, name: 'No Name' }),
    });
    assert.equal(res.status, 400, res.text);
    checkErrorBody(res, 'create without user.name');
  });

  it('Node SDK start sends Content-Type: application/json with an EMPTY body: still 201', async () => {
    // Covered per shape above too; this isolates it with a minimal permalink.
    const created = await rawRequest(`${srv.apiUrl}/permalink`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: srv.apiKey },
      body: JSON.stringify({ user: { name: 'Empty Body' } }),
    });
    assert.equal(created.status, 201, created.text);
    const res = await rawRequest(`${srv.apiUrl}/permalink/${created.json.permalink.user_token}`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' },
    });
    assert.equal(res.status, 201, res.text);
    const stop = await rawRequest(`${srv.apiUrl}/rooms/${res.json.access_key}`, { method: 'DELETE' });
    assert.equal(stop.status, 204, stop.text);
  });

  it('a second start with the same user token joins: 201, fresh access key, same meeting (D13)', async () => {
    const created = await rawRequest(`${srv.apiUrl}/permalink`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: srv.apiKey },
      body: JSON.stringify({ user: { name: 'Twice' }, name: 'Twice Room' }),
    });
    assert.equal(created.status, 201, created.text);
    const { user_token: userToken, id } = created.json.permalink;
    const url = `${srv.apiUrl}/permalink/${userToken}`;
    const a = await rawRequest(url, { method: 'POST' });
    const b = await rawRequest(url, { method: 'POST' });
    assert.equal(a.status, 201, a.text);
    assert.equal(b.status, 201, b.text);
    assert.notEqual(a.json.access_key, b.json.access_key, 'a fresh access key per call');
    assert.equal(a.json.room.id, id);
    assert.equal(b.json.room.id, id);
    assert.equal(b.json.room.started_at, a.json.room.started_at, 'the second call joins the running meeting');
    const stop = await rawRequest(`${srv.apiUrl}/rooms/${a.json.access_key}`, { method: 'DELETE' });
    assert.equal(stop.status, 204, stop.text);
  });
});

describe('POST /rooms in every SDK shape (the call Go, Ruby, PHP and Node all make)', { timeout: TIMEOUT }, () => {
  const all = { ...Object.fromEntries(SHAPES.map((n) => [n, shapes[n]])), 'ruby-gem': rubyShape };
  const results = {};

  before(async () => {
    for (const [name, make] of Object.entries(all)) {
      const s = make(srv);
      const input = { ...INPUT, id: `compat-${name}` };
      const req = s.createRoom(input);
      const res = await rawRequest(req.url, req);
      const entry = { req, res };
      if (typeof res.json?.access_key === 'string') {
        const g = s.getRoom(res.json.access_key);
        entry.get = { req: g, res: await rawRequest(g.url, g) };
        const d = s.stopMeeting(res.json.access_key);
        entry.stop = { req: d, res: await rawRequest(d.url, d) };
      }
      results[name] = entry;
    }
  }, { timeout: TIMEOUT });

  for (const name of [...SHAPES, 'ruby-gem']) {
    it(`${name}: 201 room response; GET /rooms/<access_key> 200; DELETE 204`, () => {
      const { req, res, get, stop } = results[name];
      assert.equal(res.status, 201, `POST /rooms: want 201\n  ${describeCall(req, res)}`);
      checkSuccessBody(res, 'POST /rooms');
      checkRoomResponse(res.json, srv, {
        roomId: `compat-${name}`, roomName: INPUT.name, userName: INPUT.user.name, userId: INPUT.user.id, guest: false,
      });
      checkOptions(res.json.options, INPUT.options, 'POST /rooms options');
      // eyeson-ruby room.rb reads links.gui, access_key, links; it raises on any `error` key.
      assert.ok(!Object.hasOwn(res.json, 'error'), 'Ruby gem: no "error" key in a success body');
      // D2: a plain room's guest link is <app_url>/?guest=<room guest_token>
      assert.equal(res.json.links.guest_join, `${srv.appUrl}/?guest=${res.json.room.guest_token}`, 'links.guest_join (D2)');
      assert.equal(get.res.status, 200, `GET /rooms/<access_key>\n  ${describeCall(get.req, get.res)}`);
      assert.equal(get.res.json?.access_key, res.json.access_key);
      assert.equal(stop.res.status, 204, `DELETE /rooms/<access_key>\n  ${describeCall(stop.req, stop.res)}`);
      assert.equal(stop.res.text, '', 'DELETE /rooms/<access_key>: empty body');
    });
  }

  it('identical results across shapes', () => {
    const v = (e) => ({
      status: e.res.status,
      body: signature(e.res.json),
      options: e.res.json?.options,
      user: e.res.json?.user && { id: e.res.json.user.id, name: e.res.json.user.name },
      getStatus: e.get?.res.status,
      stopStatus: e.stop?.res.status,
    });
    const [first, ...rest] = Object.keys(all);
    for (const other of rest) assert.deepEqual(v(results[other]), v(results[first]), `${other} differs from ${first}`);
  });

  it('room ids: generated ones are 24 lowercase hex (D4)', async () => {
    const res = await rawRequest(`${srv.apiUrl}/rooms`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded', Authorization: srv.apiKey },
      body: 'user%5Bname%5D=Nobody',
    });
    assert.equal(res.status, 201, res.text);
    assert.match(res.json.room.id, HEX_ID);
    assert.match(res.json.user.id, HEX_ID);
    const stop = await rawRequest(`${srv.apiUrl}/rooms/${res.json.access_key}`, { method: 'DELETE' });
    assert.equal(stop.status, 204, stop.text);
  });
});
