/**
 * The app with the keyboard only, in headless Chromium against `clientele serve --demo` (npm run
 * build:web first): sign in with Tab, typing and Enter; move through the navigation with Tab and
 * open pages with Enter; edit a cleaning plan and start a run with it; compare two runs; open the
 * rename dialog and close it with Escape. Every control that takes the focus shows a ring.
 */
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { type WatchedPage, watchedPage } from './browser.ts';
import { demoBrowser } from './demoBrowser.ts';
import { apiSession, PASSWORD } from './serveDemo.ts';

interface Focused {
  tag: string;
  text: string;
  label: string;
  role: string;
  /** The text of the table row it sits in, if any. */
  row: string;
  outline: string;
  outlineWidth: number;
  outlineStyle: string;
}

/** What has the focus, and how its outline is drawn. */
async function focused(page: Page): Promise<Focused> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) {
      return {
        tag: 'BODY',
        text: '',
        label: '',
        role: '',
        row: '',
        outline: '',
        outlineWidth: 0,
        outlineStyle: 'none',
      };
    }
    // A switch's or radio's input is hidden; its ring is drawn on the track or label after it.
    const hidden = getComputedStyle(el).opacity === '0' || el.getBoundingClientRect().width < 2;
    const drawn = (hidden ? el.nextElementSibling : el) as HTMLElement | null;
    const style = getComputedStyle(drawn ?? el);
    return {
      tag: el.tagName,
      text: (el.textContent ?? '').trim().slice(0, 80),
      label: el.getAttribute('aria-label') ?? (el as HTMLInputElement).labels?.[0]?.textContent?.trim() ?? '',
      role: el.getAttribute('role') ?? '',
      row: (el.closest('tr')?.textContent ?? '').trim().slice(0, 200),
      outline: `${style.outlineStyle} ${style.outlineWidth} ${style.outlineColor}`,
      outlineWidth: Number.parseFloat(style.outlineWidth),
      outlineStyle: style.outlineStyle,
    };
  });
}

/** The focus ring: a visible outline at least 2 px wide on the focused control. */
function expectRing(f: Focused, what: string): void {
  expect(f.outlineStyle, `${what}: ${JSON.stringify(f)}`).not.toBe('none');
  expect(f.outlineWidth, `${what}: ${JSON.stringify(f)}`).toBeGreaterThanOrEqual(2);
}

/** Presses Tab (or Shift+Tab) until the focused control matches, and returns it (fails after `max` presses). */
async function tabTo(
  page: Page,
  match: (f: Focused) => boolean,
  what: string,
  max = 80,
  key: 'Tab' | 'Shift+Tab' = 'Tab',
): Promise<Focused> {
  const seen: string[] = [];
  for (let i = 0; i < max; i++) {
    await page.keyboard.press(key);
    const f = await focused(page);
    if (match(f)) return f;
    seen.push(`${f.tag}:${f.label || f.text}`.slice(0, 40));
  }
  throw new Error(`Tab never reached ${what}; went through: ${seen.join(' | ')}`);
}

describe('the web app with the keyboard only', () => {
  const pages: WatchedPage[] = [];

  const demo = demoBrowser();

  it('signs in, moves through the pages, edits a plan, compares runs and uses the rename dialog', async () => {
    const session = await apiSession(demo.url, 'data@demo.clientele');
    const runs = async () => (await session.get<{ runs: { status: string }[] }>('/api/runs')).runs;
    // The demo's runs published (and, against a server used before, nothing still going).
    for (let i = 0; ; i++) {
      const now = await runs();
      if (
        now.filter((r) => r.status === 'succeeded').length >= 2 &&
        !now.some((r) => r.status === 'queued' || r.status === 'running')
      )
        break;
      if (i > 1200) throw new Error(`the demo runs did not finish: ${JSON.stringify(now)}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    const watched = await watchedPage(demo.browser, demo.url);
    pages.push(watched);
    const { page } = watched;
    await page.goto(demo.url);
    await page.getByRole('button', { name: 'Sign in' }).waitFor();

    // Sign in: Tab to the e-mail box, type, Tab to the password, type, Enter.
    expectRing(
      await tabTo(page, (f) => f.tag === 'INPUT' && /E-mail/.test(f.label), 'the e-mail box'),
      'e-mail',
    );
    await page.keyboard.type('data@demo.clientele');
    await page.keyboard.press('Tab');
    const password = await focused(page);
    expect(password.label).toMatch(/Password/);
    expectRing(password, 'password');
    await page.keyboard.type(PASSWORD);
    await page.keyboard.press('Enter');
    await page.getByTestId('signed-in-as').waitFor();
    await page.getByRole('heading', { name: /Welcome/ }).waitFor();

    // The navigation: Tab to each page's link, Enter opens it.
    const open = async (name: string, heading: string | RegExp, key: 'Tab' | 'Shift+Tab' = 'Tab') => {
      const link = await tabTo(page, (f) => f.tag === 'A' && f.text === name, `the ${name} link`, 120, key);
      expectRing(link, `${name} link`);
      await page.keyboard.press('Enter');
      await page.getByRole('heading', { name: heading, level: 2 }).waitFor();
      // The page opened where the focus was: the link stays focused and says it is the current page.
      await expect(page.evaluate(() => document.activeElement?.getAttribute('aria-current'))).resolves.toBe(
        'page',
      );
    };
    await open('Charts', 'Charts');
    await open('Insiders', 'Insiders');
    await open('Lookout', 'Lookout');
    await open('Data', 'Data', 'Shift+Tab');
    await page.getByTestId('run-table').getByText('Succeeded').first().waitFor();

    // Edit the telco's cleaning plan: Enter opens it, Space switches a step off, the run starts.
    const editPlan = await tabTo(
      page,
      (f) => f.tag === 'BUTTON' && f.text === 'Edit plan' && f.row.startsWith('Telco'),
      "the telco's Edit plan",
    );
    expectRing(editPlan, 'Edit plan');
    await page.keyboard.press('Enter');
    const editor = page.getByTestId('plan-editor');
    await editor.waitFor();
    await page.getByTestId('plan-steps').waitFor();
    const before = await page.getByTestId('plan-steps').locator('[data-enabled="true"]').count();
    expect(before).toBeGreaterThan(0);
    const aSwitch = await tabTo(
      page,
      (f) => f.role === 'switch' && /replace/.test(f.label),
      'the replace step',
      30,
    );
    expectRing(aSwitch, 'step switch');
    await page.keyboard.press('Space');
    await expect(page.getByTestId('plan-steps').locator('[data-enabled="true"]').count()).resolves.toBe(
      before - 1,
    );
    await tabTo(page, (f) => f.tag === 'BUTTON' && f.text === 'Start a run with this plan', 'Start', 120);
    const done = (await runs()).filter((r) => r.status === 'succeeded').length;
    await page.keyboard.press('Enter');
    await editor.waitFor({ state: 'detached' });
    await page
      .getByTestId('run-table')
      .getByText(`plan: ${before - 1} step`)
      .first()
      .waitFor();
    await page.getByTestId('run-table').getByText('Succeeded').nth(done).waitFor({ timeout: 240_000 });

    // Compare the telco's two runs: Space ticks each box, Enter compares.
    for (let i = 0; i < 2; i++) {
      const box = await tabTo(
        page,
        (f) => f.tag === 'INPUT' && /^Compare the run of Telco/.test(f.label),
        'a run to compare',
      );
      expectRing(box, 'run checkbox');
      await page.keyboard.press('Space');
    }
    await tabTo(page, (f) => f.tag === 'BUTTON' && f.text === 'Compare the two runs', 'Compare');
    await page.keyboard.press('Enter');
    const comparison = page.getByTestId('run-comparison');
    await comparison.waitFor();
    await comparison.getByText('Churn model AUC (test)').waitFor();
    expect(await page.getByTestId('moves-table').locator('tbody tr').count()).toBeGreaterThan(1);
    await page.screenshot({ path: join(demo.server.dir, 'screenshots', 'data-compare.png'), fullPage: true });

    // Segments: Tab back into the navigation, open the page, Enter on Rename, Escape closes.
    await open('Segments', 'Segments', 'Shift+Tab');
    await page.getByTestId('segment-table').waitFor();
    const rename = await tabTo(page, (f) => f.tag === 'BUTTON' && f.text === 'Rename', 'Rename');
    expectRing(rename, 'Rename');
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    const name = await focused(page);
    expect(name.label).toMatch(/^Name/);
    expectRing(name, 'the name box in the dialog');
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    // The focus goes back to the button that opened the dialog (just after it unmounts).
    await expect.poll(async () => (await focused(page)).text, { timeout: 5_000 }).toBe('Rename');
    const back = await focused(page);
    expectRing(back, 'Rename after the dialog');

    expect(watched.problems).toEqual([]);
    expect([...new Set(watched.failures)]).toEqual(['401 GET /api/me']);
  }, 600_000);

  it('a manager removes someone from a team after a confirmation, and cannot remove the last manager', async () => {
    const watched = await watchedPage(demo.browser, demo.url);
    const { page } = watched;
    await page.goto(demo.url);
    await page.locator('input[name=email]').fill('manager@demo.clientele');
    await page.locator('input[name=password]').fill(PASSWORD);
    await page.keyboard.press('Enter');
    await page.getByTestId('signed-in-as').waitFor();
    await page.getByRole('navigation').getByRole('link', { name: 'Manager' }).click();
    const table = page.getByTestId('member-table');
    await table.getByText('support@demo.clientele').waitFor();

    // Enter opens the confirmation; Escape leaves without removing, the focus back on the button.
    const label = 'Remove Sofia Support from Customer care';
    const remove = await tabTo(page, (f) => f.tag === 'BUTTON' && f.label === label, label, 120);
    expectRing(remove, 'Remove');
    await page.keyboard.press('Enter');
    const dialog = page.getByRole('dialog');
    await dialog.getByText('Their account and their other teams stay').waitFor();
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    // The focus comes back just after the dialog unmounts (useReturnFocus), not with it.
    await expect.poll(async () => (await focused(page)).label, { timeout: 5_000 }).toBe(label);
    await expect(table.getByText('support@demo.clientele').count()).resolves.toBe(1);

    // Confirmed: the row goes.
    await page.keyboard.press('Enter');
    await dialog.getByRole('button', { name: 'Remove from the team' }).click();
    await dialog.waitFor({ state: 'detached' });
    await table.getByText('support@demo.clientele').waitFor({ state: 'detached' });

    // The only manager: refused, in words.
    await table.getByRole('button', { name: 'Remove Maria Manager from Management' }).click();
    await dialog.getByRole('button', { name: 'Remove from the team' }).click();
    await dialog
      .getByRole('alert')
      .getByText(/last manager: make someone else a manager first/)
      .waitFor();
    await page.keyboard.press('Escape');
    await table.getByText('manager@demo.clientele').waitFor();

    expect(watched.problems).toEqual([]);
    expect(
      [...new Set(watched.failures.map((f) => f.replace(/\/api\/teams\/.*/, '/api/teams/...')))].sort(),
    ).toEqual(['401 GET /api/me', '409 DELETE /api/teams/...']);
  }, 120_000);
});
