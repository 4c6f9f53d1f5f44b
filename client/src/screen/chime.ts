/**
 * The alert chime, synthesised with WebAudio (no audio files). Browsers may keep the context
 * suspended until someone interacts with the page; `resumeAudio` is called on any key or click.
 */
let ctx: AudioContext | null = null;

function context(): AudioContext | null {
  if (ctx) return ctx;
  const Ctor = window.AudioContext;
  if (!Ctor) return null;
  ctx = new Ctor();
  return ctx;
}

/** Whether the browser keeps sound off until someone interacts (no kiosk autoplay flag). */
export function audioBlocked(): boolean {
  return context()?.state === 'suspended';
}

/** Calls `listener` whenever the audio context's state changes (blocked, then allowed). */
export function onAudioState(listener: () => void): () => void {
  const ac = context();
  ac?.addEventListener('statechange', listener);
  return () => ac?.removeEventListener('statechange', listener);
}

export function resumeAudio(): void {
  void context()
    ?.resume()
    .catch(() => undefined);
}

/** Two (or, escalated, three louder) bell-like notes. */
export function playChime(escalated: boolean): void {
  const ac = context();
  if (!ac || ac.state !== 'running') return;
  const notes = escalated ? [988, 784, 988] : [880, 660];
  const gainPeak = escalated ? 0.5 : 0.25;
  notes.forEach((freq, i) => {
    const start = ac.currentTime + i * 0.28;
    const osc = ac.createOscillator();
    const gain = ac.createGain();
    osc.type = 'sine';
    osc.frequency.value = freq;
    gain.gain.setValueAtTime(0, start);
    gain.gain.linearRampToValueAtTime(gainPeak, start + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.001, start + 0.9);
    osc.connect(gain).connect(ac.destination);
    osc.start(start);
    osc.stop(start + 1);
  });
}
