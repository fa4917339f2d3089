// Line screen figures in Debian's Chromium, for io.visionhub.bench.LineScreenBench:
//   node line-screen-bench.js <base url> <chromium path> <page loads>
// Logs in as operator, loads /ui/line/line-1 <page loads> times (navigation start to the load event, and to the
// live stream open), prints {"step":"loads", ...}; then keeps the page open and prints {"step":"ready"}; on stdin
// "report" prints the result-to-screen latencies the page measured (app.js: now - capture time of each new row).
const { chromium } = require('playwright-core');
const readline = require('readline');

const [base, executablePath, loadsArg] = process.argv.slice(2);
const loads = parseInt(loadsArg || '20', 10);
const say = o => console.log(JSON.stringify(o));
const pct = (a, p) => a.length ? a[Math.min(a.length - 1, Math.floor(p / 100 * a.length))] : null;

(async () => {
  const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--headless=new'] });
  try {
    const page = await (await browser.newContext({ viewport: { width: 1920, height: 1080 } })).newPage();
    await page.goto(base + '/login', { waitUntil: 'load' });
    await page.fill('#username', 'operator');
    await page.fill('#password', 'operator-demo');
    await page.click('#login-submit');
    await page.waitForURL(/\/ui\/line\//);
    const load = [], live = [];
    for (let i = 0; i < loads; i++) {
      const t0 = Date.now();
      await page.goto(base + '/ui/line/line-1', { waitUntil: 'load' });
      load.push(Date.now() - t0);
      await page.waitForSelector('body[data-live="open"]', { timeout: 30000 });
      live.push(Date.now() - t0);
    }
    load.sort((a, b) => a - b); live.sort((a, b) => a - b);
    say({ step: 'loads', n: loads, loadP50: pct(load, 50), loadMax: load[load.length - 1],
          liveP50: pct(live, 50), liveMax: live[live.length - 1] });
    say({ step: 'ready' });
    const rl = readline.createInterface({ input: process.stdin });
    for await (const line of rl) {
      if (line.trim() === 'report') {
        const lat = (await page.evaluate(() => window.visionHub.latencies.slice())).sort((a, b) => a - b);
        say({ step: 'latency', n: lat.length, p50: pct(lat, 50), p99: pct(lat, 99), max: lat[lat.length - 1] });
      } else {
        break;
      }
    }
    rl.close();
  } catch (e) {
    say({ failed: String(e) });
    process.exitCode = 1;
  } finally {
    await browser.close();
  }
})();
