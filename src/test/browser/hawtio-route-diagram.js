// Opens Hawtio's Camel route diagram of one route in Debian's Chromium and prints what it drew, as JSON:
//   node hawtio-route-diagram.js <hawtio url> <user> <password> <route id> <chromium path>
// {"routesInTree": [...names in tree order...], "nodes": n, "edges": n, "labels": [...], "errors": [...]}
// Used by HawtioRouteDiagramTest; exits 1 with a message when a step fails.
const { chromium } = require('playwright-core');

const [url, user, password, routeId, executablePath] = process.argv.slice(2);

(async () => {
  const browser = await chromium.launch({ executablePath, args: ['--no-sandbox', '--headless=new'] });
  const errors = [];
  try {
    const context = await browser.newContext({ httpCredentials: { username: user, password } });
    const page = await context.newPage();
    page.on('pageerror', e => errors.push(String(e)));
    await page.goto(url.replace(/\/$/, '') + '/camel/routes', { waitUntil: 'load', timeout: 90000 });
    // the Camel tree (route groups are folders): expand all, then select the route
    const texts = page.locator('button.pf-v6-c-tree-view__node-text, button.pf-v5-c-tree-view__node-text');
    await texts.first().waitFor({ timeout: 90000 });
    await page.getByText('Expand all').click({ timeout: 30000 });
    const route = texts.filter({ hasText: new RegExp('^' + routeId + '$') }).first();
    await route.waitFor({ timeout: 30000 });
    const tree = await texts.allInnerTexts();
    await route.click({ timeout: 30000 });
    await page.getByText('Route Diagram', { exact: true }).first().click({ timeout: 30000 });
    await page.locator('.react-flow__node').first().waitFor({ timeout: 60000 });
    const nodes = await page.locator('.react-flow__node').count();
    const edges = await page.locator('.react-flow__edge').count();
    const labels = await page.locator('.react-flow__node').allInnerTexts();
    console.log(JSON.stringify({ routesInTree: tree, nodes, edges, labels, errors }));
  } catch (e) {
    console.log(JSON.stringify({ failed: String(e), errors }));
    process.exitCode = 1;
  } finally {
    await browser.close();
  }
})();
