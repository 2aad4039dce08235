import { NodeConnectionTypes } from 'n8n-workflow';
import type { IDataObject, INodeExecutionData, INodeType, INodeTypeDescription, IPollFunctions } from 'n8n-workflow';

import { apiPage } from '../shared/request';
import type { RequestContext } from '../shared/request';
import { EVENTS_PROPERTY } from './actions/callback';
import { AUTHENTICATION, callbackCall, chosenEvents, LIST_STRATEGY, sameCallback, TRIGGER_CREDENTIALS, triggerConnection } from './trigger';

/**
 * The passive mode, for n8n instances HubRise cannot reach: polls GET /callback/events (set the
 * interval to 30 s or more: HubRise's daily limit) and emits each event once. An event is
 * acknowledged (DELETE /callback/events/:id) only after it was emitted: the ids emitted by one poll
 * are kept in the node's static data and acknowledged at the start of the next poll, so an event
 * is never lost between emission and acknowledgement, and never emitted twice.
 */
export class HubRiseEventsTrigger implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'HubRise Passive Trigger',
		name: 'hubRiseEventsTrigger',
		icon: { light: 'file:hubrise.svg', dark: 'file:hubrise.dark.svg' },
		group: ['trigger'],
		version: 1,
		subtitle: '={{$parameter["events"].join(", ")}}',
		description: 'Polls HubRise for callback events (passive callback), for n8n instances HubRise cannot reach',
		defaults: { name: 'HubRise Passive Trigger' },
		polling: true,
		inputs: [],
		outputs: [NodeConnectionTypes.Main],
		credentials: TRIGGER_CREDENTIALS,
		properties: [
			{
				displayName: 'Set the poll interval to 30 seconds or more: HubRise allows 10,000 requests a day per connection',
				name: 'intervalNotice',
				type: 'notice',
				default: '',
			},
			AUTHENTICATION,
			EVENTS_PROPERTY,
		],
	};

	async poll(this: IPollFunctions): Promise<INodeExecutionData[][] | null> {
		const api = await triggerConnection(this);
		const state = this.getWorkflowStaticData('node') as { emitted?: string[] };
		// Acknowledge what the previous poll emitted (n8n has started its execution by now).
		for (const id of state.emitted ?? []) {
			// Already acknowledged (404) or gone: it was emitted, that is what counts.
			const gone = await callbackCall(this, api, 'DELETE', `/callback/events/${encodeURIComponent(id)}`).then(
				() => undefined,
				(error: { httpCode?: string }) => (String(error.httpCode) === '404' ? undefined : error),
			);
			if (gone) throw gone;
		}
		const acknowledged = new Set(state.emitted ?? []);
		state.emitted = [];
		const events = chosenEvents(this);
		const current = await callbackCall(this, api, 'GET', '/callback');
		if (!sameCallback(current, null, events)) await callbackCall(this, api, 'POST', '/callback', { url: null, events });

		const fresh: IDataObject[] = [];
		let token: string | undefined;
		for (let page = 0; page < 50; page++) {
			const result = await apiPage(this as unknown as RequestContext, api, { path: '/callback/events' }, LIST_STRATEGY, token);
			for (const event of result.items) if (!acknowledged.has(String(event.id))) fresh.push(event);
			token = result.nextToken;
			if (!token) break;
		}
		if (fresh.length === 0) return null;
		// The list carries no states (HubRise saves bandwidth there): each event is read whole.
		const full: IDataObject[] = [];
		for (const event of fresh) full.push(await callbackCall(this, api, 'GET', `/callback/events/${encodeURIComponent(String(event.id))}`));
		state.emitted = full.map((event) => String(event.id));
		return [this.helpers.returnJsonArray(full)];
	}
}
