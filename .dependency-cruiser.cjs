/** Layer rules: engine ← ecology ← lab ← site. Nothing imports site; engine imports nothing of ours. */
module.exports = {
  forbidden: [
    {
      name: 'engine-is-the-base',
      severity: 'error',
      from: { path: '^engine/' },
      to: { path: '^(ecology|lab|site)/' },
    },
    {
      name: 'ecology-only-uses-engine',
      severity: 'error',
      from: { path: '^ecology/' },
      to: { path: '^(lab|site)/' },
    },
    { name: 'lab-never-imports-site', severity: 'error', from: { path: '^lab/' }, to: { path: '^site/' } },
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
    {
      name: 'not-to-unresolvable',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true, pathNot: '^\\$(app|lib|env|service-worker)' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(node_modules|\\.svelte-kit|site/build)' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'require', 'node', 'default'],
    },
  },
};
