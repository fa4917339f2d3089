// Drives the line screen in Debian's Chromium, step by step with LineScreenBrowserTest, which reads what this
// prints (one JSON object a line) and answers on stdin:
//   node line-screen.js <base url> <chromium path> <screenshot dir>
// 1. a wrong password is refused at /login      → {"step":"refused", "message": ...}
// 2. operator logs in, the line screen's live stream connects → {"step":"ready", "results": n}
// 3. stdin "expect <inspection id>": the result must appear without a reload → {"step":"seen", "id", "ms", "reloaded"}
// 4. stdin "rate": prints the line's quality rate text → {"step":"rate", "text"}
// 5. stdin "rate-change <old text>": waits for another text → {"step":"rate-changed", "text"}
// 6. stdin "disposition <id>": waits for the row to show its disposition → {"step":"disposed", "text"}
// 7. stdin "end". Exits 1 with {"failed": ...} when a step fails. Screenshots: <dir>/*.png
const { chromium } = require('playwright-core');
const readline = require('readline');
const path = require('path');

const [base, executablePath, shots] = process.argv.slice(2);
const say = o => console.log(JSON.stringify(o));
const lines = readline.createInterface({ input: process.stdin });
const queue = [];
let waiting = null;
lines.on('line', l => { if (waiting) { const w = waiting; waiting = null; w(l); } else { queue.push(l); } });
const next = () => queue.length ? Promise.resolve(queue.shift()) : new Promise(r => { waiting = r; });

(async () => {
  const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--headless=new'] });
  const errors = [];
  try {
    const context = await browser.newContext({ viewport: { width: 1920, height: 1080 } });
    const page = await context.newPage();
    page.on('pageerror', e => errors.push(String(e)));

    // 1. wrong password
    await page.goto(base + '/login', { waitUntil: 'load', timeout: 60000 });
    await page.fill('#username', 'operator');
    await page.fill('#password', 'not-the-password');
    await page.click('#login-submit');
    await page.waitForSelector('#login-problem', { timeout: 30000 });
    const refused = await page.textContent('#login-problem');
    await page.screenshot({ path: path.join(shots, 'login-refused.png') });
    say({ step: 'refused', message: refused.trim(), url: page.url() });

    // 2. the right one: "/" sends the operator to the line screen, whose stream connects
    await page.fill('#username', 'operator');
    await page.fill('#password', 'operator-demo');
    await page.click('#login-submit');
    await page.waitForURL(/\/ui\/line\/line-1$/, { timeout: 30000 });
    await page.waitForSelector('body[data-live="open"]', { timeout: 30000 });
    await page.evaluate(() => { window.__notReloaded = true; });
    say({ step: 'ready', results: await page.locator('ol.results li').count(), url: page.url() });

    for (;;) {
      const cmd = (await next()).trim().split(' ');
      if (cmd[0] === 'expect') {
        const t0 = Date.now();
        await page.waitForSelector('#r-' + cmd[1], { timeout: 10000 });
        const ms = Date.now() - t0;
        await page.waitForFunction(id => {
          const img = document.querySelector('.latest img');
          return img && img.complete && img.naturalWidth > 0 &&
            document.querySelector('.latest .verdict').getAttribute('data-id') === id;
        }, cmd[1], { timeout: 10000 });
        const reloaded = !(await page.evaluate(() => window.__notReloaded === true));
        const latest = await page.textContent('.latest .verdict');
        const counts = await page.textContent('.counts');
        await page.screenshot({ path: path.join(shots, 'line-screen.png') });
        say({ step: 'seen', id: cmd[1], ms, reloaded, latest: latest.trim(), counts: counts.replace(/\s+/g, ' ').trim() });
      } else if (cmd[0] === 'rate') {
        say({ step: 'rate', text: (await page.textContent('#rate-line .rate-value')).trim() });
      } else if (cmd[0] === 'rate-change') {
        const old = cmd.slice(1).join(' ');
        await page.waitForFunction(o => document.querySelector('#rate-line .rate-value').textContent.trim() !== o,
          old, { timeout: 10000 });
        await page.screenshot({ path: path.join(shots, 'line-screen-rate.png') });
        say({ step: 'rate-changed', text: (await page.textContent('#rate-line .rate-value')).trim() });
      } else if (cmd[0] === 'disposition') {
        await page.waitForSelector('#r-' + cmd[1] + ' .disp', { timeout: 10000 });
        say({ step: 'disposed', text: (await page.textContent('#r-' + cmd[1] + ' .disp')).trim() });
      } else if (cmd[0] === 'tablet') {
        await page.setViewportSize({ width: 1024, height: 1366 });
        await page.waitForTimeout(300);
        await page.screenshot({ path: path.join(shots, 'line-screen-tablet.png') });
        say({ step: 'tablet' });
      } else {
        break;
      }
    }
    say({ step: 'end', errors });
  } catch (e) {
    say({ failed: String(e), errors });
    process.exitCode = 1;
  } finally {
    await browser.close();
    lines.close();
  }
})();
