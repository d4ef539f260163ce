// Takes a screenshot of a page once it shows some texts, through the Chrome DevTools Protocol of a headless Chromium
// started with --remote-debugging-port. No packages: Node's fetch and its WebSocket (node --experimental-websocket on
// Node 20, built in from Node 22). The Aspire Dashboard renders over a live Blazor connection, which a plain
// `chromium --screenshot` does not wait for.
//
//   node --experimental-websocket dev/screenshot.mjs DEBUG_PORT URL OUT.png TEXT...
// The picture is SCREENSHOT_SIZE (default 1400x460) CSS pixels.
import { writeFile } from 'node:fs/promises';

const [debugPort, url, out, ...texts] = process.argv.slice(2);
if (!debugPort || !url || !out) {
  console.error('usage: screenshot.mjs DEBUG_PORT URL OUT.png TEXT...');
  process.exit(2);
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function pageTarget() {
  for (let i = 0; i < 100; i++) {
    try {
      const targets = await (await fetch(`http://127.0.0.1:${debugPort}/json/list`)).json();
      const page = targets.find((t) => t.type === 'page');
      if (page) return page;
    } catch {
      // Chromium is still starting.
    }
    await sleep(200);
  }
  throw new Error(`no page target on debug port ${debugPort}`);
}

function connect(wsUrl) {
  const socket = new WebSocket(wsUrl);
  const pending = new Map();
  let nextId = 1;
  socket.addEventListener('message', (event) => {
    const message = JSON.parse(event.data);
    const waiter = pending.get(message.id);
    if (!waiter) return;
    pending.delete(message.id);
    if (message.error) waiter.reject(new Error(JSON.stringify(message.error)));
    else waiter.resolve(message.result);
  });
  const send = (method, params = {}) => new Promise((resolve, reject) => {
    const id = nextId++;
    pending.set(id, { resolve, reject });
    socket.send(JSON.stringify({ id, method, params }));
  });
  return new Promise((resolve, reject) => {
    socket.addEventListener('open', () => resolve({ send, close: () => socket.close() }));
    socket.addEventListener('error', () => reject(new Error(`cannot connect to ${wsUrl}`)));
  });
}

const page = await connect((await pageTarget()).webSocketDebuggerUrl);
const [width, height] = (process.env.SCREENSHOT_SIZE ?? '1400x460').split('x').map(Number);
await page.send('Emulation.setDeviceMetricsOverride', { width, height, deviceScaleFactor: 1, mobile: false });
await page.send('Page.enable');
await page.send('Page.navigate', { url });

let shown = '';
for (let i = 0; i < 150; i++) {
  await sleep(200);
  const { result } = await page.send('Runtime.evaluate', { expression: 'document.body ? document.body.innerText : ""' });
  shown = result.value ?? '';
  if (texts.every((text) => shown.includes(text))) break;
}
const missing = texts.filter((text) => !shown.includes(text));
if (missing.length > 0) {
  console.error(`screenshot.mjs: the page never showed ${JSON.stringify(missing)}; it showed:\n${shown.slice(0, 2000)}`);
  process.exit(1);
}

await sleep(1000); // let layout and fonts settle after the last render
const { data } = await page.send('Page.captureScreenshot', { format: 'png' });
await writeFile(out, Buffer.from(data, 'base64'));
page.close();
console.log(`screenshot.mjs: wrote ${out}`);
process.exit(0);
