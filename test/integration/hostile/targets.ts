import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

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
import { HubRiseSimulator } from '../../simulators/hubrise';
import { InbentaSimulator } from '../../simulators/inbenta';
import type { RecordedRequest, SimulatorServer } from '../../simulators/framework';
import { ReferenceSimulator } from '../../simulators/reference';

/**
 * The hostile suite's view of every credential type of the package, plus a test provider built only
 * from nodes/shared (the Reference node): how to run a Custom API Call, an id lookup, where the API
 * prefix and the token endpoint are, and which secrets must never show.
 */
export interface Target {
	name: string;
	server: SimulatorServer;
	/** Path prefix every API call must stay under ('' for the reference provider). */
	prefix: string;
	/** The token endpoint a path escape would aim at. */
	tokenPath: string;
	/** Custom API Call parameters for a path (an expression reading the item is fine). */
	custom(path: string): IDataObject;
	/** Get-one parameters for a user-typed id. */
	byId(id: string): IDataObject;
	/** The path (as routed) the Custom API Call to `okPath` reaches. */
	okPath: string;
	okCustomPath: string;
	tokenRequests(): RecordedRequest[];
	/**
	 * The credential's own token request (exchange, refresh, code exchange) when the package sends it, and
	 * how to make the next run begin with it (after reset()).
	 */
	exchange?: { server: SimulatorServer; match(request: RecordedRequest): boolean; prepare(): void };
	secrets(): string[];
	run(parameters: IDataObject, items?: IDataObject[], continueOnFail?: boolean): Promise<RunResult>;
	reset(): void;
}

export const reference = new ReferenceSimulator();
export const fiskaly = new FiskalySimulator();
export const checkfront = new CheckfrontSimulator();
export const fattureInCloud = new FattureInCloudSimulator();
export const hubrise = new HubRiseSimulator();
export const inbenta = new InbentaSimulator();

export async function startAll(): Promise<void> {
	await Promise.all([reference.start(), fiskaly.start(), checkfront.start(), fattureInCloud.start(), hubrise.start(), inbenta.start()]);
}

export async function stopAll(): Promise<void> {
	await Promise.all([reference.stop(), fiskaly.stop(), checkfront.stop(), fattureInCloud.stop(), hubrise.stop(), inbenta.stop()]);
}

function harnessFor(target: 'reference' | 'fiskaly' | 'checkfront'): Harness {
	if (target === 'reference') {
		const h = new Harness({ credentialTypes: [new ReferenceTokenApi()], nodeTypes: { reference: new Reference() } });
		h.addCredential('c', 'referenceTokenApi', { baseUrl: reference.server.url, apiKey: reference.apiKey, apiSecret: reference.apiSecret, accessToken: '' });
		return h;
	}
	if (target === 'fiskaly') {
		const h = new Harness({ credentialTypes: [new FiskalyApi()], nodeTypes: { fiskaly: new Fiskaly() } });
		h.addCredential('c', 'fiskalyApi', {
			family: 'signDe',
			environment: 'test',
			apiKey: fiskaly.apiKey,
			apiSecret: fiskaly.apiSecret,
			baseUrlOverride: fiskaly.server.url,
			accessToken: '',
		});
		return h;
	}
	const h = new Harness({ credentialTypes: [new CheckfrontApi(), new CheckfrontOAuth2Api()], nodeTypes: { checkfront: new Checkfront() } });
	h.addCredential('checkfrontApi', 'checkfrontApi', { host: checkfront.server.url, apiKey: checkfront.apiKey, apiSecret: checkfront.apiSecret });
	h.addCredential('checkfrontOAuth2Api', 'checkfrontOAuth2Api', {
		host: checkfront.server.url,
		clientId: checkfront.clientId,
		clientSecret: checkfront.clientSecret,
		oauthTokenData: checkfront.issueTokenPair(),
	});
	return h;
}

function resetServer(server: SimulatorServer): void {
	server.clearFaults();
	server.clearLog();
}

function referenceTarget(): Target {
	let harness = undefined as unknown as Harness; // built in reset(), once the simulators listen
	return {
		name: 'Reference (shared parts only)',
		server: reference.server,
		prefix: '',
		tokenPath: '/token',
		custom: (path) => ({ operation: 'get', path }),
		byId: (id) => ({ operation: 'getOne', path: '/things', id }),
		okPath: '/me',
		okCustomPath: '/me',
		tokenRequests: () => reference.server.requestsTo('POST', '/token'),
		exchange: { server: reference.server, match: (request) => request.method === 'POST' && request.path === '/token', prepare: () => undefined },
		secrets: () => [reference.apiSecret, ...harnessTokens(harness, 'c', 'accessToken')],
		run: (parameters, items, continueOnFail) =>
			harness.run({ type: 'reference', parameters, credentials: { referenceTokenApi: 'c' }, items, continueOnFail }),
		reset: () => {
			resetServer(reference.server);
			harness = harnessFor('reference');
		},
	};
}

function fiskalyTarget(): Target {
	let harness = undefined as unknown as Harness; // built in reset(), once the simulators listen
	return {
		name: 'fiskaly (fiskalyApi)',
		server: fiskaly.server,
		prefix: '/api/v2',
		tokenPath: '/api/v2/auth',
		custom: (path) => ({ resource: 'customApiCall', operation: 'call', method: 'GET', path }),
		byId: (id) => ({ resource: 'tss', operation: 'get', tssId: id }),
		okPath: '/api/v2/tss',
		okCustomPath: '/tss',
		tokenRequests: () => fiskaly.server.requestsTo('POST', '/api/v2/auth'),
		exchange: { server: fiskaly.server, match: (request) => request.method === 'POST' && request.path === '/api/v2/auth', prepare: () => undefined },
		secrets: () => [fiskaly.apiSecret, ...harnessTokens(harness, 'c', 'accessToken', 'refreshToken')],
		run: (parameters, items, continueOnFail) =>
			harness.run({ type: 'fiskaly', parameters, credentials: { fiskalyApi: 'c' }, items, continueOnFail }),
		reset: () => {
			resetServer(fiskaly.server);
			fiskaly.tokenCalls.length = 0;
			harness = harnessFor('fiskaly');
		},
	};
}

function checkfrontTarget(auth: 'checkfrontApi' | 'checkfrontOAuth2Api'): Target {
	let harness = undefined as unknown as Harness; // built in reset(), once the simulators listen
	return {
		name: `Checkfront (${auth})`,
		server: checkfront.server,
		prefix: '/api/3.0',
		tokenPath: '/oauth/token',
		custom: (path) => ({ authentication: auth, resource: 'customApiCall', operation: 'call', method: 'GET', path }),
		byId: (id) => ({ authentication: auth, resource: 'booking', operation: 'get', bookingId: id }),
		okPath: '/api/3.0/ping',
		okCustomPath: '/ping',
		tokenRequests: () => checkfront.server.requestsTo('POST', '/oauth/token'),
		secrets: () => [
			checkfront.apiSecret,
			checkfront.clientSecret,
			Buffer.from(`${checkfront.apiKey}:${checkfront.apiSecret}`).toString('base64'),
			...checkfront.accessTokens.keys(),
			...checkfront.refreshTokens.keys(),
		],
		run: (parameters, items, continueOnFail) =>
			harness.run({ type: 'checkfront', parameters, credentials: { [auth]: auth }, items, continueOnFail }),
		reset: () => {
			resetServer(checkfront.server);
			harness = harnessFor('checkfront');
		},
	};
}

type FicAuth = 'fattureInCloudOAuth2Api' | 'fattureInCloudApi' | 'fattureInCloudDeviceCodeApi' | 'fattureInCloudRefreshTokenApi';

function fattureInCloudHarness(auth: FicAuth): Harness {
	const sim = fattureInCloud;
	const h = new Harness({
		credentialTypes: [new FattureInCloudOAuth2Api(), new FattureInCloudApi(), new FattureInCloudDeviceCodeApi(), new FattureInCloudRefreshTokenApi()],
		nodeTypes: { fattureInCloud: new FattureInCloud() },
	});
	const scopes = ['entity.clients:a', 'issued_documents.invoices:a'];
	const common = { baseUrlOverride: sim.server.url };
	if (auth === 'fattureInCloudOAuth2Api') h.addCredential(auth, auth, { ...common, clientId: sim.clientId, clientSecret: sim.clientSecret, scopes, oauthTokenData: sim.issuePair(scopes) });
	if (auth === 'fattureInCloudApi') h.addCredential(auth, auth, { ...common, accessToken: sim.issueManualToken(scopes) });
	if (auth === 'fattureInCloudDeviceCodeApi') {
		const pair = sim.issuePair(scopes, true);
		h.addCredential(auth, auth, { ...common, clientId: sim.deviceClientId, scopes, accessToken: pair.access_token, refreshToken: pair.refresh_token });
	}
	if (auth === 'fattureInCloudRefreshTokenApi') {
		h.addCredential(auth, auth, { ...common, clientId: sim.clientId, clientSecret: sim.clientSecret, refreshToken: sim.issuePair(scopes).refresh_token, accessToken: '' });
	}
	return h;
}

function fattureInCloudTarget(auth: FicAuth): Target {
	let harness = undefined as unknown as Harness; // built in reset(), once the simulators listen
	return {
		name: `Fatture in Cloud (${auth})`,
		server: fattureInCloud.server,
		// The API lives at the root of its host (/user/..., /c/{company_id}/...).
		prefix: '',
		tokenPath: '/oauth/token',
		custom: (path) => ({ authentication: auth, resource: 'customApiCall', operation: 'call', method: 'GET', path }),
		byId: (id) => ({ authentication: auth, resource: 'company', operation: 'getInfo', companyId: id }),
		okPath: '/user/info',
		okCustomPath: '/user/info',
		tokenRequests: () => fattureInCloud.server.requestsTo('POST', '/oauth/token'),
		// The refresh-token and device credentials refresh through the package; OAuth2 is n8n-core's, the manual token has none.
		exchange:
			auth === 'fattureInCloudRefreshTokenApi' || auth === 'fattureInCloudDeviceCodeApi'
				? {
						server: fattureInCloud.server,
						match: (request) => request.method === 'POST' && request.path === '/oauth/token',
						prepare: () => harness.store.update(auth, { ...harness.store.read(auth), accessToken: '' }),
					}
				: undefined,
		secrets: () => [fattureInCloud.clientSecret, ...fattureInCloud.accessTokens.keys(), ...fattureInCloud.refreshTokens.keys(), ...fattureInCloud.devices.keys()],
		run: (parameters, items, continueOnFail) =>
			harness.run({ type: 'fattureInCloud', parameters, credentials: { [auth]: auth }, items, continueOnFail }),
		reset: () => {
			resetServer(fattureInCloud.server);
			harness = fattureInCloudHarness(auth);
		},
	};
}

type HubRiseAuth = 'hubriseOAuth2Api' | 'hubriseApi';

/** Both HubRise credentials, connected (the installed-app code exchanged in an earlier run), so a run sends only its own call. */
function hubriseHarness(auth: HubRiseAuth): Harness {
	const h = new Harness({ credentialTypes: [new HubRiseOAuth2Api(), new HubRiseApi()], nodeTypes: { hubRise: new HubRise() } });
	const scope = 'location[orders.write,customer_list.write,catalog.write,inventory.write]';
	const common = { clientId: hubrise.clientId, clientSecret: hubrise.clientSecret, customScope: scope, baseUrlOverride: hubrise.server.url };
	if (auth === 'hubriseOAuth2Api') h.addCredential(auth, auth, { ...common, oauthTokenData: hubrise.tokenResponse(hubrise.connect(scope)) });
	else {
		const code = hubrise.issueCode(scope);
		const ids = { accountId: hubrise.accountId, locationId: hubrise.locationIds[0], catalogId: hubrise.catalogId, customerListId: hubrise.customerListId };
		h.addCredential(auth, auth, { ...common, ...ids, authorizationCodeSecret: code, accessToken: '', connectionToken: hubrise.connect(scope).token, exchangedCode: codeFingerprint(hubrise.clientId, code) });
	}
	return h;
}

function hubriseTarget(auth: HubRiseAuth): Target {
	let harness = undefined as unknown as Harness; // built in reset(), once the simulators listen
	return {
		name: `HubRise (${auth})`,
		server: hubrise.server,
		prefix: '/v1',
		tokenPath: '/oauth2/v1/token',
		custom: (path) => ({ authentication: auth, resource: 'customApiCall', operation: 'call', method: 'GET', path }),
		byId: (id) => ({ authentication: auth, resource: 'order', operation: 'get', orderId: id }),
		okPath: '/v1/location',
		okCustomPath: '/location',
		// The code exchange, and the check of a held token preAuthentication makes after a 401 (GET /callback).
		tokenRequests: () => [...hubrise.tokenRequests(), ...hubrise.server.requestsTo('GET', '/v1/callback')],
		exchange:
			auth === 'hubriseApi'
				? {
						server: hubrise.server,
						match: (request) => request.method === 'POST' && request.path === '/oauth2/v1/token',
						// A code pasted and not yet exchanged.
						prepare: () => harness.store.update(auth, { ...harness.store.read(auth), connectionToken: '', exchangedCode: '' }),
					}
				: undefined,
		secrets: () => [hubrise.clientSecret, Buffer.from(`${hubrise.clientId}:${hubrise.clientSecret}`).toString('base64'), ...hubrise.connections.keys(), ...hubrise.codes.keys()],
		run: (parameters, items, continueOnFail) =>
			harness.run({ type: 'hubRise', parameters, credentials: { [auth]: auth }, items, continueOnFail }),
		reset: () => {
			resetServer(hubrise.server);
			forgetSentCodes();
			harness = hubriseHarness(auth);
		},
	};
}

/** Inbenta, each flow: the API calls go to the knowledge product's own server (named by the /auth answer). */
function inbentaTarget(flow: 'apiSecret' | 'domainKey'): Target {
	let harness = undefined as unknown as Harness; // built in reset(), once the simulators listen
	const prefix = '/prod/knowledge/v1';
	return {
		name: `Inbenta (inbentaApi, ${flow === 'apiSecret' ? 'API secret' : 'domain key'})`,
		server: inbenta.knowledge,
		prefix,
		tokenPath: '/v1/auth',
		custom: (path) => ({ resource: 'customApiCall', operation: 'call', product: 'knowledge', method: 'GET', path }),
		byId: (id) => ({ resource: 'knowledge', operation: 'getContent', by: 'id', contentId: id }),
		okPath: `${prefix}/contents/popular`,
		okCustomPath: '/contents/popular',
		tokenRequests: () => [...inbenta.auth.requestsTo('POST', '/v1/auth'), ...inbenta.auth.requestsTo('POST', '/v1/refreshToken')],
		exchange: { server: inbenta.auth, match: (request) => request.method === 'POST' && request.path === '/v1/auth', prepare: () => undefined },
		secrets: () => [inbenta.apiSecret, inbenta.domainKey, ...inbenta.issuedTokens()],
		run: (parameters, items, continueOnFail) =>
			harness.run({ type: 'inbenta', parameters, credentials: { inbentaApi: flow }, items, continueOnFail }),
		reset: () => {
			inbenta.reset();
			harness = new Harness({ credentialTypes: [new InbentaApi()], nodeTypes: { inbenta: new Inbenta() } });
			const common = { flow, apiKey: inbenta.apiKey, baseUrlOverride: inbenta.auth.url, accessToken: '' };
			harness.addCredential(
				flow,
				'inbentaApi',
				flow === 'apiSecret' ? { ...common, apiSecret: inbenta.apiSecret } : { ...common, domainKeyToken: inbenta.domainKey, domain: inbenta.allowedDomain },
			);
		},
	};
}

function harnessTokens(harness: Harness, id: string, ...fields: string[]): string[] {
	const stored = harness.store.read(id);
	return fields.map((field) => String(stored[field] ?? '')).filter((value) => value.length >= 8);
}

export function allTargets(): Target[] {
	return [
		referenceTarget(),
		fiskalyTarget(),
		checkfrontTarget('checkfrontApi'),
		checkfrontTarget('checkfrontOAuth2Api'),
		fattureInCloudTarget('fattureInCloudOAuth2Api'),
		fattureInCloudTarget('fattureInCloudApi'),
		fattureInCloudTarget('fattureInCloudDeviceCodeApi'),
		fattureInCloudTarget('fattureInCloudRefreshTokenApi'),
		hubriseTarget('hubriseOAuth2Api'),
		hubriseTarget('hubriseApi'),
		inbentaTarget('apiSecret'),
		inbentaTarget('domainKey'),
	];
}

export function beforeEachTarget(target: Target): void {
	resetTokenState();
	target.reset();
}

/** Everything a user or a log could see of a run: error texts, context, output items, run data. */
export function visible(result: RunResult): string {
	const error = result.error;
	return JSON.stringify({
		message: error?.message,
		description: error?.description,
		context: error?.context,
		items: result.items.map((item: INodeExecutionData) => item.json),
		run: result.run.data.resultData,
	});
}

/** Counts the suite reports at the end (printed by each test file). */
export const tally = { cases: 0, itemsIn: 0, itemsOut: 0, itemsLost: 0, nonObjectJson: 0, escaped: 0, secretsLeaked: 0 };

/** Items in vs items out for a Continue On Fail run (every input yields at least one item) and the object rule. */
export function countItems(result: RunResult, inputs: number): void {
	tally.itemsIn += inputs;
	tally.itemsOut += result.items.length;
	const paired = new Set(result.items.map((item) => (item.pairedItem as { item: number }).item));
	for (let index = 0; index < inputs; index++) if (!paired.has(index)) tally.itemsLost += 1;
	for (const item of result.items) {
		if (typeof item.json !== 'object' || item.json === null || Array.isArray(item.json)) tally.nonObjectJson += 1;
	}
}

export function countSecrets(target: Target, result: RunResult): void {
	const text = visible(result);
	for (const secret of target.secrets()) if (secret && text.includes(secret)) tally.secretsLeaked += 1;
}

/** Requests that reached the simulator outside the API prefix (as routed, i.e. after the server resolved dot segments). */
export function escapedRequests(target: Target): RecordedRequest[] {
	return target.server.requests.filter(
		(request) =>
			!(target.prefix === '' || request.path === target.prefix || request.path.startsWith(`${target.prefix}/`)) &&
			request.path !== target.tokenPath,
	);
}
