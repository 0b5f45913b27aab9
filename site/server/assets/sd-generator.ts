import { createHash } from 'node:crypto';
import { BASE_PALETTE, baseAsset } from './base-library.ts';
import type {
  AssetSubject,
  GeneratedImage,
  ImageFormat,
  ImageGenerator,
  ImageJob,
} from './image-generator.ts';
import { BIOME_PROMPTS, checkSubject, describeSubject } from './image-generator.ts';
import { pngSize } from './png.ts';
import { seedOf } from './procedural.ts';
import { renderPng } from './scene.ts';

/** Options for the Stable Diffusion adapter. */
export interface StableDiffusionOptions {
  /** `SD_URL`: base URL of an AUTOMATIC1111-compatible server (started with `--api`), e.g. `http://sd:7860`. */
  baseUrl: string;
  /** `SD_MODEL`: checkpoint title to pin (`override_settings.sd_model_checkpoint`); the server's current one if absent. */
  checkpoint?: string;
  /** Sampling steps. Default 24. */
  steps?: number;
  /** Output edge in pixels (multiple of 8). Default 512. */
  sizePx?: number;
  /** Classifier-free guidance scale. Default 7. */
  cfgScale?: number;
  /** Sampler name. Default `Euler a`. */
  sampler?: string;
  /** img2img denoising strength for biome transforms (0–1). Default 0.55. */
  biomeStrength?: number;
  /** `fetch` to use (tests). */
  fetch?: typeof fetch;
}

const NEGATIVE = 'blurry, lowres, watermark, text, signature, extra limbs, deformed, jpeg artifacts';

/** The A1111 txt2img/img2img response body. */
interface A1111Response {
  images?: string[];
  parameters?: Record<string, unknown>;
  info?: string;
  detail?: unknown;
  error?: string;
  errors?: string;
}

/**
 * Images from a Stable Diffusion server through the AUTOMATIC1111 web API: `POST /sdapi/v1/txt2img` for
 * portraits, creatures and icons, `POST /sdapi/v1/img2img` for biome variants (the procedural base
 * asset as init image, the biome prompt, `denoising_strength`). Decodes the base64 PNG it returns.
 */
export class StableDiffusionGenerator implements ImageGenerator {
  readonly service = 'stable-diffusion';
  readonly formats = ['png'] as const;
  private readonly o: Required<Omit<StableDiffusionOptions, 'checkpoint' | 'fetch'>> & {
    checkpoint?: string;
  };
  private readonly fetch: typeof fetch;
  private readonly baseImages = new Map<string, Uint8Array>();

  constructor(o: StableDiffusionOptions) {
    this.o = {
      baseUrl: o.baseUrl.replace(/\/$/, ''),
      steps: o.steps ?? 24,
      sizePx: o.sizePx ?? 512,
      cfgScale: o.cfgScale ?? 7,
      sampler: o.sampler ?? 'Euler a',
      biomeStrength: o.biomeStrength ?? 0.55,
      ...(o.checkpoint ? { checkpoint: o.checkpoint } : {}),
    };
    this.fetch = o.fetch ?? fetch;
  }

  plan(subject: AssetSubject, format: ImageFormat): ImageJob {
    if (format !== 'png') throw new Error('Stable Diffusion only produces PNG');
    checkSubject(subject);
    const params: Record<string, string | number | boolean> = {
      cfgScale: this.o.cfgScale,
      sampler: this.o.sampler,
    };
    if (subject.kind === 'biome-variant') {
      params.strength = this.o.biomeStrength;
      params.baseAssetId = subject.baseAssetId;
      // The init image is part of the input: a redrawn base asset must get a new key.
      params.baseAssetHash = createHash('sha256').update(this.baseImage(subject.baseAssetId)).digest('hex');
    }
    return {
      subject,
      format,
      model: `sd:${this.o.checkpoint ?? 'server-default'}`,
      prompt: describeSubject(subject),
      negativePrompt: NEGATIVE,
      seed: seedOf(subject) & 0x7fffffff,
      steps: this.o.steps,
      width: this.o.sizePx,
      height: this.o.sizePx,
      params,
    };
  }

  async generate(job: ImageJob, o: { signal: AbortSignal }): Promise<GeneratedImage> {
    const common = {
      prompt: job.prompt,
      negative_prompt: job.negativePrompt,
      seed: job.seed,
      steps: job.steps,
      width: job.width,
      height: job.height,
      cfg_scale: job.params.cfgScale,
      sampler_name: job.params.sampler,
      batch_size: 1,
      n_iter: 1,
      send_images: true,
      save_images: false,
      ...(this.o.checkpoint ? { override_settings: { sd_model_checkpoint: this.o.checkpoint } } : {}),
    };
    const img2img = job.subject.kind === 'biome-variant';
    const body = img2img
      ? {
          ...common,
          prompt: `${job.prompt}, ${BIOME_PROMPTS[(job.subject as Extract<AssetSubject, { kind: 'biome-variant' }>).biome]}`,
          init_images: [Buffer.from(this.baseImage(String(job.params.baseAssetId))).toString('base64')],
          denoising_strength: job.params.strength,
          resize_mode: 0,
        }
      : common;
    const res = await this.fetch(`${this.o.baseUrl}/sdapi/v1/${img2img ? 'img2img' : 'txt2img'}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
      signal: o.signal,
    });
    const text = await res.text();
    let parsed: A1111Response;
    try {
      parsed = JSON.parse(text) as A1111Response;
    } catch {
      throw new Error(`Stable Diffusion answered ${res.status} with non-JSON: ${text.slice(0, 200)}`);
    }
    if (!res.ok) {
      // A1111 errors: {error, detail, body, errors} for exceptions, {detail: [...]} for validation (422).
      const parts = [parsed.error, parsed.detail, parsed.errors]
        .map((p) => (typeof p === 'string' ? p : p === undefined ? '' : JSON.stringify(p)))
        .filter((p) => p.length > 0);
      throw new Error(`Stable Diffusion ${res.status}: ${parts.join(': ') || text.slice(0, 200)}`);
    }
    const b64 = parsed.images?.[0];
    if (!b64) throw new Error('Stable Diffusion returned no image');
    const bytes = new Uint8Array(Buffer.from(b64.replace(/^data:image\/\w+;base64,/, ''), 'base64'));
    if (!pngSize(bytes)) throw new Error('Stable Diffusion returned an image that is not a PNG');
    return { bytes, mime: 'image/png' };
  }

  /** The base asset drawn procedurally at the output size: the init image of img2img. */
  private baseImage(baseAssetId: string): Uint8Array {
    let png = this.baseImages.get(baseAssetId);
    if (!png) {
      const asset = baseAsset(baseAssetId);
      png = renderPng(
        { background: '#ffffff', shapes: asset.draw({ seed: 0 }) },
        BASE_PALETTE,
        this.o.sizePx,
      );
      this.baseImages.set(baseAssetId, png);
    }
    return png;
  }
}
