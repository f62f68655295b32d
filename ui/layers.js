// Asks the server for the simulcast layer each remote camera is worth: the
// low one (`l`, half size) for tiles too small to show the high one, and
// `auto` (the server picks by bandwidth) for large tiles. The band between
// the two widths keeps a tile near the edge from flipping back and forth.

export const SMALL_BELOW = 480;
export const LARGE_ABOVE = 520;

export class LayerChooser {
  #send;
  #observer;
  /** participant id → {el, width, sent} */
  #watched = new Map();
  #byElement = new Map();

  /** @param {(participantId: string, layer: 'l' | 'auto') => boolean} send - false when not sent */
  constructor(send) {
    this.#send = send;
    this.#observer = new ResizeObserver((entries) => {
      for (const entry of entries) {
        const id = this.#byElement.get(entry.target);
        const box = entry.contentBoxSize?.[0];
        if (id) this.#update(id, box ? box.inlineSize : entry.contentRect.width);
      }
    });
  }

  /** Follows the tile element showing a participant's camera. */
  watch(participantId, el) {
    const current = this.#watched.get(participantId);
    if (current?.el === el) return;
    if (current) this.unwatch(participantId);
    this.#watched.set(participantId, { el, width: 0, sent: null });
    this.#byElement.set(el, participantId);
    this.#observer.observe(el);
  }

  unwatch(participantId) {
    const current = this.#watched.get(participantId);
    if (!current) return;
    this.#observer.unobserve(current.el);
    this.#byElement.delete(current.el);
    this.#watched.delete(participantId);
  }

  /** Sends every choice again: after a reconnect the server may have forgotten them. */
  resend() {
    for (const [id, entry] of this.#watched) {
      entry.sent = null;
      this.#update(id, entry.width);
    }
  }

  close() {
    this.#observer.disconnect();
    this.#watched.clear();
    this.#byElement.clear();
  }

  #update(id, width) {
    const entry = this.#watched.get(id);
    // Zero: not laid out (hidden or detached); nothing to judge by.
    if (!entry || !width) return;
    entry.width = width;
    let layer = entry.sent;
    if (width < SMALL_BELOW) layer = 'l';
    else if (width > LARGE_ABOVE) layer = 'auto';
    else layer ??= width < (SMALL_BELOW + LARGE_ABOVE) / 2 ? 'l' : 'auto';
    if (layer !== entry.sent && this.#send(id, layer)) entry.sent = layer;
  }
}
