import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { packageRoot } from '../../runtime/packageRoot.js';

/**
 * The layers, lowest first (README "Layers", DESIGN.md "Layers"). A file may import from its own
 * folder and from lower layers only; folders on one layer (training, bench) do not import each
 * other. Tests (`*.test.ts` anywhere, and everything under test/) sit on top of everything.
 */
const LAYERS: readonly (readonly string[])[] = [
  ['runtime'],
  ['firmware-bridge'],
  ['nodes'],
  ['sim'],
  // monitor (dashboard, recording and replay) may use runtime and nodes; launch's CLI uses it.
  ['monitor'],
  ['launch'],
  ['training', 'bench'],
  ['test'],
];

const root = packageRoot();
const folders = LAYERS.flat();
const rankOf = new Map(LAYERS.flatMap((group, rank) => group.map((folder) => [folder, rank] as const)));

function tsFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    if (e.name === 'node_modules' || e.name === 'dist') return [];
    const path = join(dir, e.name);
    if (e.isDirectory()) return tsFiles(path);
    return e.isFile() && e.name.endsWith('.ts') ? [path] : [];
  });
}

/** The layer folder a repository-relative path belongs to; undefined outside the layers. */
function folderOf(path: string): string | undefined {
  const first = path.split(sep)[0]!;
  return rankOf.has(first) ? first : undefined;
}

interface UpwardImport {
  file: string;
  line: number;
  specifier: string;
  from: string;
  to: string;
}

/**
 * Every relative import, `export … from` and `import('…')` of `source` (a file at the
 * repository-relative `file`) that reaches a layer above the file's own, or a peer folder on the
 * same layer. Comments and strings are not imports (TypeScript's own pre-processor finds them).
 */
function upwardImports(file: string, source: string): UpwardImport[] {
  const own = file.endsWith('.test.ts') ? 'test' : folderOf(file);
  if (own === undefined) return [];
  const out: UpwardImport[] = [];
  for (const ref of ts.preProcessFile(source, true, true).importedFiles) {
    if (!ref.fileName.startsWith('.')) continue; // packages and node: builtins
    const target = folderOf(relative(root, resolve(root, dirname(file), ref.fileName)));
    if (target === undefined || target === own) continue;
    if (rankOf.get(target)! < rankOf.get(own)!) continue;
    const line = source.slice(0, ref.pos).split('\n').length;
    out.push({ file, line, specifier: ref.fileName, from: own, to: target });
  }
  return out;
}

describe('layers', () => {
  const files = folders.flatMap((f) => tsFiles(join(root, f))).map((p) => relative(root, p));

  it('no file imports from a layer above its own (or from a peer folder on its layer)', () => {
    expect(files.length).toBeGreaterThan(300);
    const found = files.flatMap((f) => upwardImports(f, readFileSync(join(root, f), 'utf8')));
    const report = found.map(
      (u) =>
        `${u.file}:${u.line}: imports '${u.specifier}' (${u.from} → ${u.to}, ${rankOf.get(u.to) === rankOf.get(u.from) ? 'a peer on its layer' : 'a layer above'})`,
    );
    expect(report, `upward imports; layers, lowest first: ${LAYERS.map((g) => g.join(' + ')).join(' ← ')}`).toEqual([]);
  });

  it('finds static, export-from, type-only and dynamic imports, and only those', () => {
    const source = [
      "import { a } from '../sim/A.js';",
      "export { b } from '../launch/B.js';",
      "import type { C } from '../training/C.js';",
      "const d = await import('../bench/D.js');",
      "import { e } from '../runtime/E.js';",
      "import { f } from './F.js';",
      "import { g } from 'pino';",
      "// import('../launch/comment.js')",
      'const s = "import(\'../launch/string.js\')";',
    ].join('\n');
    expect(upwardImports('nodes/X.ts', source).map((u) => `${u.line}:${u.to}`)).toEqual([
      '1:sim',
      '2:launch',
      '3:training',
      '4:bench',
    ]);
    expect(upwardImports('nodes/X.test.ts', source)).toEqual([]); // tests are on top
    expect(upwardImports('training/X.ts', "import { h } from '../bench/H.js';").map((u) => u.to)).toEqual(['bench']); // peers
    expect(upwardImports('bench/X.ts', "import { h } from '../training/H.js';").map((u) => u.to)).toEqual(['training']);
  });

  it("README's layer table lists the same layers in the same order", () => {
    const readme = readFileSync(join(root, 'README.md'), 'utf8');
    const section = /^### Layers\n([\s\S]*?)(?=\n#)/m.exec(readme);
    expect(section, 'README.md has a "### Layers" section').not.toBeNull();
    const rows = section![1]!.split('\n').filter((l) => /^\| \d+ \|/.test(l));
    const table = rows.map((row) => [...row.split('|')[2]!.matchAll(/`([a-z-]+)\/`/g)].map((m) => m[1]!));
    expect(table).toEqual(LAYERS.map((g) => [...g]));
  });
});
