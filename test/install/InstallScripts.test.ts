import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { arch, platform } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The install must not depend on npm honouring a project config it calls unknown
// (.npmrc's `onnxruntime-node-install`). package.json's allowScripts names every dependency with an
// install script: approved where the script builds something we load, denied where it is not needed.
// This file is the loud check that the denial held: an npm without allowScripts (npm 10 and older)
// runs onnxruntime-node's postinstall, which downloads the CUDA/TensorRT providers (hundreds of MB).

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const require = createRequire(join(ROOT, 'package.json'));

interface Lock {
  packages: Record<string, { hasInstallScript?: boolean; version?: string }>;
}

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { allowScripts?: Record<string, boolean> };
const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as Lock;

describe('install scripts', () => {
  it('package.json allowScripts decides for every locked package that has an install script', () => {
    const withScripts = Object.entries(lock.packages)
      .filter(([path, entry]) => path !== '' && entry.hasInstallScript === true)
      .map(([path]) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length));
    expect(withScripts.length).toBeGreaterThan(0);
    const undecided = withScripts.filter((name) => typeof pkg.allowScripts?.[name] !== 'boolean');
    expect(
      undecided,
      'run `npm install-scripts ls`, then approve or deny each (and say why in README "Install scripts")',
    ).toEqual([]);
  });

  it("onnxruntime-node's postinstall is denied and did not download the GPU providers", () => {
    expect(pkg.allowScripts?.['onnxruntime-node']).toBe(false);
    // The files the postinstall would fetch for this platform, from the package's own manifest.
    const metadata = require('onnxruntime-node/script/install-metadata.js') as {
      requirements: Record<string, string[]>;
      manifests: Record<string, Record<string, unknown>>;
    };
    const where = `${platform()}/${arch()}`;
    const bin = join(dirname(require.resolve('onnxruntime-node/package.json')), 'bin', 'napi-v6', where);
    const downloadable = (metadata.requirements[where] ?? [])
      .flatMap((name) => Object.keys(metadata.manifests[`${where}:${name}`] ?? {}))
      .map((file) => join(bin, file));
    const present = downloadable.filter((file) => existsSync(file));
    expect(
      present,
      "onnxruntime-node's postinstall downloaded GPU providers: this npm ignores allowScripts " +
        '(npm 10 or older); reinstall with `ONNXRUNTIME_NODE_INSTALL=skip npm ci`',
    ).toEqual([]);
    // The CPU build ships inside the package: that is what Outpost loads.
    expect(existsSync(join(bin, 'onnxruntime_binding.node'))).toBe(true);
  });

  it('the native modules whose scripts run (or are skipped) still load', async () => {
    const ort = await import('onnxruntime-node');
    const session = await ort.InferenceSession.create(join(ROOT, 'models', 'ir2-explore.onnx'));
    expect(session.inputNames.length).toBeGreaterThan(0);
    await session.release();

    const { default: Database } = await import('better-sqlite3');
    const db = new Database(':memory:');
    expect(db.prepare('select 40 + 2 as answer').get()).toEqual({ answer: 42 });
    db.close();

    // The native serial binding (a prebuild the install script selects, or builds where none fits).
    const serial = require('@serialport/bindings-cpp/dist/serialport-bindings.js') as { binding: { open?: unknown } };
    expect(typeof serial.binding.open).toBe('function');
  });
});
