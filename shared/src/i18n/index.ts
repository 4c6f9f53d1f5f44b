/**
 * The product's one dictionary (zh-CN the source, English beside it) and the language of the zod
 * parse in progress, so the shared schemas' messages come out in the language of whoever asked.
 */
import type { z } from 'zod';
import { en as enLocale, zhCN } from 'zod/locales';
import { en } from './en';
import { type MessageKey, zh } from './zh';

export { en, zh, type MessageKey };

export const LANGS = ['zh', 'en'] as const;
export type Lang = (typeof LANGS)[number];
export type MessageParams = Record<string, string | number>;

const dictionaries: Record<Lang, Record<MessageKey, string>> = { zh, en };

export function translate(lang: Lang, key: MessageKey, params?: MessageParams): string {
  const text = dictionaries[lang][key];
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (_, name: string) => String(params[name] ?? `{${name}}`));
}

export function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(zh, key);
}

/** One label in both languages: the `{zh, en}` shape of METRIC_LABELS and its kind. */
export type LabelPair = { zh: string; en: string };

/** `{zh, en}` for each value, from the keys `key(value)` names (the type checks they exist). */
export function labelsOf<V extends string>(
  values: readonly V[],
  key: (v: V) => MessageKey,
): Record<V, LabelPair> {
  const pairs = values.map((v) => [v, { zh: zh[key(v)], en: en[key(v)] }] as const);
  return Object.fromEntries(pairs) as Record<V, LabelPair>;
}

// --- the language of the parse in progress ---------------------------------------------------------

/**
 * zod parses synchronously, so the language set around one parse is the one every message of that
 * parse is written in, however many requests in other languages the process is serving.
 */
let parsing: Lang = 'en';

const ZOD_LOCALES: Record<Lang, z.core.$ZodErrorMap> = {
  en: enLocale().localeError,
  zh: zhCN().localeError,
};

/** `schema.safeParse(value)` with every message — zod's own and the schemas' — in `lang`. */
export function safeParseIn<T extends z.ZodType>(
  lang: Lang,
  schema: T,
  value: unknown,
): z.ZodSafeParseResult<z.output<T>> {
  const outer = parsing;
  parsing = lang;
  try {
    const r = schema.safeParse(value, { error: ZOD_LOCALES[lang] }) as z.ZodSafeParseResult<z.output<T>>;
    // zod words its issues when `error` is first read: read it while `lang` is the parse's language.
    if (!r.success) void r.error.issues;
    return r;
  } finally {
    parsing = outer;
  }
}

/** A message of the shared schemas (superRefine), in the language of the parse in progress. */
export function issueMessage(key: MessageKey, params?: MessageParams): string {
  return translate(parsing, key, params);
}

/** The `error` option of a check: its message, looked up when the check fails. */
export function issueError(key: MessageKey, params?: MessageParams): { error: () => string } {
  return { error: () => translate(parsing, key, params) };
}

// --- field names ---------------------------------------------------------------------------------

function nameLabel(lang: Lang, name: string, parent: string | undefined): string {
  const keys = [`field.${name}`, `metric.${name}`];
  if (parent !== undefined) keys.unshift(`field.${parent}.${name}`);
  const key = keys.find(isMessageKey);
  return key ? translate(lang, key) : name;
}

/**
 * A zod issue's path as a person names the field: `['checkpoints', 1]` → 「检查点第 2 项」 /
 * "Checkpoints item 2", `['forecast', 3, 'minute']` → 「预估曲线第 4 项 · 分钟」.
 */
export function fieldLabel(lang: Lang, path: readonly PropertyKey[]): string {
  let label = '';
  let parent: string | undefined;
  for (const seg of path) {
    if (typeof seg === 'number') {
      label = translate(lang, 'issues.item', { field: label, n: seg + 1 }).trim();
      continue;
    }
    const name = String(seg);
    const own = nameLabel(lang, name, parent);
    label = label ? translate(lang, 'issues.nested', { parent: label, field: own }) : own;
    parent = name;
  }
  return label;
}
