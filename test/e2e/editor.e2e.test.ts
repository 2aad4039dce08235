// Browser check of the n8n editor with this package installed, for each n8n line (E2E_LINES=1,2; default all).
// Starts the same setup as `npm run demo` (scripts/demo/demo.ts), drives Debian's Chromium (/usr/bin/chromium,
// see scripts/ensure-chromium.sh; playwright-core never downloads a browser), logs in, opens the demo
// workflows and asserts that the package's nodes render with their icons and that its credential types are
// offered. Screenshots go to .e2e-artifacts/ (gitignored). Also runs every demo workflow that needs no person
// once (every provider's, and the Checkfront keep-alive), and asks n8n for one picker per provider over REST.
import * as fs from 'fs';
import * as path from 'path';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import type { IDataObject } from 'n8n-workflow';

import { buildAndPack, DEMO_IDS, DEMO_NAMES, DEMO_OWNER, ensureLine, PACKAGE_NAME, startDemo, tempPackDir } from '../../scripts/demo/demo';
import type { Demo } from '../../scripts/demo/demo';
import { REPO_ROOT, selectedLines } from './lib/lines';
import { nodeOutput, packageProblems } from './lib/n8nInstance';
import { N8nRest } from './lib/n8nRest';
import { freePort, stopAll } from './lib/proc';

const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
	'--headless',
	'--no-sandbox',
	'--disable-gpu',
	'--disable-quic',
	'--no-first-run',
	'--disable-background-networking',
	'--disable-component-update',
	'--disable-sync',
];
const ARTIFACTS = path.join(REPO_ROOT, '.e2e-artifacts');
const SETUP_TIMEOUT = 45 * 60 * 1000; // a cold n8n install is minutes

let tarball: string;
let packDir: string | undefined;

beforeAll(async () => {
	if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: run sh scripts/ensure-chromium.sh (apt-get install chromium)`);
	fs.mkdirSync(ARTIFACTS, { recursive: true });
	if (process.env.E2E_PACKAGE_TGZ) tarball = process.env.E2E_PACKAGE_TGZ;
	else {
		packDir = tempPackDir();
		tarball = await buildAndPack(packDir);
	}
}, 5 * 60 * 1000);

afterAll(async () => {
	await stopAll();
	if (packDir) fs.rmSync(packDir, { recursive: true, force: true });
});

/** A canvas node of this package, by its name in the workflow. */
const canvasNode = (page: Page, name: string) => page.locator(`[data-test-id="canvas-node"][data-node-name="${name}"]`);

/** The node's icon <img>: served by n8n from the package, and actually loaded by the browser. */
async function expectPackageIcon(page: Page, nodeName: string, iconFile: string): Promise<void> {
	const img = canvasNode(page, nodeName).locator(`img[src*="/icons/${PACKAGE_NAME}/"]`);
	await img.first().waitFor({ state: 'visible' });
	const icon = await img.first().evaluate((el) => {
		const image = el as unknown as { getAttribute(name: string): string | null; complete: boolean; naturalWidth: number };
		return { src: image.getAttribute('src'), complete: image.complete, width: image.naturalWidth };
	});
	expect(icon.src).toContain(iconFile);
	expect(icon.complete).toBe(true);
	expect(icon.width).toBeGreaterThan(0);
}

/** Waits (at most 3 s) for running CSS transitions/animations to end, so a screenshot does not catch a modal mid-fade. */
async function settle(page: Page): Promise<void> {
	await page.evaluate(async () => {
		const doc = (globalThis as unknown as { document: { getAnimations(): Array<{ finished: Promise<unknown> }> } }).document;
		const done = Promise.all(doc.getAnimations().map((a) => a.finished.catch(() => undefined)));
		await Promise.race([done, new Promise((resolve) => setTimeout(resolve, 3000))]);
	});
}

describe.each(selectedLines().map((l) => [`${l.id} (n8n ${l.version})`, l] as const))('editor, n8n line %s', (_label, initialLine) => {
	let demo: Demo;
	let browser: Browser;
	let page: Page;
	const shot = (what: string) => path.join(ARTIFACTS, `editor-n8n${initialLine.version}-${what}.png`);

	beforeAll(async () => {
		const line = await ensureLine(initialLine.id);
		// a free port, so that a demo already running on 5678 does not get in the way
		demo = await startDemo({ line, packageTarball: tarball, port: await freePort(), log: () => undefined });
		// launch() gives each run a fresh temporary user-data-dir, removed on close
		browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
		const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
		page = await context.newPage();
		// generous: on a loaded 2-core machine the editor bundle alone can take over 30 s to load (seen in a CI rehearsal)
		page.setDefaultTimeout(90_000);
	}, SETUP_TIMEOUT);

	afterAll(async () => {
		await browser?.close();
		await demo?.stop();
	});

	test('n8n started clean: no package problem in its startup log', () => {
		expect(packageProblems(demo.server.startupLog, PACKAGE_NAME)).toEqual([]);
	});

	test('logs in with the demo login', async () => {
		await page.goto(`${demo.editorUrl}/signin`);
		// 2.x names the field emailOrLdapLoginId, 1.x email: go by input type
		await page.locator('input[type="email"]').first().fill(DEMO_OWNER.email);
		await page.locator('input[type="password"]').first().fill(DEMO_OWNER.password);
		await page.getByRole('button', { name: 'Sign in' }).click();
		await page.waitForURL((url) => !url.pathname.startsWith('/signin'));
	});

	test('fiskaly workflow: the nodes render with their icon; the fiskaly credential type is offered', async () => {
		await page.goto(`${demo.editorUrl}/workflow/${DEMO_IDS.fiskalyWorkflow}`);
		const nodes = page.locator(`[data-test-id="canvas-node"][data-node-type="${PACKAGE_NAME}.fiskaly"]`);
		await canvasNode(page, 'Finish Transaction').waitFor({ state: 'visible' });
		expect(await nodes.count()).toBe(4);
		for (const name of ['List TSS', 'Register Cash Register', 'Start Transaction', 'Finish Transaction']) {
			await expect(canvasNode(page, name).innerText()).resolves.toContain(name);
			await expectPackageIcon(page, name, 'fiskaly.svg');
		}
		await settle(page);
		await page.screenshot({ path: shot('fiskaly-workflow') });

		// open the node: its credential slot offers fiskalyApi ("Fiskaly API") with the demo credential selected
		await canvasNode(page, 'List TSS').dblclick();
		const select = page.locator('[data-test-id="node-credentials-select"]');
		await select.waitFor({ state: 'visible' });
		await expect(select.locator('input').first().inputValue()).resolves.toBe(DEMO_NAMES.fiskalyCredential);
		await select.click();
		const option = page.locator(`[data-test-id="node-credentials-select-item-${DEMO_IDS.fiskalyCredential}"]`);
		await option.waitFor({ state: 'visible' });
		await expect(option.innerText()).resolves.toContain('Fiskaly API');
		// "Create new credential" opens the editor of our credential type, with its own fields
		await page.locator('[data-test-id="node-credentials-select-item-new"]').click();
		const modal = page.locator('[data-test-id="editCredential-modal"]');
		await modal.waitFor({ state: 'visible' });
		await modal.getByText('Base URL Override').waitFor({ state: 'visible' });
		const text = await modal.innerText();
		expect(text).toContain('Fiskaly API');
		expect(text).toContain('Product Family');
		await settle(page);
		await page.screenshot({ path: shot('fiskaly-credential-type') });
		await page.keyboard.press('Escape');
	});

	test('Checkfront workflow: the nodes render with their icon; the OAuth2 credential is offered and connected', async () => {
		await page.goto(`${demo.editorUrl}/workflow/${DEMO_IDS.checkfrontWorkflow}`);
		await canvasNode(page, 'All Bookings (OAuth2)').waitFor({ state: 'visible' });
		for (const name of ['Ping (API key)', 'All Bookings (OAuth2)']) {
			await expect(canvasNode(page, name).getAttribute('data-node-type')).resolves.toBe(`${PACKAGE_NAME}.checkfront`);
			await expectPackageIcon(page, name, 'checkfront.svg');
		}
		await settle(page);
		await page.screenshot({ path: shot('checkfront-workflow') });

		await canvasNode(page, 'All Bookings (OAuth2)').dblclick();
		const select = page.locator('[data-test-id="node-credentials-select"]');
		await select.waitFor({ state: 'visible' });
		await expect(select.locator('input').first().inputValue()).resolves.toBe(DEMO_NAMES.checkfrontOAuth2Credential);
		await select.click();
		const option = page.locator(`[data-test-id="node-credentials-select-item-${DEMO_IDS.checkfrontOAuth2Credential}"]`);
		await option.waitFor({ state: 'visible' });
		await expect(option.innerText()).resolves.toContain('Checkfront OAuth2 API');
		await page.keyboard.press('Escape');
		// the existing credential: n8n shows it as connected (the demo ran n8n's own OAuth2 connect flow)
		await page.locator('[data-test-id="credential-edit-button"]').click();
		const modal = page.locator('[data-test-id="editCredential-modal"]');
		await modal.getByText('Account connected').waitFor({ state: 'visible' });
		await expect(modal.innerText()).resolves.toContain('Checkfront OAuth2 API');
		await settle(page);
		await page.screenshot({ path: shot('checkfront-oauth2-credential') });
		await page.keyboard.press('Escape');
	});

	test('every demo workflow runs successfully against the simulators', async () => {
		const fiskaly = await demo.runWorkflow(DEMO_IDS.fiskalyWorkflow);
		expect(nodeOutput(fiskaly, 'Finish Transaction')).toEqual([expect.objectContaining({ state: 'FINISHED', latest_revision: 2 })]);
		const checkfront = await demo.runWorkflow(DEMO_IDS.checkfrontWorkflow);
		expect(nodeOutput(checkfront, 'Ping (API key)')).toHaveLength(1);
		expect(nodeOutput(checkfront, 'All Bookings (OAuth2)')).toHaveLength(demo.checkfront.bookings.length);
		// every provider and the keep-alive: each run succeeds (execute throws on a failed run) with items at its
		// result node; only a workflow that needs a person (the device-code login) is left out
		const others = demo.workflows.filter((w) => ![DEMO_IDS.fiskalyWorkflow, DEMO_IDS.checkfrontWorkflow].includes(w.id as never));
		expect(others.filter((w) => w.interactive).map((w) => w.name)).toEqual([expect.stringMatching(/^Fatture in Cloud .*device code/)]);
		const items: Record<string, IDataObject[]> = {};
		for (const workflow of others.filter((w) => !w.interactive)) {
			items[workflow.id] = nodeOutput(await demo.runWorkflow(workflow.id), workflow.resultNode) as IDataObject[];
		}
		expect(Object.keys(items)).toHaveLength(others.length - 1);
		expect(Object.entries(items).filter(([, output]) => output.length === 0)).toEqual([]);
		expect(items[DEMO_IDS.keepAliveWorkflow]).toEqual([expect.objectContaining({ connection: 'ok' })]);
	});

	test('pickers: n8n lists Checkfront bookings and fiskaly TSS through the nodes\' list search', async () => {
		const rest = new N8nRest(demo.editorUrl);
		await rest.login(DEMO_OWNER);
		const bookings = await rest.resourceLocatorResults({
			nodeType: `${PACKAGE_NAME}.checkfront`,
			methodName: 'searchBookings',
			path: 'parameters.bookingId',
			currentNodeParameters: { authentication: 'checkfrontOAuth2Api', resource: 'booking', operation: 'get' },
			credentials: { checkfrontOAuth2Api: { id: DEMO_IDS.checkfrontOAuth2Credential, name: DEMO_NAMES.checkfrontOAuth2Credential } },
			filter: demo.checkfront.bookings[0].code,
		});
		expect(bookings.results.map((entry) => entry.value)).toEqual([demo.checkfront.bookings[0].code]);
		const tss = await rest.resourceLocatorResults({
			nodeType: `${PACKAGE_NAME}.fiskaly`,
			methodName: 'searchTss',
			path: 'parameters.tssId',
			currentNodeParameters: { resource: 'tss', operation: 'get' },
			credentials: { fiskalyApi: { id: DEMO_IDS.fiskalyCredential, name: DEMO_NAMES.fiskalyCredential } },
		});
		expect(tss.results.map((entry) => entry.value).sort()).toEqual([...demo.fiskaly.tss.keys()].sort());
	});

	test('pickers: one per provider that joined later (HubRise orders, Inbenta products, Fatture in Cloud companies)', async () => {
		const rest = new N8nRest(demo.editorUrl);
		await rest.login(DEMO_OWNER);
		const listed: Record<string, string[]> = {};
		const expected: Record<string, string[]> = {};
		for (const { name, picker } of demo.providers) {
			const { kind, expected: want, ...request } = picker;
			const entries = kind === 'listSearch' ? (await rest.resourceLocatorResults(request)).results : await rest.loadOptions(request);
			listed[name] = entries.map((entry) => String(entry.value)).sort();
			expected[name] = want().sort();
		}
		expect(listed).toEqual(expected);
		expect(Object.values(expected).every((values) => values.length > 0)).toBe(true);
	});
});
