// The prebuilt UI's entry: reads the link, then runs one of four flows.
//
//   /app/permalink?<user_token>       host: lobby, Start meeting
//   /app/permalink?guest=<token>      guest: lobby, waiting room until the host starts
//   /app/?<access_key>                a participant's own link
//   /app/?guest=<token>               a plain room's guest link

import { Anteroom, isExpired } from '/app/client/anteroom.js';
import { showClosed } from './closed.js';
import { setLocale } from './i18n.js';
import { guestPermalinkFlow, hostFlow } from './permalink-flows.js';
import { roomFlow, roomGuestFlow } from './room-flows.js';
import { showFailure, showLoading } from './screens.js';

const client = new Anteroom();

const FLOWS = {
  'permalink-host': hostFlow,
  'permalink-guest': guestPermalinkFlow,
  room: roomFlow,
  'room-guest': roomGuestFlow,
};

/** Which flow a URL asks for, and its token. */
export function parseRoute({ pathname, search }) {
  const permalink = /\/permalink\/?$/.test(pathname);
  const params = new URLSearchParams(search);
  const guest = params.get('guest');
  // A bare `?<token>` parses as a key with an empty value.
  const token = [...params].find(([key, value]) => value === '' && key !== 'guest')?.[0] ?? null;
  if (guest) return { flow: permalink ? 'permalink-guest' : 'room-guest', token: guest };
  if (token) return { flow: permalink ? 'permalink-host' : 'room', token };
  return { flow: 'invalid', token: null };
}

/** Whether a permalink can still start a meeting: not deleted, not expired. */
function linkWorks(token) {
  return client.meetingInfo(token).then(
    (info) => !isExpired(info, Date.now()),
    (err) => !['gone', 'not_found', 'expired'].includes(err.code),
  );
}

/** Runs a route's flow; its end screen may run it again ("Start again"). */
function run(route, options) {
  showLoading();
  const ctx = {
    client,
    token: route.token,
    onClosed: (closed) => showClosed(closed, {
      flow: route.flow, restart: (next) => run(route, next), linkWorks: () => linkWorks(route.token),
    }),
  };
  FLOWS[route.flow](ctx, options);
}

function main() {
  const route = parseRoute(location);
  if (FLOWS[route.flow]) run(route);
  else {
    setLocale(navigator.language);
    showFailure({ code: 'invalid' });
  }
}

main();
