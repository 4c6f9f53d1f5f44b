import { useState } from 'react';
import { useT } from '../hooks';
import { IconCheck } from '../icons';

/** Copies `text`; falls back to a hidden textarea where the Clipboard API is not allowed (plain http). */
async function copyText(text: string): Promise<void> {
  try {
    await navigator.clipboard.writeText(text);
    return;
  } catch {
    const el = document.createElement('textarea');
    el.value = text;
    el.setAttribute('readonly', '');
    el.style.position = 'fixed';
    el.style.opacity = '0';
    document.body.appendChild(el);
    el.select();
    document.execCommand('copy');
    el.remove();
  }
}

export function CopyButton({ text, testId }: { text: string; testId?: string }) {
  const t = useT();
  const [done, setDone] = useState(false);
  return (
    <button
      type="button"
      className="btn btn-small"
      data-testid={testId}
      onClick={() =>
        void copyText(text).then(() => {
          setDone(true);
          setTimeout(() => setDone(false), 1500);
        })
      }
    >
      {done ? (
        <>
          <IconCheck /> {t('copied')}
        </>
      ) : (
        t('copy')
      )}
    </button>
  );
}
