/**
 * `npm run bench`: the fiskaly node against the simulator, measured in one process.
 * - N items through the node (real n8n-core execution via the test harness): token calls, and the
 *   time per request relative to a plain `fetch` loop making the same calls with one token;
 * - 8 concurrent executions starting on an expired token: token calls (n8n alone would mint 8).
 * Not a test: it prints numbers; the integration tests assert the behaviour.
 */
import { performance } from 'node:perf_hooks';

import { FiskalyApi } from '../credentials/FiskalyApi.credentials';
import { Fiskaly } from '../nodes/Fiskaly/Fiskaly.node';
import { resetTokenState } from '../nodes/shared/tokens';
import { Harness } from '../test/harness';
import { FiskalySimulator } from '../test/simulators/fiskaly';

const N = Number(process.env.BENCH_N ?? 1000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const TSS = '00000000-0000-4000-8000-000000000001';

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)];
}

function newHarness(sim: FiskalySimulator): Harness {
	const harness = new Harness({ credentialTypes: [new FiskalyApi()], nodeTypes: { fiskaly: new Fiskaly() } });
	harness.addCredential('bench', 'fiskalyApi', {
		family: 'signDe',
		apiKey: sim.apiKey,
		apiSecret: sim.apiSecret,
		baseUrlOverride: sim.server.url,
		accessToken: '',
	});
	return harness;
}

const items = (n: number) => Array.from({ length: n }, () => ({ tssId: TSS }));
const parameters = { resource: 'tss', operation: 'get', tssId: '={{ $json.tssId }}' };

/** N items through the node, from an empty token: returns ms and the token calls it made. */
async function nodeRun(sim: FiskalySimulator): Promise<{ ms: number; tokenCalls: number }> {
	resetTokenState();
	const harness = newHarness(sim);
	const before = sim.tokenCalls.length;
	const start = performance.now();
	const result = await harness.run({ type: 'fiskaly', parameters, credentials: { fiskalyApi: 'bench' }, items: items(N) });
	const ms = performance.now() - start;
	if (result.error || result.items.length !== N) throw new Error(`node run failed: ${result.error?.message}`);
	return { ms, tokenCalls: sim.tokenCalls.length - before };
}

/** The same calls with plain fetch: one token exchange, then N sequential GETs parsed as JSON. */
async function fetchRun(sim: FiskalySimulator): Promise<{ ms: number }> {
	const base = `${sim.server.url}/api/v2`;
	const start = performance.now();
	const auth = await fetch(`${base}/auth`, {
		method: 'POST',
		headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
		body: JSON.stringify({ api_key: sim.apiKey, api_secret: sim.apiSecret }),
	});
	const { access_token: token } = (await auth.json()) as { access_token: string };
	for (let i = 0; i < N; i++) {
		const response = await fetch(`${base}/tss/${TSS}`, { headers: { Authorization: `Bearer ${token}`, Accept: 'application/json' } });
		if (!response.ok) throw new Error(`fetch failed: ${response.status}`);
		await response.json();
	}
	return { ms: performance.now() - start };
}

async function concurrentOnExpiredToken(sim: FiskalySimulator): Promise<{ tokenCalls: number; unauthorised: number; failed: number }> {
	resetTokenState();
	const harness = newHarness(sim);
	sim.invalidateOlderTokens = true;
	await harness.run({ type: 'fiskaly', parameters, credentials: { fiskalyApi: 'bench' }, items: items(1) });
	sim.expireAccessTokens();
	harness.store.update('bench', { ...harness.store.read('bench'), accessTokenExpiresAt: new Date(Date.now() - 60_000).toISOString() });
	resetTokenState(); // as if the token had been minted yesterday, by an earlier process
	sim.server.clearLog();
	const before = sim.tokenCalls.length;
	const results = await Promise.all(
		Array.from({ length: 8 }, async () => await harness.run({ type: 'fiskaly', parameters, credentials: { fiskalyApi: 'bench' }, items: items(10) })),
	);
	sim.invalidateOlderTokens = false;
	return {
		tokenCalls: sim.tokenCalls.length - before,
		unauthorised: sim.unauthorisedApiCalls(),
		failed: results.filter((result) => result.error !== undefined).length,
	};
}

async function main(): Promise<void> {
	const sim = new FiskalySimulator({ tssCount: 1 });
	await sim.start();
	try {
		// Warm both paths up (JIT, sockets) before measuring.
		await nodeRun(sim);
		await fetchRun(sim);
		const nodeMs: number[] = [];
		const fetchMs: number[] = [];
		const tokenCalls: number[] = [];
		for (let round = 0; round < ROUNDS; round++) {
			const node = await nodeRun(sim);
			nodeMs.push(node.ms);
			tokenCalls.push(node.tokenCalls);
			fetchMs.push((await fetchRun(sim)).ms);
		}
		const perNode = median(nodeMs) / N;
		const perFetch = median(fetchMs) / N;
		const concurrent = await concurrentOnExpiredToken(sim);
		const ratio = perNode / perFetch;
		console.log(`fiskaly benchmark (N = ${N} items, ${ROUNDS} rounds, medians, simulator on ${sim.server.url})`);
		console.log(`  token calls for ${N} items through the node: ${tokenCalls.join(', ')} (per round)`);
		console.log(`  node:        ${perNode.toFixed(3)} ms per request (${median(nodeMs).toFixed(0)} ms per run)`);
		console.log(`  plain fetch: ${perFetch.toFixed(3)} ms per request (${median(fetchMs).toFixed(0)} ms per run)`);
		console.log(`  ratio node / fetch: ${ratio.toFixed(2)}x (target <= 1.5x); node overhead ${(perNode - perFetch).toFixed(3)} ms per request`);
		console.log(
			`  8 concurrent executions on an expired token: ${concurrent.tokenCalls} token call(s), ${concurrent.unauthorised} request(s) answered 401, ${concurrent.failed} failed execution(s)`,
		);
	} finally {
		await sim.stop();
	}
}

main().catch((error: unknown) => {
	console.error(error);
	process.exitCode = 1;
});
