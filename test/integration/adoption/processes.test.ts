/* eslint-disable @typescript-eslint/no-require-imports */
import * as workflow from 'n8n-workflow';
import type { ICredentialType, IDataObject, INodeType } from 'n8n-workflow';

import { CredentialStore, Harness } from '../../harness';
import type { RunResult } from '../../harness';
import { FattureInCloudSimulator } from '../../simulators/fattureincloud';
import { FiskalySimulator } from '../../simulators/fiskaly';
import type { RecordedRequest, SimulatorServer } from '../../simulators/framework';
import { HubRiseSimulator } from '../../simulators/hubrise';
import { InbentaSimulator } from '../../simulators/inbenta';

/**
 * Token adoption across processes (issue 14), per provider, through n8n-core's real path: two
 * "processes" are two harnesses sharing one credential store, each with its own copy of the package's
 * modules (jest.isolateModules), so each has its own token cache, single-flight and refusal memory, as
 * a queue-mode main and worker do. The simulators run in their strictest modes (a new token revokes
 * every older one; refresh tokens are single-use). Two cases each:
 *   - a sibling replaced the token while this process's request was on the wire: the 401 is answered
 *     by adopting the stored token; this process mints nothing, no execution fails;
 *   - both processes find the token dead at once: at most one mint each, no execution fails.
 */

interface Modules {
	node: INodeType;
	credentials: ICredentialType[];
}

/** The package's modules as a second process has them: its own module instances (n8n-workflow shared, as n8n's). */
function inSiblingProcess(load: () => Modules): Modules {
	let loaded: Modules | undefined;
	jest.isolateModules(() => {
		jest.doMock('n8n-workflow', () => workflow);
		loaded = load();
	});
	return loaded as Modules;
}

interface Provider {
	name: string;
	type: string;
	credentialType: string;
	load: () => Modules;
	servers: () => SimulatorServer[];
	start: () => Promise<unknown>;
	stop: () => Promise<unknown>;
	/** Strictest mode, clean state, and the credential as a user saves it. */
	setUp: (store: CredentialStore) => void;
	parameters: IDataObject;
	items: (n: number) => IDataObject[];
	isApiCall: (request: RecordedRequest) => boolean;
	/** Token requests the provider answered with a token, so far. */
	mints: () => number;
	/** What makes the sibling mint while this process's request is held (its token ends at the provider, or a new code). */
	siblingReason: (store: CredentialStore) => void;
	/** The token dies for both processes (lifetime over, stored expiry passed). */
	bothDead: (store: CredentialStore) => void;
	/** The token the store holds now. */
	storedToken: (store: CredentialStore) => string;
	/** The token the last API request carried. */
	sentToken: (request: RecordedRequest) => string | undefined;
}

const CREDENTIAL_ID = 'shared';
const bearer = (request: RecordedRequest) => /^Bearer (.+)$/.exec(String(request.headers.authorization ?? ''))?.[1];
const past = () => new Date(Date.now() - 120_000).toISOString();

const fiskaly = new FiskalySimulator({ tssCount: 1 });
const TSS = '00000000-0000-4000-8000-000000000001';
const inbenta = new InbentaSimulator();
const hubrise = new HubRiseSimulator();
const fic = new FattureInCloudSimulator();
const SCOPES = ['entity.clients:a', 'issued_documents.invoices:r'];
const HUBRISE_SCOPE = 'location[orders.write,customer_list.write,catalog.write,inventory.write]';

const PROVIDERS: Provider[] = [
	{
		name: 'fiskalyApi (a new token revokes every older one)',
		type: 'fiskaly',
		credentialType: 'fiskalyApi',
		load: () => ({
			node: new (require('../../../nodes/Fiskaly/Fiskaly.node') as typeof import('../../../nodes/Fiskaly/Fiskaly.node')).Fiskaly(),
			credentials: [new (require('../../../credentials/FiskalyApi.credentials') as typeof import('../../../credentials/FiskalyApi.credentials')).FiskalyApi()],
		}),
		servers: () => [fiskaly.server],
		start: () => fiskaly.start(),
		stop: () => fiskaly.stop(),
		setUp: (store) => {
			fiskaly.invalidateOlderTokens = true;
			fiskaly.tokenCalls.length = 0;
			store.put({
				id: CREDENTIAL_ID,
				name: 'fiskaly',
				type: 'fiskalyApi',
				data: { family: 'signDe', environment: 'test', apiKey: fiskaly.apiKey, apiSecret: fiskaly.apiSecret, baseUrlOverride: fiskaly.server.url, accessToken: '' },
			});
		},
		parameters: { resource: 'tss', operation: 'get', tssId: '={{ $json.tssId }}' },
		items: (n) => Array.from({ length: n }, () => ({ tssId: TSS })),
		isApiCall: (request) => request.path.startsWith('/api/v2/tss'),
		mints: () => fiskaly.tokenCalls.filter((call) => call.ok).length,
		siblingReason: () => fiskaly.expireAccessTokens(),
		bothDead: (store) => {
			fiskaly.expireAccessTokens();
			store.update(CREDENTIAL_ID, { ...store.read(CREDENTIAL_ID), accessTokenExpiresAt: past() });
		},
		storedToken: (store) => String(store.read(CREDENTIAL_ID).accessToken),
		sentToken: bearer,
	},
	{
		name: 'inbentaApi (every token issued revokes the older ones)',
		type: 'inbenta',
		credentialType: 'inbentaApi',
		load: () => ({
			node: new (require('../../../nodes/Inbenta/Inbenta.node') as typeof import('../../../nodes/Inbenta/Inbenta.node')).Inbenta(),
			credentials: [new (require('../../../credentials/InbentaApi.credentials') as typeof import('../../../credentials/InbentaApi.credentials')).InbentaApi()],
		}),
		servers: () => inbenta.servers(),
		start: () => inbenta.start(),
		stop: () => inbenta.stop(),
		setUp: (store) => {
			inbenta.reset();
			inbenta.invalidateOlderTokens = true;
			store.put({
				id: CREDENTIAL_ID,
				name: 'inbenta',
				type: 'inbentaApi',
				data: { flow: 'apiSecret', apiKey: inbenta.apiKey, apiSecret: inbenta.apiSecret, baseUrlOverride: inbenta.auth.url, accessToken: '' },
			});
		},
		parameters: { resource: 'knowledge', operation: 'search', query: 'password', limit: 1 },
		items: (n) => Array.from({ length: n }, () => ({})),
		isApiCall: (request) => request.path.includes('/prod/'),
		mints: () => inbenta.authCalls.filter((call) => call.ok && call.grant !== 'apis').length,
		siblingReason: () => inbenta.expireTokens(),
		bothDead: (store) => {
			inbenta.expireTokens();
			store.update(CREDENTIAL_ID, { ...store.read(CREDENTIAL_ID), accessTokenExpiresAt: past(), accessTokenRenewAt: past() });
		},
		storedToken: (store) => String(store.read(CREDENTIAL_ID).accessToken),
		sentToken: bearer,
	},
	{
		name: 'hubriseApi (the user pasted a new code; the new connection blocks the old one)',
		type: 'hubRise',
		credentialType: 'hubriseApi',
		load: () => ({
			node: new (require('../../../nodes/HubRise/HubRise.node') as typeof import('../../../nodes/HubRise/HubRise.node')).HubRise(),
			credentials: [new (require('../../../credentials/HubRiseApi.credentials') as typeof import('../../../credentials/HubRiseApi.credentials')).HubRiseApi()],
		}),
		servers: () => [hubrise.server],
		start: () => hubrise.start(),
		stop: () => hubrise.stop(),
		setUp: (store) => {
			hubrise.reset();
			store.put({
				id: CREDENTIAL_ID,
				name: 'hubrise',
				type: 'hubriseApi',
				data: {
					clientId: hubrise.clientId,
					clientSecret: hubrise.clientSecret,
					customScope: HUBRISE_SCOPE,
					authorizationCodeSecret: hubrise.issueCode(HUBRISE_SCOPE),
					accessToken: '',
					baseUrlOverride: hubrise.server.url,
					connectionToken: '',
				},
			});
		},
		parameters: { authentication: 'hubriseApi', resource: 'location', operation: 'get' },
		items: (n) => Array.from({ length: n }, () => ({})),
		isApiCall: (request) => request.path === '/v1/location' || request.path.startsWith('/v1/locations/'),
		mints: () => hubrise.connections.size,
		siblingReason: (store) => {
			// The user reconnected (a new code); the process that exchanges it blocks the connection before.
			for (const token of hubrise.connections.keys()) hubrise.revoke(token);
			store.update(CREDENTIAL_ID, { ...store.read(CREDENTIAL_ID), authorizationCodeSecret: hubrise.issueCode(HUBRISE_SCOPE) });
		},
		bothDead: (store) => {
			for (const token of hubrise.connections.keys()) hubrise.revoke(token);
			store.update(CREDENTIAL_ID, { ...store.read(CREDENTIAL_ID), authorizationCodeSecret: hubrise.issueCode(HUBRISE_SCOPE) });
		},
		storedToken: (store) => String(store.read(CREDENTIAL_ID).connectionToken),
		sentToken: (request) => (typeof request.headers['x-access-token'] === 'string' ? request.headers['x-access-token'] : undefined),
	},
	{
		name: 'fattureInCloudRefreshTokenApi (every refresh rotates the pair; a refresh token works once)',
		type: 'fattureInCloud',
		credentialType: 'fattureInCloudRefreshTokenApi',
		load: () => ({
			node: new (require('../../../nodes/FattureInCloud/FattureInCloud.node') as typeof import('../../../nodes/FattureInCloud/FattureInCloud.node')).FattureInCloud(),
			credentials: [
				new (require('../../../credentials/FattureInCloudRefreshTokenApi.credentials') as typeof import('../../../credentials/FattureInCloudRefreshTokenApi.credentials')).FattureInCloudRefreshTokenApi(),
			],
		}),
		servers: () => [fic.server],
		start: () => fic.start(),
		stop: () => fic.stop(),
		setUp: (store) => {
			fic.reset();
			store.put({
				id: CREDENTIAL_ID,
				name: 'fic',
				type: 'fattureInCloudRefreshTokenApi',
				data: { baseUrlOverride: fic.server.url, clientId: fic.clientId, clientSecret: fic.clientSecret, refreshToken: fic.issuePair(SCOPES).refresh_token, accessToken: '' },
			});
		},
		parameters: { authentication: 'fattureInCloudRefreshTokenApi', resource: 'user', operation: 'getInfo' },
		items: (n) => Array.from({ length: n }, () => ({})),
		isApiCall: (request) => request.path === '/user/info',
		// Every successful refresh issues a new pair (and kills the refresh token used): live + dead - the one pasted.
		mints: () => fic.refreshTokens.size - 1,
		siblingReason: () => fic.expireAccessTokens(),
		bothDead: (store) => {
			fic.expireAccessTokens();
			store.update(CREDENTIAL_ID, { ...store.read(CREDENTIAL_ID), accessTokenExpiresAt: past() });
		},
		storedToken: (store) => String(store.read(CREDENTIAL_ID).accessToken),
		sentToken: bearer,
	},
];

const ITEMS = 3;
const figures: string[] = [];
afterAll(() => {
	// eslint-disable-next-line no-console
	console.log(`token adoption across two processes (harness):\n${figures.map((line) => `  ${line}`).join('\n')}`);
});

describe.each(PROVIDERS.map((provider) => [provider.name, provider] as const))('%s', (_name, provider) => {
	let store: CredentialStore;
	let first: Harness;
	let second: Harness;
	const harnessOf = (modules: Modules) => new Harness({ credentialTypes: modules.credentials, nodeTypes: { [provider.type]: modules.node }, store });
	const run = async (harness: Harness, items: number): Promise<RunResult> =>
		await harness.run({ type: provider.type, parameters: provider.parameters, credentials: { [provider.credentialType]: CREDENTIAL_ID }, items: provider.items(items) });
	const apiCalls = () => provider.servers().flatMap((server) => server.requests).filter(provider.isApiCall);

	beforeAll(() => provider.start());
	afterAll(() => provider.stop());
	beforeEach(() => {
		store = new CredentialStore();
		provider.setUp(store);
		const [one, two] = [inSiblingProcess(provider.load), inSiblingProcess(provider.load)];
		// Two processes: each its own copy of the package (token cache, single-flight, refusal memory).
		expect(one.node.constructor).not.toBe(two.node.constructor);
		first = harnessOf(one);
		second = harnessOf(two);
	});

	it('a sibling replaced the token while a request was on the wire: adopted, nothing minted, nothing failed', async () => {
		expect((await run(first, 1)).error).toBeUndefined();
		const minted = provider.mints();
		expect(minted).toBe(1);
		let release = () => undefined as void;
		const siblingDone = new Promise<void>((resolve) => (release = resolve));
		const server = provider.servers().find((candidate) => candidate.requests.some(provider.isApiCall)) as SimulatorServer;
		const before = apiCalls().length;
		server.inject({ kind: 'hold', until: siblingDone }, { match: provider.isApiCall, times: 1 });
		const held = run(first, ITEMS);
		while (apiCalls().length === before) await new Promise((resolve) => setTimeout(resolve, 10));
		provider.siblingReason(store);
		const sibling = await run(second, ITEMS);
		release();
		const adopted = await held;
		expect({ sibling: sibling.error?.message, adopted: adopted.error?.message }).toEqual({ sibling: undefined, adopted: undefined });
		expect(adopted.items).toHaveLength(ITEMS);
		// One mint, the sibling's; the process whose request was held minted nothing.
		expect(provider.mints() - minted).toBe(1);
		const calls = apiCalls();
		expect(provider.sentToken(calls[calls.length - 1])).toBe(provider.storedToken(store));
		figures.push(`${provider.credentialType}: sibling replaced the token: mints by the adopting process 0, by the sibling ${provider.mints() - minted}, failed 0`);
	});

	it('both processes find the token dead at once: at most one mint each, nothing failed, the newest token stored', async () => {
		expect((await run(first, 1)).error).toBeUndefined();
		const minted = provider.mints();
		provider.bothDead(store);
		const results = await Promise.all([run(first, ITEMS), run(second, ITEMS)]);
		expect(results.map((result) => result.error?.message)).toEqual([undefined, undefined]);
		const mints = provider.mints() - minted;
		expect(mints).toBeGreaterThanOrEqual(1);
		expect(mints).toBeLessThanOrEqual(2);
		const calls = apiCalls();
		expect(provider.sentToken(calls[calls.length - 1])).toBe(provider.storedToken(store));
		figures.push(`${provider.credentialType}: both found it dead: mints ${mints} (two processes), failed 0`);
	});
});
