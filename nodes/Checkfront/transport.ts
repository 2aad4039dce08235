import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, IHttpRequestMethods, ILoadOptionsFunctions } from 'n8n-workflow';

import type { OperationCall } from '../shared/operations';
import { itemsAt, limitPage } from '../shared/paginate';
import type { PaginationStrategy } from '../shared/paginate';
import { listLimit } from '../shared/parameters';
import { apiList, apiRequest } from '../shared/request';
import type { ProviderApi, RequestContext } from '../shared/request';
import { CHECKFRONT_KEEP_ALIVE, isAllowedRedirect, normaliseHost, parseCheckfrontError } from './auth';

/**
 * Checkfront's adapter over nodes/shared: which credential, which base URL (validated host), which
 * secrets to redact, the 301 host-migration policy, and the limit/page list shape.
 */

export type CheckfrontCredentialType = 'checkfrontApi' | 'checkfrontOAuth2Api';

export const API_PREFIX = '/api/3.0';

export interface HostMove {
	from: string;
	to: string;
}

export interface CheckfrontApi extends ProviderApi {
	/** Host migrations seen while this API object was in use (301 to bookingplatform.app). */
	moves: HostMove[];
}

function oauthSecrets(credentials: IDataObject): string[] {
	const token = (credentials.oauthTokenData ?? {}) as IDataObject;
	return [token.access_token, token.refresh_token, credentials.clientSecret].map((value) => String(value ?? ''));
}

/** The credential chosen in the node ("Authentication"). */
export function credentialTypeOf(ctx: RequestContext): CheckfrontCredentialType {
	const value =
		'getInputData' in ctx
			? (ctx as IExecuteFunctions).getNodeParameter('authentication', 0)
			: (ctx as ILoadOptionsFunctions).getNodeParameter('authentication', 'checkfrontApi');
	return value === 'checkfrontOAuth2Api' ? 'checkfrontOAuth2Api' : 'checkfrontApi';
}

/**
 * The ProviderApi for the credential chosen in the node. The host is validated here, before any
 * request is built, so a refused host never receives a secret.
 */
export async function connect(ctx: RequestContext): Promise<CheckfrontApi> {
	const credentialType = credentialTypeOf(ctx);
	const credentials = await ctx.getCredentials(credentialType);
	const host = normaliseHost(credentials.host);
	if (!host.ok) throw new NodeOperationError(ctx.getNode(), host.message, { level: 'warning' });
	const moves: HostMove[] = [];
	const secrets =
		credentialType === 'checkfrontOAuth2Api' ? oauthSecrets(credentials) : [String(credentials.apiSecret ?? '')];
	return {
		provider: 'Checkfront',
		credentialType,
		baseUrl: `${host.origin}${API_PREFIX}`,
		secrets: secrets.filter((secret) => secret !== ''),
		// n8n-core signs OAuth2 requests by token type; force the header form whatever the token
		// response says, so the access token never lands in the query string.
		additionalCredentialOptions: credentialType === 'checkfrontOAuth2Api' ? { oauth2: { tokenType: 'Bearer' } } : undefined,
		adviceByStatus: {
			401:
				credentialType === 'checkfrontOAuth2Api'
					? 'Checkfront rejected the access token. Open the credential and reconnect it.'
					: 'Checkfront rejected the API key and secret. Check them under Manage > Developer in Checkfront, and that the host belongs to the same account.',
			503: 'Checkfront is throttling requests (HTTP 503). Lower the batch size or workflow frequency and try again later.',
		},
		parseError: parseCheckfrontError,
		// Neither credential has a token of its own to coordinate: a key pair, and OAuth2 (n8n-core refreshes it).
		storedToken: false,
		allowRedirectTo: (url) => isAllowedRedirect(url, host.loopback),
		onRedirected: (from, to) => moves.push({ from, to }),
		keepAlive: CHECKFRONT_KEEP_ALIVE,
		moves,
	};
}

/** Tells the user, once per execution, that the account answers from a new host. */
export function reportHostMoves(ctx: IExecuteFunctions, api: CheckfrontApi): void {
	const move = api.moves[0];
	if (!move) return;
	const message = `Checkfront moved this account from ${move.from} to ${move.to}. Requests were followed to the new host; update the Host field of the credential to ${move.to}.`;
	ctx.logger.warn(message);
	if (typeof ctx.addExecutionHints === 'function') {
		ctx.addExecutionHints({ message, type: 'warning', location: 'outputPane' });
	}
}

/** Path under /api/3.0; accepts it with or without the prefix and the leading slash. */
export function apiPath(path: string): string {
	const trimmed = path.trim();
	const withSlash = trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
	return withSlash.startsWith(`${API_PREFIX}/`) ? withSlash.slice(API_PREFIX.length) : withSlash;
}

/** One Checkfront call; bodies go form-urlencoded (PHP-style brackets for nested values). */
export async function checkfrontRequest(
	{ ctx, api, itemIndex }: OperationCall<CheckfrontApi>,
	method: IHttpRequestMethods,
	path: string,
	options: { qs?: IDataObject; body?: IDataObject } = {},
): Promise<IDataObject> {
	const response = await apiRequest<IDataObject>(ctx, api, {
		method,
		path,
		qs: options.qs,
		body: options.body,
		bodyType: 'form',
		itemIndex,
	});
	return response.body;
}

/** Checkfront lists: records keyed by id under `key`, pages counted in `request.pages`. */
export function listStrategy(key: string): PaginationStrategy {
	return limitPage({ items: itemsAt(key), pagesPath: 'request.pages' });
}

/** A "Get Many": up to Limit records (or all), under `key` of each page. */
export async function checkfrontList(
	{ ctx, api, itemIndex }: OperationCall<CheckfrontApi>,
	path: string,
	key: string,
	qs: IDataObject = {},
): Promise<IDataObject[]> {
	return await apiList(ctx, api, { path, qs, itemIndex }, listStrategy(key), listLimit(ctx, itemIndex));
}

/** The one record a "get" returns, under `key` (Checkfront wraps every answer in an envelope). */
export function unwrap(body: IDataObject, key: string): IDataObject {
	const record = body[key];
	return typeof record === 'object' && record !== null && !Array.isArray(record) ? (record as IDataObject) : body;
}

/** Checkfront dates: YYYYMMDD from a date or date-time picker value. */
export function checkfrontDate(value: unknown): string {
	const text = String(value ?? '').trim();
	const match = /^(\d{4})-?(\d{2})-?(\d{2})/.exec(text);
	return match ? `${match[1]}${match[2]}${match[3]}` : text;
}
