import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { BASE_PALETTE } from './base-library.ts';
import { renderPng } from './scene.ts';

/** A running local test server. */
export interface FakeServer<R> {
  url: string;
  requests: R[];
  close(): Promise<void>;
}

async function listen<R>(
  requests: R[],
  handler: (req: IncomingMessage, body: Buffer, res: ServerResponse) => void,
): Promise<FakeServer<R>> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handler(req, Buffer.concat(chunks), res));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** A request the fake A1111 server received. */
export interface A1111Request {
  path: string;
  body: Record<string, unknown>;
}

/**
 * A local stand-in for an AUTOMATIC1111 server (`--api`): `POST /sdapi/v1/txt2img` and `/img2img` answer
 * in A1111's JSON shape (`images` as base64 PNGs, `parameters`, `info` as a JSON string) with a small
 * PNG whose colour depends on the seed. `failures` makes the first N calls answer 500 like an OOM.
 */
export async function startFakeA1111(o: { failures?: number } = {}): Promise<FakeServer<A1111Request>> {
  let failuresLeft = o.failures ?? 0;
  const requests: A1111Request[] = [];
  return listen(requests, (req, raw, res) => {
    const path = req.url ?? '';
    const body = raw.length ? (JSON.parse(raw.toString('utf8')) as Record<string, unknown>) : {};
    requests.push({ path, body });
    if (req.method !== 'POST' || !/^\/sdapi\/v1\/(txt2img|img2img)$/.test(path)) {
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ detail: 'Not Found' }));
      return;
    }
    if (failuresLeft > 0) {
      failuresLeft--;
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          error: 'OutOfMemoryError',
          detail: '',
          body: '',
          errors: 'CUDA out of memory. Tried to allocate 2.00 GiB',
        }),
      );
      return;
    }
    if (path.endsWith('img2img') && !Array.isArray(body.init_images)) {
      res.writeHead(422, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          detail: [{ loc: ['body', 'init_images'], msg: 'field required', type: 'value_error.missing' }],
        }),
      );
      return;
    }
    const seed = Number(body.seed ?? -1);
    const size = 16; // a real server returns body.width × body.height; a small image keeps tests fast
    const hue = Math.abs(seed) % 256;
    const png = renderPng(
      { background: `#${hue.toString(16).padStart(2, '0')}8040`, shapes: [] },
      BASE_PALETTE,
      size,
    );
    const info = {
      prompt: body.prompt,
      all_prompts: [body.prompt],
      negative_prompt: body.negative_prompt,
      seed,
      all_seeds: [seed],
      width: body.width,
      height: body.height,
      sampler_name: body.sampler_name,
      cfg_scale: body.cfg_scale,
      steps: body.steps,
      denoising_strength: body.denoising_strength ?? null,
      sd_model_name: 'dreamshaper_8',
    };
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        images: [Buffer.from(png).toString('base64')],
        parameters: { ...body, init_images: body.init_images ? ['<omitted>'] : null },
        info: JSON.stringify(info),
      }),
    );
  });
}

/** A request the fake S3 server received. */
export interface S3Request {
  method: string;
  path: string;
  headers: IncomingMessage['headers'];
}

/**
 * A local stand-in for an S3-compatible store (path-style, like MinIO): buckets, PUT/GET/HEAD/DELETE of
 * objects with their content type and cache headers. It does not check signatures.
 */
export async function startFakeS3(): Promise<FakeServer<S3Request>> {
  const buckets = new Map<string, Map<string, { body: Buffer; type: string; cache: string }>>();
  const requests: S3Request[] = [];
  const xmlError = (res: ServerResponse, status: number, code: string) => {
    res.writeHead(status, { 'content-type': 'application/xml' });
    res.end(
      status === 404 && code !== 'NoSuchKey' && code !== 'NoSuchBucket'
        ? ''
        : `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${code}</Message></Error>`,
    );
  };
  return listen(requests, (req, body, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const [, bucket, ...rest] = decodeURIComponent(url.pathname).split('/');
    const key = rest.join('/');
    const method = req.method ?? 'GET';
    requests.push({ method, path: url.pathname, headers: req.headers });
    if (!key) {
      if (method === 'PUT') {
        buckets.set(bucket, buckets.get(bucket) ?? new Map());
        res.writeHead(200, { location: `/${bucket}` });
        return void res.end();
      }
      if (method === 'HEAD') {
        res.writeHead(buckets.has(bucket) ? 200 : 404);
        return void res.end();
      }
      return xmlError(res, 400, 'NotImplemented');
    }
    const objects = buckets.get(bucket);
    if (!objects) return xmlError(res, 404, 'NoSuchBucket');
    const obj = objects.get(key);
    switch (method) {
      case 'PUT':
        objects.set(key, {
          body,
          type: String(req.headers['content-type'] ?? 'application/octet-stream'),
          cache: String(req.headers['cache-control'] ?? ''),
        });
        res.writeHead(200, { etag: '"fake"' });
        return void res.end();
      case 'HEAD':
        if (!obj) {
          res.writeHead(404);
          return void res.end();
        }
        res.writeHead(200, {
          'content-type': obj.type,
          'content-length': obj.body.length,
          'cache-control': obj.cache,
        });
        return void res.end();
      case 'GET':
        if (!obj) return xmlError(res, 404, 'NoSuchKey');
        res.writeHead(200, {
          'content-type': obj.type,
          'content-length': obj.body.length,
          'cache-control': obj.cache,
        });
        return void res.end(obj.body);
      case 'DELETE':
        objects.delete(key);
        res.writeHead(204);
        return void res.end();
      default:
        return xmlError(res, 405, 'MethodNotAllowed');
    }
  });
}
