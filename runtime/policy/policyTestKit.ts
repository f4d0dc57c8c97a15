import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino, { type Logger } from 'pino';
import { packageRoot } from '../packageRoot.js';

/** The test models of models/testing (made by training/fixtures and training/export_ir2.py). */
export function testModel(name: string): string {
  return join(packageRoot(), 'models', 'testing', `${name}.onnx`);
}

/** A pino logger that keeps its records, for asserting what was logged. */
export function recordingLogger(): { logger: Logger; records: Array<{ level: number; msg: string; code?: string }> } {
  const records: Array<{ level: number; msg: string; code?: string }> = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n')) if (line.trim() !== '') records.push(JSON.parse(line));
      done();
    },
  });
  return { logger: pino({ level: 'debug' }, stream), records };
}

/**
 * Copies a test model to a fresh directory, with its card edited by `edit` (or the model bytes
 * replaced by `bytes`): the contract and corruption cases.
 */
export function modelVariant(name: string, edit?: (card: Record<string, unknown>) => void, bytes?: Uint8Array): string {
  const dir = mkdtempSync(join(tmpdir(), 'outpost-policy-'));
  const path = join(dir, `${name}.onnx`);
  if (bytes === undefined) copyFileSync(testModel(name), path);
  else writeFileSync(path, bytes);
  const card = JSON.parse(readFileSync(testModel(name).replace(/\.onnx$/, '.card.json'), 'utf8')) as Record<
    string,
    unknown
  >;
  edit?.(card);
  writeFileSync(path.replace(/\.onnx$/, '.card.json'), JSON.stringify(card));
  return path;
}
