// Renders the marketplace icon, media/icon.png (128×128 PNG), from media/managed-identities.svg (the activity-bar
// icon) in Chromium through playwright-core: white strokes on an Azure-blue rounded square. Run it again after
// changing the SVG: `node scripts/make-icon.mjs` (needs /usr/bin/chromium or E2E_CHROMIUM).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const svg = readFileSync(join(root, 'media', 'managed-identities.svg'), 'utf8')
  .replace(/width="24" height="24"/, 'width="96" height="96"')
  .replace('stroke="currentColor"', 'stroke="#ffffff"');
const html = `<!DOCTYPE html><html><body style="margin:0;background:transparent">
<div id="icon" style="width:128px;height:128px;border-radius:22px;background:#0078d4;display:flex;align-items:center;justify-content:center">${svg}</div>
</body></html>`;

const browser = await chromium.launch({ executablePath: process.env.E2E_CHROMIUM ?? '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
try {
  const page = await browser.newPage({ viewport: { width: 128, height: 128 }, deviceScaleFactor: 1 });
  await page.setContent(html);
  await page.locator('#icon').screenshot({ path: join(root, 'media', 'icon.png'), omitBackground: true });
} finally {
  await browser.close();
}
