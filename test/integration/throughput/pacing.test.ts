import type { IDataObject } from 'n8n-workflow';

import { resetTokenState } from '../../../nodes/shared/tokens';
import { ReferenceTokenApi } from '../../fixtures/ReferenceTokenApi.credentials';
import { Reference } from '../../fixtures/Reference.node';
import { Harness } from '../../harness';
import { ReferenceSimulator } from '../../simulators/reference';
import { FixedWindowLimit, mountLimited } from '../../simulators/ratelimit';
import type { LimitStyle } from '../../simulators/ratelimit';

/**
 * Pacing (nodes/shared/pacing.ts) through n8n-core: 8 items in flight against a loopback server that
 * enforces 10 requests per window and announces it the way one provider does. What is asserted is
 * what the server counted (requests it refused) and what the node output, not how long it took.
 */
const LIMIT = 10;
const WINDOW_MS = 1000;
const ITEMS = 3 * LIMIT;

describe('pacing under a provider rate limit, shared by the requests in flight', () => {
	const sim = new ReferenceSimulator();
	const limits = new Map<LimitStyle, FixedWindowLimit>();
	const styles: LimitStyle[] = ['ietf', 'inbenta', 'fattureincloud', 'checkfront', 'hubrise'];
	let harness: Harness;

	beforeAll(async () => {
		for (const style of styles) {
			const limit = new FixedWindowLimit(LIMIT, WINDOW_MS, style);
			limits.set(style, limit);
			mountLimited(sim.server, `/limited/${style}`, limit, 5);
		}
		await sim.start();
	});
	afterAll(() => sim.stop());
	beforeEach(() => {
		resetTokenState();
		harness = new Harness({ credentialTypes: [new ReferenceTokenApi()], nodeTypes: { reference: new Reference() } });
		harness.addCredential('c1', 'referenceTokenApi', { baseUrl: sim.server.url, apiKey: sim.apiKey, apiSecret: sim.apiSecret, accessToken: '' });
	});

	const run = (style: LimitStyle, extra: IDataObject = {}) =>
		harness.run({
			type: 'reference',
			parameters: { operation: 'getOne', path: `/limited/${style}`, id: '={{ $json.id }}', concurrency: 8, ...extra },
			credentials: { referenceTokenApi: 'c1' },
			items: Array.from({ length: ITEMS }, (_, id) => ({ id })),
			continueOnFail: true,
		});

	const expectAllDone = (items: Array<{ json: IDataObject }>) => {
		expect(items.map((item) => item.json.id)).toEqual(Array.from({ length: ITEMS }, (_, id) => id));
		expect(items.filter((item) => item.json.error !== undefined)).toEqual([]);
	};

	it.each(['ietf', 'inbenta'] as LimitStyle[])('%s headers: slows down before the limit, the provider refuses nothing', async (style) => {
		const result = await run(style);
		expectAllDone(result.items);
		expect(limits.get(style)!.rejected).toBe(0);
		expect(limits.get(style)!.accepted).toBe(ITEMS);
	});

	it('per-call copies of one ProviderApi (Inbenta: one per product API) share the pacing through rateLimitScope', async () => {
		const limit = limits.get('ietf')!;
		const before = { accepted: limit.accepted, rejected: limit.rejected };
		const result = await run('ietf', { perCallApi: 'scoped' });
		expectAllDone(result.items);
		expect(limit.rejected - before.rejected).toBe(0);
		expect(limit.accepted - before.accepted).toBe(ITEMS);
	});

	it('control: per-call copies without a shared scope each pace alone, and the provider refuses some', async () => {
		const limit = limits.get('ietf')!;
		const before = limit.rejected;
		await run('ietf', { perCallApi: 'copy' });
		expect(limit.rejected - before).toBeGreaterThan(0);
	});

	it('a window the provider declares but does not announce (HubRise): nothing refused', async () => {
		const result = await run('hubrise', { declaredLimit: `${LIMIT}/${WINDOW_MS}` });
		expectAllDone(result.items);
		expect(limits.get('hubrise')!.rejected).toBe(0);
	});

	it('a count with no reset (Fatture in Cloud): at the limit one request finds out, its Retry-After holds them all', async () => {
		const result = await run('fattureincloud', { retryForbidden: true });
		expectAllDone(result.items);
		// One refusal per exhausted window at most (the one request that finds out), not one per item in flight.
		expect(limits.get('fattureincloud')!.rejected).toBeLessThanOrEqual(ITEMS / LIMIT);
	});

	it('nothing announced, 503 + Retry-After (Checkfront): every item arrives, the Retry-After holds the requests in flight too', async () => {
		const result = await run('checkfront');
		expectAllDone(result.items);
		// Without pacing each of the 8 in flight would be refused on its own, window after window.
		expect(limits.get('checkfront')!.rejected).toBeLessThanOrEqual(2 * 8);
	});
});
