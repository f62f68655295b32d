// The meeting's side panels: chat, the participant list, and the invite
// panel with the guest link and its QR code.

import { h, icon, initials, svg } from './dom.js';
import { t } from './i18n.js';
import { encodeQr } from './qr.js';

const MAX_CHAT = 4000;

function panel(id, title, onClose, ...body) {
  const heading = h('h2', { id: `${id}-title`, text: title });
  return h('section', { class: 'panel', id, 'aria-labelledby': `${id}-title`, hidden: true },
    h('header', { class: 'panel-head' }, heading,
      h('button', { type: 'button', class: 'ghost icon-only', 'aria-label': t('closePanel'), onclick: onClose }, icon('close'))),
    ...body);
}

function time(iso) {
  const date = iso ? new Date(iso) : new Date();
  return Number.isNaN(date.getTime()) ? '' : date.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

/** The chat: a log that screen readers follow, and a message field. */
export function createChat({ onSend, onClose, selfId }) {
  const empty = h('li', { class: 'chat-empty', text: t('chatEmpty') });
  const log = h('ol', { class: 'chat-log', role: 'log', 'aria-live': 'polite', 'aria-label': t('chatLog') }, empty);
  const input = h('input', { id: 'chat-input', type: 'text', autocomplete: 'off', maxlength: String(MAX_CHAT), placeholder: t('chatPlaceholder') });
  const form = h('form', { class: 'chat-form', onsubmit: (event) => {
    event.preventDefault();
    const text = input.value.trim();
    if (!text) return;
    if (onSend(text)) input.value = '';
  } },
  h('label', { for: 'chat-input', class: 'visually-hidden', text: t('chatInput') }),
  input,
  h('button', { type: 'submit', class: 'primary icon-only', 'aria-label': t('send') }, icon('send')));
  const view = panel('chat-panel', t('chat'), onClose, log, form);

  return {
    view,
    input,
    add(message) {
      empty.remove();
      const mine = message.participant_id && message.participant_id === selfId();
      const who = mine ? t('you') : message.name ?? t('guest');
      log.append(h('li', { class: mine ? 'chat-msg mine' : 'chat-msg' },
        h('div', { class: 'chat-meta' },
          h('span', { class: 'chat-name', text: who }),
          h('time', { datetime: message.created_at ?? '', text: time(message.created_at) })),
        h('p', { class: 'chat-text', text: message.content })));
      log.scrollTop = log.scrollHeight;
    },
  };
}

/** The participant list, with remove buttons for hosts where kicking is on. */
export function createPeople({ onKick, onClose }) {
  const list = h('ul', { class: 'people-list' });
  const view = panel('people-panel', t('people'), onClose, list);
  return {
    view,
    update(self, others, canKick) {
      const row = (person, isSelf) => h('li', { class: 'person' },
        h('span', { class: 'avatar small', 'aria-hidden': 'true', text: initials(person.name) }),
        h('span', { class: 'person-name' },
          isSelf ? t('youSuffix', { name: person.name }) : person.name,
          h('span', { class: 'person-role', text: person.guest ? t('guest') : t('host') })),
        person.audio_muted ? h('span', { class: 'badge', title: t('muted'), 'aria-label': t('muted') }, icon('micOff')) : null,
        canKick && !isSelf
          ? h('button', { type: 'button', class: 'secondary small', 'aria-label': t('kick', { name: person.name }), text: t('kickShort'), onclick: () => onKick(person) })
          : null);
      list.replaceChildren(row(self, true), ...others.map((p) => row(p, false)));
    },
  };
}

/** The QR code of `text` as an SVG element, with a quiet zone. */
export function qrCode(text) {
  const { size, dark } = encodeQr(text);
  const quiet = 4;
  let path = '';
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) if (dark[y][x]) path += `M${x + quiet} ${y + quiet}h1v1h-1z`;
  }
  const full = size + 2 * quiet;
  return svg('svg', { viewBox: `0 0 ${full} ${full}`, class: 'qr', role: 'img', 'aria-label': t('qrLabel'), 'shape-rendering': 'crispEdges' },
    svg('rect', { width: full, height: full, fill: '#fff' }),
    svg('path', { d: path, fill: '#000' }));
}

/** The guest link: copy it, or scan it. */
export function createInvite({ link, onClose, onCopied }) {
  const field = h('input', { id: 'guest-link', type: 'text', readonly: true, value: link });
  const copy = h('button', { type: 'button', class: 'primary', text: t('copyLink'), onclick: async () => {
    try {
      await navigator.clipboard.writeText(link);
    } catch {
      // Without clipboard access, select the text for the user to copy.
      field.select();
      document.execCommand?.('copy');
    }
    copy.textContent = t('copied');
    onCopied?.();
    setTimeout(() => {
      copy.textContent = t('copyLink');
    }, 2000);
  } });
  const frame = h('div', { class: 'qr-frame', hidden: true });
  let drawn = false;
  const view = panel('invite-panel', t('inviteTitle'), onClose,
    h('p', { class: 'muted-text', text: t('inviteText') }),
    h('label', { for: 'guest-link', text: t('guestLink') }),
    h('div', { class: 'copy-row' }, field, copy),
    frame);
  return {
    view,
    // Encoding the code takes a moment the join should not wait for, and
    // most meetings never open this panel: it is drawn on the first opening.
    onOpen() {
      if (drawn) return;
      drawn = true;
      try {
        frame.append(qrCode(link));
        frame.hidden = false;
      } catch {
        // Longer than the encoder takes; the link alone still works.
      }
    },
  };
}
