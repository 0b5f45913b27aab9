import { compileGenome } from './genome.ts';
import type { GenomeLayout } from './genome.ts';
import type { GenomeDef } from './schema.ts';
import type { SpecPathItem } from './spec-error.ts';
import { temperamentColumns } from './temperament.ts';
import type { TemperamentColumns } from './temperament.ts';
import { compileTraits } from './traits.ts';
import type { TraitProgram } from './traits.ts';

export type { DiscreteLocusDef, GenomeDef, HybridRuleDef, LocusDef, QuantitativeLocusDef } from './schema.ts';

/** The genetics part of a species as designers write it in a scenario (the rest of a species is ecology/life's). */
export interface SpeciesGeneticsDef {
  name: string;
  genome?: GenomeDef;
  /** Base stats, read in formulas as `base.<name>`. */
  base?: Record<string, number>;
  /** Trait name → formula. */
  traits?: Record<string, string>;
  /** `hostile` = `hostility > hostileThreshold` (default 0.5) unless declared. */
  hostileThreshold?: number;
}

/** A species' compiled genetics: genome layout, trait program and where the enemy FSM finds temperament. */
export interface CompiledSpecies {
  name: string;
  layout: GenomeLayout;
  program: TraitProgram;
  temperament: TemperamentColumns;
}

/**
 * Compiles a species' genome and trait formulas once, at scenario load. Errors are SpecErrors whose path
 * starts at `at` (the lab passes `['species', index]`): genome mistakes under `genome`, formulas under `traits`.
 */
export function compileSpecies(
  def: SpeciesGeneticsDef,
  at: readonly SpecPathItem[] = ['species', def.name],
): CompiledSpecies {
  const layout = compileGenome(def.genome, [...at, 'genome']);
  const program = compileTraits(
    { base: def.base, traits: def.traits, hostileThreshold: def.hostileThreshold },
    layout,
    at,
  );
  return { name: def.name, layout, program, temperament: temperamentColumns(program.names) };
}
