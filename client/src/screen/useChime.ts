import { useEffect, useState } from 'react';
import { audioBlocked, playChime, resumeAudio } from './chime';

/** Chimes while an alert is unacknowledged (faster and louder once escalated), unless muted. */
export function useChime(mode: 'none' | 'open' | 'escalated', muted: boolean): { blocked: boolean } {
  const [blocked, setBlocked] = useState(false);
  useEffect(() => {
    const wake = () => {
      resumeAudio();
      setTimeout(() => setBlocked(audioBlocked()), 100);
    };
    window.addEventListener('keydown', wake);
    window.addEventListener('pointerdown', wake);
    return () => {
      window.removeEventListener('keydown', wake);
      window.removeEventListener('pointerdown', wake);
    };
  }, []);
  useEffect(() => {
    if (mode === 'none' || muted) return;
    const ring = () => {
      resumeAudio();
      setBlocked(audioBlocked());
      playChime(mode === 'escalated');
    };
    ring();
    const id = setInterval(ring, mode === 'escalated' ? 3000 : 6000);
    return () => clearInterval(id);
  }, [mode, muted]);
  return { blocked: blocked && mode !== 'none' && !muted };
}
