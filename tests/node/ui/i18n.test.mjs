// The UI's string tables on Node: German and French have every English
// key, with the same {placeholders}.

import { test } from 'node:test';
import assert from 'node:assert/strict';

import de from '../../../ui/i18n/de.js';
import en from '../../../ui/i18n/en.js';
import fr from '../../../ui/i18n/fr.js';

const placeholders = (text) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

for (const [name, table] of [['de', de], ['fr', fr]]) {
  test(`${name} has every English string`, () => {
    assert.deepEqual(Object.keys(en).filter((key) => !(key in table)), []);
    assert.deepEqual(Object.keys(table).filter((key) => !(key in en)), [], 'no keys English lacks');
    for (const key of Object.keys(en)) assert.deepEqual(placeholders(table[key]), placeholders(en[key]), key);
  });
}
