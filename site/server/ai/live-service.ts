/** How a contract suite's live-service variant is named and whether it runs. */
export interface LiveTarget {
  enabled: boolean;
  /** The env variable's value when set. */
  value: string;
  /** Suite title; when skipped it says which variable to set. */
  title: string;
}

/**
 * The live variant of a contract suite runs only when `envVar` is set. Ollama, Milvus and Stable
 * Diffusion cannot be installed on the development and CI machines, so the live variant is skipped
 * (with this message) even under `CI=true`.
 */
export function liveTarget(envVar: string, service: string, example: string): LiveTarget {
  const value = process.env[envVar] ?? '';
  const enabled = value.length > 0;
  const title = enabled
    ? `${service} at ${value}`
    : `${service} (skipped: set ${envVar}, e.g. ${envVar}=${example}, to run against a live service)`;
  return { enabled, value, title };
}
