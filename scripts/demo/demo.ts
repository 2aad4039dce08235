// The demo as a reusable module: provider simulators + a throwaway real n8n (embedded SQLite, temp user
// folder) with this package installed, demo credentials pointing at the simulators, example workflows for
// every provider (fiskaly and Checkfront here, the others in scripts/demo/providers.ts) and the Checkfront
// keep-alive, the owner account set up and every OAuth2 credential connected through n8n's own connect flow. Used by `npm run demo` (scripts/demo/main.ts) and by the editor browser check
// (test/e2e/editor.e2e.test.ts). Everything listens on 127.0.0.1.
import { execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

import type { N8nLine } from '../../test/e2e/lib/lines';
import { N8nInstance } from '../../test/e2e/lib/n8nInstance';
import type { N8nRun, N8nServer } from '../../test/e2e/lib/n8nInstance';
import { N8nRest } from '../../test/e2e/lib/n8nRest';
import type { OwnerInfo } from '../../test/e2e/lib/n8nRest';
import { packDirectory } from '../../test/e2e/lib/standInPackage';
import { CheckfrontSimulator } from '../../test/simulators/checkfront';
import { FiskalySimulator } from '../../test/simulators/fiskaly';
import { keepAliveDemoWorkflows } from './keepAlive';
import { chain, keepAliveRunnableNow, manualTrigger } from './parts';
import { EXTRA_PROVIDERS } from './providers';
import type { DemoPicker, DemoSimulator, DemoWorkflow } from './providers';

export const PACKAGE_NAME = 'n8n-nodes-authbridge';

/** The demo's own fixed, fake login (printed on purpose: it only ever exists in a temp n8n on 127.0.0.1). */
export const DEMO_OWNER: OwnerInfo = {
	email: 'demo@authbridge.test',
	firstName: 'Demo',
	lastName: 'User',
	password: 'Demo-Passw0rd',
};

/** Fixed ids (n8n ids are 16 characters), so the printed hints and the browser check can name them. */
export const DEMO_IDS = {
	fiskalyCredential: 'demoFiskalyCred1',
	checkfrontApiCredential: 'demoCfApiKeyCred',
	checkfrontOAuth2Credential: 'demoCfOAuth2Cred',
	fiskalyWorkflow: 'demoFiskalyFlow1',
	checkfrontWorkflow: 'demoCheckfrontWf',
	keepAliveWorkflow: 'demoCfKeepAlive1',
} as const;

export const DEMO_NAMES = {
	fiskalyCredential: 'fiskaly SIGN DE (demo simulator)',
	checkfrontApiCredential: 'Checkfront API key (demo simulator)',
	checkfrontOAuth2Credential: 'Checkfront OAuth2 (demo simulator)',
	fiskalyWorkflow: 'fiskaly demo: sign a sale (SIGN DE)',
	checkfrontWorkflow: 'Checkfront demo: ping + all bookings',
	keepAliveWorkflow: 'Checkfront demo: keep the OAuth2 connection alive (weekly)',
} as const;

/** Ports tried first (stable URLs between runs); a free one is used when they are taken. */
export const PREFERRED_PORTS = { n8n: 5678, fiskaly: 5690, checkfront: 5691 } as const;

/** The repository root, from the TypeScript source (scripts/demo) or its compiled copy (.demo/scripts/demo). */
export function repoRoot(from: string = __dirname): string {
	for (let dir = from; ; dir = path.dirname(dir)) {
		const manifest = path.join(dir, 'package.json');
		if (fs.existsSync(manifest)) {
			try {
				if (JSON.parse(fs.readFileSync(manifest, 'utf8')).name === PACKAGE_NAME) return dir;
			} catch {
				// not ours: keep walking up
			}
		}
		if (path.dirname(dir) === dir) throw new Error(`cannot find the ${PACKAGE_NAME} checkout above ${from}`);
	}
}

/** One n8n line as scripts/n8n/lines.mjs describes it (version, Node binary, env, installed flag). */
export function getLine(id: string, root: string = repoRoot()): N8nLine {
	const out = execFileSync(process.execPath, [path.join(root, 'scripts', 'n8n', 'lines.mjs'), id], { encoding: 'utf8' });
	const [line] = JSON.parse(out) as N8nLine[];
	return line;
}

/** Runs a command with inherited stdio (so Ctrl-C reaches it too); rejects on a non-zero exit. */
function runVisible(cmd: string, args: string[], cwd: string): Promise<void> {
	return new Promise((resolve, reject) => {
		const child = spawn(cmd, args, { cwd, stdio: ['ignore', process.stderr, process.stderr] });
		child.on('error', reject);
		child.on('exit', (code, signal) =>
			code === 0 ? resolve() : reject(new Error(`${cmd} ${args.join(' ')} exited ${code ?? signal}`)),
		);
	});
}

/** Installs the n8n line if it is not cached yet (a no-op when cached; ~3-4 min cold) and returns it. */
export async function ensureLine(id: string, root: string = repoRoot()): Promise<N8nLine> {
	if (!getLine(id, root).installed) {
		await runVisible(process.execPath, [path.join(root, 'scripts', 'n8n', 'install.mjs'), id], root);
	}
	const line = getLine(id, root);
	if (!line.installed) throw new Error(`n8n line ${id} is not installed after scripts/n8n/install.mjs`);
	return line;
}

/** `npm run build`, then `npm pack` into outDir; returns the tarball. */
export async function buildAndPack(outDir: string, root: string = repoRoot()): Promise<string> {
	await runVisible('npm', ['run', 'build', '--silent'], root);
	return await packDirectory(root, outDir);
}

/** Whether a TCP port on 127.0.0.1 can be bound right now. */
export function portIsFree(port: number): Promise<boolean> {
	return new Promise((resolve) => {
		const srv = net.createServer();
		srv.unref();
		srv.once('error', () => resolve(false));
		srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
	});
}

/** Starts a simulator on its preferred port, or on a free one when that is taken. */
async function startOn(server: { start(port: number): Promise<string> }, preferred: number | undefined): Promise<string> {
	if (preferred !== undefined) {
		try {
			return await server.start(preferred);
		} catch {
			// taken: fall through to a free port
		}
	}
	return await server.start(0);
}

export interface DemoUrls {
	fiskaly: string;
	checkfront: string;
}

/** One credential per credential type of the package, pointing at the simulators (loopback override / host). */
export function demoCredentials(urls: DemoUrls, fiskaly: FiskalySimulator, checkfront: CheckfrontSimulator): object[] {
	return [
		{
			id: DEMO_IDS.fiskalyCredential,
			name: DEMO_NAMES.fiskalyCredential,
			type: 'fiskalyApi',
			data: { family: 'signDe', apiKey: fiskaly.apiKey, apiSecret: fiskaly.apiSecret, baseUrlOverride: urls.fiskaly },
		},
		{
			id: DEMO_IDS.checkfrontApiCredential,
			name: DEMO_NAMES.checkfrontApiCredential,
			type: 'checkfrontApi',
			data: { host: urls.checkfront, apiKey: checkfront.apiKey, apiSecret: checkfront.apiSecret },
		},
		{
			id: DEMO_IDS.checkfrontOAuth2Credential,
			name: DEMO_NAMES.checkfrontOAuth2Credential,
			type: 'checkfrontOAuth2Api',
			data: { host: urls.checkfront, clientId: checkfront.clientId, clientSecret: checkfront.clientSecret },
		},
	];
}

const FISKALY_TYPE = `${PACKAGE_NAME}.fiskaly`;
const CHECKFRONT_TYPE = `${PACKAGE_NAME}.checkfront`;

const trigger = manualTrigger('d0000000-0000-4000-8000-000000000001');

const RECEIPT = {
	schema: {
		standard_v1: {
			receipt: {
				receipt_type: 'RECEIPT',
				amounts_per_vat_rate: [{ vat_rate: 'NORMAL', amount: '21.42' }],
				amounts_per_payment_type: [{ payment_type: 'CASH', amount: '21.42' }],
			},
		},
	},
};

/** One example workflow per provider: a manual trigger and a few meaningful operations. */
export function demoWorkflows(): DemoWorkflow[] {
	const fiskalyCred = { fiskalyApi: { id: DEMO_IDS.fiskalyCredential, name: DEMO_NAMES.fiskalyCredential } };
	const fiskalyNode = (id: number, name: string, x: number, parameters: Record<string, unknown>) => ({
		id: `d0000000-0000-4000-8000-0000000001${String(id).padStart(2, '0')}`,
		name,
		type: FISKALY_TYPE,
		typeVersion: 1,
		position: [x, 0],
		parameters,
		credentials: fiskalyCred,
	});
	const fiskaly = {
		id: DEMO_IDS.fiskalyWorkflow,
		name: DEMO_NAMES.fiskalyWorkflow,
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			trigger,
			fiskalyNode(1, 'List TSS', 240, { resource: 'tss', operation: 'getAll', returnAll: false, limit: 1 }),
			fiskalyNode(2, 'Register Cash Register', 480, {
				resource: 'client',
				operation: 'create',
				tssId: '={{ $json._id }}',
				serialNumber: 'demo-register-1',
			}),
			fiskalyNode(3, 'Start Transaction', 720, {
				resource: 'transaction',
				operation: 'start',
				tssId: '={{ $json.tss_id }}',
				clientId: '={{ $json._id }}',
				transactionData: '{}',
			}),
			fiskalyNode(4, 'Finish Transaction', 960, {
				resource: 'transaction',
				operation: 'finish',
				tssId: '={{ $json.tss_id }}',
				txId: '={{ $json._id }}',
				clientId: '={{ $json.client_id }}',
				txRevision: '={{ $json.latest_revision + 1 }}',
				transactionData: JSON.stringify(RECEIPT, null, 2),
			}),
		],
		connections: chain([trigger.name, 'List TSS', 'Register Cash Register', 'Start Transaction', 'Finish Transaction']),
		resultNode: 'Finish Transaction',
	};
	const checkfront = {
		id: DEMO_IDS.checkfrontWorkflow,
		name: DEMO_NAMES.checkfrontWorkflow,
		active: false,
		settings: { executionOrder: 'v1' },
		nodes: [
			trigger,
			{
				id: 'd0000000-0000-4000-8000-000000000201',
				name: 'Ping (API key)',
				type: CHECKFRONT_TYPE,
				typeVersion: 1,
				position: [240, 0],
				parameters: { authentication: 'checkfrontApi', resource: 'account', operation: 'ping' },
				credentials: { checkfrontApi: { id: DEMO_IDS.checkfrontApiCredential, name: DEMO_NAMES.checkfrontApiCredential } },
			},
			{
				id: 'd0000000-0000-4000-8000-000000000202',
				name: 'All Bookings (OAuth2)',
				type: CHECKFRONT_TYPE,
				typeVersion: 1,
				position: [480, 0],
				parameters: { authentication: 'checkfrontOAuth2Api', resource: 'booking', operation: 'getAll', returnAll: true },
				credentials: {
					checkfrontOAuth2Api: { id: DEMO_IDS.checkfrontOAuth2Credential, name: DEMO_NAMES.checkfrontOAuth2Credential },
				},
			},
		],
		connections: chain([trigger.name, 'Ping (API key)', 'All Bookings (OAuth2)']),
		resultNode: 'All Bookings (OAuth2)',
	};
	return [fiskaly, checkfront, keepAliveDemoWorkflow()];
}

/**
 * The published keep-alive template bound to the demo's Checkfront OAuth2 credential. Imported inactive (the
 * schedule runs once the user activates it); a manual trigger beside the schedule lets it run now, from the
 * editor or `n8n execute` (which starts only at a manual trigger).
 */
export function keepAliveDemoWorkflow(): DemoWorkflow {
	const [workflow] = keepAliveDemoWorkflows({
		packageName: PACKAGE_NAME,
		workflowId: DEMO_IDS.keepAliveWorkflow,
		checkfrontOAuth2Credential: { id: DEMO_IDS.checkfrontOAuth2Credential, name: DEMO_NAMES.checkfrontOAuth2Credential },
	});
	return {
		...keepAliveRunnableNow(workflow, CHECKFRONT_TYPE, 'd0000000-0000-4000-8000-000000000301'),
		id: DEMO_IDS.keepAliveWorkflow,
		name: DEMO_NAMES.keepAliveWorkflow,
	};
}

/** The n8n import:workflow object of a demo workflow (without the demo's own notes). */
function importable({ resultNode: _resultNode, interactive: _interactive, ...workflow }: DemoWorkflow): object {
	return workflow;
}

/** A demo workflow as the demo's users and checks see it. */
export interface DemoWorkflowInfo {
	id: string;
	name: string;
	/** The node whose output shows the result. */
	resultNode: string;
	/** Set when a run needs a person: why, and what to do. */
	interactive?: string;
}

/** A provider that joined later, running: where its simulator listens, what to print, its picker. */
export interface RunningProvider {
	name: string;
	url: string;
	printout: string[];
	picker: DemoPicker;
}

export interface DemoOptions {
	line: N8nLine;
	packageTarball: string;
	/** Editor port: this one or fail (DEMO_PORT). Default: 5678 if free, else a free port. */
	port?: number;
	/** Progress lines (default: stderr). */
	log?: (message: string) => void;
	/** Keep the temp user folder after stop() (debugging). */
	keepFolder?: boolean;
}

export interface Demo {
	line: N8nLine;
	editorUrl: string;
	owner: OwnerInfo;
	urls: DemoUrls;
	n8n: N8nInstance;
	server: N8nServer;
	fiskaly: FiskalySimulator;
	checkfront: CheckfrontSimulator;
	/** HubRise, Inbenta, Fatture in Cloud (scripts/demo/providers.ts). */
	providers: RunningProvider[];
	workflows: DemoWorkflowInfo[];
	/** Runs a demo workflow once with `n8n execute` (against the same database); throws if it fails. */
	runWorkflow(id: string): Promise<N8nRun>;
	/** Stops n8n (its whole process group) and the simulators and removes the temp data. Idempotent. */
	stop(): Promise<void>;
}

/** Starts everything; on failure, whatever was started is stopped again before the error is thrown. */
export async function startDemo(opts: DemoOptions): Promise<Demo> {
	const log = opts.log ?? ((m: string) => process.stderr.write(`[demo] ${m}\n`));
	const fiskaly = new FiskalySimulator({ tssCount: 2 });
	const checkfront = new CheckfrontSimulator();
	const extras = EXTRA_PROVIDERS.map((provider) => {
		const run = provider.create();
		return { provider, run, simulator: run.simulator as DemoSimulator };
	});
	let n8n: N8nInstance | undefined;
	let server: N8nServer | undefined;
	// the simulators record every request; a demo left running for days must not grow without bound
	const trim = setInterval(() => {
		for (const s of [fiskaly.server, checkfront.server, ...extras.flatMap((extra) => extra.simulator.servers())]) if (s.requests.length > 5000) s.clearLog();
	}, 60_000);
	trim.unref();
	let stopped: Promise<void> | undefined;
	const stop = (): Promise<void> =>
		(stopped ??= (async () => {
			clearInterval(trim);
			await server?.stop().catch(() => undefined);
			await n8n?.dispose().catch(() => undefined);
			await Promise.all([fiskaly.stop(), checkfront.stop(), ...extras.map((extra) => extra.simulator.stop())]);
		})());

	try {
		// the editor port first: a taken DEMO_PORT fails before anything is set up
		let port = opts.port;
		if (port === undefined) port = (await portIsFree(PREFERRED_PORTS.n8n)) ? PREFERRED_PORTS.n8n : undefined;
		else if (!(await portIsFree(port))) throw new Error(`port ${port} on 127.0.0.1 is in use (DEMO_PORT)`);
		const urls: DemoUrls = {
			fiskaly: await startOn(fiskaly.server, PREFERRED_PORTS.fiskaly),
			checkfront: await startOn(checkfront.server, PREFERRED_PORTS.checkfront),
		};
		const extraUrls: string[] = [];
		for (const extra of extras) extraUrls.push(await startOn(extra.simulator, extra.provider.preferredPort));
		log(`simulators: fiskaly ${urls.fiskaly}, Checkfront ${urls.checkfront}${extras.map((extra, i) => `, ${extra.provider.name} ${extraUrls[i]}`).join('')}`);

		n8n = await N8nInstance.create({ line: opts.line, packageTarball: opts.packageTarball, keepFolder: opts.keepFolder });
		log(`n8n ${opts.line.version}: user folder ${n8n.userFolder}`);
		const credentials = [
			...demoCredentials(urls, fiskaly, checkfront),
			...extras.flatMap((extra, i) => extra.run.credentials(extraUrls[i])),
		];
		await n8n.importCredentials(credentials);
		const workflows = [...demoWorkflows(), ...extras.flatMap((extra) => extra.run.workflows())];
		await n8n.importWorkflow(workflows.map(importable));
		log(`imported ${credentials.length} demo credentials and ${workflows.length} workflows`);

		log('starting n8n ...');
		server = await n8n.startServer(180_000, { port });

		const rest = new N8nRest(server.baseUrl);
		await rest.setupOwner(DEMO_OWNER);
		// n8n's real connect flow: authorize URL from n8n -> simulator approves -> callback -> token exchange
		const oauth2 = [DEMO_IDS.checkfrontOAuth2Credential, ...extras.flatMap((extra) => extra.run.connectOAuth2 ?? [])];
		for (const id of oauth2) await rest.connectOAuth2(id);
		log(`owner set up; ${oauth2.length} OAuth2 credential(s) connected through n8n's own flow`);

		const instance = n8n;
		return {
			line: opts.line,
			editorUrl: server.baseUrl,
			owner: DEMO_OWNER,
			urls,
			n8n: instance,
			server,
			fiskaly,
			checkfront,
			providers: extras.map((extra, i) => ({ name: extra.provider.name, url: extraUrls[i], printout: extra.run.printout(extraUrls[i]), picker: extra.run.picker })),
			workflows: workflows.map(({ id, name, resultNode, interactive }) => ({ id, name, resultNode, ...(interactive ? { interactive } : {}) })),
			runWorkflow: (id: string) => instance.execute(id),
			stop,
		};
	} catch (error) {
		await stop();
		throw error;
	}
}

/** A temp folder for the packed tarball (removed by the caller). */
export function tempPackDir(): string {
	return fs.mkdtempSync(path.join(os.tmpdir(), 'authbridge-demo-pack-'));
}
