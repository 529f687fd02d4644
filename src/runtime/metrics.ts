// Counters and histograms for /metrics, in the Prometheus text format. Small on purpose: okrbot
// has a handful of measures and needs no client library for them.

type Labels = Readonly<Record<string, string>>;

const labelKey = (labels: Labels) =>
  Object.entries(labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(
      ([key, value]) =>
        `${key}="${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`,
    )
    .join(',');

const braces = (key: string) => (key ? `{${key}}` : '');

export class Counter {
  private readonly values = new Map<string, number>();
  constructor(
    readonly name: string,
    readonly help: string,
  ) {}

  inc(labels: Labels = {}, by = 1): void {
    const key = labelKey(labels);
    this.values.set(key, (this.values.get(key) ?? 0) + by);
  }

  value(labels: Labels = {}): number {
    return this.values.get(labelKey(labels)) ?? 0;
  }

  render(): string[] {
    return [
      `# HELP ${this.name} ${this.help}`,
      `# TYPE ${this.name} counter`,
      ...[...this.values].map(([key, value]) => `${this.name}${braces(key)} ${value}`),
    ];
  }
}

export class Histogram {
  private readonly series = new Map<string, { counts: number[]; sum: number; count: number }>();
  constructor(
    readonly name: string,
    readonly help: string,
    readonly buckets: readonly number[],
  ) {}

  observe(value: number, labels: Labels = {}): void {
    const key = labelKey(labels);
    let entry = this.series.get(key);
    if (!entry) {
      entry = { counts: this.buckets.map(() => 0), sum: 0, count: 0 };
      this.series.set(key, entry);
    }
    this.buckets.forEach((bound, i) => {
      if (value <= bound) (entry.counts[i] as number)++;
    });
    entry.sum += value;
    entry.count++;
  }

  render(): string[] {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const [key, entry] of this.series) {
      const prefix = key ? `${key},` : '';
      this.buckets.forEach((bound, i) => {
        lines.push(`${this.name}_bucket{${prefix}le="${bound}"} ${entry.counts[i]}`);
      });
      lines.push(`${this.name}_bucket{${prefix}le="+Inf"} ${entry.count}`);
      lines.push(`${this.name}_sum${braces(key)} ${entry.sum}`);
      lines.push(`${this.name}_count${braces(key)} ${entry.count}`);
    }
    return lines;
  }
}

/** A gauge read when /metrics is scraped (outbox depth, deliveries by state: database counts). */
export interface GaugeSource {
  name: string;
  help: string;
  read(): Promise<{ labels?: Labels; value: number }[]>;
}

export function createMetrics() {
  const gauges: GaugeSource[] = [];
  const metrics = {
    commandSeconds: new Histogram(
      'okrbot_command_duration_seconds',
      'Time from a chat command to its reply',
      [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    ),
    promptsSent: new Counter('okrbot_prompts_sent_total', 'Monthly prompts and reminders sent'),
    repliesRecorded: new Counter(
      'okrbot_replies_recorded_total',
      'Answers to prompts that recorded at least one change',
    ),
    adapterReconnects: new Counter(
      'okrbot_adapter_reconnects_total',
      'Reconnections of a chat adapter after a lost connection',
    ),
    busyRefusals: new Counter(
      'okrbot_busy_refusals_total',
      'Chat commands answered "busy" because OKRBOT_WORK_LIMIT commands were running',
    ),
    /** Adds a gauge computed at scrape time. */
    gauge(source: GaugeSource): void {
      gauges.push(source);
    },
    async render(): Promise<string> {
      const lines = [
        ...metrics.commandSeconds.render(),
        ...metrics.promptsSent.render(),
        ...metrics.repliesRecorded.render(),
        ...metrics.adapterReconnects.render(),
        ...metrics.busyRefusals.render(),
      ];
      for (const gauge of gauges) {
        lines.push(`# HELP ${gauge.name} ${gauge.help}`, `# TYPE ${gauge.name} gauge`);
        for (const { labels, value } of await gauge.read())
          lines.push(`${gauge.name}${braces(labelKey(labels ?? {}))} ${value}`);
      }
      return `${lines.join('\n')}\n`;
    },
  };
  return metrics;
}

export type Metrics = ReturnType<typeof createMetrics>;
