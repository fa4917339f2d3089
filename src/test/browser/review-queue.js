// The review queue as a quality user works it, in Debian's Chromium, and what happened, as JSON:
//   node review-queue.js <hub url> <user> <password> <screenshot dir> <chromium path>
// Logs in, opens /ui/review, waits for a part, opens its e-signature dialog, signs with a wrong password (refused
// in the dialog), then with the right one; waits for the part to leave the queue and for its disposition on the
// order page. Screenshots of each step go to <screenshot dir>. Used by ReviewQueueBrowserTest; exits 1 when a step
// fails.
const { chromium } = require('playwright-core');
const path = require('path');

const [url, user, password, shots, executablePath] = process.argv.slice(2);
const base = url.replace(/\/$/, '');

(async () => {
  const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--headless=new'] });
  const errors = [];
  const out = { errors };
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 860 } });
    const page = await context.newPage();
    page.on('pageerror', e => errors.push(String(e)));
    const shot = (name, full) => page.screenshot({ path: path.join(shots, name), fullPage: !!full });
    const shotOf = (locator, name) => locator.screenshot({ path: path.join(shots, name) });

    await page.goto(base + '/login', { waitUntil: 'load', timeout: 60000 });
    await page.fill('input[name=username]', user);
    await page.fill('input[name=password]', password);
    await Promise.all([page.waitForNavigation({ timeout: 30000 }), page.click('button[type=submit]')]);

    await page.goto(base + '/ui/review', { waitUntil: 'load', timeout: 60000 });
    // page load as the browser timed it (navigation start to load event), reported, not asserted
    const loadMs = () => page.evaluate(() => Math.round(performance.getEntriesByType('navigation')[0].duration));
    out.reviewPageLoadMs = await loadMs();
    // the demo camera makes NG and UNCERTAIN parts; the queue refreshes itself as they come
    const parts = page.locator('#review-items article.part');
    await parts.first().waitFor({ timeout: 120000 });
    // live: new parts arrive without a reload (the line stream's "inspection" event; the fallback poll is every 15 s,
    // so a change within 10 s came through the stream)
    const before = (await page.locator('#review-items .awaiting').innerText()).trim();
    const t0 = Date.now();
    await page.waitForFunction(
      b => { const a = document.querySelector('#review-items .awaiting'); return a && a.innerText.trim() !== b; },
      before, { timeout: 10000 });
    out.liveRefreshMs = Date.now() - t0;
    out.awaitingBefore = before;
    out.awaitingAfter = (await page.locator('#review-items .awaiting').innerText()).trim();
    // let the first frames load for the screenshot
    await page.waitForTimeout(1500);
    await shot('review-queue.png');

    const part = parts.first();
    const id = await part.getAttribute('data-inspection');
    out.inspection = id;
    out.order = (await part.locator('dd a[href^="/ui/orders/"]').first().innerText()).trim();

    // zoom: a click on the annotated frame enlarges it
    await part.locator('figure.frames img').nth(1).click();
    await page.locator('dialog#zoom[open]').waitFor({ timeout: 10000 });
    await shot('review-zoom.png');
    await page.keyboard.press('Escape');

    await page.locator(`article[data-inspection="${id}"] button.sign-one`).click();
    const dialog = page.locator('#sign-slot dialog[open]');
    await dialog.waitFor({ timeout: 15000 });
    out.printedName = (await dialog.locator('.printed-name').innerText()).trim();
    await dialog.locator('input[name=disposition][value=REJECT]').check();
    await dialog.locator('select[name=reasonCode]').selectOption('SURFACE');
    await dialog.locator('textarea[name=comment]').fill('Scratch across the sealing face, confirmed at the bench');
    await dialog.locator('select[name=meaning]').selectOption('REVIEWED');
    await dialog.locator('input[name=password]').fill('not-the-password');
    await shotOf(dialog, 'esign-dialog.png');
    await dialog.locator('button[type=submit]').click();
    const refused = page.locator('#sign-slot dialog[open] .error');
    await refused.waitFor({ timeout: 15000 });
    out.refused = (await refused.innerText()).trim();
    await shotOf(page.locator('#sign-slot dialog[open]'), 'esign-wrong-password.png');
    out.stillQueuedAfterRefusal = await page.locator(`#review-items article[data-inspection="${id}"]`).count();

    // the refused dialog keeps the choices; the password is entered again
    const again = page.locator('#sign-slot dialog[open]');
    await again.locator('input[name=disposition][value=REJECT]').check();
    await again.locator('select[name=reasonCode]').selectOption('SURFACE');
    await again.locator('select[name=meaning]').selectOption('REVIEWED');
    await again.locator('input[name=password]').fill(password);
    // a double click signs once (same request id; the button is disabled while the request runs)
    await again.locator('button[type=submit]').dblclick();
    const done = page.locator('#sign-slot dialog.done[open]');
    await done.waitFor({ timeout: 15000 });
    out.signed = (await done.innerText()).trim();
    await shotOf(done, 'esign-signed.png');
    await done.locator('button').click();

    await page.locator(`#review-items article[data-inspection="${id}"]`).waitFor({ state: 'detached', timeout: 20000 });
    out.leftQueue = true;

    await page.goto(base + '/ui/orders/' + encodeURIComponent(out.order), { waitUntil: 'load', timeout: 60000 });
    const row = page.locator(`tr[data-target="${id}"]`);
    await row.waitFor({ timeout: 15000 });
    out.orderRow = (await row.innerText()).trim();
    out.qualityRate = (await page.locator('#quality-rate').innerText()).trim();
    out.orderPageLoadMs = await loadMs();
    await shot('order-page.png', true);

    const lotLink = page.locator('table.lots a').first();
    if (await lotLink.count() > 0) {
      await Promise.all([page.waitForNavigation({ timeout: 30000 }), lotLink.click()]);
      out.lotPage = (await page.locator('h1').innerText()).trim();
      await shot('lot-page.png', true);
    }
    console.log(JSON.stringify(out));
  } catch (e) {
    out.failed = String(e);
    console.log(JSON.stringify(out));
    process.exitCode = 1;
  } finally {
    await browser.close();
  }
})();
