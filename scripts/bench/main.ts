/**
 * `npm run bench`: the table of issue 15, every ratio measured in this run. Not a test, never in CI.
 * BENCH_ONLY=a,b,c,d,e picks sections; (a) needs the n8n lines installed (scripts/n8n/install.mjs).
 */
import * as os from 'node:os';

import { mints, rateLimited, returnAll, throughput } from './harness';
import type { Row } from './harness';

async function main(): Promise<void> {
	const only = new Set((process.env.BENCH_ONLY ?? 'a,b,c,d,e').split(','));
	const rows: Row[] = [];
	if (only.has('a')) {
		const { perItem } = await import('./realN8n');
		rows.push(...(await perItem()));
	}
	if (only.has('b')) rows.push(...(await throughput()));
	if (only.has('c')) rows.push(...(await mints()));
	if (only.has('d')) rows.push(...(await rateLimited()));
	if (only.has('e')) rows.push(...(await returnAll()));
	const cpus = os.cpus();
	console.log(`\nmachine: ${cpus.length} x ${cpus[0]?.model ?? '?'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, ${os.platform()} ${os.release()}, Node ${process.version}, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}\n`);
	console.log('| | measure | ours | reference | ratio | target |');
	console.log('| --- | --- | --- | --- | --- | --- |');
	for (const row of rows) console.log(`| ${row.section} | ${row.measure} | ${row.ours} | ${row.theirs} | ${row.ratio} | ${row.target} |`);
}

main().then(
	() => process.exit(0),
	(error) => {
		console.error(error);
		process.exit(1);
	},
);
