// A strict reader of the Prometheus text format (version 0.0.4), for tests: every line must be
// a well-formed comment or sample of a declared family, histogram series must be complete and
// consistent (cumulative buckets, +Inf equal to _count), and no series may repeat. The npm
// parser used beside it reads families and values but drops labelled histograms' sums.

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped';
  samples: Sample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)$/;
const LABEL = /\s*([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\\n]|\\[\\"n])*)"\s*(,|$)/y;

function parseLabels(text: string, line: number): Record<string, string> {
  const labels: Record<string, string> = {};
  LABEL.lastIndex = 0;
  while (LABEL.lastIndex < text.length) {
    const match = LABEL.exec(text);
    if (!match) throw new Error(`line ${line}: bad labels {${text}}`);
    const [, key, raw] = match as unknown as [string, string, string];
    if (key in labels) throw new Error(`line ${line}: label ${key} repeated`);
    labels[key] = raw.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
  }
  return labels;
}

export function parsePrometheusStrict(text: string): Map<string, Family> {
  if (!text.endsWith('\n')) throw new Error('the exposition must end with a line feed');
  const families = new Map<string, Family>();
  const seen = new Set<string>();
  text
    .slice(0, -1)
    .split('\n')
    .forEach((content, index) => {
      const line = index + 1;
      const help = /^# HELP (\S+) (.*)$/.exec(content);
      const type = /^# TYPE (\S+) (counter|gauge|histogram|summary|untyped)$/.exec(content);
      if (help || type) {
        const name = (help ?? type)?.[1] as string;
        if (!NAME.test(name)) throw new Error(`line ${line}: bad metric name ${name}`);
        const family = families.get(name) ?? { name, help: '', type: 'untyped', samples: [] };
        if (help) family.help = help[2] as string;
        if (type) {
          if (family.samples.length) throw new Error(`line ${line}: TYPE after samples of ${name}`);
          family.type = type[2] as Family['type'];
        }
        families.set(name, family);
        return;
      }
      if (content.startsWith('#')) return;
      const sample = SAMPLE.exec(content);
      if (!sample) throw new Error(`line ${line}: not a sample: ${content}`);
      const [, name, , labelText, valueText] = sample as unknown as [
        string,
        string,
        string,
        string | undefined,
        string,
      ];
      const value =
        valueText === '+Inf' ? Infinity : valueText === '-Inf' ? -Infinity : Number(valueText);
      if (Number.isNaN(value) && valueText !== 'NaN')
        throw new Error(`line ${line}: bad value ${valueText}`);
      const base = name.replace(/_(bucket|sum|count)$/, '');
      const family = families.get(name) ?? families.get(base);
      if (!family) throw new Error(`line ${line}: sample of undeclared family ${name}`);
      if (family.name !== name && family.type !== 'histogram' && family.type !== 'summary')
        throw new Error(`line ${line}: ${name} does not belong to ${family.type} ${family.name}`);
      const labels = parseLabels(labelText ?? '', line);
      const key = `${name}{${Object.entries(labels)
        .sort()
        .map(([k, v]) => `${k}=${v}`)
        .join(',')}}`;
      if (seen.has(key)) throw new Error(`line ${line}: series ${key} repeated`);
      seen.add(key);
      family.samples.push({ name, labels, value });
    });
  for (const family of families.values()) if (family.type === 'histogram') checkHistogram(family);
  return families;
}

function checkHistogram(family: Family): void {
  const series = new Map<string, Sample[]>();
  for (const sample of family.samples) {
    const { le: _le, ...rest } = sample.labels;
    const key = JSON.stringify(Object.entries(rest).sort());
    series.set(key, [...(series.get(key) ?? []), sample]);
  }
  for (const [key, samples] of series) {
    const buckets = samples.filter((s) => s.name.endsWith('_bucket'));
    const count = samples.find((s) => s.name.endsWith('_count'));
    if (!count || !samples.some((s) => s.name.endsWith('_sum')))
      throw new Error(`${family.name} ${key}: missing _sum or _count`);
    const bounds = buckets.map((b) => Number(b.labels.le === '+Inf' ? Infinity : b.labels.le));
    if (bounds.at(-1) !== Infinity) throw new Error(`${family.name} ${key}: no +Inf bucket`);
    for (let i = 1; i < buckets.length; i++) {
      if ((bounds[i] as number) <= (bounds[i - 1] as number))
        throw new Error(`${family.name} ${key}: buckets out of order`);
      if ((buckets[i] as Sample).value < (buckets[i - 1] as Sample).value)
        throw new Error(`${family.name} ${key}: buckets not cumulative`);
    }
    if ((buckets.at(-1) as Sample).value !== count.value)
      throw new Error(`${family.name} ${key}: +Inf bucket differs from _count`);
  }
}
