// The convention between ecology and the enemy FSM (engine): a species that may turn on players declares
// traits with these names; the FSM reads them from the creature's trait row and needs nothing else.
//   aggroRadiusM  aggro radius in metres (≥ 0; clamped), e.g. `aggroRadiusM = 8 * (0.5 + temperament)`;
//                 `aggroRadius` is read as the same thing (the name the first scenarios use)
//   hostility     docile 0 … 1 hostile (clamped to [0, 1]), e.g. `hostility = clamp(0.5 + temperament, 0, 1)`
//   hostile       1 when the creature runs the enemy FSM, else 0; derived as `hostility > threshold`
//                 (`TraitSource.hostileThreshold`, default 0.5) unless the species declares it.
// A species that declares none of them is never hostile.

/** Trait names the enemy FSM reads. */
export const TEMPERAMENT_TRAIT = {
  aggroRadiusM: 'aggroRadiusM',
  hostility: 'hostility',
  hostile: 'hostile',
} as const;

/** Older name of `aggroRadiusM`, still accepted. */
export const AGGRO_RADIUS_ALIAS = 'aggroRadius';

/** Default `hostility` above which a creature is hostile. */
export const DEFAULT_HOSTILE_THRESHOLD = 0.5;

/** Column of each temperament trait in a species' trait row, −1 when the species does not declare it. */
export interface TemperamentColumns {
  aggroRadiusM: number;
  hostility: number;
  hostile: number;
}

/** Finds the temperament columns among a trait evaluator's names. */
export function temperamentColumns(traitNames: readonly string[]): TemperamentColumns {
  return {
    aggroRadiusM: traitNames.includes(TEMPERAMENT_TRAIT.aggroRadiusM)
      ? traitNames.indexOf(TEMPERAMENT_TRAIT.aggroRadiusM)
      : traitNames.indexOf(AGGRO_RADIUS_ALIAS),
    hostility: traitNames.indexOf(TEMPERAMENT_TRAIT.hostility),
    hostile: traitNames.indexOf(TEMPERAMENT_TRAIT.hostile),
  };
}

/** Whether the creature whose trait row starts at `rowOff` runs the enemy FSM. */
export function isHostile(traits: Float32Array, rowOff: number, cols: TemperamentColumns): boolean {
  return cols.hostile >= 0 && traits[rowOff + cols.hostile] > 0;
}

/** The creature's aggro radius in metres, or `fallbackM` when the species does not declare one. */
export function aggroRadiusM(
  traits: Float32Array,
  rowOff: number,
  cols: TemperamentColumns,
  fallbackM = 0,
): number {
  return cols.aggroRadiusM >= 0 ? traits[rowOff + cols.aggroRadiusM] : fallbackM;
}
