import { SpecError } from '../../ecology/genetics/spec-error.ts';
import { genetics } from '../../ecology/life/ecology-system.ts';
import { registerSemanticCheck } from './checks.ts';

// Species cross-references and genetics: formulas and genomes compile now, not mid-run.
registerSemanticCheck((s) => {
  const issues: Array<{ path: Array<string | number>; message: string }> = [];
  const species = s.species ?? [];
  const names = species.map((sp) => sp.name);
  const seen = new Set<string>();
  species.forEach((sp, i) => {
    if (seen.has(sp.name))
      issues.push({ path: ['species', i, 'name'], message: `species '${sp.name}' is declared twice` });
    seen.add(sp.name);
    (sp.prey ?? []).forEach((p, k) => {
      if (!names.includes(p))
        issues.push({
          path: ['species', i, 'prey', k],
          message: `unknown species '${p}' (species: ${names.join(', ')})`,
        });
    });
    if (sp.diet === 'herbivore' && (sp.prey ?? []).length > 0)
      issues.push({
        path: ['species', i, 'prey'],
        message: 'a herbivore has no prey: make it a carnivore or omnivore',
      });
    if (sp.diet !== 'carnivore' && sp.energy.grassGain === undefined && s.grass)
      issues.push({
        path: ['species', i, 'energy'],
        message: `a ${sp.diet} needs energy.grassGain to eat grass`,
      });
    if (sp.diet !== 'herbivore' && sp.energy.preyGain === undefined && sp.energy.preyEfficiency === undefined)
      issues.push({
        path: ['species', i, 'energy'],
        message: `a ${sp.diet} needs energy.preyGain or energy.preyEfficiency`,
      });
    try {
      genetics(sp, i);
    } catch (err) {
      if (!(err instanceof SpecError)) throw err;
      issues.push({ path: [...err.path], message: err.detail });
    }
  });
  (s.ecology?.order ?? []).forEach((n, k) => {
    if (!names.includes(n))
      issues.push({
        path: ['ecology', 'order', k],
        message: `unknown species '${n}' (species: ${names.join(', ')})`,
      });
  });
  return issues;
});
