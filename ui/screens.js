// Full-page notices: the meeting ended, the link expired or was deleted,
// this tab was replaced, and the like. Each sets `<body data-state>`.

import { announce, h, setState, show } from './dom.js';
import { t } from './i18n.js';

const REDIRECT_SECONDS = 5;

/** A safe exit URL (http or https only), or null. */
export function exitTarget(url) {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.href : null;
  } catch {
    return null;
  }
}

/**
 * @param {object} o
 * @param {string} o.state - the body's data-state
 * @param {string} o.title
 * @param {string[]} [o.lines]
 * @param {string|null} [o.exitUrl]
 * @param {boolean} [o.redirect] - go to exitUrl after a countdown
 * @param {{label: string, onClick: () => void}[]} [o.actions]
 * @param {string} [o.tone] - `info`, `warn` or `error`
 * @returns {HTMLElement} the notice's card
 */
export function showNotice({ state, title, lines = [], exitUrl = null, redirect = false, actions = [], tone = 'info' }) {
  const exit = exitTarget(exitUrl);
  const heading = h('h1', { tabindex: '-1', text: title });
  const countdown = h('p', { class: 'small muted-text', role: 'timer' });
  const buttons = actions.map(({ label, onClick }, i) =>
    h('button', { type: 'button', class: i === 0 ? 'primary' : 'secondary', text: label, onclick: onClick }));
  if (exit) buttons.push(h('a', { class: `button ${buttons.length ? 'secondary' : 'primary'}`, href: exit, text: t('continue') }));

  const card = h('section', { class: `card notice ${tone}`, 'aria-labelledby': 'notice-title' },
    h('div', { class: 'notice-mark', 'aria-hidden': 'true' }),
    heading,
    ...lines.filter(Boolean).map((line) => h('p', { text: line })),
    redirect && exit ? countdown : null,
    buttons.length ? h('div', { class: 'actions' }, ...buttons) : null);
  heading.id = 'notice-title';
  setState(state);
  show(h('div', { class: 'center' }, card));
  heading.focus();
  announce([title, ...lines].filter(Boolean).join('. '));

  if (redirect && exit) {
    let left = REDIRECT_SECONDS;
    // Someone who starts using the page (a key, a click) wants to stay: a
    // countdown must not take the choice away from keyboard users.
    const stay = () => {
      left = null;
      countdown.textContent = '';
      document.removeEventListener('keydown', stay, true);
      document.removeEventListener('pointerdown', stay, true);
    };
    document.addEventListener('keydown', stay, true);
    document.addEventListener('pointerdown', stay, true);
    const tick = () => {
      // Replaced by another screen ("Wait for the next meeting"), or stopped.
      if (left === null || !countdown.isConnected) return stay();
      countdown.textContent = t('redirecting', { seconds: left });
      if (left-- <= 0) location.assign(exit);
      else setTimeout(tick, 1000);
    };
    tick();
  }
  return card;
}

/** The line saying why a meeting ended, and by whom. */
export function endedLine(ended) {
  if (!ended) return null;
  if (ended.by) return t('endedBy', { name: ended.by });
  return {
    idle: t('endedIdle'),
    empty: t('endedEmpty'),
    stopped: t('endedStopped'),
    shutdown: t('endedShutdown'),
    permalink_deleted: t('endedDeleted'),
  }[ended.reason] ?? null;
}

export function showLoading() {
  setState('loading');
  show(h('div', { class: 'center' }, h('div', { class: 'spinner', role: 'status', 'aria-label': t('loading') })));
}

/** The notice for an AnteroomError met before the meeting, by its code. */
export function showFailure(err, { exitUrl = null, retry = null } = {}) {
  const retryAction = retry ? [{ label: t('tryAgain'), onClick: retry }] : [];
  const notices = {
    gone: { state: 'deleted', title: t('deletedTitle'), lines: [t('deletedText')] },
    not_found: { state: 'deleted', title: t('deletedTitle'), lines: [t('deletedText')] },
    expired: { state: 'expired', title: t('expiredTitle'), lines: [t('expiredText')] },
    locked: { state: 'locked', title: t('lockedTitle'), lines: [t('lockedText')], actions: retryAction },
    guests_disabled: { state: 'error', title: t('guestsOffTitle'), lines: [t('guestsOffText')] },
    invalid: { state: 'invalid', title: t('invalidTitle'), lines: [t('invalidText')] },
  };
  const notice = notices[err?.code] ?? {
    state: 'error', title: t('errorTitle'), lines: [t('errorText')], actions: retryAction, tone: 'error',
  };
  showNotice({ tone: 'warn', exitUrl, ...notice });
}
