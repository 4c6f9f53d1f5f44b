import { useStore } from './store';
import { selectLang } from './store/selectors';
import { translate } from './i18n';

/** zh-CN ⇄ English; the choice is kept in localStorage. */
export function LangSwitch({ className }: { className?: string }) {
  const lang = useStore(selectLang);
  const setLang = useStore((s) => s.setLang);
  return (
    <button
      type="button"
      className={className}
      data-testid="lang-switch"
      onClick={() => setLang(lang === 'zh' ? 'en' : 'zh')}
    >
      {translate(lang, 'langSwitch')}
    </button>
  );
}
