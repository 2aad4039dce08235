import { NodeConnectionTypes } from 'n8n-workflow';
import type { IHookFunctions, INodeType, INodeTypeDescription, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { EVENTS_PROPERTY } from './actions/callback';
import { AUTHENTICATION, callbackCall, checkDelivery, chosenEvents, sameCallback, TRIGGER_CREDENTIALS, triggerConnection } from './trigger';

/**
 * Starts a workflow on HubRise events. On activation it sets the connection's callback to this
 * node's webhook URL with the chosen events, and removes it on deactivation. Every delivery is
 * checked: X-HubRise-Hmac-SHA256 must be the hex HMAC-SHA256 of the raw body with the client secret
 * (constant-time); otherwise the answer is 401 and no execution starts.
 */
export class HubRiseTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'HubRise Trigger',
		name: 'hubRiseTrigger',
		icon: { light: 'file:hubrise.svg', dark: 'file:hubrise.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["events"].join(", ")}}',
		description: 'Starts the workflow when HubRise sends an event (signed callback)',
		defaults: { name: 'HubRise Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: TRIGGER_CREDENTIALS,
		webhooks: [{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'webhook' }],
		properties: [AUTHENTICATION, EVENTS_PROPERTY],
	};

	webhookMethods = {
		default: {
			async checkExists(this: IHookFunctions): Promise<boolean> {
				const api = await triggerConnection(this);
				const current = await callbackCall(this, api, 'GET', '/callback');
				return sameCallback(current, this.getNodeWebhookUrl('default') ?? '', chosenEvents(this));
			},
			async create(this: IHookFunctions): Promise<boolean> {
				const api = await triggerConnection(this);
				await callbackCall(this, api, 'POST', '/callback', { url: this.getNodeWebhookUrl('default') ?? '', events: chosenEvents(this) });
				return true;
			},
			async delete(this: IHookFunctions): Promise<boolean> {
				const api = await triggerConnection(this);
				await callbackCall(this, api, 'DELETE', '/callback');
				return true;
			},
		},
	};

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const verdict = await checkDelivery(this);
		if (!verdict.ok) {
			this.logger.warn(`HubRise Trigger: a delivery was refused (${verdict.reason}); no execution was started`);
			this.getResponseObject().status(401).json({ message: 'Invalid signature' });
			return { noWebhookResponse: true };
		}
		return { workflowData: [this.helpers.returnJsonArray([this.getBodyData()])] };
	}
}
