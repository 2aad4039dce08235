/**
 * Benchmark (a) of issue 15 in a real n8n, each installed line: 1,000 GETs against the same loopback
 * Checkfront simulator, the Checkfront node (token-pair credential) against n8n's HTTP Request node
 * with a generic Basic credential; per-item time from the simulator's request log.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

import { getLines } from '../../test/e2e/lib/lines';
import { N8nInstance } from '../../test/e2e/lib/n8nInstance';
import { packRealPackage } from '../../test/e2e/lib/realPackage';
import { CheckfrontSimulator } from '../../test/simulators/checkfront';
import type { Row } from './harness';

const N = Number(process.env.BENCH_A_N ?? 1000);
const PKG = 'n8n-nodes-authbridge';

function workflow(url: string) {
	const nodes = [
		{ name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, parameters: {} },
		{
			name: 'Items',
			type: 'n8n-nodes-base.set',
			typeVersion: 3.4,
			parameters: { mode: 'raw', jsonOutput: `={{ { "ids": Array.from({ length: ${N} }, (_, i) => i) } }}` },
		},
		{ name: 'Split', type: 'n8n-nodes-base.splitOut', typeVersion: 1, parameters: { fieldToSplitOut: 'ids' } },
		{
			name: 'Checkfront',
			type: `${PKG}.checkfront`,
			typeVersion: 1,
			parameters: { authentication: 'checkfrontApi', resource: 'account', operation: 'ping', concurrency: 1 },
			credentials: { checkfrontApi: { id: 'benchCfTokenPair', name: 'bench checkfront' } },
		},
		{
			name: 'HTTP Request',
			type: 'n8n-nodes-base.httpRequest',
			typeVersion: 4.2,
			parameters: { url: `${url}/api/3.0/ping`, authentication: 'genericCredentialType', genericAuthType: 'httpBasicAuth', options: {} },
			credentials: { httpBasicAuth: { id: 'benchBasicCred01', name: 'bench basic' } },
		},
		{
			name: 'Checkfront x8',
			type: `${PKG}.checkfront`,
			typeVersion: 1,
			parameters: { authentication: 'checkfrontApi', resource: 'account', operation: 'ping', concurrency: 8 },
			credentials: { checkfrontApi: { id: 'benchCfTokenPair', name: 'bench checkfront' } },
		},
	];
	const connections: Record<string, unknown> = {};
	for (let index = 0; index < nodes.length - 1; index++) {
		connections[nodes[index].name] = { main: [[{ node: nodes[index + 1].name, type: 'main', index: 0 }]] };
	}
	return {
		id: 'benchPerItem0001',
		name: 'bench per item',
		active: false,
		settings: {},
		nodes: nodes.map((node, index) => ({ id: `b${index}`, position: [200 * index, 0], ...node })),
		connections,
	};
}

const fmt = (n: number, digits = 2) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

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
				await n8n.importWorkflow(workflow(url));
				const rounds = Number(process.env.BENCH_A_ROUNDS ?? 3);
				const times: Record<string, number[]> = { Checkfront: [], 'HTTP Request': [], 'Checkfront x8': [] };
				for (let round = 0; round < rounds; round++) {
					// Timed from the simulator's request log: the nodes run one after the other, so the
					// requests come in three groups of N; per item = span of a group / (N - 1). (The run
					// n8n prints is megabytes here, and 1.x interleaves log lines with it.)
					sim.server.clearLog();
					const raw = await n8n.executeRaw('benchPerItem0001', 600_000);
					const pings = sim.server.requestsTo('GET', '/api/3.0/ping');
					if (raw.cli.code !== 0 || pings.length !== 3 * N) {
						throw new Error(`n8n ${line.version}: exit ${raw.cli.code}, ${pings.length} requests of ${3 * N}`);
					}
					Object.keys(times).forEach((name, index) => {
						const group = pings.slice(index * N, (index + 1) * N);
						times[name].push((group[N - 1].at - group[0].at) / (N - 1));
					});
				}
				const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
				const ours = median(times.Checkfront);
				const theirs = median(times['HTTP Request']);
				const ours8 = median(times['Checkfront x8']);
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
