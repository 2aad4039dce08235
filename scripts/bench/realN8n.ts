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
async function spans(n8n: N8nInstance, sim: CheckfrontSimulator, workflowId: string, names: string[], count: number, rounds: number, version: string) {
	const times: number[][] = names.map(() => []);
	for (let round = 0; round < rounds; round++) {
		sim.server.clearLog();
		const raw = await n8n.executeRaw(workflowId, 600_000);
		const pings = sim.server.requestsTo('GET', '/api/3.0/ping');
		if (raw.cli.code !== 0 || pings.length !== names.length * count) {
			throw new Error(`n8n ${version}: exit ${raw.cli.code}, ${pings.length} requests of ${names.length * count}`);
		}
		names.forEach((_name, index) => {
			const group = pings.slice(index * count, (index + 1) * count);
			times[index].push(group[count - 1].at - group[0].at);
		});
	}
	return times.map(median);
}

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
				const [ours, theirs, ours8] = (await spans(n8n, sim, 'benchPerItem0001', ['Checkfront', 'HTTP Request', 'Checkfront x8'], N, rounds, line.version)).map(
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
				sim.server.latencyMs = LATENCY_MS;
				try {
					const [node8, batched, allAtOnce] = (
						await spans(n8n, sim, 'benchBatching0001', ['Checkfront x8', 'HTTP batch', 'HTTP all'], N_B, rounds, line.version)
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
