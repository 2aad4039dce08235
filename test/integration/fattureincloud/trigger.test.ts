import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { FattureInCloudApi } from '../../../credentials/FattureInCloudApi.credentials';
import { FattureInCloudDeviceCodeApi } from '../../../credentials/FattureInCloudDeviceCodeApi.credentials';
import { FattureInCloudOAuth2Api } from '../../../credentials/FattureInCloudOAuth2Api.credentials';
import { FattureInCloudRefreshTokenApi } from '../../../credentials/FattureInCloudRefreshTokenApi.credentials';
import { FattureInCloudTrigger } from '../../../nodes/FattureInCloud/FattureInCloudTrigger.node';
import { Harness } from '../../harness';
import { startWebhookEndpoint } from '../../harness/webhookEndpoint';
import type { WebhookEndpoint } from '../../harness/webhookEndpoint';
import type { Forgery } from '../../simulators/fattureincloudWebhooks';
import { encodings } from '../../secret-encodings';
import { AUTHS, rig, secrets, sim } from './setup';
import type { Auth } from './setup';

/**
 * The Fatture in Cloud Trigger through n8n-core's HookContext and WebhookContext: activation creates
 * the subscription on the simulator, which sends its verification GET (header or query mode) and
 * then signed (or forged) CloudEvents over real HTTP to a loopback endpoint playing n8n's webhook
 * server (GET → the node's "setup" webhook, POST → "default"; raw body kept; an execution counted
 * when webhook() returns workflow data). The workflow's static data is kept between calls, as n8n does.
 */

const COMPANY = 12345;
const INVOICE_CREATE = 'it.fattureincloud.webhooks.issued_documents.invoices.create';
const CLIENT_CREATE = 'it.fattureincloud.webhooks.entities.clients.create';

const executions: INodeExecutionData[][] = [];
let endpoint: WebhookEndpoint;
let endpointUrl = '';
let harness: Harness;
let staticData: IDataObject;
let triggerRun: { type: string; parameters: IDataObject; credentials: Record<string, string> };
/** No secret of any credential, in any encoding, in what the trigger emitted or answered. */
function expectNoSecret(value: unknown): void {
	const text = JSON.stringify(value);
	for (const secret of secrets()) for (const form of Object.values(encodings(secret))) if (form.length >= 6) expect(text).not.toContain(form);
}

const sink = () => `${endpointUrl}/wh-1/webhook`;

function configure(auth: Auth, parameters: IDataObject = {}, options: IDataObject = {}) {
	triggerRun = {
		type: 'fattureInCloudTrigger',
		parameters: {
			authentication: auth,
			companyId: { mode: 'id', value: String(COMPANY) },
			events: [INVOICE_CREATE, 'it.fattureincloud.webhooks.entities.all.create'],
			options: { publicKeyOverride: sim.webhooks.signing.publicPem, ...options },
			...parameters,
		},
		credentials: { [auth]: auth },
	};
}

beforeAll(async () => {
	endpoint = await startWebhookEndpoint(async (request, response) => {
		const result = await harness.webhookCall({ ...triggerRun, staticData, request, response, webhookName: request.method === 'GET' ? 'setup' : 'default', webhookBaseUrl: endpointUrl, webhookId: 'wh-1' });
		if (result.workflowData) executions.push(result.workflowData[0]);
		return result;
	});
	endpointUrl = endpoint.url;
});
afterAll(async () => {
	await endpoint.close();
});

beforeEach(() => {
	executions.length = 0;
	staticData = {};
	harness = new Harness({
		credentialTypes: [new FattureInCloudOAuth2Api(), new FattureInCloudApi(), new FattureInCloudDeviceCodeApi(), new FattureInCloudRefreshTokenApi()],
		nodeTypes: { fattureInCloudTrigger: new FattureInCloudTrigger() },
		store: rig.harness.store,
	});
	configure('fattureInCloudOAuth2Api');
});

const hook = async (method: 'checkExists' | 'create' | 'delete') => await harness.webhookMethod({ ...triggerRun, staticData, method, webhookBaseUrl: endpointUrl, webhookId: 'wh-1' });

describe('Fatture in Cloud Trigger: subscription', () => {
	it.each(AUTHS)('with %s: activation creates a verified subscription to the webhook URL (header challenge answered), deactivation deletes it', async (auth) => {
		configure(auth);
		expect(await hook('checkExists')).toBe(false);
		expect(await hook('create')).toBe(true);
		const [sub] = sim.webhooks.of(COMPANY);
		expect(sub).toMatchObject({ sink: sink(), types: [INVOICE_CREATE, 'it.fattureincloud.webhooks.entities.all.create'].sort(), verificationMethod: 'header', mapping: 'binary', verified: true });
		const [verification, welcome] = sim.webhooks.deliveries;
		expect(verification).toMatchObject({ kind: 'verification', status: 200 });
		expect(verification.headers['x-fic-verification-challenge']).toMatch(/^challenge-/);
		expect(JSON.parse(verification.responseBody)).toEqual({ verification: verification.headers['x-fic-verification-challenge'] });
		// The welcome notification is acknowledged and starts nothing (not a chosen event type).
		expect(welcome).toMatchObject({ kind: 'notification', type: 'it.fattureincloud.webhooks.subscriptions.welcome', status: 200 });
		expect(executions).toHaveLength(0);
		expect(staticData['node:Under Test']).toMatchObject({ subscriptionId: sub.id, companyId: String(COMPANY) });

		expect(await hook('checkExists')).toBe(true);
		expect(await hook('delete')).toBe(true);
		expect(sim.webhooks.of(COMPANY)).toEqual([]);
		expect(await hook('checkExists')).toBe(false);
		// Deleting again (already gone) is not an error.
		expect(await hook('delete')).toBe(true);
		expectNoSecret(sim.webhooks.deliveries);
	});

	it('answers the challenge in query mode, finds the only company when none is picked, and reads structured CloudEvents', async () => {
		configure('fattureInCloudApi', { companyId: { mode: 'list', value: '' } }, { verificationMethod: 'query', mapping: 'structured' });
		await hook('create');
		const [sub] = sim.webhooks.of(COMPANY);
		expect(sub).toMatchObject({ verificationMethod: 'query', mapping: 'structured', verified: true });
		const verification = sim.webhooks.deliveries[0];
		expect(verification.headers['x-fic-verification-challenge']).toBeUndefined();
		const challenge = new URL(verification.url).searchParams.get('x-fic-verification-challenge');
		expect(challenge).toMatch(/^challenge-/);
		expect(JSON.parse(verification.responseBody)).toEqual({ verification: challenge });
		// One for the subscription, one for the welcome notification that arrived while it was being created
		// (before the company resolved at activation was remembered).
		expect(sim.server.requestsTo('GET', '/user/companies')).toHaveLength(2);

		const [delivery] = await sim.webhooks.notify(COMPANY, CLIENT_CREATE, { ids: [77, 78] });
		expect(delivery.headers['content-type']).toBe('application/cloudevents+json');
		expect(delivery.status).toBe(200);
		expect(executions).toHaveLength(1);
		expect(executions[0][0].json).toMatchObject({ id: delivery.eventId, type: CLIENT_CREATE, companyId: String(COMPANY), ids: ['77', '78'], mode: 'structured', subject: `company:${COMPANY}` });
		// The company resolved at activation is remembered: no further /user/companies.
		expect(sim.server.requestsTo('GET', '/user/companies')).toHaveLength(2);
	});

	it("refuses Fatture in Cloud's real host with a test-only public key (activation fails before any call)", async () => {
		harness.addCredential('real', 'fattureInCloudApi', { accessToken: 'a/manual-real-host-token' });
		triggerRun = { ...triggerRun, parameters: { ...triggerRun.parameters, authentication: 'fattureInCloudApi' }, credentials: { fattureInCloudApi: 'real' } };
		const before = sim.server.requests.length;
		await expect(hook('create')).rejects.toThrow(/only for simulators/);
		expect(sim.server.requests.length).toBe(before);
	});
});

describe('Fatture in Cloud Trigger: notifications', () => {
	beforeEach(async () => {
		await hook('create');
		sim.webhooks.deliveries.length = 0;
	});

	it('a correctly signed notification starts exactly one execution; every forged or misaddressed one gets 401 and starts none', async () => {
		const [good] = await sim.webhooks.notify(COMPANY, INVOICE_CREATE, { ids: [3062300] });
		expect(good.status).toBe(200);
		expect(executions).toHaveLength(1);
		expect(executions[0].map((item) => item.json)).toEqual([
			{ id: good.eventId, type: INVOICE_CREATE, time: good.headers['ce-time'], subject: `company:${COMPANY}`, source: 'https://api-v2.fattureincloud.it', companyId: String(COMPANY), ids: ['3062300'], mode: 'binary', data: { data: { ids: [3062300] } } },
		]);

		const forgeries: Forgery[] = ['otherKey', 'expired', 'otherSink', 'otherCompany', 'tampered', 'algNone', 'noToken', 'otherEventId'];
		for (const forge of forgeries) {
			const [bad] = await sim.webhooks.notify(COMPANY, INVOICE_CREATE, { forge });
			expect([forge, bad.status, bad.responseBody]).toEqual([forge, 401, '{"message":"Invalid notification token"}']);
		}
		expect(executions).toHaveLength(1);
		console.log(`Fatture in Cloud Trigger: 1 signed notification → 1 execution; ${forgeries.length} forged (${forgeries.join(', ')}) → 401, 0 executions`);
	});

	it('a repeated ce-id starts no second execution; a forged delivery does not burn the id of a later genuine one', async () => {
		const [first] = await sim.webhooks.notify(COMPANY, INVOICE_CREATE);
		const [again] = await sim.webhooks.notify(COMPANY, INVOICE_CREATE, { eventId: first.eventId });
		expect([first.status, again.status]).toEqual([200, 200]);
		expect(JSON.parse(again.responseBody)).toEqual({ message: 'Already received' });
		expect(executions).toHaveLength(1);

		const [forged] = await sim.webhooks.notify(COMPANY, INVOICE_CREATE, { forge: 'otherKey', eventId: '900:next' });
		expect(forged.status).toBe(401);
		const [genuine] = await sim.webhooks.notify(COMPANY, INVOICE_CREATE, { eventId: '900:next' });
		expect(genuine.status).toBe(200);
		expect(executions).toHaveLength(2);
		expect(executions[1][0].json.id).toBe('900:next');
	});

	it('an "All Types" group matches its members; events of types not chosen are acknowledged without an execution', async () => {
		await sim.webhooks.notify(COMPANY, 'it.fattureincloud.webhooks.entities.suppliers.create');
		expect(executions).toHaveLength(1);
		expect(executions[0][0].json.type).toBe('it.fattureincloud.webhooks.entities.suppliers.create');
		// Not subscribed: the simulator does not even deliver it.
		expect(await sim.webhooks.notify(COMPANY, 'it.fattureincloud.webhooks.products.update')).toEqual([]);
	});

	it('Fetch Changed Resources emits the records read from the API instead of bare ids; deleted ones as their id', async () => {
		configure('fattureInCloudOAuth2Api', { events: [INVOICE_CREATE, 'it.fattureincloud.webhooks.issued_documents.invoices.delete'] }, { fetchResources: true });
		await hook('delete');
		await hook('create');
		const before = sim.server.requestsTo('GET', /^\/c\/12345\/issued_documents\/\d+$/).length;
		await sim.webhooks.notify(COMPANY, INVOICE_CREATE, { ids: [11, 12] });
		expect(sim.server.requestsTo('GET', /^\/c\/12345\/issued_documents\/\d+$/).map((request) => request.path).slice(before)).toEqual(['/c/12345/issued_documents/11', '/c/12345/issued_documents/12']);
		expect(executions).toHaveLength(1);
		expect(executions[0]).toHaveLength(2);
		for (const item of executions[0]) {
			expect(item.json).toMatchObject({ type: expect.any(String), numeration: expect.any(String), _event: { type: INVOICE_CREATE, companyId: String(COMPANY) } });
		}
		await sim.webhooks.notify(COMPANY, 'it.fattureincloud.webhooks.issued_documents.invoices.delete', { ids: [11] });
		expect(executions[1].map((item) => item.json)).toEqual([{ id: '11', deleted: true, _event: expect.objectContaining({ type: 'it.fattureincloud.webhooks.issued_documents.invoices.delete' }) }]);
		expect(sim.server.requestsTo('GET', /^\/c\/12345\/issued_documents\/\d+$/).length - before).toBe(2);
		expectNoSecret(executions);
	});
});

