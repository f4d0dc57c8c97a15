import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, dirname } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chromiumMissing, launchChromium } from '../helpers/HeadlessChromium.js';

const missing = chromiumMissing();
if (missing !== undefined) console.warn(missing);

describe.skipIf(missing !== undefined)('the pinned playwright-core and the system Chromium', () => {
  it('are built for the same Chromium major (within 2), so the protocol they speak agrees', async () => {
    const require = createRequire(import.meta.url);
    const root = dirname(require.resolve('playwright-core/package.json'));
    const browsers = JSON.parse(readFileSync(join(root, 'browsers.json'), 'utf8')) as {
      browsers: Array<{ name: string; browserVersion?: string }>;
    };
    const built = browsers.browsers.find((b) => b.name === 'chromium')?.browserVersion ?? '';
    const browser = await launchChromium();
    const system = browser.version();
    await browser.close();
    const major = (v: string) => Number(v.split('.')[0]);
    expect(
      Math.abs(major(system) - major(built)),
      `system Chromium ${system}, playwright-core built for ${built}: pin the playwright-core release whose browsers.json names Chromium ${major(system)}`,
    ).toBeLessThanOrEqual(2);
  });
});
