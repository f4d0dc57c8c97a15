import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/**
 * The folder of the installed `outpost` package (what `$(find-pkg-share outpost)` resolves to),
 * found by walking up from this file: the same answer from `dist/` and from the TypeScript sources.
 */
export function packageRoot(): string {
  if (cached !== undefined) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      const pkg = JSON.parse(readFileSync(manifest, 'utf8')) as { name?: string };
      if (pkg.name === 'outpost') return (cached = dir);
    }
    const up = dirname(dir);
    if (up === dir) throw new Error(`cannot find the outpost package root above ${fileURLToPath(import.meta.url)}`);
    dir = up;
  }
}
