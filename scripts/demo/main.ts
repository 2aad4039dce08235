// `npm run demo`: build and pack the package, install the n8n line if needed (default: the current 2.x;
// DEMO_LINE=1 for the last 1.x), start the simulators and a local n8n with the demo credentials and
// workflows, print the editor URL and the login, and stop everything on Ctrl-C (SIGINT/SIGTERM).
// Env: DEMO_LINE=1|2, DEMO_PORT=<editor port> (default 5678 if free, else a free one), DEMO_KEEP=1 keeps
// the temp n8n folder.
import * as fs from 'fs';

import { buildAndPack, DEMO_NAMES, ensureLine, repoRoot, startDemo, tempPackDir } from './demo';
import type { Demo } from './demo';

const say = (m: string) => process.stderr.write(`[demo] ${m}\n`);

let demo: Demo | undefined;
let packDir: string | undefined;
let shutdown: (why: string, code: number) => Promise<void> = async (_why, code) => process.exit(code);

async function main(): Promise<void> {
	const t0 = Date.now();
	const lineId = (process.env.DEMO_LINE || '2').trim();
	if (lineId !== '1' && lineId !== '2') throw new Error(`DEMO_LINE must be 1 or 2, not "${lineId}"`);
	let port: number | undefined;
	if (process.env.DEMO_PORT) {
		port = Number(process.env.DEMO_PORT);
		if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`DEMO_PORT must be a port number, not "${process.env.DEMO_PORT}"`);
	}

	let stopping = false;
	shutdown = async (why: string, code: number) => {
		if (stopping) return;
		stopping = true;
		say(`${why}: stopping n8n and the simulators ...`);
		await demo?.stop();
		if (packDir) fs.rmSync(packDir, { recursive: true, force: true });
		say('stopped; temporary data removed');
		process.exit(code);
	};
	let signals = 0;
	for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
		process.on(sig, () => {
			// a second Ctrl-C exits at once; proc.ts still SIGKILLs the n8n process groups on exit
			if (++signals > 1) process.exit(130);
			void shutdown(sig, 0);
		});
	}

	const root = repoRoot();
	say('building and packing the package ...');
	packDir = tempPackDir();
	const tarball = await buildAndPack(packDir, root);
	say(`packed ${tarball.split('/').pop()}`);
	if (stopping) return;
	const line = await ensureLine(lineId, root);
	if (stopping) return;
	const tStart = Date.now();
	demo = await startDemo({ line, packageTarball: tarball, port, keepFolder: process.env.DEMO_KEEP === '1' });
	if (stopping) {
		await demo.stop();
		return;
	}

	const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
	const banner = [
		'',
		'  n8n-nodes-authbridge demo is running',
		'',
		`  Editor:    ${demo.editorUrl}/`,
		`  Login:     ${demo.owner.email}`,
		`  Password:  ${demo.owner.password}      (a fixed demo login; this n8n exists only on 127.0.0.1 until Ctrl-C)`,
		`  n8n:       ${line.version} (line ${line.id}${line.id === '2' ? '; DEMO_LINE=1 for the last 1.x' : ''})`,
		`  Simulated providers: fiskaly ${demo.urls.fiskaly}, Checkfront ${demo.urls.checkfront},`,
		`    ${demo.providers.map((provider) => `${provider.name} ${provider.url}`).join(', ')}`,
		'',
		'  What to try:',
		`  - Workflow "${DEMO_NAMES.fiskalyWorkflow}": Execute workflow. The fiskaly node exchanges the API key`,
		'    for a token, lists a TSS, registers a cash register, starts and finishes (signs) a transaction.',
		`  - Workflow "${DEMO_NAMES.checkfrontWorkflow}": Execute workflow. Ping with the API key credential,`,
		'    then all 250 bookings page by page with the OAuth2 credential (already connected through n8n).',
		`  - Workflow "${DEMO_NAMES.keepAliveWorkflow}": imported INACTIVE. Activate it`,
		'    to renew the Checkfront connection every week (its refresh token dies 14 days after issue), or run it now',
		'    from its "Run Now" trigger: it outputs when the connection next needs renewing, never a token.',
		...demo.providers.flatMap((provider) => provider.printout.map((line) => `  ${line}`)),
		'  - Credentials: one or more per type of the package. Open one and press "Test"/"Retry"; on an OAuth2 one,',
		'    "Reconnect" runs the connect flow again (the simulator approves at once).',
		'  - Add any of the package\'s nodes to a new workflow: every resource, operation and Custom API Call.',
		'',
		`  Ready in ${secs(Date.now() - t0)} (n8n part ${secs(Date.now() - tStart)}). Press Ctrl-C to stop and remove all demo data.`,
		'',
	];
	process.stdout.write(banner.join('\n') + '\n');

	// n8n runs in its own process group: notice if it dies, instead of printing a dead URL forever
	let misses = 0;
	const running = demo;
	setInterval(() => {
		fetch(`${running.editorUrl}/healthz`, { signal: AbortSignal.timeout(5000) })
			.then(async (res) => {
				await res.arrayBuffer();
				misses = res.ok ? 0 : misses + 1;
			})
			.catch(() => (misses += 1))
			.finally(() => {
				if (misses >= 3) {
					say(`n8n stopped answering; last output:\n${running.server.log().slice(-3000)}`);
					void shutdown('n8n is gone', 1);
				}
			});
	}, 5000).unref();
}

main().catch(async (error: Error) => {
	say(`failed: ${error.message}`);
	// startDemo stops what it started when it fails; this removes the rest
	await shutdown('failed', 1);
});
