import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdir } from 'node:fs/promises';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { DEMO_PASSWORD } from '@ansinh/infra';
import { sqlRows, startStack, type Stack } from '@ansinh/tests/support';
import { buildConsole } from '../server/build.ts';
import { startConsoleServer, type RunningConsole } from '../server/console-server.ts';
import { CHROMIUM_ARGS, chromiumExecutable } from './chromium.ts';

/**
 * The console in a real headless Chromium, against the whole stack and the real Keycloak: officials
 * log in through Keycloak's own page and do a day's work; a citizen checks their payments without an
 * account. Screenshots of the main screens go to e2e/screenshots/.
 */
const SCREENSHOTS = new URL('./screenshots/', import.meta.url).pathname;
let consoleServer: RunningConsole;
let stack: Stack;
let browser: Browser;

const sql = (text: string, params: unknown[] = []) => sqlRows(stack.database.url, text, params);

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

/** A browser of its own for one official (its own Keycloak cookies), on a laptop-sized screen. */
async function newContext(viewport = { width: 1280, height: 900 }): Promise<BrowserContext> {
  const context = await browser.newContext({ viewport, locale: 'vi-VN', timezoneId: 'Asia/Ho_Chi_Minh' });
  context.setDefaultTimeout(30_000);
  return context;
}

/** Logs in through Keycloak's page from the console's `path`, as an official does, and comes back to it. */
async function logIn(page: Page, username: string, path = '/'): Promise<void> {
  if (new URL(page.url()).pathname !== path || !page.url().startsWith(consoleServer.url))
    await page.goto(new URL(path, consoleServer.url).toString());
  await page.getByRole('button', { name: 'Đăng nhập' }).click();
  await page.locator('#username').fill(username);
  await page.locator('#password').fill(DEMO_PASSWORD);
  await page.locator('#kc-login').click();
  await page.waitForURL((url) => url.origin === new URL(consoleServer.url).origin && url.pathname === path);
  await page.getByRole('button', { name: 'Đăng xuất' }).waitFor();
}

const shot = (page: Page, name: string) =>
  page.screenshot({ path: `${SCREENSHOTS}${name}.png`, fullPage: true });

const withoutAccents = (text: string) =>
  text
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/đ/g, 'd')
    .replace(/Đ/g, 'D')
    .toLowerCase();

/** The count of lines Thành Sen recorded today, as the province's home shows it. */
async function thanhSenUpdatesToday(page: Page): Promise<number> {
  const cell = page.locator('tr[data-unit="18073"] [data-testid="updates-today"]');
  await cell.waitFor();
  const text = (await cell.textContent()) ?? '';
  return /(\d[\d.]*) dòng/.test(text) ? Number(/(\d[\d.]*) dòng/.exec(text)![1]!.replace(/\./g, '')) : 0;
}

describe('the console in a browser', () => {
  it('shows the public figures and lets a citizen check their payments without an account', async () => {
    const [citizen] = await sql(
      `select p.citizen_id, p.birth_date::text as birth_date
         from registry.persons p
        where p.citizen_id is not null and p.birth_date is not null and p.status = 'living'
          and exists (select 1 from payments.payment_lines l where l.person_id = p.id and l.status = 'paid')
        order by p.citizen_id limit 1`,
    );
    const context = await newContext({ width: 390, height: 844 });
    const page = await context.newPage();
    await page.goto(consoleServer.url);
    await page.getByRole('heading', { name: /Số liệu chi trả của/ }).waitFor();
    await page.getByRole('img', { name: /Số tiền đã chi trả theo tháng/ }).waitFor();
    await shot(page, 'public-phone');

    // A CCCD of the wrong form is refused at its field, and what was typed stays.
    await page.getByLabel('Số CCCD (12 chữ số)').fill('04215');
    await page.getByLabel('Ngày sinh').fill(citizen!.birth_date);
    await page.getByRole('button', { name: 'Tra cứu' }).click();
    const refusal = page.locator('.field-error .error');
    await refusal.waitFor();
    expect(await page.getByLabel('Số CCCD (12 chữ số)').getAttribute('aria-invalid')).toBe('true');
    expect(await page.getByLabel('Số CCCD (12 chữ số)').inputValue()).toBe('04215');

    await page.getByLabel('Số CCCD (12 chữ số)').fill(citizen!.citizen_id);
    await page.getByRole('button', { name: 'Tra cứu' }).click();
    const payments = page.getByRole('table', { name: 'Các khoản chi trả' });
    await payments.waitFor();
    expect(await page.getByText(`CCCD ${citizen!.citizen_id.slice(0, 4)}`).isVisible()).toBe(true);
    expect(await payments.getByText('Đã nhận').count()).toBeGreaterThan(0);
    await shot(page, 'citizen-check');
    await context.close();
  });

  it('imports a spreadsheet with its progress and error report, and exchanges files with a payment provider', async () => {
    const page = await (await newContext()).newPage();
    await logIn(page, 'xa.18073', '/doi-tuong/nhap');
    await page.getByLabel('Tệp danh sách (CSV hoặc XLSX)').setInputFiles({
      name: 'danh-sach.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(
        'Họ và tên;Ngày sinh;Giới tính;Số CCCD\r\nTrần Văn Nhập;12/05/1950;Nam;042050777001\r\nNgô Thị Lỗi;31/02/1950;Nữ;\r\n',
      ),
    });
    await page.getByRole('button', { name: 'Nhập', exact: true }).click();
    await page.getByRole('heading', { name: 'Kết quả nhập tệp danh-sach.csv' }).waitFor();
    const figure = (term: string) => page.locator('.figures div').filter({ hasText: term }).locator('dd');
    expect(await figure('Thêm mới').textContent()).toBe('1');
    expect(await figure('Bị từ chối').textContent()).toBe('1');
    expect(
      await page
        .getByRole('table', { name: /Các lỗi/ })
        .getByRole('row')
        .count(),
    ).toBe(2);
    expect(await page.locator('progress').getAttribute('value')).not.toBeNull();
    await shot(page, 'person-import');
    const report = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Tải báo cáo lỗi (XLSX)' }).click();
    expect((await (await report).path()) && (await report).suggestedFilename()).toMatch(/\.xlsx$/);

    // The month's list: the post's disbursement file, then a result file with a row that matches nothing.
    // A provider that still has lines to pay in Thành Sen's list being paid (the demo's channels vary).
    const [list] = await sql(
      `select l.id, coalesce(a.provider_code, 'POST') as provider
         from payments.payment_lists l
         join registry.administrative_units u on u.id = l.unit_id
         join payments.payment_lines line on line.list_id = l.id
         left join registry.payment_accounts a on a.id = line.account_id
        where u.code = '18073' and u.valid_to is null and l.state = 'paying' and line.status = 'pending'
          and (line.channel = 'post' or a.id is not null)
        order by line.line_code limit 1`,
    );
    await page.goto(new URL(`/chi-tra/${list!.id}`, consoleServer.url).toString());
    await page.getByLabel('Đơn vị chi trả', { exact: true }).selectOption(list!.provider);
    const disbursement = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Xuất tệp chi trả' }).click();
    expect((await disbursement).suggestedFilename()).toMatch(/\.csv$/);
    await page.getByText(/^Đã xuất .*: \d+ dòng/).waitFor();
    await page.getByLabel('Tệp kết quả của đơn vị chi trả (CSV)').setInputFiles({
      name: 'ket-qua.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(
        'reference,amount,status,paid_at,provider_reference,reason\r\nCT999999999,500000,paid,2026-12-01T08:00:00+07:00,BD1,\r\n',
      ),
    });
    await page.getByRole('button', { name: 'Nhập kết quả' }).click();
    const mismatches = page.getByRole('table', { name: 'Dòng không khớp' });
    await mismatches.waitFor();
    expect(await mismatches.getByRole('row').count()).toBe(2);
    await shot(page, 'disbursement-result');
    await page.context().close();
  });

  it('a commune officer finds a person, marks ten lines paid in bulk, and the province’s home counts them', async () => {
    const province = await (await newContext()).newPage();
    await logIn(province, 'tinh.42');
    const before = await thanhSenUpdatesToday(province);
    await shot(province, 'home-province');

    const context = await newContext();
    const page = await context.newPage();
    await logIn(page, 'xa.18073');
    await page.getByRole('heading', { level: 1, name: /Thành Sen: tháng \d{2}\/\d{4}/ }).waitFor();
    await page.getByRole('timer').waitFor();
    const pendingBefore = Number(await page.getByTestId('pending-lines').textContent());
    await shot(page, 'home-commune');

    // Find a person, typed without accents.
    const [person] = await sql(
      `select p.full_name from registry.persons p join registry.administrative_units u on u.id = p.residence_unit_id
        where u.code = '18073' and u.valid_to is null and p.status = 'living' order by p.full_name limit 1`,
    );
    await page.getByRole('link', { name: 'Đối tượng', exact: true }).click();
    await page.getByLabel('Tìm theo họ tên hoặc số CCCD').fill(withoutAccents(person!.full_name));
    await page.getByRole('button', { name: 'Tìm', exact: true }).click();
    await page.getByRole('link', { name: person!.full_name }).first().click();
    await page.getByRole('heading', { level: 1, name: person!.full_name }).waitFor();
    await shot(page, 'person');

    // Today's updates: ten lines selected with a click and a shift-click, paid in one update.
    await page.getByRole('link', { name: 'Trang chủ' }).click();
    await page
      .getByRole('link', { name: /^Cập nhật chi trả \(/ })
      .first()
      .click();
    const boxes = page.getByRole('checkbox', { name: /^Chọn dòng / });
    await boxes.first().waitFor();
    expect(await boxes.count()).toBeGreaterThanOrEqual(10);
    await boxes.nth(0).click();
    await boxes.nth(9).click({ modifiers: ['Shift'] });
    await page.getByText(/^Đã chọn 10 dòng/).waitFor();
    await page.getByRole('button', { name: 'Ghi nhận cho 10 dòng đã chọn' }).click();
    await page.getByText('Đã ghi nhận 10 dòng').waitFor();
    await shot(page, 'daily-update');
    await page.getByRole('link', { name: 'Trang chủ' }).click();
    await page
      .getByTestId('pending-lines')
      .filter({ hasText: String(pendingBefore - 10) })
      .waitFor();
    await context.close();

    await province.reload();
    await province.getByRole('button', { name: 'Đăng xuất' }).waitFor();
    expect(await thanhSenUpdatesToday(province)).toBe(before + 10);
    await province.context().close();
  });

  it('keeps what an official typed through a refusal and an ended session, and brings them back to the page', async () => {
    const context = await newContext();
    const page = await context.newPage();
    await logIn(page, 'xa.18073', '/doi-tuong/moi');
    await page.getByLabel('Họ và tên').fill('Lê Thị Thử Nghiệm');
    await page.getByLabel('Ngày sinh').fill('12/03/1948');
    await page.getByLabel('Giới tính').selectOption('FEMALE');
    await page.getByLabel('Số CCCD').fill('123');
    await page.getByRole('button', { name: 'Lưu' }).click();
    // The registry's refusal shows at the CCCD field, in Vietnamese.
    const cccd = page.getByLabel('Số CCCD');
    await page.locator('.field-error').waitFor();
    expect(await cccd.getAttribute('aria-invalid')).toBe('true');
    await shot(page, 'person-form-error');

    // Keycloak's session ends (its cookies are gone): the page asks for a login and comes back with the draft.
    await context.clearCookies();
    await page.reload();
    await page.getByText('Trang này cần đăng nhập').waitFor();
    await logIn(page, 'xa.18073', '/doi-tuong/moi');
    expect(await page.getByLabel('Họ và tên').inputValue()).toBe('Lê Thị Thử Nghiệm');
    expect(await page.getByLabel('Số CCCD').inputValue()).toBe('123');
    await context.close();
  });

  it('an officer makes next month’s payment list and an approver approves it', async () => {
    const context = await newContext();
    const page = await context.newPage();
    await logIn(page, 'xa.18073', '/chi-tra');
    const nextMonth = await page.getByLabel('Tháng').locator('option').first().getAttribute('value');
    await page.getByLabel('Tháng').selectOption(nextMonth!);
    await page.getByRole('button', { name: /^Lập danh sách tháng/ }).click();
    await page.getByText(/^Đã lập 1 danh sách/).waitFor();
    await page.getByRole('button', { name: 'Xem danh sách' }).click();
    await page.getByRole('table').getByRole('link').first().click();
    await page.getByTestId('list-state').filter({ hasText: 'Dự thảo' }).waitFor();
    const listPath = new URL(page.url()).pathname;
    await context.close();

    const approver = await (await newContext()).newPage();
    await approver.goto(new URL(listPath, consoleServer.url).toString());
    await logIn(approver, 'pheduyet.18073', listPath);
    await approver.getByRole('button', { name: 'Phê duyệt danh sách' }).click();
    await approver.getByTestId('list-state').filter({ hasText: 'Đã phê duyệt' }).waitFor();
    await shot(approver, 'payment-list-approved');
    await approver.context().close();
  });

  it('an officer receives a dossier, and the approver grants it despite a conflict, with a reason', async () => {
    // Someone of Thành Sen who already draws 5.5.a and has no dossier open: a second grant of that group conflicts.
    const [holder] = await sql(
      `select p.id, p.full_name from registry.persons p
         join registry.administrative_units u on u.id = p.residence_unit_id
         join approvals.entitlements e on e.person_id = p.id and e.status = 'active'
         join approvals.categories c on c.id = e.category_id and c.code = '5.5.a'
        where u.code = '18073' and u.valid_to is null and p.status = 'living'
          and not exists (select 1 from approvals.applications a where a.person_id = p.id and a.state in ('in_progress', 'returned'))
        order by p.full_name limit 1`,
    );
    const page = await (await newContext()).newPage();
    await logIn(page, 'xa.18073', `/doi-tuong/${holder!.id}`);
    await page.getByRole('heading', { level: 1, name: holder!.full_name }).waitFor();
    const category = page.getByLabel('Nhóm đối tượng');
    await category
      .locator('option', { hasText: /^5\.5\.a / })
      .first()
      .waitFor({ state: 'attached' });
    const value = await category
      .locator('option', { hasText: /^5\.5\.a / })
      .first()
      .getAttribute('value');
    await category.selectOption(value!);
    await page.getByRole('button', { name: 'Tiếp nhận hồ sơ' }).click();
    await page.getByText(/^Đã tiếp nhận hồ sơ/).waitFor();

    // The queue: verification by the officer, then the decision.
    await page.getByRole('link', { name: 'Mở hàng chờ hồ sơ' }).click();
    const row = page
      .getByRole('row')
      .filter({ hasText: holder!.full_name })
      .filter({ hasText: /\d{2}\/\d{2}\/\d{4}/ });
    await row.getByRole('button', { name: 'Xử lý' }).click();
    await page.getByRole('button', { name: 'Hoàn thành bước' }).click();
    await row.getByText('Chủ tịch UBND xã quyết định').waitFor();
    await row.getByRole('button', { name: 'Xử lý' }).click();
    await page.getByLabel('Số quyết định').fill('88/QĐ-UBND');
    await page.getByLabel('Người ký').fill('Nguyễn Văn Chủ Tịch');
    await page.getByRole('button', { name: 'Duyệt và ghi quyết định' }).click();
    // One person, one policy: refused, and the approver is asked why it is granted all the same.
    await page.getByText(/Một người chỉ hưởng một chính sách/).waitFor();
    await shot(page, 'application-conflict');
    expect(await page.getByLabel('Số quyết định').inputValue()).toBe('88/QĐ-UBND');
    await page.getByLabel('Lý do vẫn cấp dù trùng chính sách').fill('Chờ xác minh lại, chi một mức');
    await page.getByRole('button', { name: 'Vẫn duyệt, ghi lý do' }).click();
    await row.waitFor({ state: 'detached' });

    await page.getByRole('button', { name: 'Xung đột chính sách' }).click();
    // Listed from each of the two entitlements.
    await page.getByText('Vẫn cấp: Chờ xác minh lại, chi một mức').first().waitFor();
    await page.context().close();
  });

  it('shows the work queues and the reports', async () => {
    const page = await (await newContext()).newPage();
    await logIn(page, 'tinh.42', '/ho-so');
    await page.getByRole('table', { name: /hồ sơ, hạn sớm nhất trước/ }).waitFor();
    await shot(page, 'applications');
    await page.getByRole('link', { name: 'Báo cáo' }).click();
    await page.getByRole('button', { name: 'Xem' }).click();
    await page.getByRole('img', { name: /^Đối tượng hưởng theo/ }).waitFor();
    await page.getByRole('table', { name: /^Thống kê theo/ }).waitFor();
    await shot(page, 'reports');
    await page.getByRole('button', { name: 'Tuân thủ' }).click();
    await page.getByRole('table', { name: /chưa lập danh sách chi trả/ }).waitFor();
    await shot(page, 'reports-compliance');
    await page.getByRole('button', { name: 'Đăng xuất' }).click();
    await page.getByRole('button', { name: 'Đăng nhập' }).waitFor();
    await page.context().close();
  });
});
