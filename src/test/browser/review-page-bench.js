// Page loads in Debian's Chromium, for io.visionhub.bench.ReviewPageBench:
//   node review-page-bench.js <base url> <chromium path> <page loads> <path>...
// Logs in as quality, loads each path <page loads> times (navigation start to the load event, as the browser timed
// it) and counts the requests made before the load event, frames (/ui/frames/) apart. One JSON line per path.
const { chromium } = require('playwright-core');

const [base, executablePath, loadsArg, ...paths] = process.argv.slice(2);
const loads = parseInt(loadsArg || '10', 10);
const say = o => console.log(JSON.stringify(o));
const pct = (a, p) => a.length ? a[Math.min(a.length - 1, Math.floor(p / 100 * a.length))] : null;

(async () => {
  const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--headless=new'] });
  try {
    const page = await (await browser.newContext({ viewport: { width: 1920, height: 1080 } })).newPage();
    await page.goto(base + '/login', { waitUntil: 'load' });
    await page.fill('#username', 'quality');
    await page.fill('#password', 'quality-demo');
    await Promise.all([page.waitForNavigation(), page.click('#login-submit')]);
    let requests = 0, frames = 0;
    page.on('request', r => { requests++; if (r.url().includes('/ui/frames/')) frames++; });
    for (const path of paths) {
      const load = [];
      let req = 0, fr = 0;
      for (let i = 0; i < loads; i++) {
        requests = 0; frames = 0;
        await page.goto(base + path, { waitUntil: 'load' });
        load.push(await page.evaluate(() => Math.round(performance.getEntriesByType('navigation')[0].duration)));
        req = requests; fr = frames;
      }
      load.sort((a, b) => a - b);
      say({ step: 'loads', path, n: loads, loadP50: pct(load, 50), loadMax: load[load.length - 1],
            requestsBeforeLoad: req, framesBeforeLoad: fr });
    }
    say({ step: 'done' });
  } catch (e) {
    say({ failed: String(e) });
    process.exitCode = 1;
  } finally {
    await browser.close();
  }
})();
