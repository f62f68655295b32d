// Audio levels from WebAudio AnalyserNodes: the microphone meter in the
// lobby and the active-speaker highlight in the meeting.

let context = null;

/** The page's one AudioContext, made on first use. */
function audioContext() {
  if (!context) context = new AudioContext();
  // Browsers start it suspended until the user interacts with the page.
  if (context.state === 'suspended') context.resume().catch(() => {});
  return context;
}

/** Resumes audio after a user gesture; safe to call at any time. */
export function unlockAudio() {
  if (context?.state === 'suspended') context.resume().catch(() => {});
}

/** Measures one audio track's loudness. */
export class LevelMeter {
  #source;
  #analyser;
  #buffer;

  constructor(track) {
    const ctx = audioContext();
    this.#source = ctx.createMediaStreamSource(new MediaStream([track]));
    this.#analyser = ctx.createAnalyser();
    this.#analyser.fftSize = 512;
    this.#analyser.smoothingTimeConstant = 0.3;
    this.#buffer = new Float32Array(this.#analyser.fftSize);
    this.#source.connect(this.#analyser);
  }

  /** The loudness now, 0 (silence) to 1, on a scale that suits a meter. */
  level() {
    this.#analyser.getFloatTimeDomainData(this.#buffer);
    let sum = 0;
    for (const sample of this.#buffer) sum += sample * sample;
    const rms = Math.sqrt(sum / this.#buffer.length);
    // Speech sits around -40 to -10 dBFS; map that range onto the meter.
    const db = 20 * Math.log10(rms || 1e-8);
    return Math.min(1, Math.max(0, (db + 60) / 50));
  }

  close() {
    this.#source.disconnect();
  }
}

/**
 * Follows several tracks and reports the loudest speaker: calls
 * `onChange(key | null)` when it changes. A speaker must stay loudest for a
 * moment to take over, so the highlight does not flicker between people.
 */
export class SpeakerDetector {
  #meters = new Map();
  #timer = null;
  #current = null;
  #candidate = null;
  #since = 0;

  constructor(onChange, { threshold = 0.35, holdMs = 300, everyMs = 100 } = {}) {
    this.onChange = onChange;
    this.threshold = threshold;
    this.holdMs = holdMs;
    this.everyMs = everyMs;
  }

  add(key, track) {
    this.remove(key);
    try {
      this.#meters.set(key, new LevelMeter(track));
    } catch {
      return; // No WebAudio: no highlight, the meeting goes on.
    }
    this.#timer ??= setInterval(() => this.#tick(), this.everyMs);
  }

  remove(key) {
    this.#meters.get(key)?.close();
    this.#meters.delete(key);
    if (this.#current === key) this.#set(null);
  }

  close() {
    clearInterval(this.#timer);
    this.#timer = null;
    for (const meter of this.#meters.values()) meter.close();
    this.#meters.clear();
  }

  #tick() {
    let loudest = null;
    let best = this.threshold;
    for (const [key, meter] of this.#meters) {
      const level = meter.level();
      if (level > best) {
        best = level;
        loudest = key;
      }
    }
    const now = performance.now();
    if (loudest !== this.#candidate) {
      this.#candidate = loudest;
      this.#since = now;
    }
    // Silence keeps the last speaker highlighted for a while; a new voice
    // takes over after holdMs.
    const hold = loudest === null ? this.holdMs * 5 : this.holdMs;
    if (loudest !== this.#current && now - this.#since >= hold) this.#set(loudest);
  }

  #set(key) {
    this.#current = key;
    this.onChange(key);
  }
}
