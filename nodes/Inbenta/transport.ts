import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type { ICredentialDataDecryptedObject, IDataObject, IExecuteFunctions } from 'n8n-workflow';

import type { OperationCall } from '../shared/operations';
import { apiRequest } from '../shared/request';
import type { ApiCall, ProviderApi, RequestContext } from '../shared/request';
import { renewalOptions, renewalPlan } from '../shared/renewal';
import {
	CREDENTIAL_TYPE,
	inbentaSettings,
	newestToken,
	parseApis,
	parseInbentaError,
	productUrlProblem,
	RENEW_FIELD,
	TOKEN_FIELDS,
} from './auth';
import type { InbentaSettings } from './auth';

/**
 * The Inbenta adapter. Unlike a provider with one host, every Inbenta call first settles two things
 * (`prepare`): which token (use it, renew it ahead of expiry, or authenticate again; shared/renewal.ts)
 * and which product URL (from the newest `/auth` answer, accepted only on Inbenta's domains or on
 * loopback with the override). Only then is the request built, so a refused product URL never
 * receives anything.
 */

export interface InbentaConnection extends ProviderApi {
	settings: InbentaSettings;
	/** The credential as read when the execution started (newer tokens come from the process cache). */
	credentials: ICredentialDataDecryptedObject;
	reference?: { id?: string | null; name: string };
	/** Chatbot conversation of items that name none (one per execution). */
	conversation?: string;
	/** Chatbot sessions restarted in this execution: timed-out session → its replacement. */
	restarted: Map<string, string>;
}

export type InbentaCall = OperationCall<InbentaConnection>;

export async function connect(ctx: RequestContext): Promise<InbentaConnection> {
	const credentials = await ctx.getCredentials(CREDENTIAL_TYPE);
	const settings = inbentaSettings(credentials);
	if ('refused' in settings) throw new NodeOperationError(ctx.getNode(), settings.refused);
	const connection: InbentaConnection = {
		provider: 'Inbenta',
		credentialType: CREDENTIAL_TYPE,
		baseUrl: settings.authBase,
		secrets: settings.secrets,
		// Inbenta answers excess with 429 and x-throttle-reset / x-quota-reset (read by retry.ts).
		retry: { retryStatuses: [429] },
		// One limit per API key for the Auth API and every product API: their per-call copies share the pacing.
		rateLimitScope: {},
		parseError: parseInbentaError,
		adviceByStatus: {
			401: 'Inbenta rejected the token even after a fresh authorization. Check that the API key belongs to this instance and has access to this API.',
			429: 'Inbenta limits requests per API key (product APIs together). Lower the batch size or the workflow frequency.',
		},
		settings,
		credentials,
		reference: ctx.getNode().credentials?.[CREDENTIAL_TYPE],
		restarted: new Map(),
	};
	// Inbenta renews ahead of expiry (shared/renewal.ts): its plan runs on the credential as stored at each
	// request, so a token a sibling process stored is used (and, after a 401, adopted) like any other.
	connection.storedToken = {
		...TOKEN_FIELDS,
		plan: (stored) => plannedCredentials(connection, stored),
		// A refused token that has not expired is refreshed first, as on n8n's own 401 path (inbentaPreAuthentication).
		renew: (stored, refused) => ({ ...stored, accessToken: '', [RENEW_FIELD]: refused }),
		// Its renewal (refresh, then /auth) does not stop on a refused fresh token by itself: 401 forever over 10
		// items would cost 3 token requests per item.
		refusedRenewalsLimit: 2,
	};
	return connection;
}

/** The data n8n-core gets for a request: the newest token of store and process, renewed or re-authenticated when due. */
function plannedCredentials(api: InbentaConnection, stored: ICredentialDataDecryptedObject): ICredentialDataDecryptedObject {
	const newest = newestToken(api.settings, stored);
	const current = withNewest(stored, newest);
	const options = renewalOptions(renewalPlan(newest.token), newest.token, current, api.reference, CREDENTIAL_TYPE, {
		token: 'accessToken',
		renewField: RENEW_FIELD,
	});
	return options?.credentialsDecrypted?.data ?? current;
}

/** Stored fields with the newest token's times. */
function withNewest(stored: ICredentialDataDecryptedObject, newest: ReturnType<typeof newestToken>): ICredentialDataDecryptedObject {
	if (!newest.token) return stored;
	return {
		...stored,
		accessToken: newest.token.accessToken,
		accessTokenExpiresAt: newest.token.expiresAt,
		accessTokenRenewAt: newest.token.renewAt,
		apis: JSON.stringify(newest.apis),
	};
}

/** The ProviderApi for one request on the Auth API (the token plan runs in the request layer, storedToken.plan). */
function authApi(api: InbentaConnection): ProviderApi {
	return { ...api, baseUrl: api.settings.authBase };
}

/**
 * The product map of the newest token. Before the first token, and when the token must be obtained
 * again, the Auth API's `GET /apis` is called: n8n-core runs the credential's preAuthentication for
 * it (so the token and map of the new `/auth` answer are stored), and its answer is the same map.
 */
async function productMap(ctx: RequestContext, api: InbentaConnection, itemIndex?: number): Promise<Record<string, string>> {
	const newest = newestToken(api.settings, api.credentials);
	const plan = renewalPlan(newest.token);
	if ((plan === 'use' || plan === 'renew') && Object.keys(newest.apis).length > 0) return newest.apis;
	const response = await apiRequest<IDataObject>(ctx, authApi(api), { method: 'GET', path: '/apis', itemIndex });
	const minted = newestToken(api.settings, api.credentials).apis;
	return Object.keys(minted).length > 0 ? minted : parseApis(response.body.apis);
}

/** The products this credential's instance offers (for the Custom API Call picker). */
export async function productNames(ctx: RequestContext, api: InbentaConnection): Promise<string[]> {
	return Object.keys(await productMap(ctx, api)).sort();
}

/**
 * The ProviderApi of one product call: base URL `{apis.<product>}/v1`, refused before anything is
 * sent when the URL is not on an Inbenta domain (or loopback with the override).
 */
export async function prepare(ctx: RequestContext, api: InbentaConnection, product: string, itemIndex?: number): Promise<ProviderApi> {
	const apis = await productMap(ctx, api, itemIndex);
	const url = apis[product];
	if (!url) {
		throw new NodeOperationError(ctx.getNode(), `Inbenta names no URL for the "${product}" API of this instance`, {
			itemIndex,
			description: `The instance offers: ${Object.keys(apis).sort().join(', ') || 'nothing'}. Check that the API key belongs to an instance with this product.`,
		});
	}
	const problem = productUrlProblem(url, api.settings.loopback);
	if (problem) {
		let host = url;
		try {
			host = new URL(url).host;
		} catch {
			// quoted as given
		}
		throw new NodeOperationError(ctx.getNode(), `Inbenta's authorization answer named ${host} for the ${product} API; it was refused and nothing was sent there`, {
			itemIndex,
			description: `The token is only sent to Inbenta's own hosts: ${problem}. If this persists, contact Inbenta support.`,
		});
	}
	return { ...authApi(api), baseUrl: `${url}/v1` };
}

/** Environment and user type (node options), sent with every product call. */
export function productHeaders(ctx: IExecuteFunctions, itemIndex: number): IDataObject {
	const headers: IDataObject = {};
	const environment = ctx.getNodeParameter('environment', itemIndex, 'production') as string;
	if (environment) headers['x-inbenta-env'] = environment;
	const userType = ctx.getNodeParameter('userType', itemIndex, 0) as number;
	if (userType !== undefined && userType !== null && String(userType) !== '') headers['x-inbenta-user-type'] = String(userType);
	return headers;
}

/** One call to an Inbenta product API (`chatbot`, `knowledge`, `search`, ...). */
export async function inbentaRequest(
	{ ctx, api, itemIndex }: InbentaCall,
	product: string,
	call: Omit<ApiCall, 'itemIndex'>,
): Promise<IDataObject> {
	const productApi = await prepare(ctx, api, product, itemIndex);
	const response = await apiRequest<IDataObject>(ctx, productApi, {
		...call,
		headers: { ...productHeaders(ctx, itemIndex), ...call.headers },
		itemIndex,
	});
	return response.body;
}

/** The records of a list answer (`results`, or the answer itself when it is a list). */
export function results(body: unknown): IDataObject[] {
	if (Array.isArray(body)) return body as IDataObject[];
	const list = (body as IDataObject | undefined)?.results;
	return Array.isArray(list) ? (list as IDataObject[]) : [];
}

/** The one record of a "get" answer (Inbenta wraps it in `results` on some routes). */
export function single(body: IDataObject): IDataObject {
	const list = results(body);
	return list.length === 1 && typeof list[0] === 'object' && list[0] !== null ? list[0] : body;
}

/** True when a chatbot call failed because its conversation session timed out or is unknown. */
export function isSessionGone(error: unknown): boolean {
	if (!(error instanceof NodeApiError)) return false;
	const status = Number(error.httpCode);
	return [400, 403, 404, 410, 440].includes(status) && /session/i.test(`${error.message} ${error.description ?? ''}`) && /expired|timed? ?out|invalid|unknown|not found/i.test(`${error.message} ${error.description ?? ''}`);
}
