import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../packageRoot.js';
import type { MessageRegistry } from './MessageRegistry.js';

/**
 * Loads `.msg` and `.srv` files laid out as ROS 2 packages (`<pkg>/msg/*.msg`, `<pkg>/srv/*.srv`)
 * into a registry. Messages are loaded in dependency order by retrying those whose field types are
 * not registered yet, so files can refer to each other freely.
 */
export function loadInterfaceDirectory(registry: MessageRegistry, dir: string): string[] {
  const loaded: string[] = [];
  let pending: Array<{ type: string; path: string; kind: 'msg' | 'srv' }> = [];
  for (const pkg of readdirSync(dir, { withFileTypes: true })) {
    if (!pkg.isDirectory()) continue;
    for (const kind of ['msg', 'srv'] as const) {
      const sub = join(dir, pkg.name, kind);
      if (!existsSync(sub)) continue;
      for (const file of readdirSync(sub).sort()) {
        if (file.endsWith(`.${kind}`)) {
          pending.push({ type: `${pkg.name}/${kind}/${file.slice(0, -kind.length - 1)}`, path: join(sub, file), kind });
        }
      }
    }
  }
  while (pending.length > 0) {
    const failed: typeof pending = [];
    let lastError: unknown;
    for (const item of pending) {
      const text = readFileSync(item.path, 'utf8');
      try {
        if (item.kind === 'msg') registry.registerMessage(item.type, text);
        else registry.registerService(item.type, text);
        loaded.push(item.type);
      } catch (err) {
        failed.push(item);
        lastError = err;
      }
    }
    if (failed.length === pending.length) throw lastError;
    pending = failed;
  }
  return loaded;
}

/** Where Outpost's own interface packages live (`runtime/msg/`, shipped as source text). */
export function builtinInterfaceDirectory(): string {
  return join(packageRoot(), 'runtime', 'msg');
}
