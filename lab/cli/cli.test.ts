import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const BIN = new URL('./bin.mjs', import.meta.url).pathname;
const ROOT = new URL('../../', import.meta.url).pathname;

async function arcane(args: string[]): Promise<{ stdout: string; stderr: string; code: number }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], {
      cwd: ROOT,
      env: { ...process.env, CI: 'true' },
    });
    return { stdout, stderr, code: 0 };
  } catch (err) {
    const e = err as { stdout: string; stderr: string; code: number };
    return { stdout: e.stdout, stderr: e.stderr, code: e.code };
  }
}

const lastJson = (out: string): Record<string, unknown> => JSON.parse(out.trim().split('\n').at(-1)!);

describe('arcane CLI', () => {
  it('run --json prints the summary on the last line, the same hash for any worker count', async () => {
    const a = lastJson(
      (await arcane(['run', 'scenarios/demo.yaml', '--ticks', '30', '--workers', '0', '--json'])).stdout,
    );
    const b = lastJson(
      (await arcane(['run', 'scenarios/demo.yaml', '--ticks', '30', '--workers', '2', '--json'])).stdout,
    );
    expect(a).toMatchObject({ ticks: 30, agents: 4000, status: 'finished' });
    expect(Object.keys(a.tickMs as object)).toEqual(['p50', 'p95', 'p99']);
    expect(b.worldHash).toBe(a.worldHash);
    const c = lastJson(
      (await arcane(['run', 'scenarios/demo.yaml', '--ticks', '30', '--seed', '2', '--json'])).stdout,
    );
    expect(c.worldHash).not.toBe(a.worldHash);
  });

  it('run --realtime paces ticks at the scenario’s tick rate, with the same world as headless', async () => {
    const args = [
      'run',
      'scenarios/demo.yaml',
      '--ticks',
      '12',
      '--set',
      'tickRate=40',
      '--no-record',
      '--json',
    ];
    const paced = lastJson((await arcane([...args, '--realtime'])).stdout);
    const headless = lastJson((await arcane(args)).stdout);
    // Twelve ticks at 40 Hz start 25 ms apart: at least 11 periods of wall time.
    expect(paced.wallMs as number).toBeGreaterThanOrEqual(11 * 25);
    expect(paced.worldHash).toBe(headless.worldHash);
  });

  it('bench --scenario --parallel times a sweep per worker count; --rounds alternates them and takes medians', async () => {
    const { stdout, code } = await arcane([
      'bench',
      '--scenario',
      'scenarios/wolfsheep-small.yaml',
      '--runs',
      '4',
      '--parallel',
      '1,2',
      '--rounds',
      '2',
      '--json',
    ]);
    expect(code).toBe(0);
    const out = lastJson(stdout) as {
      sweep: Array<{ workers: number; wallMs: number; wallsMs: number[] }>;
      rounds: number[];
      speedup: number;
      machineCeiling: number;
    };
    expect(out.sweep.map((r) => r.workers)).toEqual([1, 2]);
    for (const r of out.sweep) {
      expect(r.wallsMs).toHaveLength(2);
      expect(r.wallMs).toBe(Math.min(...r.wallsMs));
    }
    expect(out.rounds).toHaveLength(2);
    expect(out.speedup).toBe(Math.min(...out.rounds));
    expect(out.machineCeiling).toBeGreaterThan(0);
  });

  it('bench --json prints the engine figures', async () => {
    const r = lastJson(
      (
        await arcane([
          'bench',
          '--agents',
          '2000',
          '--zones',
          '4',
          '--workers',
          '1',
          '--ticks',
          '20',
          '--json',
        ])
      ).stdout,
    );
    for (const k of [
      'worldHash',
      'ticks',
      'agents',
      'tickMs',
      'agentStepsPerSec',
      'workers',
      'zones',
      'bytesPerAgent',
    ])
      expect(r).toHaveProperty(k);
    expect(r).toMatchObject({ agents: 2000, zones: 4, workers: 1, ticks: 20 });
  });

  it('rejects a broken scenario with file:line:column and exit status 2, starting nothing', async () => {
    const db = join(tmpdir(), `arcane-bad-${process.pid}`);
    const r = await arcane(['run', 'scenarios/demo.yaml', '--set', 'world.cellM=-1', '--db', db, '--json']);
    expect(r.code).toBe(2);
    expect(existsSync(db)).toBe(false);
    expect(r.stderr).toMatch(/--set world.cellM=-1:0:0: world.cellM: must be > 0/);
    expect(r.stdout).toBe('');
  });

  it('run --net-sample: load runs report snapshot bytes per bot, 0 turns the probe off, a bad value is refused', async () => {
    const small = ['--set', 'bots.count=20', '--set', 'enemies.grunt=20', '--set', 'species[0].count=40'];
    const base = ['run', 'scenarios/load-20k.yaml', '--ticks', '10', '--no-record', ...small, '--json'];
    const on = lastJson((await arcane(base)).stdout);
    expect(on.net).toMatchObject({ sampledClients: 20, bots: 20 });
    expect((on.net as { bytesPerClientPerS: number }).bytesPerClientPerS).toBeGreaterThan(0);
    const off = lastJson((await arcane([...base, '--net-sample', '0'])).stdout);
    expect(off.net).toBeUndefined();
    // The probe only reads the world: the same hash either way.
    expect(off.worldHash).toBe(on.worldHash);
    const bad = await arcane([...base, '--net-sample', '-3']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--net-sample must be an integer ≥ 0/);
    expect(bad.stdout).toBe('');
  });
});
