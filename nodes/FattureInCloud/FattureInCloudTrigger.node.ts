import { NodeConnectionTypes } from 'n8n-workflow';
import type { INodeType, INodeTypeDescription, IWebhookFunctions, IWebhookResponseData } from 'n8n-workflow';

import { COMPANY } from './actions/table';
import { searchCompanies } from './listSearch';
import { AUTHENTICATION, CREDENTIALS } from './transport';
import { challengeOf, changedRecords, checkNotification, chosenEvents, eventSummary, EVENTS_PROPERTY, firstTime, optionsOf, subscriptionHooks, TRIGGER_OPTIONS, typeMatches } from './trigger';

/**
 * Starts a workflow on Fatture in Cloud events. On activation it subscribes this node's webhook URL
 * (POST /c/{company_id}/subscriptions) to the chosen event types and answers Fatture in Cloud's
 * verification GET; on deactivation it deletes the subscription. Every notification is checked
 * before anything starts: the bearer JWT must be signed ES256 by Fatture in Cloud's published key,
 * unexpired, addressed to this URL and this company, and name the same event; otherwise the answer
 * is 401 and no execution starts. A repeated delivery (same ce-id) is acknowledged and ignored.
 */
export class FattureInCloudTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Fatture in Cloud Trigger',
		name: 'fattureInCloudTrigger',
		icon: { light: 'file:fattureincloud.svg', dark: 'file:fattureincloud.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["events"].length + " event type(s)"}}',
		description: 'Starts the workflow when Fatture in Cloud sends a webhook notification (ES256-signed)',
		defaults: { name: 'Fatture in Cloud Trigger' },
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: CREDENTIALS,
		webhooks: [
			// The verification GET comes to the same URL as the notifications.
			{ name: 'setup', httpMethod: 'GET', responseMode: 'onReceived', path: 'webhook' },
			{ name: 'default', httpMethod: 'POST', responseMode: 'onReceived', path: 'webhook' },
		],
		properties: [
			AUTHENTICATION,
			{
				displayName:
					'Webhooks must be enabled for your Fatture in Cloud app (closed beta), and Fatture in Cloud only sends to HTTPS URLs reachable from the internet.',
				name: 'enablementNotice',
				type: 'notice',
				default: '',
			},
			COMPANY,
			EVENTS_PROPERTY,
			TRIGGER_OPTIONS,
		],
	};

	methods = { listSearch: { searchCompanies } };

	webhookMethods = { default: subscriptionHooks };

	async webhook(this: IWebhookFunctions): Promise<IWebhookResponseData> {
		const response = this.getResponseObject();
		if (this.getWebhookName() === 'setup') {
			const challenge = challengeOf(this);
			if (challenge === undefined) {
				response.status(400).json({ message: 'No verification challenge' });
			} else {
				response.status(200).json({ verification: challenge });
			}
			return { noWebhookResponse: true };
		}
		const verdict = await checkNotification(this);
		if (!verdict.ok) {
			this.logger.warn(`Fatture in Cloud Trigger: a notification was refused (${verdict.reason}); no execution was started`);
			response.status(401).json({ message: 'Invalid notification token' });
			return { noWebhookResponse: true };
		}
		const { event, company, api } = verdict;
		if (!typeMatches(chosenEvents(this), event.type)) {
			// The welcome notification after verification, or a type no longer chosen: acknowledged, nothing starts.
			response.status(200).json({ message: 'Event type not chosen in the trigger' });
			return { noWebhookResponse: true };
		}
		if (!firstTime(this, event.id)) {
			// At-least-once delivery: acknowledge the repeat (so it is not retried), start nothing.
			response.status(200).json({ message: 'Already received' });
			return { noWebhookResponse: true };
		}
		const items = optionsOf(this).fetchResources ? await changedRecords(this, event, company, api) : [{ json: eventSummary(event, company) }];
		return { workflowData: [items] };
	}
}
