// Strings by locale. The meeting's `options.custom_fields.locale` picks the
// language (`de`, `de-AT` and `DE` all mean German); English is the fallback
// for unknown locales and for any key a translation lacks.

import de from './i18n/de.js';
import en from './i18n/en.js';
import fr from './i18n/fr.js';

const TABLES = { en, de, fr };
let current = en;
let currentName = 'en';

/** Chooses the language from a locale string; returns the one chosen. */
export function setLocale(locale) {
  const name = String(locale ?? '').toLowerCase().split(/[-_]/)[0];
  currentName = TABLES[name] ? name : 'en';
  current = TABLES[currentName];
  document.documentElement.lang = currentName;
  return currentName;
}

export function locale() {
  return currentName;
}

/** The string for `key`, with `{name}` placeholders filled from `vars`. */
export function t(key, vars = {}) {
  const text = current[key] ?? en[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, name) => (name in vars ? String(vars[name]) : `{${name}}`));
}
