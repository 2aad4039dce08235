/**
 * Benchmarks in a real n8n, each installed line, against the same loopback Checkfront simulator:
 * (a) 1,000 GETs, the Checkfront node (token-pair credential) against n8n's HTTP Request node with a
 * generic Basic credential, per-item time from the simulator's request log; and the real-n8n part of
 * (b): the node's Concurrency against the HTTP Request node's batching, with 20 ms latency.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { getLines } from '../../test/e2e/lib/lines';
import { N8nInstance } from '../../test/e2e/lib/n8nInstance';
import { packRealPackage } from '../../test/e2e/lib/realPackage';
import { CheckfrontSimulator } from '../../test/simulators/checkfront';
import { FattureInCloudSimulator } from '../../test/simulators/fattureincloud';
import { FiskalySimulator } from '../../test/simulators/fiskaly';
import type { RecordedRequest, SimulatorServer } from '../../test/simulators/framework';
import { HubRiseSimulator } from '../../test/simulators/hubrise';
import { InbentaSimulator } from '../../test/simulators/inbenta';
import type { Row } from './harness';

const N = Number(process.env.BENCH_A_N ?? 1000);
/** Items of the batching comparison (b, real n8n) and the simulator's latency for it. */
const N_B = Number(process.env.BENCH_B_N ?? 400);
const LATENCY_MS = 20;
const PKG = 'n8n-nodes-authbridge';

type BenchNode = { name: string; type: string; typeVersion: number; parameters: Record<string, unknown>; credentials?: Record<string, unknown> };

const checkfrontPing = (name: string, concurrency: number): BenchNode => ({
	name,
	type: `${PKG}.checkfront`,
	typeVersion: 1,
	parameters: { authentication: 'checkfrontApi', resource: 'account', operation: 'ping', concurrency },
	credentials: { checkfrontApi: { id: 'benchCfTokenPair', name: 'bench checkfront' } },
});

const httpPing = (name: string, url: string, options: Record<string, unknown> = {}): BenchNode => ({
	name,
	type: 'n8n-nodes-base.httpRequest',
	typeVersion: 4.2,
	parameters: { url: `${url}/api/3.0/ping`, authentication: 'genericCredentialType', genericAuthType: 'httpBasicAuth', options },
	credentials: { httpBasicAuth: { id: 'benchBasicCred01', name: 'bench basic' } },
});

/** Manual Trigger -> `count` items -> the measured nodes one after the other (their requests come in groups). */
function chain(id: string, count: number, measured: BenchNode[]) {
	const nodes: BenchNode[] = [
		{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, parameters: {} },
		{
			name: 'Items',
			type: 'n8n-nodes-base.set',
			typeVersion: 3.4,
			parameters: { mode: 'raw', jsonOutput: `={{ { "ids": Array.from({ length: ${count} }, (_, i) => i) } }}` },
		},
		{ name: 'Split', type: 'n8n-nodes-base.splitOut', typeVersion: 1, parameters: { fieldToSplitOut: 'ids' } },
		...measured,
	];
	const connections: Record<string, unknown> = {};
	for (let index = 0; index < nodes.length - 1; index++) {
		connections[nodes[index].name] = { main: [[{ node: nodes[index + 1].name, type: 'main', index: 0 }]] };
	}
	return {
		id,
		name: id,
		active: false,
		settings: {},
		nodes: nodes.map((node, index) => ({ id: `b${index}`, position: [200 * index, 0], ...node })),
		connections,
	};
}

/** (a): the node one request at a time, n8n's HTTP Request node, the node with Concurrency 8. */
const perItemWorkflow = (url: string) =>
	chain('benchPerItem0001', N, [checkfrontPing('Checkfront', 1), httpPing('HTTP Request', url), checkfrontPing('Checkfront x8', 8)]);

/**
 * (b) in real n8n, 20 ms latency: the node with Concurrency 8 against the HTTP Request node's batching.
 * n8n's batching only spaces out when requests start (batchSize items, then a pause of batchInterval);
 * it never waits for a batch to finish. 8 items per 20 ms is the pace that keeps about 8 in flight at
 * this latency, the same load as Concurrency 8; its default (no batching) starts every item at once.
 */
const batchingWorkflow = (url: string) =>
	chain('benchBatching0001', N_B, [
		checkfrontPing('Checkfront x8', 8),
		httpPing('HTTP batch 8 per 20 ms', url, { batching: { batch: { batchSize: 8, batchInterval: LATENCY_MS } } }),
		httpPing('HTTP all at once', url),
	]);

const fmt = (n: number, digits = 2) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * Runs a chain workflow `rounds` times; per measured node, the median span of its group of requests in
 * the simulator's log (the nodes run one after the other, so the requests come in groups of `count`).
 * Timed from the log: the run n8n prints is megabytes here, and 1.x interleaves log lines with it.
 */
async function spans(n8n: N8nInstance, server: SimulatorServer, isCall: (request: RecordedRequest) => boolean, workflowId: string, groups: number, count: number, rounds: number, what: string) {
	const times: number[][] = Array.from({ length: groups }, () => []);
	for (let round = 0; round < rounds; round++) {
		server.clearLog();
		const raw = await n8n.executeRaw(workflowId, 600_000);
		const calls = server.requests.filter(isCall);
		if (raw.cli.code !== 0 || calls.length !== groups * count) {
			throw new Error(`${what}: exit ${raw.cli.code}, ${calls.length} requests of ${groups * count}; ${JSON.stringify(raw.run?.data?.resultData?.error ?? raw.cli.stderr.slice(-400))}`);
		}
		times.forEach((groupTimes, index) => {
			const group = calls.slice(index * count, (index + 1) * count);
			groupTimes.push(group[count - 1].at - group[0].at);
		});
	}
	return times.map(median);
}

/**
 * (a) for the other four nodes: each node (Concurrency 1) against the HTTP Request node with the
 * equivalent generic credential, on its own simulator. n8n has no generic credential that exchanges a
 * key for a token, so the HTTP Request node gets a token obtained before the run (its best case: no
 * token request at all; the node's single token request is not in the timed span either).
 */
interface Pair {
	provider: string;
	/** Items (HubRise: under its 500-a-minute window, which the node paces and a real HubRise enforces). */
	count?: number;
	/** What the node calls, and the HTTP Request node too. */
	operation: string;
	start(): Promise<void>;
	stop(): Promise<void>;
	server(): SimulatorServer;
	isCall(request: RecordedRequest): boolean;
	credentials(): Promise<object[]>;
	ours(): BenchNode;
	theirs(): BenchNode;
}

const headerAuth = (id: string, name: string, value: string) => ({ id, name: `bench ${id}`, type: 'httpHeaderAuth', data: { name, value } });

function otherPairs(): Pair[] {
	const fiskaly = new FiskalySimulator({ tssCount: 1 });
	const fic = new FattureInCloudSimulator();
	const hubrise = new HubRiseSimulator();
	const inbenta = new InbentaSimulator();
	const urls: Record<string, string> = {};
	let inbentaKnowledge = '';
	const tssId = () => String([...fiskaly.tss.keys()][0]);
	const http = (name: string, credentialId: string, parameters: Record<string, unknown>, type = 'httpHeaderAuth'): BenchNode => ({
		name,
		type: 'n8n-nodes-base.httpRequest',
		typeVersion: 4.2,
		parameters: { authentication: 'genericCredentialType', genericAuthType: type, options: {}, ...parameters },
		credentials: { [type]: { id: credentialId, name: `bench ${credentialId}` } },
	});
	const node = (name: string, type: string, credentialType: string, credentialId: string, parameters: Record<string, unknown>): BenchNode => ({
		name,
		type: `${PKG}.${type}`,
		typeVersion: 1,
		parameters: { ...parameters, concurrency: 1 },
		credentials: { [credentialType]: { id: credentialId, name: `bench ${credentialId}` } },
	});
	return [
		{
			provider: 'fiskaly',
			operation: 'TSS: Get (JWT from key + secret)',
			start: async () => void (urls.fiskaly = await fiskaly.start()),
			stop: async () => await fiskaly.stop(),
			server: () => fiskaly.server,
			isCall: (request) => request.method === 'GET' && request.path === `/api/v2/tss/${tssId()}`,
			credentials: async () => {
				const answer = await fetch(`${urls.fiskaly}/api/v2/auth`, {
					method: 'POST',
					headers: { 'Content-Type': 'application/json' },
					body: JSON.stringify({ api_key: fiskaly.apiKey, api_secret: fiskaly.apiSecret }),
				});
				const token = String(((await answer.json()) as { access_token?: string }).access_token);
				return [
					{ id: 'benchFiskalyCred', name: 'bench benchFiskalyCred', type: 'fiskalyApi', data: { family: 'signDe', apiKey: fiskaly.apiKey, apiSecret: fiskaly.apiSecret, baseUrlOverride: urls.fiskaly } },
					headerAuth('benchFiskalyHdr1', 'Authorization', `Bearer ${token}`),
				];
			},
			ours: () => node('fiskaly node', 'fiskaly', 'fiskalyApi', 'benchFiskalyCred', { resource: 'tss', operation: 'get', tssId: tssId() }),
			theirs: () => http('HTTP fiskaly', 'benchFiskalyHdr1', { url: `${urls.fiskaly}/api/v2/tss/${tssId()}` }),
		},
		{
			provider: 'Fatture in Cloud',
			operation: 'User: Get Info (manual token)',
			start: async () => void (urls.fic = await fic.start()),
			stop: async () => await fic.stop(),
			server: () => fic.server,
			isCall: (request) => request.method === 'GET' && request.path === '/user/info',
			credentials: async () => {
				const token = fic.issueManualToken(['entity.clients:r']);
				return [
					{ id: 'benchFicManualCd', name: 'bench benchFicManualCd', type: 'fattureInCloudApi', data: { baseUrlOverride: urls.fic, accessToken: token } },
					headerAuth('benchFicHeader01', 'Authorization', `Bearer ${token}`),
				];
			},
			ours: () => node('FiC node', 'fattureInCloud', 'fattureInCloudApi', 'benchFicManualCd', { authentication: 'fattureInCloudApi', resource: 'user', operation: 'getInfo' }),
			theirs: () => http('HTTP FiC', 'benchFicHeader01', { url: `${urls.fic}/user/info` }),
		},
		{
			provider: 'HubRise',
			count: Math.min(N, 400),
			operation: 'Location: Get (installed-app token, X-Access-Token)',
			start: async () => void (urls.hubrise = await hubrise.start()),
			stop: async () => await hubrise.stop(),
			server: () => hubrise.server,
			isCall: (request) => request.method === 'GET' && request.path === '/v1/location',
			credentials: async () => {
				const token = hubrise.connect('location[orders.read]').token;
				return [
					{
						id: 'benchHubRiseApp1',
						name: 'bench benchHubRiseApp1',
						type: 'hubriseApi',
						data: { clientId: hubrise.clientId, clientSecret: hubrise.clientSecret, baseUrlOverride: urls.hubrise, customScope: 'location[orders.read]', accessToken: token, connectionToken: '' },
					},
					headerAuth('benchHubRiseHdr1', 'X-Access-Token', token),
				];
			},
			ours: () => node('HubRise node', 'hubRise', 'hubriseApi', 'benchHubRiseApp1', { authentication: 'hubriseApi', resource: 'location', operation: 'get' }),
			theirs: () => http('HTTP HubRise', 'benchHubRiseHdr1', { url: `${urls.hubrise}/v1/location` }),
		},
		{
			provider: 'Inbenta',
			operation: 'Knowledge: Search (token from key + secret, discovered product URL)',
			start: async () => {
				await inbenta.start();
				urls.inbenta = inbenta.auth.url;
			},
			stop: async () => await inbenta.stop(),
			server: () => inbenta.knowledge,
			isCall: (request) => request.method === 'POST' && request.path.endsWith('/v1/search'),
			credentials: async () => {
				const answer = await fetch(`${urls.inbenta}/v1/auth`, {
					method: 'POST',
					headers: { 'Content-Type': 'application/json', 'x-inbenta-key': inbenta.apiKey },
					body: JSON.stringify({ secret: inbenta.apiSecret }),
				});
				const auth = (await answer.json()) as { accessToken: string; apis: Record<string, string> };
				inbentaKnowledge = `${auth.apis.knowledge}/v1/search`;
				return [
					{ id: 'benchInbentaCred', name: 'bench benchInbentaCred', type: 'inbentaApi', data: { flow: 'apiSecret', apiKey: inbenta.apiKey, apiSecret: inbenta.apiSecret, baseUrlOverride: urls.inbenta } },
					{
						id: 'benchInbentaHdr1',
						name: 'bench benchInbentaHdr1',
						type: 'httpCustomAuth',
						data: { json: JSON.stringify({ headers: { 'x-inbenta-key': inbenta.apiKey, Authorization: `Bearer ${auth.accessToken}` } }) },
					},
				];
			},
			ours: () => node('Inbenta node', 'inbenta', 'inbentaApi', 'benchInbentaCred', { resource: 'knowledge', operation: 'search', query: 'password', limit: 1 }),
			theirs: () =>
				http('HTTP Inbenta', 'benchInbentaHdr1', { method: 'POST', url: inbentaKnowledge, sendBody: true, specifyBody: 'json', jsonBody: '{"query":"password","length":1}' }, 'httpCustomAuth'),
		},
	];
}

/** (a) for fiskaly, Fatture in Cloud, HubRise and Inbenta: node vs HTTP Request node, ms per item. */
async function otherNodes(n8n: N8nInstance, version: string, rounds: number): Promise<Row[]> {
	const rows: Row[] = [];
	for (const pair of otherPairs()) {
		await pair.start();
		try {
			await n8n.importCredentials(await pair.credentials());
			const id = `benchPair${pair.provider.replace(/[^A-Za-z]/g, '').slice(0, 7)}`.padEnd(16, '0');
			const n = pair.count ?? N;
			await n8n.importWorkflow(chain(id, n, [pair.ours(), pair.theirs()]));
			const [ours, theirs] = (await spans(n8n, pair.server(), pair.isCall, id, 2, n, rounds, `n8n ${version}, ${pair.provider}`)).map((span) => span / (n - 1));
			rows.push({
				section: 'a',
				measure: `n8n ${version}: ${pair.count ?? N} calls, ms per item: ${pair.provider} node (${pair.operation}, Concurrency 1) vs HTTP Request node (generic credential with a token obtained before)`,
				ours: `${fmt(ours)} ms`,
				theirs: `${fmt(theirs)} ms`,
				ratio: `${fmt(ours / theirs)}x`,
				target: '<= 1.0x',
			});
		} catch (error) {
			// One provider's setup failing does not lose the rest of the table.
			rows.push({ section: 'a', measure: `n8n ${version}: ${pair.provider} node: not measured (${(error as Error).message.slice(0, 300)})`, ours: '-', theirs: '-', ratio: '-', target: '<= 1.0x' });
		} finally {
			await pair.stop();
		}
	}
	return rows;
}

const isPing = (request: RecordedRequest) => request.method === 'GET' && request.path === '/api/3.0/ping';

export async function perItem(): Promise<Row[]> {
	const tarball = await packRealPackage();
	const rows: Row[] = [];
	const sim = new CheckfrontSimulator();
	const url = await sim.start();
	try {
		for (const line of getLines(process.env.BENCH_LINES || 'all')) {
			if (!line.installed) {
				rows.push({ section: 'a', measure: `n8n ${line.version}: not installed (node scripts/n8n/install.mjs ${line.id})`, ours: '-', theirs: '-', ratio: '-', target: '<= 1.0x' });
				continue;
			}
			const n8n = await N8nInstance.create({ line, packageTarball: tarball });
			try {
				await n8n.importCredentials([
					{ id: 'benchCfTokenPair', name: 'bench checkfront', type: 'checkfrontApi', data: { host: url, apiKey: sim.apiKey, apiSecret: sim.apiSecret } },
					{ id: 'benchBasicCred01', name: 'bench basic', type: 'httpBasicAuth', data: { user: sim.apiKey, password: sim.apiSecret } },
				]);
				await n8n.importWorkflow(perItemWorkflow(url));
				await n8n.importWorkflow(batchingWorkflow(url));
				const rounds = Number(process.env.BENCH_A_ROUNDS ?? 3);
				const [ours, theirs, ours8] = (await spans(n8n, sim.server, isPing, 'benchPerItem0001', 3, N, rounds, `n8n ${line.version}`)).map(
					(span) => span / (N - 1),
				);
				rows.push({
					section: 'a',
					measure: `n8n ${line.version}: ${N} GETs, ms per item: Checkfront node (token pair, Concurrency 1, one request at a time) vs HTTP Request node (Basic credential; its default sends all items at once)`,
					ours: `${fmt(ours)} ms`,
					theirs: `${fmt(theirs)} ms`,
					ratio: `${fmt(ours / theirs)}x`,
					target: '<= 1.0x',
				});
				rows.push({
					section: 'a',
					measure: `n8n ${line.version}: same, Checkfront node with Concurrency 8`,
					ours: `${fmt(ours8)} ms`,
					theirs: `${fmt(theirs)} ms`,
					ratio: `${fmt(ours8 / theirs)}x`,
					target: '-',
				});
				if (process.env.BENCH_A_ALL !== '0') rows.push(...(await otherNodes(n8n, line.version, rounds)));
				sim.server.latencyMs = LATENCY_MS;
				try {
					const [node8, batched, allAtOnce] = (
						await spans(n8n, sim.server, isPing, 'benchBatching0001', 3, N_B, rounds, `n8n ${line.version}`)
					).map((span) => ((N_B - 1) / span) * 1000);
					rows.push({
						section: 'b',
						measure: `n8n ${line.version}: ${N_B} GETs, ${LATENCY_MS} ms latency (req/s): Checkfront node, Concurrency 8 vs HTTP Request node, batching 8 items per ${LATENCY_MS} ms`,
						ours: fmt(node8, 0),
						theirs: fmt(batched, 0),
						ratio: `${fmt(node8 / batched)}x`,
						target: '-',
					});
					rows.push({
						section: 'b',
						measure: `n8n ${line.version}: same, vs HTTP Request node without batching (every item at once, no bound)`,
						ours: fmt(node8, 0),
						theirs: fmt(allAtOnce, 0),
						ratio: `${fmt(node8 / allAtOnce)}x`,
						target: '-',
					});
				} finally {
					sim.server.latencyMs = 0;
				}
			} finally {
				await n8n.dispose();
			}
		}
	} finally {
		await sim.stop();
		fs.rmSync(path.dirname(tarball), { recursive: true, force: true });
	}
	return rows;
}
