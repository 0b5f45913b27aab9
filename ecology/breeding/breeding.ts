// The breeding surface that is safe anywhere (no secrets, no node built-ins). Player breeding, which
// holds the server secret, lives in player-breeding.ts.
export { captureChance } from './capture.ts';
export type { CaptureParams } from './capture.ts';
export {
  breedCross,
  compatibility,
  compileCatalog,
  compileGameteMap,
  crossOf,
  sameSpeciesCross,
  transmitMapped,
} from './compatibility.ts';
export type { BreedingCatalog, Cross, GameteMap, HybridRule } from './compatibility.ts';
export { binOf, offspringPreview } from './preview.ts';
export type {
  OffspringPreview,
  PreviewInput,
  PreviewOptions,
  PreviewParent,
  TraitPreview,
} from './preview.ts';
