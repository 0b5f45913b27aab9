// The registry of semantic checks (beyond the schema) that the scenario loader runs. It lives apart from the
// loader so that modules registering checks (the world builder, ecology) do not pull the YAML parser and the
// schema validator into threads that only run already-validated scenarios (sweep workers).
import type { Scenario } from './schema.ts';

/** A path into a scenario (object keys and array indices). */
export type ScenarioPath = Array<string | number>;

/** A check beyond the schema (formulas, names, cross-references); returns problems as paths + messages. */
export type SemanticCheck = (scenario: Scenario) => Array<{ path: ScenarioPath; message: string }>;

/** The registered checks, in registration order. */
export const semanticChecks: SemanticCheck[] = [];

/** Adds a check run on every scenario after schema validation (ecology and combat register theirs). */
export function registerSemanticCheck(check: SemanticCheck): void {
  if (!semanticChecks.includes(check)) semanticChecks.push(check);
}
