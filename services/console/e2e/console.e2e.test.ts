import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdir } from 'node:fs/promises';
import { chromium, type Browser, type Page } from 'playwright-core';
import { DEMO_PASSWORD } from '@ansinh/infra';
import { startStack, type Stack } from '@ansinh/tests/support';
import { buildConsole } from '../server/build.ts';
import { startConsoleServer, type RunningConsole } from '../server/console-server.ts';
import { CHROMIUM_ARGS, chromiumExecutable } from './chromium.ts';

/**
 * The console in a real headless Chromium, against the whole stack and the real Keycloak: the
 * official logs in through Keycloak's own page and works in the console. Screenshots of the screens
 * go to e2e/screenshots/.
 */
const SCREENSHOTS = new URL('./screenshots/', import.meta.url).pathname;
let consoleServer: RunningConsole;
let stack: Stack;
let browser: Browser;

beforeAll(async () => {
  await buildConsole();
  consoleServer = await startConsoleServer({
    port: 0,
    config: {
      graphqlUrl: 'http://127.0.0.1:9/graphql',
      keycloakUrl: 'http://localhost:9',
      realm: '',
      clientId: '',
    },
  });
  stack = await startStack({ env: { CORS_ORIGINS: consoleServer.url } });
  consoleServer.setConfig({
    graphqlUrl: stack.gateway.url,
    keycloakUrl: process.env['KEYCLOAK_URL']!,
    realm: 'ansinh',
    clientId: 'ansinh-test-console',
  });
  browser = await chromium.launch({
    executablePath: await chromiumExecutable(),
    headless: true,
    args: CHROMIUM_ARGS,
  });
  await mkdir(SCREENSHOTS, { recursive: true });
}, 300_000);

afterAll(async () => {
  await browser?.close();
  await stack?.stop();
  await consoleServer?.stop();
});

/** Logs in through Keycloak's page from the console's, as an official does. */
async function logIn(page: Page, username: string): Promise<void> {
  await page.goto(consoleServer.url);
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(DEMO_PASSWORD);
  await page.locator('#kc-login').click();
  await page.waitForURL((url) => url.origin === new URL(consoleServer.url).origin);
}

describe('the console in a browser', () => {
  it('shows the public page without login', async () => {
    const page = await browser.newPage();
    await page.goto(consoleServer.url);
    await expect(page.getByRole('button', { name: 'Đăng nhập' }).isVisible()).resolves.toBe(true);
    await page.screenshot({ path: `${SCREENSHOTS}public.png`, fullPage: true });
    await page.close();
  });

  it('logs a commune officer in through Keycloak and shows the commune’s figures of the month', async () => {
    const page = await browser.newPage();
    await logIn(page, 'xa.18073');
    const heading = page.getByRole('heading', { level: 2 });
    await heading.waitFor();
    expect(await heading.textContent()).toMatch(/Thành Sen: tháng \d{2}\/\d{4}/);
    expect(await page.getByText('Đối tượng đang hưởng').isVisible()).toBe(true);
    expect(await page.getByText('xa.18073 (đơn vị 18073)').isVisible()).toBe(true);
    await page.screenshot({ path: `${SCREENSHOTS}home-commune.png`, fullPage: true });
    await page.getByRole('button', { name: 'Đăng xuất' }).click();
    await page.getByRole('button', { name: 'Đăng nhập' }).waitFor();
    await page.close();
  });
});
