import { buildIsStale, buildSite } from '../server/build.ts';

/** Builds the site once before any test file starts a server (files run in parallel: no concurrent builds). */
export default function setup(): void {
  if (buildIsStale()) buildSite();
}
