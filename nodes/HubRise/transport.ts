import { NodeOperationError } from 'n8n-workflow';
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	INodeProperties,
} from 'n8n-workflow';

import { idLocator } from '../shared/locators';
import type { IdLocatorOptions } from '../shared/locators';
import type { OperationCall } from '../shared/operations';
import { headerCursor, itemsAt } from '../shared/paginate';
import type { PaginationStrategy } from '../shared/paginate';
import { listLimit, segmentOf, textParam } from '../shared/parameters';
import { apiList, apiRequest } from '../shared/request';
import type { ProviderApi, RequestContext } from '../shared/request';
import { hasNewCode, hubriseHosts, hubriseSecrets, parseHubRiseError, RATE_LIMITS, storedConnection, TOKEN_FIELDS, TOKEN_HEADER, TOKEN_TO_CHECK, untilNextWindow } from './auth';
import type { HubRiseConnection, HubRiseCredentialType } from './auth';

/**
 * HubRise's adapter over nodes/shared: which credential, the fixed API host (or loopback override),
 * the X-Access-Token signing for the OAuth2 credential (n8n-core's OAuth2 signing would send
 * `Authorization: Bearer`), the ids of the connection as defaults, the X-Cursor-Next list shape and
 * the 429 windows.
 */

export interface HubRiseApi extends ProviderApi {
	/** The connection's ids (read when needed: a first run learns them from its own token exchange). */
	connected(): HubRiseConnection;
}

export type HubRiseCall = OperationCall<HubRiseApi>;

export function credentialTypeOf(ctx: RequestContext): HubRiseCredentialType {
	const value =
		'getInputData' in ctx
			? (ctx as IExecuteFunctions).getNodeParameter('authentication', 0)
			: (ctx as ILoadOptionsFunctions).getNodeParameter('authentication', 'hubriseOAuth2Api');
	return value === 'hubriseApi' ? 'hubriseApi' : 'hubriseOAuth2Api';
}

/** Builds the HubRise connection for the credential chosen in the node (or given, for triggers). */
export async function connect(ctx: RequestContext, type: HubRiseCredentialType = credentialTypeOf(ctx)): Promise<HubRiseApi> {
	const credentials = await ctx.getCredentials<ICredentialDataDecryptedObject>(type);
	const hosts = hubriseHosts(credentials);
	if ('refused' in hosts) throw new NodeOperationError(ctx.getNode(), hosts.refused);
	const reconnect =
		type === 'hubriseOAuth2Api'
			? 'HubRise refused the access token: the connection was revoked or blocked (HubRise tokens never expire, there is nothing to refresh). Open the credential and reconnect it.'
			: 'HubRise refused the access token: the connection was revoked or blocked. Get a new code (see the credential) and paste it into the credential.';
	const api: HubRiseApi = {
		provider: 'HubRise',
		credentialType: type,
		baseUrl: hosts.apiBase,
		secrets: hubriseSecrets(credentials),
		parseError: parseHubRiseError,
		retry: { retryStatuses: [429], delayWithoutHint: untilNextWindow, maxTotalWaitMs: 70_000 },
		// HubRise announces no limits in headers: its windows are declared, and paced before they run out.
		rateLimits: RATE_LIMITS,
		adviceByStatus: {
			401: reconnect,
			403: 'HubRise refused this with the permissions of the connection. Widen the scope in the credential (for example orders.write) and reconnect.',
			429: 'HubRise rate-limits each connection to 500 requests a minute, 2,500 an hour and 10,000 a day. Lower the frequency of the workflow.',
		},
		connected: () => storedConnection(type, credentials),
	};
	if (type === 'hubriseOAuth2Api') {
		api.storedToken = TOKEN_FIELDS.hubriseOAuth2Api;
		// The token goes in X-Access-Token and nowhere else; the request is signed here, not by n8n-core.
		api.signRequest = async (options: IHttpRequestOptions) => {
			const token = storedConnection(type, credentials).accessToken;
			if (token === '') {
				throw new NodeOperationError(ctx.getNode(), 'The HubRise OAuth2 credential is not connected', {
					description: 'Open the credential and click "Connect my account".',
				});
			}
			const headers: IDataObject = { ...options.headers, [TOKEN_HEADER]: token };
			for (const name of Object.keys(headers)) if (name.toLowerCase() === 'authorization') delete headers[name];
			return { ...options, headers };
		};
		return api;
	}
	const fields = TOKEN_FIELDS.hubriseApi;
	const unknownToken = (data: ICredentialDataDecryptedObject) => String(data.connectionToken ?? '') === '' || hasNewCode(data);
	// The token as stored at each request (a sibling process may have exchanged a new code meanwhile, or
	// stored the token this one is about to ask for); a 401 first adopts a token a sibling stored.
	api.storedToken = fields && {
		...fields,
		plan: (stored, standard) => {
			if (!unknownToken(stored)) return standard;
			// n8n runs preAuthentication (the code exchange) before the request and persists its result;
			// it writes into this very object, so the connection's ids are known right after.
			const data: ICredentialDataDecryptedObject = { ...stored, [fields.field ?? 'connectionToken']: '' };
			api.connected = () => storedConnection(type, data);
			return data;
		},
		// A refused token is checked by preAuthentication (revoked, or a passing hiccup?) instead of being dropped.
		renew: (stored, refused) => ({ ...stored, [fields.field ?? 'connectionToken']: '', [TOKEN_TO_CHECK]: refused }),
		// HubRise answers 404 to a code already exchanged: maybe by a sibling process, whose token is adopted.
		grantUsedElsewhere: (exchange) => String(exchange.httpCode) === '404',
	};
	if (unknownToken(credentials) && ctx.getNode().credentials?.[type]?.id && 'getInputData' in ctx) {
		await apiRequest(ctx, api, { method: 'GET', path: '/callback' });
	}
	return api;
}

/** One HubRise call, JSON both ways. */
export async function hubriseRequest(
	{ ctx, api, itemIndex }: HubRiseCall,
	method: IHttpRequestMethods,
	path: string,
	options: { qs?: IDataObject; body?: IDataObject | IDataObject[] } = {},
): Promise<IDataObject | IDataObject[]> {
	const response = await apiRequest<IDataObject | IDataObject[]>(ctx, api, { method, path, itemIndex, ...options });
	return response.body;
}

/** HubRise lists: a JSON array per page, `count` (max 100) + `cursor`, next cursor in X-Cursor-Next. */
export const LIST_STRATEGY: PaginationStrategy = headerCursor({ items: itemsAt(''), header: 'x-cursor-next' });

export async function hubriseList({ ctx, api, itemIndex }: HubRiseCall, path: string, qs: IDataObject = {}): Promise<IDataObject[]> {
	return await apiList(ctx, api, { path, qs, itemIndex }, LIST_STRATEGY, listLimit(ctx, itemIndex));
}

/** A picker that may be left empty: then the connected one (from the token response) is used. */
export function connectedLocator(options: IdLocatorOptions): INodeProperties {
	const { required: _required, ...locator } = idLocator(options);
	return locator;
}

type Kind = 'locationId' | 'accountId' | 'catalogId' | 'customerListId';
const LABEL: Record<Kind, string> = { locationId: 'location', accountId: 'account', catalogId: 'catalog', customerListId: 'customer list' };

/** The picked id, or the connected one; undefined when neither is known. */
export function optionalId(call: HubRiseCall, name: string, kind: Kind): string | undefined {
	const picked = textParam(call.ctx, name, call.itemIndex);
	const value = picked || call.api.connected()[kind];
	return value ? segmentOf(call.ctx, value, name, call.itemIndex) : undefined;
}

/** The picked id or the connected one; an error that says what to pick when neither is known. */
export function connectedId(call: HubRiseCall, name: string, kind: Kind): string {
	const id = optionalId(call, name, kind);
	if (id !== undefined) return id;
	throw new NodeOperationError(call.ctx.getNode(), `Pick a ${LABEL[kind]}: this HubRise connection has no connected ${LABEL[kind]}`, {
		itemIndex: call.itemIndex,
		description: `The token of this credential names no ${LABEL[kind]} (an account-level connection, or a pasted access token). Choose one in the "${name}" field.`,
	});
}

/** `/locations/:id` for the picked or connected location; the short `/location` when only the token knows it. */
export function locationPath(call: HubRiseCall, name = 'locationId'): string {
	const id = optionalId(call, name, 'locationId');
	return id === undefined ? '/location' : `/locations/${id}`;
}

/** `/accounts/:id` for the picked or connected account; the short `/account` otherwise. */
export function accountPath(call: HubRiseCall, name = 'accountId'): string {
	const id = optionalId(call, name, 'accountId');
	return id === undefined ? '/account' : `/accounts/${id}`;
}
