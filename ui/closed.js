// What the page says once this participant's meeting is over: ended (and by
// whom), left, removed, or replaced by another tab; with the way back in.

import { setState } from './dom.js';
import { t } from './i18n.js';
import { currentExitUrl } from './options.js';
import { endedLine, showFailure, showNotice } from './screens.js';

/**
 * @param {{reason: string, ended: object|null, byMe?: boolean}} closed
 * @param {object} o
 * @param {string} o.flow - the route's flow (main.js)
 * @param {(options?: object) => void} o.restart - runs the link's flow again
 * @param {() => Promise<boolean>} [o.linkWorks] - false once the link is deleted or expired
 */
export function showClosed({ reason, ended, byMe = false }, { flow, restart, linkWorks }) {
  const exitUrl = currentExitUrl();
  const again = [{ label: t('rejoin'), onClick: () => location.reload() }];
  switch (reason) {
    case 'ended': {
      // A permalink outlives its meetings: its host may start the next one,
      // its guests may wait for it; unless the link was deleted or expired.
      const deleted = ended?.reason === 'permalink_deleted';
      const next = deleted ? [] : {
        'permalink-host': [{ label: t('startAgain'), onClick: () => restart({ autoStart: true }) }],
        'permalink-guest': [{ label: t('waitNext'), onClick: () => restart() }],
      }[flow] ?? [];
      const line = byMe ? t('endedByYou') : endedLine(ended);
      const card = showNotice({ state: 'ended', title: t('endedTitle'), lines: [line], exitUrl, redirect: true, actions: next });
      if (next.length && linkWorks) linkWorks().then((works) => works || dropActions(card));
      break;
    }
    case 'left':
      if (exitUrl) {
        setState('left');
        location.assign(exitUrl);
      } else showNotice({ state: 'left', title: t('leftTitle'), actions: again });
      break;
    case 'kicked':
      showNotice({ state: 'kicked', title: t('kickedTitle'), lines: [t('kickedText')], exitUrl, actions: again, tone: 'warn' });
      break;
    case 'removed':
      showNotice({ state: 'removed', title: t('removedTitle'), lines: [t('removedText')], exitUrl, tone: 'warn' });
      break;
    case 'replaced':
      // The reload resumes this tab's stored session, which takes the meeting back.
      showNotice({ state: 'replaced', title: t('replacedTitle'), lines: [t('replacedText')],
        actions: [{ label: t('useHere'), onClick: () => location.reload() }] });
      break;
    default:
      showFailure({ code: reason === 'not_found' ? 'invalid' : reason }, { exitUrl });
  }
}

/** Takes the buttons that lead nowhere now off a notice, keeping focus in it. */
function dropActions(card) {
  const hadFocus = card.contains(document.activeElement);
  card.querySelectorAll('.actions button').forEach((button) => button.remove());
  if (!card.querySelector('.actions > *')) card.querySelector('.actions')?.remove();
  if (hadFocus && !card.contains(document.activeElement)) card.querySelector('h1')?.focus();
}
