import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { HubRiseApi } from '../../../credentials/HubRiseApi.credentials';
import { HubRiseOAuth2Api } from '../../../credentials/HubRiseOAuth2Api.credentials';
import { HubRiseEventsTrigger } from '../../../nodes/HubRise/HubRiseEventsTrigger.node';
import { HubRiseTrigger } from '../../../nodes/HubRise/HubRiseTrigger.node';
import { Harness } from '../../harness';
import { startWebhookEndpoint } from '../../harness/webhookEndpoint';
import type { WebhookEndpoint } from '../../harness/webhookEndpoint';
import { expectNoSecret, rig, sim } from './setup';

/**
 * The HubRise triggers through n8n-core's HookContext, WebhookContext and PollContext: activation
 * sets the callback on the simulator, the simulator delivers signed (or forged) events over real
 * HTTP to a loopback endpoint that plays n8n's webhook server (raw body kept, node's webhook()
 * called, an execution counted when it returns workflow data).
 */

const executions: INodeExecutionData[][] = [];
let endpoint: WebhookEndpoint;
let endpointUrl = '';
let harness: Harness;
const triggerRun = { type: 'hubRiseTrigger', parameters: { authentication: 'hubriseOAuth2Api', events: ['order.create', 'order.update'] }, credentials: { hubriseOAuth2Api: 'oauth' } };

beforeAll(async () => {
	endpoint = await startWebhookEndpoint(async (request, response) => {
		const result = await harness.webhookCall({ ...triggerRun, request, response });
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
	harness = new Harness({
		credentialTypes: [new HubRiseOAuth2Api(), new HubRiseApi()],
		nodeTypes: { hubRiseTrigger: new HubRiseTrigger(), hubRiseEventsTrigger: new HubRiseEventsTrigger() },
		store: rig.harness.store,
	});
});

const hook = async (method: 'checkExists' | 'create' | 'delete') =>
	await harness.webhookMethod({ ...triggerRun, method, webhookBaseUrl: endpointUrl, webhookId: 'wh-1' });

describe('HubRise Trigger (signed callback)', () => {
	it('activation sets the callback to the webhook URL with the chosen events; deactivation removes it', async () => {
		expect(await hook('checkExists')).toBe(false);
		expect(await hook('create')).toBe(true);
		const connection = sim.connections.get(rig.oauthToken)!;
		expect(connection.callback).toEqual({ url: `${endpointUrl}/wh-1/webhook`, events: { order: ['create', 'update'] } });
		expect(await hook('checkExists')).toBe(true);
		expect(await hook('delete')).toBe(true);
		expect(connection.callback).toBeNull();
		expect(sim.apiRequests().every((request) => request.headers['x-access-token'] === rig.oauthToken && request.headers.authorization === undefined)).toBe(true);
	});

	it('a correctly signed callback starts exactly one execution with the event; a forged one (valid JSON edited after signing) starts none and gets 401', async () => {
		await hook('create');
		const event = await sim.emit(rig.oauthToken, { resource_type: 'order', event_type: 'create', order_id: 'ord00001', location_id: '3r4s3-1', new_state: { id: 'ord00001', status: 'new' } });
		expect(sim.callbackDeliveries.map((delivery) => delivery.status)).toEqual([200]);
		expect(executions).toHaveLength(1);
		expect(executions[0].map((item) => item.json)).toEqual([event]);

		await sim.emit(rig.oauthToken, { resource_type: 'order', event_type: 'update', order_id: 'ord00001' }, { forge: true });
		await sim.emit(rig.oauthToken, { resource_type: 'order', event_type: 'update', order_id: 'ord00002' }, { omitSignature: true });
		expect(sim.callbackDeliveries.map((delivery) => delivery.status)).toEqual([200, 401, 401]);
		expect(executions).toHaveLength(1);
		// Events not asked for are not delivered at all.
		await sim.emit(rig.oauthToken, { resource_type: 'customer', event_type: 'create' });
		expect(sim.callbackDeliveries).toHaveLength(3);
		expectNoSecret(executions);
	});
});

describe('HubRise Passive Trigger (polling /callback/events)', () => {
	const pollRun = { type: 'hubRiseEventsTrigger', parameters: { authentication: 'hubriseOAuth2Api', events: ['order.create', 'customer.update'] }, credentials: { hubriseOAuth2Api: 'oauth' } };

	it('sets a passive callback, emits every event once, and acknowledges each only after it was emitted', async () => {
		const staticData: IDataObject = {};
		expect(await harness.poll({ ...pollRun, staticData })).toBeNull();
		const connection = sim.connections.get(rig.oauthToken)!;
		expect(connection.callback).toEqual({ url: null, events: { order: ['create'], customer: ['update'] } });

		const emitted: Array<Record<string, unknown>> = [];
		for (let n = 0; n < 120; n++) emitted.push(await sim.emit(rig.oauthToken, { resource_type: 'order', event_type: 'create', order_id: `o${n}`, new_state: { id: `o${n}` } }));
		const first = await harness.poll({ ...pollRun, staticData });
		expect(first?.[0].map((item) => item.json.id)).toEqual(emitted.map((event) => event.id));
		// Whole events (the list has no states): new_state is there.
		expect(first?.[0][0].json.new_state).toEqual({ id: 'o0' });
		// Nothing acknowledged yet: emitted, not yet confirmed started.
		expect(sim.server.requestsTo('DELETE', /^\/v1\/callback\/events\//)).toHaveLength(0);
		expect(connection.events).toHaveLength(120);

		const later = await sim.emit(rig.oauthToken, { resource_type: 'customer', event_type: 'update', customer_id: 've343' });
		const second = await harness.poll({ ...pollRun, staticData });
		// The 120 are acknowledged now, and not emitted again; only the new one is.
		expect(sim.server.requestsTo('DELETE', /^\/v1\/callback\/events\//)).toHaveLength(120);
		expect(second?.[0].map((item) => item.json.id)).toEqual([later.id]);
		expect(connection.events.map((event) => event.id)).toEqual([later.id]);

		expect(await harness.poll({ ...pollRun, staticData })).toBeNull();
		expect(connection.events).toEqual([]);
	});
});

