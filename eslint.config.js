// Lint: typescript-eslint's recommended rules plus one local rule, `netloom/layers`, that enforces
// the import directions of DESIGN.md (who may import whom). The table below is the single source.
import path from 'node:path';
import tseslint from 'typescript-eslint';

const root = path.dirname(new URL(import.meta.url).pathname);

/** Folder (relative to the repo root) → folders it may import from. Most specific prefix wins. */
const LAYERS = [
  // engine internals: core → runtime → train/data/export/debug → protocol → host, cli
  { from: 'engine/core', allow: ['engine/core'] },
  { from: 'engine/runtime', allow: ['engine/core', 'engine/runtime'] },
  { from: 'engine/data', allow: ['engine/core', 'engine/data'] },
  { from: 'engine/train', allow: ['engine/core', 'engine/runtime', 'engine/data', 'engine/io', 'engine/train'] },
  { from: 'engine/debug', allow: ['engine/core', 'engine/runtime', 'engine/debug'] },
  { from: 'engine/export', allow: ['engine/core', 'engine/runtime', 'engine/io', 'engine/export'] },
  // atomic file writes (node:fs only), for every folder that writes files
  { from: 'engine/io', allow: ['engine/io'] },
  { from: 'engine/protocol', allow: ['engine/core', 'engine/protocol'] },
  { from: 'engine/host', allow: ['engine', 'templates'] },
  { from: 'engine/cli', allow: ['engine', 'templates', 'renderer/dist'] },
  { from: 'engine/bench', allow: ['engine', 'templates'] },
  { from: 'engine', allow: ['engine', 'templates'] },
  { from: 'electron', allow: ['electron', 'engine/protocol', 'engine/host', 'engine/core', 'engine/io'] },
  { from: 'renderer', allow: ['renderer', 'engine/core', 'engine/protocol', 'templates'] },
  { from: 'templates', allow: ['templates', 'engine/core'] },
  { from: 'e2e', allow: ['e2e', 'engine', 'templates', 'electron'] },
  { from: 'build', allow: ['build'] },
];

/** Packages that only some folders may import (tfjs only in the runtime; node:* never in pure code). */
const PACKAGE_RULES = [
  // Export tests may load a TF.js export with tfjs-layers' tf.loadLayersModel (an exception to the next rule).
  { pattern: /^@tensorflow\/tfjs-layers$/, tests: ['engine/export'] },
  { pattern: /^@tensorflow\//, only: ['engine/runtime'], why: 'tfjs is imported only in engine/runtime' },
  {
    pattern: /^(node:|fs$|path$|os$|child_process$|worker_threads$)/,
    never: ['engine/core', 'engine/protocol', 'renderer'],
    why: 'pure code (core, protocol, renderer) must not use node built-ins',
  },
  { pattern: /^electron$/, only: ['electron'], why: 'only electron/ imports electron' },
  {
    pattern: /^(react|react-dom|@xyflow\/react|zustand)(\/|$)/,
    only: ['renderer'],
    why: 'UI libraries belong to renderer/',
  },
];

const under = (rel, dir) => rel === dir || rel.startsWith(dir + '/');
const layerOf = (rel) => LAYERS.filter((l) => under(rel, l.from)).sort((a, b) => b.from.length - a.from.length)[0];

const layersRule = {
  meta: { type: 'problem', schema: [], messages: { bad: '{{file}} may not import {{target}}: {{why}}' } },
  create(context) {
    const file = path.relative(root, context.filename);
    const found = layerOf(file);
    // Tests may also read the templates (golden fixtures) besides what their folder may import.
    const layer = found && file.endsWith('.test.ts') ? { ...found, allow: [...found.allow, 'templates'] } : found;
    function check(node, spec) {
      if (typeof spec !== 'string') return;
      if (spec.startsWith('.')) {
        const target = path.relative(root, path.resolve(path.dirname(context.filename), spec));
        if (!layer || target.startsWith('node_modules')) return;
        if (!layer.allow.some((a) => under(target, a))) {
          context.report({
            node,
            messageId: 'bad',
            data: { file: layer.from, target, why: `allowed: ${layer.allow.join(', ')}` },
          });
        }
        return;
      }
      for (const rule of PACKAGE_RULES) {
        if (!rule.pattern.test(spec)) continue;
        if (rule.tests) {
          if (file.endsWith('.test.ts') && rule.tests.some((d) => under(file, d))) break;
          continue;
        }
        const banned = rule.only ? !rule.only.some((d) => under(file, d)) : rule.never.some((d) => under(file, d));
        if (banned) context.report({ node, messageId: 'bad', data: { file, target: spec, why: rule.why } });
      }
    }
    return {
      ImportDeclaration: (n) => check(n, n.source.value),
      ExportNamedDeclaration: (n) => n.source && check(n, n.source.value),
      ExportAllDeclaration: (n) => check(n, n.source.value),
      ImportExpression: (n) => n.source.type === 'Literal' && check(n, n.source.value),
    };
  },
};

export default tseslint.config(
  {
    ignores: [
      'node_modules/**',
      '.cache/**',
      '**/*.as.ts',
      '**/dist/**',
      'out/**',
      'test-results/**',
      'e2e/artifacts/**',
      'bench/results/**',
    ],
  },
  ...tseslint.configs.recommended,
  {
    plugins: { netloom: { rules: { layers: layersRule } } },
    rules: {
      'netloom/layers': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
);
