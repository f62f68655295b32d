// A small event emitter. Listener errors are reported through `onListenerError`
// instead of thrown, so one broken UI handler cannot stop the protocol code
// that emitted the event.

export class Emitter {
  #listeners = new Map();

  /** Calls `fn(payload)` on every `type` event; returns a function that stops it. */
  on(type, fn) {
    let set = this.#listeners.get(type);
    if (!set) {
      set = new Set();
      this.#listeners.set(type, set);
    }
    set.add(fn);
    return () => this.off(type, fn);
  }

  off(type, fn) {
    this.#listeners.get(type)?.delete(fn);
  }

  /** Calls `fn` on the next `type` event only. */
  once(type, fn) {
    const off = this.on(type, (payload) => {
      off();
      fn(payload);
    });
    return off;
  }

  emit(type, payload) {
    const set = this.#listeners.get(type);
    if (!set) return;
    for (const fn of [...set]) {
      try {
        fn(payload);
      } catch (err) {
        this.onListenerError(err, type);
      }
    }
  }

  onListenerError(err, type) {
    queueMicrotask(() => {
      throw Object.assign(err, { message: `in a "${type}" listener: ${err.message}` });
    });
  }
}
