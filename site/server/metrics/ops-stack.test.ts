import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { METRIC_NAMES } from './metrics.ts';

// The ops/ files are configuration for users (no Docker here): check they parse and agree with the code.
const OPS = resolve(new URL('../../../ops/', import.meta.url).pathname);
const read = (p: string) => readFileSync(join(OPS, p), 'utf8');

interface ComposeService {
  image?: string;
  build?: { context: string; dockerfile: string };
  environment?: Record<string, string>;
  depends_on?: string[] | Record<string, { condition: string }>;
  volumes?: string[];
  ports?: string[];
}

describe('ops/docker-compose.yml', () => {
  const compose = parse(read('docker-compose.yml')) as { services: Record<string, ComposeService> };
  const services = compose.services;

  it('has the app and every service of the full stack', () => {
    for (const name of [
      'app',
      'ollama',
      'postgres',
      'redis',
      'etcd',
      'minio',
      'milvus',
      'prometheus',
      'grafana',
    ])
      expect(Object.keys(services), name).toContain(name);
    expect(services.milvus.image).toMatch(/^milvusdb\/milvus:v/);
    expect(services.app.ports).toContain('3000:3000');
  });

  it('builds the app from ops/Dockerfile with the repository as context', () => {
    const build = services.app.build;
    expect(build?.dockerfile).toBe('ops/Dockerfile');
    expect(existsSync(join(OPS, build?.context ?? '', 'package.json'))).toBe(true);
    const dockerfile = read('Dockerfile');
    expect(dockerfile).toMatch(/RUN npm ci\b/);
    expect(dockerfile).toMatch(/RUN npm run build/);
    expect(dockerfile).toMatch(/EXPOSE 3000/);
    expect(dockerfile).toMatch(/CMD \["npm", "start"\]/);
  });

  it('wires the app to each service by its compose name, with SD_URL as an optional external', () => {
    const env = services.app.environment ?? {};
    const host = (url: string) => new URL(url.includes('://') ? url : `tcp://${url}`).hostname;
    expect(host(env.OLLAMA_HOST)).toBe('ollama');
    expect(host(env.MILVUS_ADDRESS)).toBe('milvus');
    expect(host(env.REDIS_URL)).toBe('redis');
    expect(host(env.DATABASE_URL)).toBe('postgres');
    expect(env.SD_URL).toBeUndefined();
    expect(read('docker-compose.yml')).toMatch(/# SD_URL: http/);
  });

  it('depends only on services that exist and mounts files that exist', () => {
    for (const [name, s] of Object.entries(services)) {
      const deps = Array.isArray(s.depends_on) ? s.depends_on : Object.keys(s.depends_on ?? {});
      for (const d of deps) expect(Object.keys(services), `${name} depends on ${d}`).toContain(d);
      for (const v of s.volumes ?? []) {
        const src = v.split(':')[0];
        if (src.startsWith('./')) expect(existsSync(join(OPS, src)), `${name} mounts ${src}`).toBe(true);
      }
    }
  });
});

describe('Prometheus and Grafana config', () => {
  it('scrapes the app’s /metrics', () => {
    const prom = parse(read('prometheus.yml')) as {
      scrape_configs: { job_name: string; metrics_path?: string; static_configs: { targets: string[] }[] }[];
    };
    const app = prom.scrape_configs.find((c) => c.job_name === 'arcane-app');
    expect(app?.metrics_path).toBe('/metrics');
    expect(app?.static_configs[0].targets).toEqual(['app:3000']);
  });

  const datasource = parse(read('grafana/provisioning/datasources/prometheus.yml')) as {
    datasources: { uid: string; url: string; type: string }[];
  };
  const provider = parse(read('grafana/provisioning/dashboards/arcane.yml')) as {
    providers: { options: { path: string } }[];
  };
  const dashboard = JSON.parse(read('grafana/dashboards/arcane-realms.json')) as {
    panels: { type: string; datasource?: { uid: string }; targets?: { expr: string }[] }[];
  };

  it('provisions the Prometheus datasource the dashboard panels use', () => {
    expect(datasource.datasources[0]).toMatchObject({ type: 'prometheus', url: 'http://prometheus:9090' });
    expect(provider.providers[0].options.path).toBe('/var/lib/grafana/dashboards');
    const uids = new Set(dashboard.panels.filter((p) => p.type !== 'row').map((p) => p.datasource?.uid));
    expect([...uids]).toEqual([datasource.datasources[0].uid]);
  });

  it('queries only metrics the server defines, and shows every one of them', () => {
    const known = new Set<string>(Object.values(METRIC_NAMES));
    const used = new Set<string>();
    for (const p of dashboard.panels)
      for (const t of p.targets ?? [])
        for (const m of t.expr.match(/arcane_[a-z_]+/g) ?? [])
          used.add(m.replace(/_(bucket|count|sum)$/, ''));
    for (const m of used) expect(known, `dashboard uses unknown metric ${m}`).toContain(m);
    for (const m of known) expect(used, `dashboard does not show ${m}`).toContain(m);
  });
});

describe('ops/k8s (optional Agones manifests)', () => {
  it('parses as a Fleet and its autoscaler', () => {
    const docs = parseAllDocuments(read('k8s/agones-fleet.yaml')).map((d) => d.toJS() as { kind: string });
    expect(docs.map((d) => d.kind)).toEqual(['Fleet', 'FleetAutoscaler']);
  });
});
