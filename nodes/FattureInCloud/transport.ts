import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	ILoadOptionsFunctions,
	INodeProperties,
} from 'n8n-workflow';

import { extractHttpFailure } from '../shared/failures';
import type { OperationCall } from '../shared/operations';
import { itemsAt, pagePerPage } from '../shared/paginate';
import { listLimit, segmentOf } from '../shared/parameters';
import { pathSegment } from '../shared/paths';
import { secretForms } from '../shared/redact';
import { apiList, apiRequest, REQUEST_LIMITS } from '../shared/request';
import type { ApiCall, ProviderApi, RequestContext } from '../shared/request';
import type { KeepAlivePolicy } from '../shared/keepAlive';
import { forcedRenewal, refreshExpiredToken } from '../shared/tokens';
import type { StoredTokenFields } from '../shared/tokens';
import {
	currentRefreshToken,
	deviceStatusOf,
	FIC_KEEP_ALIVE_FACTS,
	ficOrigin,
	parseFattureInCloudError,
	PROVIDER,
	refreshTokenRenewedAt,
	scopesNeeded,
	TOKEN_FIELDS,
} from './auth';
import type { FicCredentialType } from './auth';
import { FIC_OPERATIONS } from './scopes.generated';

/** The Fatture in Cloud adapter: the ProviderApi of the chosen credential and the call shapes of the actions. */

export const CREDENTIAL_TYPES: FicCredentialType[] = [
	'fattureInCloudOAuth2Api',
	'fattureInCloudApi',
	'fattureInCloudDeviceCodeApi',
	'fattureInCloudRefreshTokenApi',
];

/** The node's (and the trigger's) credential choice. */
export const CREDENTIALS = CREDENTIAL_TYPES.map((name) => ({ name, required: true, displayOptions: { show: { authentication: [name] } } }));

export const AUTHENTICATION: INodeProperties = {
	displayName: 'Authentication',
	name: 'authentication',
	type: 'options',
	options: [
		{ name: 'Device Code', value: 'fattureInCloudDeviceCodeApi' },
		{ name: 'Manual Token', value: 'fattureInCloudApi' },
		{ name: 'OAuth2', value: 'fattureInCloudOAuth2Api' },
		{ name: 'Refresh Token (Unattended)', value: 'fattureInCloudRefreshTokenApi' },
	],
	default: 'fattureInCloudOAuth2Api',
};

export interface FicApi extends ProviderApi {
	credentialType: FicCredentialType;
	/** The refresh token this connection was built with (refresh-token and device credentials). */
	refreshTokenInUse: string;
	/** The company every /c/{company_id} call goes to, once resolved. */
	company?: Promise<string>;
	/** Set once the low-quota hint was given in this execution. */
	quotaHinted?: boolean;
	/**
	 * OAuth2: a 401 that reached the node came after n8n's own refresh and retry. The later items of the
	 * execution fail with it at once instead of each costing one more refresh (n8n refreshes per 401).
	 */
	refused?: NodeApiError;
}

export type FicCall = OperationCall<FicApi>;

/** The credential chosen in the node ("Authentication"). */
export function credentialTypeOf(ctx: RequestContext): FicCredentialType {
	const value =
		'getInputData' in ctx
			? (ctx as IExecuteFunctions).getNodeParameter('authentication', 0)
			: (ctx as ILoadOptionsFunctions).getNodeParameter('authentication', 'fattureInCloudOAuth2Api');
	return CREDENTIAL_TYPES.includes(value as FicCredentialType) ? (value as FicCredentialType) : 'fattureInCloudOAuth2Api';
}

const ADVICE_401: Record<FicCredentialType, string> = {
	fattureInCloudApi:
		'The manual token was revoked (or mistyped). Create a new one in Fatture in Cloud (Applicazioni collegate > your app > Token manuale) and paste it into the credential.',
	fattureInCloudOAuth2Api: 'The connection was revoked in Fatture in Cloud. Open the credential and reconnect it.',
	fattureInCloudDeviceCodeApi: 'The connection was revoked in Fatture in Cloud. Run the step again to start a new device login.',
	fattureInCloudRefreshTokenApi:
		'The access was revoked in Fatture in Cloud. Obtain a new refresh token and paste it into the credential.',
};


/**
 * The token plan of the device and refresh-token credentials, on the credential as stored at each
 * request: a device login under way (or refused, expired) keeps its state in the token field, so
 * preAuthentication runs to poll or start again; otherwise the shared plan (a sibling's stored token
 * is used, an expired one renewed with the newest stored refresh token).
 */
function tokenPlan(credentialType: FicCredentialType, startedWith: ReturnType<typeof deviceStatusOf>): StoredTokenFields | false {
	const fields = TOKEN_FIELDS[credentialType];
	if (!fields) return false;
	return {
		...fields,
		plan: (stored, standard) => {
			const status = deviceStatusOf(stored);
			if (status === undefined) return standard;
			// A login under way is polled; a refused or expired one starts again only at the start of an execution
			// (as read then): one that ended during this execution is reported (deviceAuthenticate), not restarted per item.
			return status === 'pending' || startedWith !== undefined ? { ...stored, [fields.field ?? 'accessToken']: '' } : { ...stored };
		},
		// Refresh tokens are single-use: a refused one may have just been exchanged by a sibling process (queue
		// mode, a cold start on two workers), whose new pair is on its way to the store: waited for and adopted.
		grantUsedElsewhere: (exchange) => REFRESH_REFUSED.test(exchange.message),
	};
}

/** The ProviderApi of one credential's data (also used to adopt a newer stored refresh token). */
export function connectWith(
	ctx: RequestContext,
	credentialType: FicCredentialType,
	credentials: ICredentialDataDecryptedObject,
): FicApi {
	const origin = ficOrigin(credentials);
	if ('refused' in origin) throw new NodeOperationError(ctx.getNode(), origin.refused, { level: 'warning' });
	const token = (credentials.oauthTokenData ?? {}) as IDataObject;
	const reference = ctx.getNode().credentials?.[credentialType];
	let additionalCredentialOptions: FicApi['additionalCredentialOptions'];
	let deadlineMs: number | undefined;
	if (credentialType === 'fattureInCloudOAuth2Api') {
		// Whatever the token response says, the access token goes in the Authorization header.
		additionalCredentialOptions = { oauth2: { tokenType: 'Bearer' } };
	} else if (credentialType === 'fattureInCloudDeviceCodeApi' || credentialType === 'fattureInCloudRefreshTokenApi') {
		const device = deviceStatusOf(credentials);
		if (device !== undefined && reference?.id) {
			// No token yet (device login under way, refused or expired): run the credential's
			// preAuthentication before the request, so it polls or starts again and n8n stores its state.
			additionalCredentialOptions = forcedRenewal(credentials, reference, credentialType);
			const expiry = Date.parse(String(credentials.deviceCodeExpiresAt ?? ''));
			// The poll may wait until the code expires: the request deadline covers that wait.
			if (device === 'pending' && expiry > Date.now()) deadlineMs = Math.max(REQUEST_LIMITS.deadlineMs, expiry - Date.now() + 30_000);
		} else {
			// A stored token known to have expired is replaced before the first request, not after a 401.
			additionalCredentialOptions = refreshExpiredToken(credentials, reference, credentialType);
		}
	}
	return {
		provider: PROVIDER,
		credentialType,
		baseUrl: origin.url,
		secrets: secretForms([
			credentials.accessToken,
			credentials.clientSecret,
			credentials.refreshToken,
			credentials.rotatedRefreshToken,
			credentials.deviceCodeSecret,
			token.access_token,
			token.refresh_token,
		]),
		// 429 bursts and the quota 403 (with Retry-After) are retried, bounded, through the shared loop.
		retry: { retryStatuses: [429], retryForbiddenWithRetryAfter: true, maxTotalWaitMs: 60_000 },
		parseError: parseFattureInCloudError,
		storedToken: tokenPlan(credentialType, deviceStatusOf(credentials)),
		keepAlive: keepAlivePolicy(credentialType),
		additionalCredentialOptions,
		deadlineMs,
		adviceByStatus: { 401: ADVICE_401[credentialType] },
		refreshTokenInUse: credentialType === 'fattureInCloudRefreshTokenApi' ? currentRefreshToken(credentials) : String(credentials.refreshToken ?? ''),
	};
}

/**
 * The keep-alive of each credential type. OAuth2 renews through n8n's own refresh (the shared default);
 * the device-code and refresh-token credentials renew by one cheap call (/user/info) for which n8n must
 * first run their preAuthentication, which rotates the refresh token and stores the new pair.
 */
function keepAlivePolicy(credentialType: FicCredentialType): KeepAlivePolicy | undefined {
	if (credentialType === 'fattureInCloudApi') return undefined; // a manual token never expires
	if (credentialType === 'fattureInCloudOAuth2Api') return FIC_KEEP_ALIVE_FACTS;
	return {
		...FIC_KEEP_ALIVE_FACTS,
		refreshTokenOf: (credentials) => (credentialType === 'fattureInCloudRefreshTokenApi' ? currentRefreshToken(credentials) : credentials.refreshToken),
		renewedAtOf: refreshTokenRenewedAt,
		renew: async (ctx, api) => {
			const credentials = await ctx.getCredentials(credentialType);
			const reference = ctx.getNode().credentials?.[credentialType];
			// storedToken false: the forced copy goes to n8n-core as it is (the adoption plan would send a stored,
			// still valid access token instead, and nothing would be renewed).
			const renewing = { ...(api as FicApi), storedToken: false as const, additionalCredentialOptions: forcedRenewal(credentials, reference, credentialType) };
			// The answer (the user's name and e-mail) is not needed: the renewal happened before the call.
			await ficRequest(ctx, renewing, { method: 'GET', path: '/user/info', operationId: 'getUserInfo' });
		},
	};
}

export async function connect(ctx: RequestContext): Promise<FicApi> {
	const credentialType = credentialTypeOf(ctx);
	return connectWith(ctx, credentialType, await ctx.getCredentials(credentialType));
}

/** What a call needs beyond ApiCall: the spec operation it is (for the scope it needs). */
export interface FicRequest extends Omit<ApiCall, 'itemIndex'> {
	/** operationId in the spec's table (scopes.generated.ts); found from method and path when absent. */
	operationId?: string;
	/** Narrows the spec's "any of" scopes, e.g. the document type ("invoices"). */
	scopeHint?: string;
}

/** Spec paths as patterns, to name the scope of a Custom API Call. */
const OPERATION_PATTERNS = Object.entries(FIC_OPERATIONS).map(([operationId, facts]) => ({
	operationId,
	method: facts.method,
	pattern: new RegExp(`^${facts.path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\\?\{[a-z_]+\\?\}|\{[a-z_]+\}/g, '[^/]+')}/?$`),
}));

export function operationIdOf(method: string, path: string): string | undefined {
	return OPERATION_PATTERNS.find((entry) => entry.method === method && entry.pattern.test(path))?.operationId;
}

const REFRESH_REFUSED = /the refresh token was refused/;

/** True when the call failed because Fatture in Cloud refused the refresh token this execution read. */
function refreshRefused(error: unknown): boolean {
	return error instanceof NodeApiError && REFRESH_REFUSED.test(error.message);
}

/** The scope refusal and the revoked token, told apart; everything else as the shared layer worded it. */
function reworded(ctx: RequestContext, api: FicApi, error: unknown, request: FicRequest, itemIndex: number): unknown {
	if (!(error instanceof NodeApiError)) return error;
	const status = String(error.httpCode ?? '');
	const failure = extractHttpFailure(error);
	// Only answers of the API itself (worded by the shared layer as "<provider> error <status>"); a token
	// exchange's own error keeps its words.
	const fromApi = error.message.startsWith(`${PROVIDER} error ${status}`);
	if (fromApi && status === '403' && failure.headers['retry-after'] === undefined && !/quota|limit/i.test(error.message) && !/retry budget|Tried \d+ time/.test(error.description ?? '')) {
		const operationId = request.operationId ?? operationIdOf(request.method, request.path);
		const needed = operationId ? scopesNeeded(operationId, request.scopeHint) : [];
		const scopeText =
			needed.length === 0
				? 'a permission this operation needs'
				: needed.length === 1
					? `scope ${needed[0]}`
					: `one of the scopes ${needed.join(', ')}`;
		const fix =
			api.credentialType === 'fattureInCloudApi'
				? `Create a new manual token in Fatture in Cloud with ${scopeText.replace(/^scope /, '')} ticked and paste it into the credential.`
				: `Add ${scopeText.replace(/^scope /, '')} to the credential's permissions and connect again.`;
		return new NodeApiError(ctx.getNode(), { provider: PROVIDER, httpCode: '403' }, {
			message: `${PROVIDER}: the token lacks ${scopeText} needed by this operation${operationId ? ` (${operationId})` : ''}`,
			description: `${error.description ?? ''} ${fix}`.trim(),
			httpCode: '403',
			itemIndex,
		});
	}
	if (fromApi && status === '401') {
		const what = api.credentialType === 'fattureInCloudApi' ? 'the token was revoked' : 'the access was revoked';
		const apiError = new NodeApiError(ctx.getNode(), { provider: PROVIDER, httpCode: '401' }, {
			message: `${PROVIDER}: ${what} (HTTP 401)`,
			description: error.description ?? ADVICE_401[api.credentialType],
			httpCode: '401',
			itemIndex,
		});
		apiError.message = `${PROVIDER}: ${what} (HTTP 401)`;
		return apiError;
	}
	return error;
}

/** Tells the user, once per execution, when the hourly or monthly quota is running out. */
function hintQuota(ctx: RequestContext, api: FicApi, headers: Record<string, string>): void {
	if (api.quotaHinted || !('addExecutionHints' in ctx)) return;
	const low: string[] = [];
	for (const [window, fallbackLimit] of [
		['Hourly', 1000],
		['Monthly', 40000],
	] as const) {
		const remaining = Number(headers[`ratelimit-${window.toLowerCase()}remaining`]);
		const limit = Number(headers[`ratelimit-${window.toLowerCase()}limit`]) || fallbackLimit;
		if (Number.isFinite(remaining) && headers[`ratelimit-${window.toLowerCase()}remaining`] !== undefined && remaining <= limit * 0.1) {
			low.push(`${window.toLowerCase()} ${remaining} of ${limit} requests left`);
		}
	}
	if (low.length === 0) return;
	api.quotaHinted = true;
	const message = `${PROVIDER} quota is running low for this company and app: ${low.join(', ')}. Further calls may wait or fail until it resets.`;
	ctx.logger.warn(message);
	(ctx as IExecuteFunctions).addExecutionHints({ message, type: 'warning', location: 'outputPane' });
}

/**
 * One Fatture in Cloud call: the shared request layer, then the readable 401/403, the quota hint, and,
 * for the refresh-token credential, one retry with a newer refresh token another process stored.
 */
export async function ficRequest(ctx: RequestContext, api: FicApi, request: FicRequest, itemIndex = 0): Promise<IDataObject> {
	refuseAgain(ctx, api, itemIndex);
	let failure: unknown;
	try {
		const response = await apiRequest<IDataObject>(ctx, api, { ...request, itemIndex });
		hintQuota(ctx, api, response.headers);
		return response.body;
	} catch (error) {
		failure = error;
	}
	if (refreshRefused(failure) && (await adoptStoredRefreshToken(ctx, api))) {
		return await ficRequest(ctx, api, request, itemIndex);
	}
	throw remembered(api, reworded(ctx, api, failure, request, itemIndex));
}

function remembered(api: FicApi, error: unknown): unknown {
	if (api.credentialType === 'fattureInCloudOAuth2Api' && error instanceof NodeApiError && String(error.httpCode) === '401') api.refused = error;
	return error;
}

function refuseAgain(ctx: RequestContext, api: FicApi, itemIndex: number): void {
	const refused = api.refused;
	if (!refused) return;
	const again = new NodeApiError(ctx.getNode(), { provider: PROVIDER, httpCode: '401' }, {
		message: refused.message,
		description: `${refused.description ?? ''} (Not sent: an earlier item of this execution was refused the same way after n8n renewed the token.)`.trim(),
		httpCode: '401',
		itemIndex,
	});
	again.message = refused.message;
	throw again;
}

/**
 * Another process (another n8n, a queue worker) exchanged the refresh token this execution read and
 * stored its successor: read the stored credential again and, when it holds another refresh token,
 * carry on with it. True when the connection was renewed (once per execution).
 */
async function adoptStoredRefreshToken(ctx: RequestContext, api: FicApi): Promise<boolean> {
	if (api.credentialType !== 'fattureInCloudRefreshTokenApi' && api.credentialType !== 'fattureInCloudDeviceCodeApi') return false;
	const stored = await ctx.getCredentials(api.credentialType);
	const fresh = connectWith(ctx, api.credentialType, stored);
	if (fresh.refreshTokenInUse === '' || fresh.refreshTokenInUse === api.refreshTokenInUse) return false;
	Object.assign(api, { ...fresh, company: api.company, quotaHinted: api.quotaHinted });
	return true;
}

/** Companies of the user, flattened (an accountant's controlled companies included), without their tokens. */
export function companiesOf(body: IDataObject): IDataObject[] {
	const data = (body.data ?? {}) as IDataObject;
	const list = Array.isArray(data.companies) ? (data.companies as IDataObject[]) : [];
	const out: IDataObject[] = [];
	const walk = (companies: IDataObject[]) => {
		for (const company of companies) {
			// Each company carries an access token of its own: never put into output.
			const { access_token: _token, controlled_companies: controlled, ...rest } = company;
			void _token;
			out.push(rest);
			if (Array.isArray(controlled)) walk(controlled as IDataObject[]);
		}
	};
	walk(list);
	return out;
}

/** The company of this execution: the one picked in the node, or the user's only company. */
export async function companyOf(call: FicCall): Promise<string> {
	const { ctx, api, itemIndex } = call;
	const picked = ctx.getNodeParameter('companyId', itemIndex, '', { extractValue: true }) as string;
	if (String(picked ?? '').trim() !== '') return segmentOf(ctx as IExecuteFunctions, String(picked).trim(), 'Company', itemIndex);
	api.company =
		api.company ??
		(async () => {
			const companies = companiesOf(await ficRequest(ctx, api, { method: 'GET', path: '/user/companies', operationId: 'listUserCompanies' }, itemIndex));
			if (companies.length === 1) return pathSegment(String(companies[0].id), 'Company');
			const names = companies.slice(0, 10).map((company) => `${String(company.name)} (${String(company.id)})`).join(', ');
			throw new NodeOperationError(
				ctx.getNode(),
				companies.length === 0 ? `${PROVIDER}: this user has no company` : `${PROVIDER}: this user has ${companies.length} companies; choose one in Company`,
				{ itemIndex, description: companies.length === 0 ? 'Check the account of the credential.' : `Companies: ${names}.` },
			);
		})();
	return await api.company;
}

/** A call of an operation from the spec's table, its {company_id} filled in. */
export async function ficOperation(
	call: FicCall,
	operationId: string,
	options: { method?: IHttpRequestMethods; qs?: IDataObject; body?: IDataObject; scopeHint?: string; path?: string } = {},
): Promise<IDataObject> {
	const facts = FIC_OPERATIONS[operationId];
	let path = options.path ?? facts.path;
	if (path.includes('{company_id}')) path = path.replace('{company_id}', await companyOf(call));
	return await ficRequest(
		call.ctx,
		call.api,
		{ method: options.method ?? facts.method, path, qs: options.qs, body: options.body, operationId, scopeHint: options.scopeHint },
		call.itemIndex,
	);
}

export const LIST_STRATEGY = pagePerPage({ items: itemsAt('data'), maxPageSize: 100 });

/** A "Get Many" over page/per_page with last_page. */
export async function ficList(call: FicCall, operationId: string, qs: IDataObject, scopeHint?: string): Promise<IDataObject[]> {
	const { ctx, api, itemIndex } = call;
	const path = FIC_OPERATIONS[operationId].path.replace('{company_id}', await companyOf(call));
	refuseAgain(ctx, api, itemIndex);
	try {
		return await apiList(ctx, api, { path, qs, itemIndex }, LIST_STRATEGY, listLimit(ctx as IExecuteFunctions, itemIndex));
	} catch (error) {
		if (refreshRefused(error) && (await adoptStoredRefreshToken(ctx, api))) return await ficList(call, operationId, qs, scopeHint);
		throw remembered(api, reworded(ctx, api, error, { method: 'GET', path, operationId, scopeHint }, itemIndex));
	}
}
