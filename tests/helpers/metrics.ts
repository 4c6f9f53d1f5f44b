/** Reading `/metrics` as Prometheus would: parsed with a text-format parser, looked up by name and labels. */
import parsePrometheusTextFormat from 'parse-prometheus-text-format';

export interface Scrape {
  /** The families by name, as the parser read them. */
  names: Set<string>;
  /** A counter's or gauge's value (0 when the series is absent); the labels given must all match. */
  value(name: string, labels?: Record<string, string>): number;
  /** A histogram's observation count (0 when absent): its `<name>_count` series. */
  count(name: string, labels?: Record<string, string>): number;
}

/**
 * The parser folds a labelled histogram's buckets into one set and drops its `_sum` and `_count`
 * (it follows prom2json only for unlabelled ones). A histogram's `_count` series are counters in
 * Prometheus' own model, so they are handed to the parser as the counter family `<name>_count`.
 */
function countsAsCounters(text: string): string {
  const histograms = [...text.matchAll(/^# TYPE (\S+) histogram$/gm)].map((m) => m[1]!);
  const lines = text.split('\n');
  const extra = histograms.flatMap((h) => [
    `# HELP ${h}_count observations of ${h}`,
    `# TYPE ${h}_count counter`,
    ...lines.filter((l) => l.startsWith(`${h}_count{`) || l.startsWith(`${h}_count `)),
  ]);
  return [...lines, ...extra, ''].join('\n');
}

export function parseMetrics(text: string): Scrape {
  const families = new Map(parsePrometheusTextFormat(countsAsCounters(text)).map((f) => [f.name, f]));
  const matching = (name: string, labels: Record<string, string>) =>
    (families.get(name)?.metrics ?? []).filter((m) =>
      Object.entries(labels).every(([k, v]) => m.labels?.[k] === v),
    );
  const value = (name: string, labels: Record<string, string> = {}) =>
    matching(name, labels).reduce((s, m) => s + Number(m.value ?? 0), 0);
  return {
    names: new Set(
      [...families.keys()].filter((n) => !n.endsWith('_count') || !families.has(n.slice(0, -6))),
    ),
    value,
    count: (name, labels = {}) => value(`${name}_count`, labels),
  };
}
