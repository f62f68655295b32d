// The video grid: one tile per participant (camera or initials), one per
// shared screen, each with its name and a muted mark.

import { h, icon, initials } from './dom.js';
import { t } from './i18n.js';

export class Tile {
  constructor({ key, name, screen = false, self = false, showName = true }) {
    this.key = key;
    this.video = h('video', { autoplay: true, playsinline: true, muted: true });
    this.video.muted = true;
    this.avatar = h('div', { class: 'avatar', 'aria-hidden': 'true' });
    this.nameEl = h('span', { class: 'tile-name' });
    this.mutedEl = h('span', { class: 'tile-muted', hidden: true, title: t('muted') }, icon('micOff'));
    this.caption = h('figcaption', { class: 'tile-caption' }, this.mutedEl, this.nameEl);
    this.caption.hidden = !showName;
    this.el = h('figure', { class: `tile${screen ? ' screen' : ''}${self ? ' self' : ''}`, dataset: { key } },
      this.avatar, this.video, this.caption);
    this.screen = screen;
    this.self = self;
    this.track = null;
    this.videoOff = false;
    this.setName(name);
  }

  setName(name) {
    this.name = name;
    const label = this.screen ? t('screenOf', { name }) : this.self ? t('youSuffix', { name }) : name;
    this.nameEl.textContent = label;
    this.avatar.textContent = initials(name);
    this.el.setAttribute('aria-label', label);
  }

  setTrack(track) {
    this.track = track;
    this.video.srcObject = track ? new MediaStream([track]) : null;
    this.#render();
  }

  setState({ audioMuted = false, videoMuted = false } = {}) {
    this.mutedEl.hidden = this.screen || !audioMuted;
    if (!this.screen) this.el.classList.toggle('is-muted', audioMuted);
    this.videoOff = videoMuted;
    this.#render();
  }

  setSpeaking(on) {
    this.el.classList.toggle('speaking', on);
  }

  #render() {
    const showVideo = Boolean(this.track) && !this.videoOff;
    // The initials stay underneath: a video shows nothing until its first frame.
    this.video.hidden = !showVideo;
  }

  remove() {
    this.video.srcObject = null;
    this.el.remove();
  }
}

/** Lays tiles out: a balanced grid, or a shared screen large with the rest beside it. */
export class Grid {
  constructor() {
    this.tiles = new Map();
    this.stage = h('div', { class: 'stage' });
    this.strip = h('div', { class: 'strip' });
    this.el = h('div', { class: 'grid' }, this.stage, this.strip);
    this.resize = new ResizeObserver(() => this.#fit());
    this.resize.observe(this.stage);
  }

  get(key) {
    return this.tiles.get(key);
  }

  add(tile) {
    this.tiles.set(tile.key, tile);
    this.layout();
    return tile;
  }

  remove(key) {
    this.tiles.get(key)?.remove();
    this.tiles.delete(key);
    this.layout();
  }

  layout() {
    const all = [...this.tiles.values()];
    const screens = all.filter((tile) => tile.screen);
    // Remote screens come before our own: the others' presentation matters more.
    screens.sort((a, b) => Number(a.self) - Number(b.self));
    const presenting = screens.length > 0;
    this.el.classList.toggle('presenting', presenting);
    const onStage = presenting ? [screens[0]] : all;
    const inStrip = presenting ? all.filter((tile) => tile !== screens[0]) : [];
    this.stage.replaceChildren(...onStage.map((tile) => tile.el));
    this.strip.replaceChildren(...inStrip.map((tile) => tile.el));
    this.strip.hidden = inStrip.length === 0;
    this.#fit();
  }

  // Picks the column count that gives the largest 16:9 tiles in the stage.
  #fit() {
    const count = this.stage.childElementCount;
    const width = this.stage.clientWidth;
    const height = this.stage.clientHeight;
    if (!count || !width || !height) return;
    const gap = 10;
    let best = 0;
    for (let cols = 1; cols <= count; cols++) {
      const rows = Math.ceil(count / cols);
      const byWidth = (width - gap * (cols - 1)) / cols;
      const byHeight = ((height - gap * (rows - 1)) / rows) * (16 / 9);
      best = Math.max(best, Math.min(byWidth, byHeight));
    }
    this.stage.style.setProperty('--tile-w', `${Math.floor(best)}px`);
  }
}
