import cliProgress from 'cli-progress';

/** Shows run progress: a bar on a terminal, plain lines (about every two seconds) otherwise. */
export interface ProgressView {
  update(tick: number, agents: number): void;
  stop(): void;
}

/** Options for a progress view. */
export interface ProgressOptions {
  label: string;
  total: number;
  stream?: NodeJS.WriteStream;
}

/** A progress view for one run. */
export function progressView(o: ProgressOptions): ProgressView {
  const stream = o.stream ?? process.stderr;
  const start = performance.now();
  let rate = 0;
  // Average since the start: steady enough for an ETA, honest on short runs.
  const measure = (tick: number): void => {
    rate = (tick * 1000) / Math.max(1, performance.now() - start);
  };
  if (stream.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        stream,
        format: `${o.label} {bar} {percentage}% | tick {value}/{total} | {rate} ticks/s | {agents} agents | ETA {eta_formatted}`,
        hideCursor: true,
        etaBuffer: 50,
      },
      cliProgress.Presets.shades_classic,
    );
    bar.start(o.total, 0, { rate: '0', agents: 0 });
    return {
      update(tick, agents) {
        measure(tick);
        bar.update(tick, { rate: rate.toFixed(0), agents });
      },
      stop: () => bar.stop(),
    };
  }
  let printedAt = start;
  return {
    update(tick, agents) {
      measure(tick);
      const now = performance.now();
      if (now - printedAt < 2000 && tick < o.total) return;
      printedAt = now;
      const eta = rate > 0 ? ((o.total - tick) / rate).toFixed(0) : '?';
      stream.write(
        `${o.label}: tick ${tick}/${o.total} (${((100 * tick) / o.total).toFixed(0)}%), ${rate.toFixed(0)} ticks/s, ${agents} agents, ETA ${eta}s\n`,
      );
    },
    stop() {},
  };
}

/** Progress of a sweep: one line per running job on a terminal, a line per finished job otherwise. */
export interface SweepProgressView {
  start(job: number, label: string): void;
  update(job: number, tick: number, ticks: number, agents: number): void;
  end(job: number, status: string): void;
  stop(): void;
}

/** A sweep progress view over `total` jobs (silent when `quiet`). */
export function sweepProgress(
  total: number,
  quiet = false,
  stream: NodeJS.WriteStream = process.stderr,
): SweepProgressView {
  let done = 0;
  const labels = new Map<number, string>();
  if (quiet) return { start() {}, update() {}, end() {}, stop() {} };
  if (!stream.isTTY) {
    return {
      start: (job, label) => void labels.set(job, label),
      update() {},
      end(job, status) {
        done++;
        stream.write(`[${done}/${total}] ${labels.get(job) ?? job}: ${status}\n`);
      },
      stop() {},
    };
  }
  const multi = new cliProgress.MultiBar(
    {
      stream,
      format: '{label} {bar} {value}/{total} ticks | {agents} agents',
      hideCursor: true,
      clearOnComplete: false,
    },
    cliProgress.Presets.shades_classic,
  );
  const overall = multi.create(
    total,
    0,
    { label: 'sweep', agents: '-' },
    { format: 'sweep {bar} {value}/{total} runs' },
  );
  const bars = new Map<number, cliProgress.SingleBar>();
  return {
    start(job, label) {
      bars.set(job, multi.create(1, 0, { label, agents: 0 }));
    },
    update(job, tick, ticks, agents) {
      const b = bars.get(job);
      if (!b) return;
      b.setTotal(ticks);
      b.update(tick, { agents });
    },
    end(job, status) {
      const b = bars.get(job);
      if (b) {
        multi.remove(b);
        bars.delete(job);
      }
      overall.increment();
      if (!status.startsWith('finished')) multi.log(`job ${job}: ${status}\n`);
    },
    stop: () => multi.stop(),
  };
}
