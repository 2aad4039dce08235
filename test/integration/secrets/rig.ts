import { createServer } from 'node:http';
import type { IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';

import type { IDataObject } from 'n8n-workflow';

import { CheckfrontApi } from '../../../credentials/CheckfrontApi.credentials';
import { CheckfrontOAuth2Api } from '../../../credentials/CheckfrontOAuth2Api.credentials';
import { FiskalyApi } from '../../../credentials/FiskalyApi.credentials';
import { Checkfront } from '../../../nodes/Checkfront/Checkfront.node';
import { Fiskaly } from '../../../nodes/Fiskaly/Fiskaly.node';
import { resetTokenState } from '../../../nodes/shared/tokens';
import { Reference } from '../../fixtures/Reference.node';
import { ReferenceTokenApi } from '../../fixtures/ReferenceTokenApi.credentials';
import { Harness } from '../../harness';
import type { RunResult } from '../../harness';
import { encodings } from '../../secret-encodings';
import { CheckfrontSimulator } from '../../simulators/checkfront';
import { FiskalySimulator } from '../../simulators/fiskaly';
import type { RecordedRequest, SimulatorServer } from '../../simulators/framework';
import { ReferenceSimulator } from '../../simulators/reference';

/**
 * The hostile rig: the package's credential types (and the reference fixture, a provider built only
 * from nodes/shared) through n8n-core against loopback simulators, plus a foreign host (another
 * loopback server on another port) whose request log proves what reached it.
 */

/** A foreign host: records every request it gets and answers 200 {}. */
export class ForeignHost {
	readonly requests: Array<{ method: string; url: string; headers: IncomingMessage['headers']; body: string }> = [];
	private server?: Server;
	url = '';

	async start(): Promise<void> {
		this.server = createServer((req, res) => {
			const chunks: Buffer[] = [];
			req.on('data', (chunk: Buffer) => chunks.push(chunk));
			req.on('end', () => {
				this.requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
				res.writeHead(200, { 'content-type': 'application/json' });
				res.end(JSON.stringify({ access_token: 'foreign-token', data: [] }));
			});
		});
		await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
		this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
	}

	async stop(): Promise<void> {
		await new Promise<void>((resolve) => this.server?.close(() => resolve()));
	}

	/** Requests that arrived carrying any of the secrets (header, URL or body, any encoding). */
	withSecrets(secrets: readonly string[]): number {
		return this.requests.filter((request) => {
			const seen = JSON.stringify(request);
			return secrets.some((secret) => Object.values(encodings(secret)).some((form) => seen.includes(form)));
		}).length;
	}
}

/** Counts for the report, printed by each suite. */
export const tally = { cases: 0, leaks: 0, offOrigin: 0 };

/** Every place a user, a log or the database could see: items, error texts and context, the whole IRun. */
export function exposed(result: RunResult): string {
	const error = result.error;
	return [
		JSON.stringify(result.items),
		String(error?.message ?? ''),
		String(error?.description ?? ''),
		JSON.stringify(error?.context ?? {}),
		JSON.stringify(result.run),
	].join('\n');
}

/** The secrets (in any of their encodings) found in what a run exposed; counted into the tally. */
export function leaksIn(result: RunResult, secrets: readonly string[]): string[] {
	tally.cases += 1;
	const text = exposed(result);
	const found: string[] = [];
	for (const secret of new Set(secrets)) {
		for (const [name, form] of Object.entries(encodings(secret))) {
			if (form.length >= 4 && text.includes(form)) found.push(`${name} of ${secret.slice(0, 6)}…`);
		}
	}
	tally.leaks += found.length;
	return found;
}

/** Secrets with characters that have a different spelling in each encoding. */
export const HOSTILE_KEY = 'key/4711+äb c&d"e';
export const HOSTILE_SECRET = 'p@ss word/with+plus&amp"quote\'<tag>-ü-🔑';

export interface ProviderCase {
	/** Credential type under test. */
	name: string;
	server: SimulatorServer;
	/** True for an API call of the node (not a token request). */
	isApiCall: (request: RecordedRequest) => boolean;
	harness: Harness;
	credentialId: string;
	/** A fresh credential (and process token state); with `renewed`, the stored token is dead at the provider. */
	reset(options?: { renewed?: boolean; extra?: IDataObject }): void;
	/** One Custom API Call (GET) through n8n-core. */
	run(options?: { continueOnFail?: boolean }): Promise<RunResult>;
	/** Every secret the credential holds now (store), plus what the request carried. */
	secretsNow(request?: RecordedRequest): string[];
}

const bearer = (request?: RecordedRequest) => /^bearer\s+(.+)$/i.exec(request?.headers.authorization ?? '')?.[1];

function storedSecrets(harness: Harness, id: string): string[] {
	const data = harness.store.read(id) as IDataObject;
	const token = (data.oauthTokenData ?? {}) as IDataObject;
	return [data.apiKey, data.apiSecret, data.accessToken, data.refreshToken, data.clientSecret, token.access_token, token.refresh_token].filter(
		(value): value is string => typeof value === 'string' && value.length >= 4,
	);
}

export const sims = {
	fiskaly: new FiskalySimulator(),
	checkfront: new CheckfrontSimulator(),
	reference: new ReferenceSimulator(),
};

export async function startAll(foreign: ForeignHost): Promise<void> {
	// fiskaly and the reference provider take any key and secret their credential is given.
	Object.assign(sims.fiskaly, { apiKey: HOSTILE_KEY, apiSecret: HOSTILE_SECRET });
	Object.assign(sims.reference, { apiKey: HOSTILE_KEY, apiSecret: HOSTILE_SECRET });
	await Promise.all([sims.fiskaly.start(), sims.checkfront.start(), sims.reference.start(), foreign.start()]);
}

export async function stopAll(foreign: ForeignHost): Promise<void> {
	await Promise.all([sims.fiskaly.stop(), sims.checkfront.stop(), sims.reference.stop(), foreign.stop()]);
}

function harnessFor(): Harness {
	return new Harness({
		credentialTypes: [new FiskalyApi(), new CheckfrontApi(), new CheckfrontOAuth2Api(), new ReferenceTokenApi()],
		nodeTypes: { fiskaly: new Fiskaly(), checkfront: new Checkfront(), reference: new Reference() },
	});
}

export function providerCases(): ProviderCase[] {
	const fiskaly: ProviderCase = {
		name: 'fiskalyApi',
		server: sims.fiskaly.server,
		isApiCall: (request) => request.path === '/api/v2/tss',
		harness: harnessFor(),
		credentialId: 'fk',
		reset(options = {}) {
			resetTokenState();
			this.harness.addCredential('fk', 'fiskalyApi', {
				family: 'signDe',
				apiKey: HOSTILE_KEY,
				apiSecret: HOSTILE_SECRET,
				baseUrlOverride: sims.fiskaly.server.url,
				// A token fiskaly no longer accepts: the run renews it after a 401.
				accessToken: options.renewed ? 'dead-fiskaly-token-0001' : '',
				...options.extra,
			});
		},
		run: async (options = {}) =>
			await fiskaly.harness.run({
				type: 'fiskaly',
				parameters: { resource: 'customApiCall', operation: 'call', method: 'GET', path: '/tss' },
				credentials: { fiskalyApi: 'fk' },
				continueOnFail: options.continueOnFail,
			}),
		secretsNow: (request) => [...storedSecrets(fiskaly.harness, 'fk'), bearer(request) ?? ''],
	};
	const checkfrontApi: ProviderCase = {
		name: 'checkfrontApi',
		server: sims.checkfront.server,
		isApiCall: (request) => request.path.startsWith('/api/3.0/'),
		harness: harnessFor(),
		credentialId: 'cf',
		reset(options = {}) {
			resetTokenState();
			this.harness.addCredential('cf', 'checkfrontApi', {
				host: sims.checkfront.server.url,
				apiKey: sims.checkfront.apiKey,
				apiSecret: sims.checkfront.apiSecret,
				...options.extra,
			});
		},
		run: async (options = {}) =>
			await checkfrontApi.harness.run({
				type: 'checkfront',
				parameters: { authentication: 'checkfrontApi', resource: 'customApiCall', operation: 'call', method: 'GET', path: '/ping' },
				credentials: { checkfrontApi: 'cf' },
				continueOnFail: options.continueOnFail,
			}),
		secretsNow: () => storedSecrets(checkfrontApi.harness, 'cf'),
	};
	const checkfrontOAuth2: ProviderCase = {
		name: 'checkfrontOAuth2Api',
		server: sims.checkfront.server,
		isApiCall: (request) => request.path.startsWith('/api/3.0/'),
		harness: harnessFor(),
		credentialId: 'co',
		reset(options = {}) {
			resetTokenState();
			this.harness.addCredential('co', 'checkfrontOAuth2Api', {
				host: sims.checkfront.server.url,
				clientId: sims.checkfront.clientId,
				clientSecret: sims.checkfront.clientSecret,
				oauthTokenData: sims.checkfront.issueTokenPair(),
				...options.extra,
			});
			// The stored access token is dead: n8n-core refreshes it (a new pair) and retries.
			if (options.renewed) sims.checkfront.expireAccessTokens();
		},
		run: async (options = {}) =>
			await checkfrontOAuth2.harness.run({
				type: 'checkfront',
				parameters: { authentication: 'checkfrontOAuth2Api', resource: 'customApiCall', operation: 'call', method: 'GET', path: '/ping' },
				credentials: { checkfrontOAuth2Api: 'co' },
				continueOnFail: options.continueOnFail,
			}),
		secretsNow: (request) => [...storedSecrets(checkfrontOAuth2.harness, 'co'), bearer(request) ?? ''],
	};
	const reference: ProviderCase = {
		name: 'referenceTokenApi (shared parts only)',
		server: sims.reference.server,
		isApiCall: (request) => request.path === '/me',
		harness: harnessFor(),
		credentialId: 'ref',
		reset(options = {}) {
			resetTokenState();
			this.harness.addCredential('ref', 'referenceTokenApi', {
				baseUrl: sims.reference.server.url,
				apiKey: HOSTILE_KEY,
				apiSecret: HOSTILE_SECRET,
				accessToken: options.renewed ? 'dead-reference-token-01' : '',
				...options.extra,
			});
		},
		run: async (options = {}) =>
			await reference.harness.run({
				type: 'reference',
				parameters: { operation: 'get', path: '/me' },
				credentials: { referenceTokenApi: 'ref' },
				continueOnFail: options.continueOnFail,
			}),
		secretsNow: (request) => [...storedSecrets(reference.harness, 'ref'), bearer(request) ?? ''],
	};
	return [fiskaly, checkfrontApi, checkfrontOAuth2, reference];
}
