import type { IDataObject, IHookFunctions, IPollFunctions, IWebhookFunctions, INodeProperties } from 'n8n-workflow';

import { apiRequest } from '../shared/request';
import type { RequestContext } from '../shared/request';
import { verifyHmacSignature } from '../shared/signatures';
import type { SignatureVerdict } from '../shared/signatures';
import { CALLBACK_SIGNATURE_HEADER } from './auth';
import type { HubRiseCredentialType } from './auth';
import { eventsObject } from './actions/callback';
import { connect, LIST_STRATEGY } from './transport';
import type { HubRiseApi } from './transport';

/** What both HubRise triggers share: the credential choice, the callback calls, the signature check. */

export const AUTHENTICATION: INodeProperties = {
	displayName: 'Authentication',
	name: 'authentication',
	type: 'options',
	options: [
		{ name: 'OAuth2', value: 'hubriseOAuth2Api' },
		{ name: 'Installed App (Pasted Code or Token)', value: 'hubriseApi' },
	],
	default: 'hubriseOAuth2Api',
};

export const TRIGGER_CREDENTIALS = [
	{ name: 'hubriseOAuth2Api', required: true, displayOptions: { show: { authentication: ['hubriseOAuth2Api'] } } },
	{ name: 'hubriseApi', required: true, displayOptions: { show: { authentication: ['hubriseApi'] } } },
];

type TriggerContext = IHookFunctions | IPollFunctions | IWebhookFunctions;

function credentialType(ctx: TriggerContext): HubRiseCredentialType {
	return ctx.getNodeParameter('authentication', 'hubriseOAuth2Api') === 'hubriseApi' ? 'hubriseApi' : 'hubriseOAuth2Api';
}

export async function triggerConnection(ctx: TriggerContext): Promise<HubRiseApi> {
	return await connect(ctx as unknown as RequestContext, credentialType(ctx));
}

export async function callbackCall(ctx: TriggerContext, api: HubRiseApi, method: 'GET' | 'POST' | 'DELETE', path: string, body?: IDataObject) {
	return (await apiRequest<IDataObject>(ctx as unknown as RequestContext, api, { method, path, body })).body;
}

/** The events chosen in the trigger, as HubRise's callback body wants them. */
export function chosenEvents(ctx: TriggerContext): Record<string, string[]> {
	return eventsObject(ctx.getNodeParameter('events', []));
}

/** True when HubRise's callback already points at `url` with exactly these events. */
export function sameCallback(current: IDataObject, url: string | null, events: Record<string, string[]>): boolean {
	const sorted = (value: unknown) =>
		JSON.stringify(Object.entries((value ?? {}) as Record<string, string[]>).map(([key, list]) => [key, [...list].sort()]).sort());
	return (current.url ?? null) === url && sorted(current.events) === sorted(events);
}

/** Checks one delivery against the client secret of the trigger's credential. */
export async function checkDelivery(ctx: IWebhookFunctions): Promise<SignatureVerdict> {
	const request = ctx.getRequestObject() as unknown as { rawBody?: Buffer; headers: Record<string, string | string[] | undefined> };
	const credentials = await ctx.getCredentials(credentialType(ctx));
	return verifyHmacSignature({
		rawBody: request.rawBody,
		signature: request.headers[CALLBACK_SIGNATURE_HEADER],
		secret: typeof credentials.clientSecret === 'string' ? credentials.clientSecret : '',
	});
}

export { LIST_STRATEGY };
