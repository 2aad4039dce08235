/**
 * Benchmarks (b) to (e) of issue 15, through n8n-core (test/harness) against loopback simulators,
 * in this process. Not tests: they print numbers. See docs/benchmarks.md.
 */
import { performance } from 'node:perf_hooks';

import type { ICredentialDataDecryptedObject, IDataObject, IHttpRequestHelper } from 'n8n-workflow';

import { resetTokenState } from '../../nodes/shared/tokens';
import { ReferenceTokenApi } from '../../test/fixtures/ReferenceTokenApi.credentials';
import { Reference } from '../../test/fixtures/Reference.node';
import { Harness } from '../../test/harness';
import { FixedWindowLimit, mountLimited } from '../../test/simulators/ratelimit';
import type { LimitStyle } from '../../test/simulators/ratelimit';
import { ReferenceSimulator } from '../../test/simulators/reference';

export interface Row {
	section: string;
	measure: string;
	ours: string;
	theirs: string;
	ratio: string;
	target: string;
}

/** The reference credential as n8n alone would run it: preAuthentication mints, no single-flight, no reuse. */
class PlainPreAuthApi extends ReferenceTokenApi {
	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		const response = (await this.helpers.httpRequest({
			method: 'POST',
			url: `${String(credentials.baseUrl)}/token`,
			body: { key: credentials.apiKey, secret: credentials.apiSecret },
			json: true,
		})) as { access_token: string };
		return { accessToken: response.access_token, accessTokenExpiresAt: '' };
	}
}

const gc = (globalThis as { gc?: () => void }).gc;

function rig(sim: ReferenceSimulator, plain = false): Harness {
	const harness = new Harness({
		credentialTypes: [plain ? new PlainPreAuthApi() : new ReferenceTokenApi()],
		nodeTypes: { reference: new Reference() },
	});
	harness.addCredential('c1', 'referenceTokenApi', { baseUrl: sim.server.url, apiKey: sim.apiKey, apiSecret: sim.apiSecret, accessToken: '' });
	return harness;
}

async function runNode(harness: Harness, parameters: IDataObject, items: IDataObject[]) {
	const result = await harness.run({ type: 'reference', parameters, credentials: { referenceTokenApi: 'c1' }, items, continueOnFail: true });
	if (result.error) throw new Error(`run failed: ${result.error.message}`);
	return result;
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

/** (b) 20 ms latency: the node with Concurrency 8 vs a plain sequential fetch loop. */
export async function throughput(n = Number(process.env.BENCH_B_N ?? 400)): Promise<Row[]> {
	const sim = new ReferenceSimulator();
	sim.server.on('GET', '/slow/:id', async (_request, params) => {
		await new Promise((resolve) => setTimeout(resolve, 20));
		return { json: { id: Number(params.id) } };
	});
	await sim.start();
	try {
		const items = Array.from({ length: n }, (_, id) => ({ id }));
		const harness = rig(sim);
		await runNode(harness, { operation: 'getOne', path: '/slow', id: '={{ $json.id }}', concurrency: 8 }, items.slice(0, 20)); // warm-up
		const timed = async (concurrency: number) => {
			const start = performance.now();
			const result = await runNode(harness, { operation: 'getOne', path: '/slow', id: '={{ $json.id }}', concurrency }, items);
			const ms = performance.now() - start;
			if (result.items.some((item) => item.json.error)) throw new Error('failed items in (b)');
			return ms;
		};
		const c8 = await timed(8);
		const c1 = await timed(1);
		const loopStart = performance.now();
		const token = ((await (await fetch(`${sim.server.url}/token`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ key: sim.apiKey, secret: sim.apiSecret }) })).json()) as { access_token: string }).access_token;
		for (const { id } of items) {
			const response = await fetch(`${sim.server.url}/slow/${id}`, { headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' } });
			await response.json();
		}
		const loop = performance.now() - loopStart;
		const rate = (ms: number) => (n / ms) * 1000;
		return [
			{ section: 'b', measure: `${n} GETs, 20 ms latency: node, Concurrency 8 vs plain sequential fetch loop (req/s)`, ours: fmt(rate(c8)), theirs: fmt(rate(loop)), ratio: `${fmt(rate(c8) / rate(loop), 2)}x`, target: '>= 3x' },
			{ section: 'b', measure: 'same, node with Concurrency 1 (the default) vs the fetch loop (req/s)', ours: fmt(rate(c1)), theirs: fmt(rate(loop)), ratio: `${fmt(rate(c1) / rate(loop), 2)}x`, target: '-' },
		];
	} finally {
		await sim.stop();
	}
}

/** (c) 8 executions at once on an empty token: tokens minted, ours vs plain preAuthentication. */
export async function mints(): Promise<Row[]> {
	const sim = new ReferenceSimulator();
	await sim.start();
	try {
		const count = async (plain: boolean) => {
			resetTokenState();
			const harness = rig(sim, plain);
			const before = sim.tokensMinted;
			await Promise.all(Array.from({ length: 8 }, () => runNode(harness, { operation: 'get', path: '/me' }, [{}])));
			return sim.tokensMinted - before;
		};
		const ours = await count(false);
		const plain = await count(true);
		return [{ section: 'c', measure: '8 concurrent executions, empty token: tokens minted', ours: String(ours), theirs: String(plain), ratio: `${fmt(ours / plain, 2)}x`, target: '1 mint' }];
	} finally {
		await sim.stop();
	}
}

/** (d) a run 6x the limit: total time vs the limit's minimum, failed items. */
export async function rateLimited(): Promise<Row[]> {
	const limit = Number(process.env.BENCH_D_LIMIT ?? 50);
	const windowMs = Number(process.env.BENCH_D_WINDOW_MS ?? 2000);
	const n = 6 * limit;
	const rows: Row[] = [];
	for (const [style, extra] of [
		['ietf', {}],
		['inbenta', {}],
		['hubrise', { declaredLimit: `${limit}/${windowMs}` }],
		['checkfront', {}],
	] as Array<[LimitStyle, IDataObject]>) {
		const sim = new ReferenceSimulator();
		const window = new FixedWindowLimit(limit, windowMs, style);
		mountLimited(sim.server, '/limited', window, 5);
		await sim.start();
		try {
			const harness = rig(sim);
			const items = Array.from({ length: n }, (_, id) => ({ id }));
			const start = performance.now();
			const result = await runNode(harness, { operation: 'getOne', path: '/limited', id: '={{ $json.id }}', concurrency: 8, ...extra }, items);
			const ms = performance.now() - start;
			const failed = result.items.filter((item) => item.json.error !== undefined).length;
			const minimum = (Math.ceil(n / limit) - 1) * windowMs;
			rows.push({
				section: 'd',
				measure: `${n} GETs, ${limit} per ${windowMs / 1000} s window (${style} style), Concurrency 8: time vs minimum; failed items; refused by provider`,
				ours: `${fmt(ms / 1000, 2)} s; ${failed} failed; ${window.rejected} refused`,
				theirs: `${fmt(minimum / 1000, 2)} s`,
				ratio: `${fmt(ms / minimum, 2)}x`,
				target: '<= 1.1x, 0 failed',
			});
		} finally {
			await sim.stop();
		}
	}
	return rows;
}

function heapUsed(): number {
	gc?.();
	return process.memoryUsage().heapUsed;
}

/** (e) Return All: 10k, 50k, 100k records through the shared paginator; time and peak heap. */
export async function returnAll(): Promise<Row[]> {
	const sim = new ReferenceSimulator();
	const base = sim.records.length;
	for (let index = base; index < 100_000; index++) sim.records.push({ id: index + 1, name: `record ${index + 1}` });
	await sim.start();
	const rows: Row[] = [];
	try {
		const harness = rig(sim);
		await runNode(harness, { operation: 'get', path: '/me' }, [{}]); // token, warm-up
		const list = { operation: 'list', path: '/records/page', strategy: 'pagePerPage', returnAll: true };
		// Time: no sampling (a GC every few ms would be what is measured).
		const timings: Array<[number, number]> = [];
		for (const size of [10_000, 50_000, 100_000]) {
			sim.records.length = size;
			heapUsed();
			const start = performance.now();
			const result = await runNode(harness, list, [{}]);
			timings.push([size, performance.now() - start]);
			if (result.items.length !== size) throw new Error(`(e) got ${result.items.length} of ${size}`);
		}
		// Memory, in a run of its own: live heap (collected, then read) every 250 ms and at the end.
		const baseline = heapUsed();
		let peak = baseline;
		const sampler = setInterval(() => (peak = Math.max(peak, heapUsed())), 250);
		const start = performance.now();
		const result = await runNode(harness, list, [{}]);
		const ms = performance.now() - start;
		clearInterval(sampler);
		peak = Math.max(peak, heapUsed());
		// The output's own size: the heap held with the output items and nothing else of the run.
		const output = result.items;
		result.run.data.resultData.runData = {};
		const holding = heapUsed() - baseline;
		rows.push({
			section: 'e',
			measure: 'Return All, 100,000 records (1,000 pages): peak live heap above baseline (after GC, every 250 ms) vs the output items held alone',
			ours: `peak ${fmt((peak - baseline) / 2 ** 20, 1)} MiB (run ${fmt(ms / 1000, 1)} s with sampling)`,
			theirs: `output ${fmt(holding / 2 ** 20, 1)} MiB`,
			ratio: `${fmt((peak - baseline) / holding, 2)}x`,
			target: '<= 2x output',
		});
		void output.length;
		const perK = timings.map(([size, ms]) => `${fmt(size / 1000)}k: ${fmt(ms / (size / 1000), 1)} ms/1k`).join(', ');
		const first = timings[0][1] / timings[0][0];
		const last = timings[timings.length - 1][1] / timings[timings.length - 1][0];
		rows.unshift({ section: 'e', measure: `Return All, time per 1,000 records (${perK})`, ours: `${fmt(last * 1000, 1)} ms/1k at 100k`, theirs: `${fmt(first * 1000, 1)} ms/1k at 10k`, ratio: `${fmt(last / first, 2)}x`, target: 'linear (~1x)' });
	} finally {
		await sim.stop();
	}
	return rows;
}
