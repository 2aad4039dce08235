import type { IDataObject } from 'n8n-workflow';

import { CheckfrontApi } from '../../../credentials/CheckfrontApi.credentials';
import { CheckfrontOAuth2Api } from '../../../credentials/CheckfrontOAuth2Api.credentials';
import { FattureInCloudApi } from '../../../credentials/FattureInCloudApi.credentials';
import { FattureInCloudDeviceCodeApi } from '../../../credentials/FattureInCloudDeviceCodeApi.credentials';
import { FattureInCloudOAuth2Api } from '../../../credentials/FattureInCloudOAuth2Api.credentials';
import { FattureInCloudRefreshTokenApi } from '../../../credentials/FattureInCloudRefreshTokenApi.credentials';
import { FiskalyApi } from '../../../credentials/FiskalyApi.credentials';
import { HubRiseApi } from '../../../credentials/HubRiseApi.credentials';
import { HubRiseOAuth2Api } from '../../../credentials/HubRiseOAuth2Api.credentials';
import { InbentaApi } from '../../../credentials/InbentaApi.credentials';
import { Checkfront } from '../../../nodes/Checkfront/Checkfront.node';
import { FattureInCloud } from '../../../nodes/FattureInCloud/FattureInCloud.node';
import { Fiskaly } from '../../../nodes/Fiskaly/Fiskaly.node';
import { codeFingerprint, forgetSentCodes } from '../../../nodes/HubRise/auth';
import { HubRise } from '../../../nodes/HubRise/HubRise.node';
import { Inbenta } from '../../../nodes/Inbenta/Inbenta.node';
import { resetTokenState } from '../../../nodes/shared/tokens';
import { Reference } from '../../fixtures/Reference.node';
import { ReferenceTokenApi } from '../../fixtures/ReferenceTokenApi.credentials';
import { Harness } from '../../harness';
import type { RunResult } from '../../harness';
import { CheckfrontSimulator } from '../../simulators/checkfront';
import { FattureInCloudSimulator } from '../../simulators/fattureincloud';
import { FiskalySimulator } from '../../simulators/fiskaly';
import { bearerOf } from '../../simulators/framework';
import type { RecordedRequest, SimulatorServer } from '../../simulators/framework';
import { HubRiseSimulator } from '../../simulators/hubrise';
import { InbentaSimulator } from '../../simulators/inbenta';
import { ReferenceSimulator } from '../../simulators/reference';

/**
 * The secrets suites' view of every credential type of the package (and of the reference fixture, a
 * provider built only from nodes/shared): one entry per credential type, holding everything a suite
 * needs to know about it. The suites (redaction, redirects, domains) loop over these entries; a new
 * provider is one more entry here.
 */

/** Secrets with characters that have a different spelling in each encoding. */
export const HOSTILE_KEY = 'key/4711+äb c&d"e';
export const HOSTILE_SECRET = 'p@ss word/with+plus&amp"quote\'<tag>-ü-🔑';

/**
 * The state of the credential a case starts from:
 * - `first token`: the run obtains its token (a token exchange, a code exchange) or uses a fresh pair;
 * - `renewed token`: the stored token is dead at the provider, the run renews it after a 401;
 * - `held`: a credential that holds a long-lived secret and never exchanges anything;
 * - `pasted token`: a token the user pasted into the credential.
 */
export type Moment = 'first token' | 'renewed token' | 'held' | 'pasted token';

/** One request the credential sends on its own (token exchange, refresh, device login, token check). */
export interface TokenExchange {
	/** What is exchanged, for the test name. */
	grant: string;
	server: SimulatorServer;
	match(request: RecordedRequest): boolean;
	/** Puts the credential (and the simulator) where the next run sends this request. */
	prepare(): void;
	/** What this request carries that must never reach another host. */
	carried(): string[];
	/**
	 * Set when the credential, having refused the redirect, falls back to another exchange on its own
	 * host (Inbenta: a refused /refreshToken is followed by /auth): the run then succeeds.
	 */
	fallsBack?: boolean;
}

export interface ProviderCase {
	/** Credential type under test. */
	name: string;
	/** The server the run's API call goes to (hostile answers are injected there). */
	server: SimulatorServer;
	/** Every server of the provider (Inbenta: the Auth API and one per product). */
	servers: SimulatorServer[];
	/** True for the API call the run makes (not a token request, not a connection check). */
	isApiCall: (request: RecordedRequest) => boolean;
	/** True when the request carries a credential the provider accepts (the renewed call, not the refused one). */
	isLive: (request: RecordedRequest) => boolean;
	harness: Harness;
	credentialId: string;
	/** The moments that exist for this credential type. */
	moments: Moment[];
	/** How many distinct secrets a case can echo at least (a manual token alone is one). */
	minSecrets: number;
	/** A fresh credential (and process token state) in the state of `moment` ('first token' by default). */
	reset(options?: { moment?: Moment; extra?: IDataObject }): void;
	/** One Custom API Call (GET) through n8n-core. */
	run(options?: { continueOnFail?: boolean }): Promise<RunResult>;
	/** Every secret the credential holds now (store), plus what the request carried. */
	secretsNow(request?: RecordedRequest): string[];
	/** The credential's own requests; each must never follow a redirect. */
	tokenExchanges: TokenExchange[];
	/** How the refusal of an API call redirected to another origin reads, and where it is sent. */
	apiRedirect: { location(foreignUrl: string): string; refusal: RegExp };
	/** The credential test's request (the "Test" button), when the suite can run it. */
	isTestCall?: (request: RecordedRequest) => boolean;
	/** A refresh n8n-core does itself (OAuth2): the package cannot stop its redirects; the suite pins what happens. */
	n8nRefresh?: { match(request: RecordedRequest): boolean; refreshToken(): string; clientSecret: string };
}

const bearer = (request?: RecordedRequest) => (request ? bearerOf(request) : undefined);

/** Fields of a stored credential that hold a secret (of any provider of the package). */
const SECRET_FIELDS = [
	'apiKey',
	'apiSecret',
	'accessToken',
	'refreshToken',
	'rotatedRefreshToken',
	'clientSecret',
	'connectionToken',
	'authorizationCodeSecret',
	'domainKeyToken',
	'deviceCodeSecret',
	'tokenToRefresh',
];

function storedSecrets(harness: Harness, id: string): string[] {
	const data = harness.store.read(id) as IDataObject;
	const token = (data.oauthTokenData ?? {}) as IDataObject;
	return [...SECRET_FIELDS.map((field) => data[field]), token.access_token, token.refresh_token].filter(
		(value): value is string => typeof value === 'string' && value.length >= 4 && !value.startsWith('device-login:'),
	);
}

export const sims = {
	fiskaly: new FiskalySimulator(),
	checkfront: new CheckfrontSimulator(),
	reference: new ReferenceSimulator(),
	hubrise: new HubRiseSimulator(),
	inbenta: new InbentaSimulator(),
	fattureInCloud: new FattureInCloudSimulator(),
};

export async function startAll(foreign: { start(): Promise<void> }): Promise<void> {
	// These simulators take any secret their credential is given.
	Object.assign(sims.fiskaly, { apiKey: HOSTILE_KEY, apiSecret: HOSTILE_SECRET });
	Object.assign(sims.reference, { apiKey: HOSTILE_KEY, apiSecret: HOSTILE_SECRET });
	// Client and API secrets with a different spelling in every encoding (they travel as Basic, form and JSON).
	Object.assign(sims.hubrise, { clientSecret: `hr_${HOSTILE_SECRET}` });
	Object.assign(sims.inbenta, { apiSecret: `inb_${HOSTILE_SECRET}` });
	Object.assign(sims.fattureInCloud, { clientSecret: `fic_${HOSTILE_SECRET}` });
	await Promise.all([
		sims.fiskaly.start(),
		sims.checkfront.start(),
		sims.reference.start(),
		sims.hubrise.start(),
		sims.inbenta.start(),
		sims.fattureInCloud.start(),
		foreign.start(),
	]);
}

export async function stopAll(foreign: { stop(): Promise<void> }): Promise<void> {
	await Promise.all([
		sims.fiskaly.stop(),
		sims.checkfront.stop(),
		sims.reference.stop(),
		sims.hubrise.stop(),
		sims.inbenta.stop(),
		sims.fattureInCloud.stop(),
		foreign.stop(),
	]);
}

function harnessFor(): Harness {
	return new Harness({
		credentialTypes: [
			new FiskalyApi(),
			new CheckfrontApi(),
			new CheckfrontOAuth2Api(),
			new ReferenceTokenApi(),
			new HubRiseApi(),
			new HubRiseOAuth2Api(),
			new InbentaApi(),
			new FattureInCloudOAuth2Api(),
			new FattureInCloudApi(),
			new FattureInCloudDeviceCodeApi(),
			new FattureInCloudRefreshTokenApi(),
		],
		nodeTypes: { fiskaly: new Fiskaly(), checkfront: new Checkfront(), reference: new Reference(), hubRise: new HubRise(), inbenta: new Inbenta(), fattureInCloud: new FattureInCloud() },
	});
}

/** A redirect to another loopback port (the foreign host): refused by the request layer. */
const foreignPort = (provider: string) => ({
	location: (foreignUrl: string) => `${foreignUrl}/steal`,
	refusal: new RegExp(`${provider} redirected the request to 127\\.0\\.0\\.1:\\d+, which is not a ${provider} host\\. It was not followed`),
});

const notDead = (request: RecordedRequest) => !/dead-/.test(request.headers.authorization ?? '');

/** The common part of a case: harness, credential id, run of one Custom API Call, secrets of the moment. */
function base(options: {
	name: string;
	type: string;
	credentialId: string;
	server: SimulatorServer;
	servers?: SimulatorServer[];
	parameters: IDataObject;
	tokenOf?: (request?: RecordedRequest) => string | undefined;
}): Pick<ProviderCase, 'name' | 'server' | 'servers' | 'harness' | 'credentialId' | 'run' | 'secretsNow'> {
	const harness = harnessFor();
	const tokenOf = options.tokenOf ?? bearer;
	return {
		name: options.name,
		server: options.server,
		servers: options.servers ?? [options.server],
		harness,
		credentialId: options.credentialId,
		run: async (run = {}) =>
			await harness.run({
				type: options.type,
				parameters: options.parameters,
				credentials: { [options.name]: options.credentialId },
				continueOnFail: run.continueOnFail,
			}),
		secretsNow: (request) => [...storedSecrets(harness, options.credentialId), tokenOf(request) ?? ''],
	};
}

function fiskalyCase(): ProviderCase {
	const sim = sims.fiskaly;
	const tokenPath = (request: RecordedRequest) => request.method === 'POST' && request.path === '/api/v2/auth';
	const c: ProviderCase = {
		...base({ name: 'fiskalyApi', type: 'fiskaly', credentialId: 'fk', server: sim.server, parameters: { resource: 'customApiCall', operation: 'call', method: 'GET', path: '/tss' } }),
		isApiCall: (request) => request.path === '/api/v2/tss',
		isLive: notDead,
		moments: ['first token', 'renewed token'],
		minSecrets: 2,
		reset(options = {}) {
			resetTokenState();
			c.harness.addCredential('fk', 'fiskalyApi', {
				family: 'signDe',
				apiKey: HOSTILE_KEY,
				apiSecret: HOSTILE_SECRET,
				baseUrlOverride: sim.server.url,
				// A token fiskaly no longer accepts: the run renews it after a 401.
				accessToken: options.moment === 'renewed token' ? 'dead-fiskaly-token-0001' : '',
				...options.extra,
			});
		},
		tokenExchanges: [
			{ grant: 'key and secret', server: sim.server, match: tokenPath, prepare: () => c.reset(), carried: () => [HOSTILE_KEY, HOSTILE_SECRET] },
			{
				grant: 'refresh token',
				server: sim.server,
				match: tokenPath,
				prepare: () => c.reset({ extra: { refreshToken: 'fiskaly-refresh-token-0042' } }),
				carried: () => [HOSTILE_KEY, HOSTILE_SECRET, 'fiskaly-refresh-token-0042'],
			},
		],
		apiRedirect: foreignPort('fiskaly'),
		isTestCall: (request) => request.path === '/api/v2/tss',
	};
	return c;
}

function referenceCase(): ProviderCase {
	const sim = sims.reference;
	const c: ProviderCase = {
		...base({ name: 'referenceTokenApi', type: 'reference', credentialId: 'ref', server: sim.server, parameters: { operation: 'get', path: '/me' } }),
		name: 'referenceTokenApi (shared parts only)',
		isApiCall: (request) => request.path === '/me',
		isLive: notDead,
		moments: ['first token', 'renewed token'],
		minSecrets: 2,
		reset(options = {}) {
			resetTokenState();
			c.harness.addCredential('ref', 'referenceTokenApi', {
				baseUrl: sim.server.url,
				apiKey: HOSTILE_KEY,
				apiSecret: HOSTILE_SECRET,
				accessToken: options.moment === 'renewed token' ? 'dead-reference-token-01' : '',
				...options.extra,
			});
		},
		tokenExchanges: [
			{
				grant: 'key and secret',
				server: sim.server,
				match: (request) => request.method === 'POST' && request.path === '/token',
				prepare: () => c.reset(),
				carried: () => [HOSTILE_KEY, HOSTILE_SECRET],
			},
		],
		apiRedirect: foreignPort('Reference'),
		isTestCall: (request) => request.path === '/me',
	};
	return c;
}

function checkfrontCases(): ProviderCase[] {
	const sim = sims.checkfront;
	// A Checkfront credential whose host is a loopback URL (simulators) follows moves to other loopback
	// ports by design (the host-migration tests use that); a real account follows only https Checkfront
	// hosts (test/unit/checkfront-host.test.ts). Anything else is refused.
	const apiRedirect = {
		location: () => 'https://checkfront.com.evil.test/api/3.0/ping',
		refusal: /redirected the request to checkfront\.com\.evil\.test, which is not a Checkfront host\. It was not followed/,
	};
	const parameters = (authentication: string) => ({ authentication, resource: 'customApiCall', operation: 'call', method: 'GET', path: '/ping' });
	const api: ProviderCase = {
		...base({ name: 'checkfrontApi', type: 'checkfront', credentialId: 'cf', server: sim.server, parameters: parameters('checkfrontApi') }),
		isApiCall: (request) => request.path.startsWith('/api/3.0/'),
		isLive: notDead,
		moments: ['held'],
		minSecrets: 2,
		reset(options = {}) {
			resetTokenState();
			api.harness.addCredential('cf', 'checkfrontApi', { host: sim.server.url, apiKey: sim.apiKey, apiSecret: sim.apiSecret, ...options.extra });
		},
		tokenExchanges: [],
		apiRedirect,
		isTestCall: (request) => request.path.startsWith('/api/3.0/'),
	};
	const oauth2: ProviderCase = {
		...base({ name: 'checkfrontOAuth2Api', type: 'checkfront', credentialId: 'co', server: sim.server, parameters: parameters('checkfrontOAuth2Api') }),
		isApiCall: (request) => request.path.startsWith('/api/3.0/'),
		isLive: notDead,
		moments: ['first token', 'renewed token'],
		minSecrets: 2,
		reset(options = {}) {
			resetTokenState();
			oauth2.harness.addCredential('co', 'checkfrontOAuth2Api', {
				host: sim.server.url,
				clientId: sim.clientId,
				clientSecret: sim.clientSecret,
				oauthTokenData: sim.issueTokenPair(),
				...options.extra,
			});
			// The stored access token is dead: n8n-core refreshes it (a new pair) and retries.
			if (options.moment === 'renewed token') sim.expireAccessTokens();
		},
		tokenExchanges: [],
		apiRedirect,
		n8nRefresh: {
			match: (request) => request.path.startsWith('/oauth/token'),
			refreshToken: () => String((oauth2.harness.store.read('co').oauthTokenData as IDataObject).refresh_token),
			clientSecret: sim.clientSecret,
		},
	};
	return [api, oauth2];
}

function hubriseCases(): ProviderCase[] {
	const sim = sims.hubrise;
	const scope = 'location[orders.write,customer_list.write,catalog.write,inventory.write]';
	const parameters = (authentication: string) => ({ authentication, resource: 'customApiCall', operation: 'call', method: 'GET', path: '/location' });
	const tokenOf = (request?: RecordedRequest) => request?.headers['x-access-token'];
	const isApiCall = (request: RecordedRequest) => request.path === '/v1/location';
	const isTestCall = (request: RecordedRequest) => request.method === 'GET' && request.path === '/v1/callback';
	const oauth2: ProviderCase = {
		...base({ name: 'hubriseOAuth2Api', type: 'hubRise', credentialId: 'ho', server: sim.server, parameters: parameters('hubriseOAuth2Api'), tokenOf }),
		isApiCall,
		isLive: () => true,
		// HubRise tokens never expire and there is no refresh token: the token held is the only one.
		moments: ['held'],
		minSecrets: 2,
		reset(options = {}) {
			resetTokenState();
			oauth2.harness.addCredential('ho', 'hubriseOAuth2Api', {
				clientId: sim.clientId,
				clientSecret: sim.clientSecret,
				customScope: scope,
				baseUrlOverride: sim.server.url,
				oauthTokenData: sim.tokenResponse(sim.connect(scope)),
				...options.extra,
			});
		},
		// The code exchange of this credential is n8n's own OAuth2 callback, outside any node run.
		tokenExchanges: [],
		apiRedirect: foreignPort('HubRise'),
		isTestCall,
	};
	let code = '';
	const app: ProviderCase = {
		...base({ name: 'hubriseApi', type: 'hubRise', credentialId: 'ha', server: sim.server, parameters: parameters('hubriseApi'), tokenOf }),
		isApiCall,
		isLive: () => true,
		moments: ['first token', 'pasted token'],
		minSecrets: 2,
		reset(options = {}) {
			resetTokenState();
			forgetSentCodes();
			code = sim.issueCode(scope);
			app.harness.addCredential('ha', 'hubriseApi', {
				clientId: sim.clientId,
				clientSecret: sim.clientSecret,
				customScope: scope,
				// 'first token': the pasted code is exchanged during the run; 'pasted token': a token the user pasted.
				authorizationCodeSecret: options.moment === 'pasted token' ? '' : code,
				accessToken: options.moment === 'pasted token' ? sim.connect(scope).token : '',
				baseUrlOverride: sim.server.url,
				connectionToken: '',
				...options.extra,
			});
		},
		tokenExchanges: [
			{
				grant: 'authorization code',
				server: sim.server,
				match: (request) => request.method === 'POST' && request.path === '/oauth2/v1/token',
				prepare: () => app.reset(),
				carried: () => [sim.clientSecret, code],
			},
			{
				// After a 401, preAuthentication checks the held token (GET /callback) before saying the connection is revoked.
				grant: 'token check after a 401',
				server: sim.server,
				match: isTestCall,
				prepare: () => {
					// A code exchanged in an earlier run: its token is held, and the code is never sent again.
					app.reset();
					app.harness.store.update('ha', { ...app.harness.store.read('ha'), connectionToken: sim.connect(scope).token, exchangedCode: codeFingerprint(sim.clientId, code) });
					sim.server.inject({ kind: 'status', status: 401, json: { error_type: 'unauthorized', message: 'no' } }, { match: isApiCall });
				},
				carried: () => [sim.clientSecret, code, String(app.harness.store.read('ha').connectionToken)],
			},
		],
		apiRedirect: foreignPort('HubRise'),
		isTestCall,
	};
	return [oauth2, app];
}

function inbentaCases(): ProviderCase[] {
	const sim = sims.inbenta;
	const parameters = { resource: 'customApiCall', operation: 'call', product: 'knowledge', method: 'GET', path: '/contents/popular' };
	const authPath = (path: string) => (request: RecordedRequest) => request.method === 'POST' && request.path === `/v1${path}`;
	return (['apiSecret', 'domainKey'] as const).map((flow) => {
		const grant = flow === 'apiSecret' ? sim.apiSecret : sim.domainKey;
		const c: ProviderCase = {
			...base({ name: 'inbentaApi', type: 'inbenta', credentialId: flow, server: sim.knowledge, servers: sim.servers(), parameters }),
			name: `inbentaApi (${flow === 'apiSecret' ? 'API secret' : 'domain key'})`,
			isApiCall: (request) => request.path === '/prod/knowledge/v1/contents/popular',
			isLive: notDead,
			moments: ['first token', 'renewed token'],
			minSecrets: 3,
			reset(options = {}) {
				resetTokenState();
				// 'renewed token': a token Inbenta no longer accepts, not yet expired: a 401, /refreshToken refused, /auth again.
				const dead =
					options.moment === 'renewed token'
						? {
								accessToken: `dead-inbenta-token-${flow}`,
								accessTokenExpiresAt: new Date(Date.now() + 3_600_000).toISOString(),
								accessTokenRenewAt: new Date(Date.now() + 3_000_000).toISOString(),
								apis: JSON.stringify(sim.apis()),
							}
						: { accessToken: '' };
				const common = { flow, apiKey: sim.apiKey, baseUrlOverride: sim.auth.url, ...dead };
				c.harness.addCredential(
					flow,
					'inbentaApi',
					flow === 'apiSecret'
						? { ...common, apiSecret: sim.apiSecret, ...options.extra }
						: { ...common, domainKeyToken: sim.domainKey, domain: sim.allowedDomain, ...options.extra },
				);
			},
			tokenExchanges: [
				{ grant: flow === 'apiSecret' ? 'API secret' : 'domain key', server: sim.auth, match: authPath('/auth'), prepare: () => c.reset(), carried: () => [grant, sim.apiKey] },
				{
					grant: 'token refresh',
					server: sim.auth,
					match: authPath('/refreshToken'),
					prepare: () => c.reset({ moment: 'renewed token' }),
					carried: () => [grant, sim.apiKey, `dead-inbenta-token-${flow}`],
					fallsBack: true,
				},
			],
			apiRedirect: foreignPort('Inbenta'),
			isTestCall: (request) => request.method === 'GET' && request.path === '/v1/apis',
		};
		return c;
	});
}

function fattureInCloudCases(): ProviderCase[] {
	const sim = sims.fattureInCloud;
	const scopes = ['entity.clients:a', 'issued_documents.invoices:a'];
	const parameters = (authentication: string) => ({ authentication, resource: 'customApiCall', operation: 'call', method: 'GET', path: '/user/info' });
	const isApiCall = (request: RecordedRequest) => request.path === '/user/info';
	const tokenCall = (grant: string) => (request: RecordedRequest) =>
		request.method === 'POST' && request.path === '/oauth/token' && String((request.body as IDataObject | undefined)?.grant_type ?? '').endsWith(grant);
	const later = (ms: number) => new Date(Date.now() + ms).toISOString();
	const make = (type: string, id: string, fields: Pick<ProviderCase, 'moments' | 'minSecrets' | 'tokenExchanges' | 'reset'> & Partial<ProviderCase>): ProviderCase => ({
		...base({ name: type, type: 'fattureInCloud', credentialId: id, server: sim.server, parameters: parameters(type) }),
		isApiCall,
		isLive: notDead,
		apiRedirect: foreignPort('Fatture in Cloud'),
		isTestCall: isApiCall,
		...fields,
	});
	const cases: ProviderCase[] = [];
	const add = (c: ProviderCase) => {
		cases.push(c);
		return c;
	};
	const oauth2 = add(
		make('fattureInCloudOAuth2Api', 'fo', {
			moments: ['first token', 'renewed token'],
			minSecrets: 3,
			reset(options = {}) {
				resetTokenState();
				oauth2.harness.addCredential('fo', 'fattureInCloudOAuth2Api', {
					baseUrlOverride: sim.server.url,
					clientId: sim.clientId,
					clientSecret: sim.clientSecret,
					scopes,
					oauthTokenData: sim.issuePair(scopes),
					...options.extra,
				});
				// The stored access token is dead: n8n-core refreshes the pair and retries.
				if (options.moment === 'renewed token') sim.expireAccessTokens();
			},
			tokenExchanges: [],
			n8nRefresh: {
				match: (request) => request.path.startsWith('/oauth/token'),
				refreshToken: () => String((oauth2.harness.store.read('fo').oauthTokenData as IDataObject).refresh_token),
				clientSecret: sim.clientSecret,
			},
		}),
	);
	const manual = add(
		make('fattureInCloudApi', 'fm', {
			// A manual token never expires and is the only secret of the credential.
			moments: ['held'],
			minSecrets: 1,
			reset(options = {}) {
				resetTokenState();
				manual.harness.addCredential('fm', 'fattureInCloudApi', { baseUrlOverride: sim.server.url, accessToken: sim.issueManualToken(scopes), ...options.extra });
			},
			tokenExchanges: [],
		}),
	);
	const DEVICE_CODE = 'd/fic-device-code-0042-hostile';
	const device = add(
		make('fattureInCloudDeviceCodeApi', 'fd', {
			moments: ['first token', 'renewed token'],
			minSecrets: 2,
			reset(options = {}) {
				resetTokenState();
				const pair = sim.issuePair(scopes, true);
				device.harness.addCredential('fd', 'fattureInCloudDeviceCodeApi', {
					baseUrlOverride: sim.server.url,
					clientId: sim.deviceClientId,
					scopes,
					// 'renewed token': an access token Fatture in Cloud no longer accepts; the refresh (no client secret) renews it.
					accessToken: options.moment === 'renewed token' ? 'dead-fic-device-token-01' : pair.access_token,
					accessTokenExpiresAt: later(3_600_000),
					refreshToken: pair.refresh_token,
					...options.extra,
				});
			},
			tokenExchanges: [
				{
					grant: 'device refresh token',
					server: sim.server,
					match: tokenCall('refresh_token'),
					prepare: () => device.reset({ moment: 'renewed token' }),
					carried: () => [String(device.harness.store.read('fd').refreshToken)],
				},
				{
					grant: 'device login start',
					server: sim.server,
					match: (request) => request.method === 'POST' && request.path === '/oauth/device',
					prepare: () => device.reset({ extra: { accessToken: '', refreshToken: '', accessTokenExpiresAt: '' } }),
					carried: () => [],
				},
				{
					grant: 'device code poll',
					server: sim.server,
					match: tokenCall('device_code'),
					// A device login waiting for approval, due for its next poll now.
					prepare: () =>
						device.reset({
							extra: {
								accessToken: 'device-login:pending',
								accessTokenExpiresAt: '',
								refreshToken: '',
								deviceStatus: 'pending',
								deviceCodeSecret: DEVICE_CODE,
								userCode: 'ABCD-EFGH',
								verificationUri: sim.verificationUri,
								deviceCodeExpiresAt: later(300_000),
								deviceNextPollAt: new Date().toISOString(),
								devicePollInterval: 1,
							},
						}),
					carried: () => [DEVICE_CODE],
				},
			],
		}),
	);
	const refresh = add(
		make('fattureInCloudRefreshTokenApi', 'fr', {
			moments: ['first token', 'renewed token'],
			minSecrets: 3,
			reset(options = {}) {
				resetTokenState();
				refresh.harness.addCredential('fr', 'fattureInCloudRefreshTokenApi', {
					baseUrlOverride: sim.server.url,
					clientId: sim.clientId,
					clientSecret: sim.clientSecret,
					refreshToken: sim.issuePair(scopes).refresh_token,
					...(options.moment === 'renewed token' ? { accessToken: 'dead-fic-refresh-token-cred-01', accessTokenExpiresAt: later(3_600_000) } : { accessToken: '' }),
					...options.extra,
				});
			},
			tokenExchanges: [
				{
					grant: 'refresh token',
					server: sim.server,
					match: tokenCall('refresh_token'),
					prepare: () => refresh.reset(),
					carried: () => [sim.clientSecret, String(refresh.harness.store.read('fr').refreshToken)],
				},
			],
		}),
	);
	return cases;
}

/** Every credential type of the package, plus the reference fixture. */
export function providerCases(): ProviderCase[] {
	return [fiskalyCase(), ...checkfrontCases(), referenceCase(), ...hubriseCases(), ...inbentaCases(), ...fattureInCloudCases()];
}
