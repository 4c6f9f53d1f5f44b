import { useEffect, useState } from 'react';
import { audioBlocked, onAudioState, playChime, resumeAudio } from './chime';

/**
 * Chimes while an alert is unacknowledged (faster and louder once escalated), unless muted, and
 * says whether the browser blocks sound: an unattended TV started without the kiosk autoplay flag
 * would never chime, so the screen says so from the start, not only once an alert is up.
 */
export function useChime(mode: 'none' | 'open' | 'escalated', muted: boolean): { blocked: boolean } {
  const [blocked, setBlocked] = useState(audioBlocked);
  useEffect(() => {
    const update = () => setBlocked(audioBlocked());
    const wake = () => resumeAudio();
    const off = onAudioState(update);
    resumeAudio();
    update();
    window.addEventListener('keydown', wake);
    window.addEventListener('pointerdown', wake);
    return () => {
      off();
      window.removeEventListener('keydown', wake);
      window.removeEventListener('pointerdown', wake);
    };
  }, []);
  useEffect(() => {
    if (mode === 'none' || muted) return;
    const ring = () => {
      resumeAudio();
      playChime(mode === 'escalated');
    };
    ring();
    const id = setInterval(ring, mode === 'escalated' ? 3000 : 6000);
    return () => clearInterval(id);
  }, [mode, muted]);
  return { blocked: blocked && !muted };
}
