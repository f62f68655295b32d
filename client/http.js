// The REST calls a participant's client makes: none of them needs the team's
// API key, only the tokens and access keys in their paths (docs/api.md).

import { AnteroomError } from './errors.js';

export class RestApi {
  /**
   * @param {string} base - the API's base URL, without a trailing slash
   * @param {typeof fetch} fetchFn
   */
  constructor(base, fetchFn) {
    this.base = base.replace(/\/+$/, '');
    this.fetch = fetchFn;
  }

  /** Starts the permalink's meeting, or joins the one that runs: a room response. */
  startPermalink(userToken, { name } = {}) {
    // The start call reads no body today; a name is sent so that a server
    // that learns to rename the host on start gets it.
    const body = name ? { user: { name } } : {};
    return this.#call('POST', `/permalink/${enc(userToken)}`, body).catch((err) => {
      // Here a 410 means the permalink expired, not that a meeting ended.
      if (err.status === 410) err.code = 'expired';
      throw err;
    });
  }

  /** The permalink's meeting info (D15): `{permalink, room, options}`. */
  meetingInfo(token) {
    return this.#call('GET', `/permalink/${enc(token)}`);
  }

  /** Registers a guest with a room or permalink guest token: a room response. */
  registerGuest(guestToken, { name, email, id, avatar, locale } = {}) {
    const body = { name };
    if (email) body.email = email;
    if (id) body.id = id;
    if (avatar) body.avatar = avatar;
    if (locale) body.custom_fields = { locale };
    return this.#call('POST', `/guests/${enc(guestToken)}`, body);
  }

  /** The room response for an access key. */
  room(accessKey) {
    return this.#call('GET', `/rooms/${enc(accessKey)}`);
  }

  /** Where a waiting page listens for the meeting to start. */
  eventsUrl(token) {
    return `${this.base}/permalink/${enc(token)}/events`;
  }

  async #call(method, path, body) {
    const init = { method, headers: { accept: 'application/json' } };
    if (body !== undefined) {
      init.headers['content-type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    let response;
    try {
      response = await this.fetch(this.base + path, init);
    } catch (cause) {
      throw new AnteroomError('network', `cannot reach the server: ${cause.message}`, { cause });
    }
    const text = await response.text();
    let json = null;
    if (text) {
      try {
        json = JSON.parse(text);
      } catch {
        json = null;
      }
    }
    if (!response.ok) throw AnteroomError.fromStatus(response.status, json);
    return json;
  }
}

function enc(token) {
  return encodeURIComponent(String(token));
}
