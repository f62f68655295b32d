// What a meeting's options change on the page: language, title, stage
// colour, and where leaving the meeting goes (exit_url).

import { setLocale, t } from './i18n.js';

let exitUrl = null;

/** Takes locale, exit URL, title and colour from a meeting's options. */
export function applyOptions(options, name) {
  if (!options) return;
  setLocale(options.custom_fields?.locale);
  exitUrl = options.exit_url ?? null;
  if (name) document.title = `${name} – ${t('appName')}`;
  if (/^#[0-9a-f]{6}$/i.test(options.background_color ?? '')) {
    document.documentElement.style.setProperty('--stage-bg', options.background_color);
  }
}

/** The exit URL of the options applied last, or null. */
export function currentExitUrl() {
  return exitUrl;
}

/** The welcome's options are the meeting's own: a URL there wins over the room response's. */
export function setExitUrl(url) {
  if (url) exitUrl = url;
}
