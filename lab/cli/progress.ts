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
