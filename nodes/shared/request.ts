import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type {
	IAdditionalCredentialOptions,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	INode,
	IN8nHttpFullResponse,
} from 'n8n-workflow';

import { toNodeApiError } from './errors';
import type { ErrorBodyParser, ErrorContext } from './errors';
import { extractHttpFailure, normaliseHeaders } from './failures';
import { paginate } from './paginate';
import type { PageRequest, PaginateOptions, PaginationStrategy } from './paginate';
import { RetryGaveUpError, withRetry } from './retry';
import type { RetryPolicy } from './retry';
import { sendKeepingResponse } from './wholeResponse';

/**
 * The one way a node talks to a provider: `httpRequestWithAuthentication`, so n8n applies the
 * credential (and its preAuthentication / OAuth2 refresh). The URL is always the credential's base
 * URL plus a path; a user can never point an authenticated call at a host of their choosing.
 */

export type RequestContext = IExecuteFunctions | ILoadOptionsFunctions;

/** Everything about one provider + credential that every call needs. */
export interface ProviderApi {
	/** Provider name as users know it, used in messages. */
	provider: string;
	credentialType: string;
	/** Origin plus optional path prefix, no trailing slash: "https://x.checkfront.com/api/3.0". */
	baseUrl: string;
	/** Credential secrets to redact from every error. */
	secrets: readonly string[];
	retry?: Partial<RetryPolicy>;
	headers?: IDataObject;
	additionalCredentialOptions?: IAdditionalCredentialOptions;
	adviceByStatus?: Record<number, string>;
	/** The provider's reader of its error bodies (nodes/<Provider>/); the generic one when absent. */
	parseError?: ErrorBodyParser;
	/**
	 * Decides whether a redirect to another origin may be followed with the credential attached
	 * (a provider's own host migration). Same-origin redirects are always followed; any other
	 * redirect is refused, so credentials never travel to a foreign host.
	 */
	allowRedirectTo?: (url: URL) => boolean;
	/** Told when a redirect to another allowed host was followed, so the node can warn the user. */
	onRedirected?: (from: string, to: string) => void;
	/** Per-request timeout. */
	timeoutMs?: number;
}

export interface ApiCall {
	method: IHttpRequestMethods;
	/** Path under the base URL, starting with "/". Query strings belong in `qs`. */
	path: string;
	qs?: IDataObject;
	body?: IDataObject | IDataObject[];
	/** JSON (default) or application/x-www-form-urlencoded (Checkfront). */
	bodyType?: 'json' | 'form';
	headers?: IDataObject;
	/** Overrides the method-based guess; true for a POST that carries an idempotency key. */
	idempotent?: boolean;
	itemIndex?: number;
}

export interface ApiResponse<T = unknown> {
	status: number;
	headers: Record<string, string>;
	body: T;
}

/** A redirect to a host the provider does not own; never followed with credentials. */
class ForeignRedirectError extends Error {
	constructor(readonly host: string) {
		super(`redirect to ${host} refused`);
	}
}

const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);
const MAX_REDIRECTS = 3;
export const DEFAULT_TIMEOUT_MS = 60_000;

/**
 * Joins base URL and path, refusing anything that could leave the base URL's origin: absolute URLs,
 * protocol-relative paths, backslashes, dot segments, control characters.
 */
export function buildUrl(baseUrl: string, path: string): string {
	if (typeof path !== 'string' || !path.startsWith('/')) {
		throw new Error(`The path must start with "/" (got "${String(path).slice(0, 80)}")`);
	}
	if (path.startsWith('//') || path.includes('\\') || /[\u0000-\u001f\u007f]/.test(path) || /:\/\//.test(path)) {
		throw new Error('The path must be a path on the provider, not a URL');
	}
	if (path.split('?')[0].split('/').some((segment) => segment === '..' || segment === '.' || /^%2e/i.test(segment))) {
		throw new Error('The path must not contain "." or ".." segments');
	}
	if (path.includes('?') || path.includes('#')) {
		throw new Error('Put query parameters in the query fields, not in the path');
	}
	const base = new URL(baseUrl);
	const url = new URL(baseUrl.replace(/\/+$/, '') + path);
	if (url.origin !== base.origin) throw new Error('The path must stay on the provider host');
	return url.toString();
}

/** The hosts the loopback override may name (as WHATWG URL `hostname`s); the one list of them. */
export const LOOPBACK_HOSTNAMES: readonly string[] = ['127.0.0.1', 'localhost', '[::1]'];
const LOOPBACK_HOSTS = new Set(LOOPBACK_HOSTNAMES);

/**
 * The one sanctioned override of a provider host: a loopback URL (http://127.0.0.1:PORT,
 * http://localhost:PORT, http://[::1]:PORT, optionally with a path prefix), so simulators and local
 * proxies can stand in for the provider. Returns the URL without trailing slash, or why it is refused.
 */
export function loopbackBaseUrl(value: string): { url: string } | { refused: string } {
	let url: URL | undefined;
	try {
		url = new URL(value.trim());
	} catch {
		url = undefined;
	}
	const plain = url?.username === '' && url.password === '' && url.search === '' && url.hash === '';
	if (url && ['http:', 'https:'].includes(url.protocol) && LOOPBACK_HOSTS.has(url.hostname) && plain) {
		return { url: `${url.origin}${url.pathname}`.replace(/\/+$/, '') };
	}
	// Only the host is quoted back: the value may carry a password or token in userinfo or query.
	const given = url ? ` (host "${url.host}")` : '';
	return {
		refused: `The Base URL Override accepts only a loopback address (http://127.0.0.1:PORT, http://localhost:PORT or http://[::1]:PORT), for simulators and local proxies; the value given${given} is not one. Leave it empty to use the provider's own host.`,
	};
}

/** application/x-www-form-urlencoded with PHP-style brackets for nested values (Checkfront). */
export function encodeForm(body: IDataObject | IDataObject[], prefix = ''): string {
	const parts: string[] = [];
	const add = (key: string, value: unknown) => {
		if (value === undefined || value === null) return;
		if (typeof value === 'object') {
			const nested = encodeForm(value as IDataObject, key);
			if (nested) parts.push(nested);
			return;
		}
		parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(String(value))}`);
	};
	for (const [key, value] of Object.entries(body)) add(prefix ? `${prefix}[${key}]` : key, value);
	return parts.join('&');
}

function parseJsonBody(body: unknown): { ok: true; value: unknown } | { ok: false } {
	if (Buffer.isBuffer(body)) body = body.toString('utf8');
	if (typeof body !== 'string') return { ok: true, value: body };
	const text = body.trim();
	if (text === '') return { ok: true, value: {} };
	try {
		return { ok: true, value: JSON.parse(text) };
	} catch {
		return { ok: false };
	}
}

function errorContext(api: ProviderApi, itemIndex?: number, note?: string): ErrorContext {
	return { provider: api.provider, secrets: api.secrets, itemIndex, note, adviceByStatus: api.adviceByStatus, parseError: api.parseError };
}

/** A failure turned into the user-facing error, secrets removed. */
export function providerError(node: INode, api: ProviderApi, error: unknown, itemIndex?: number): NodeApiError {
	const note = error instanceof RetryGaveUpError ? error.note : undefined;
	return toNodeApiError(node, error, errorContext(api, itemIndex, note));
}

/**
 * One authenticated call with retry, redirect policy and error mapping. Throws NodeApiError (or
 * NodeOperationError for a bad path) whose text holds no secret.
 */
export async function apiRequest<T = unknown>(
	ctx: RequestContext,
	api: ProviderApi,
	call: ApiCall,
): Promise<ApiResponse<T>> {
	const node = ctx.getNode();
	let url: string;
	try {
		url = buildUrl(api.baseUrl, call.path);
	} catch (error) {
		throw new NodeOperationError(node, (error as Error).message, { itemIndex: call.itemIndex });
	}
	const idempotent = call.idempotent ?? IDEMPOTENT_METHODS.has(call.method);

	const send = async (target: string): Promise<IN8nHttpFullResponse> => {
		const options: IHttpRequestOptions = {
			method: call.method,
			url: target,
			qs: call.qs,
			headers: { Accept: 'application/json', ...api.headers, ...call.headers },
			returnFullResponse: true,
			disableFollowRedirect: true,
			timeout: api.timeoutMs ?? DEFAULT_TIMEOUT_MS,
			json: call.bodyType !== 'form',
		};
		if (call.body !== undefined) {
			if (call.bodyType === 'form') {
				options.body = encodeForm(call.body);
				options.headers = { ...options.headers, 'Content-Type': 'application/x-www-form-urlencoded' };
			} else {
				options.body = call.body;
			}
		}
		const authenticated = async (attempt: IHttpRequestOptions) =>
			(await ctx.helpers.httpRequestWithAuthentication.call(
				ctx,
				api.credentialType,
				attempt,
				api.additionalCredentialOptions,
			)) as IN8nHttpFullResponse;
		return await sendKeepingResponse(authenticated, options);
	};

	const sendFollowingRedirects = async (): Promise<IN8nHttpFullResponse> => {
		let target = url;
		for (let hop = 0; ; hop++) {
			let failure: unknown;
			try {
				return await send(target);
			} catch (error) {
				failure = error;
			}
			const { status, headers } = extractHttpFailure(failure);
			const isRedirect = status !== undefined && status >= 300 && status < 400 && headers.location;
			if (!isRedirect || hop >= MAX_REDIRECTS) throw failure;
			const next = new URL(headers.location, target);
			const sameOrigin = next.origin === new URL(target).origin;
			if (!sameOrigin && !(api.allowRedirectTo?.(next) ?? false)) throw new ForeignRedirectError(next.host);
			if (!sameOrigin) api.onRedirected?.(new URL(target).host, next.host);
			target = next.toString();
		}
	};

	let response: IN8nHttpFullResponse;
	try {
		response = await withRetry(sendFollowingRedirects, { policy: api.retry, idempotent });
	} catch (error) {
		if (error instanceof ForeignRedirectError) {
			throw new NodeApiError(node, { provider: api.provider }, {
				message: `${api.provider} redirected the request to ${error.host}, which is not a ${api.provider} host. It was not followed, so the credential was not sent there.`,
				description: 'Check the host or base URL in the credential.',
				itemIndex: call.itemIndex,
			});
		}
		throw providerError(node, api, error, call.itemIndex);
	}

	const parsed = parseJsonBody(response.body);
	if (!parsed.ok) {
		throw toNodeApiError(
			node,
			{ response: { status: response.statusCode, headers: response.headers, data: String(response.body) } },
			errorContext(api, call.itemIndex),
		);
	}
	return { status: response.statusCode, headers: normaliseHeaders(response.headers), body: parsed.value as T };
}

/**
 * Pages through a list endpoint with the shared paginator; each page is one apiRequest, so retry and
 * error mapping apply per page. Yields page by page.
 */
export async function* apiPaginate(
	ctx: RequestContext,
	api: ProviderApi,
	call: Omit<ApiCall, 'method'> & { method?: IHttpRequestMethods },
	strategy: PaginationStrategy,
	options: Omit<PaginateOptions, 'qs'> = {},
): AsyncGenerator<IDataObject[]> {
	const fetchPage = async (request: PageRequest) => {
		const response = await apiRequest(ctx, api, { ...call, method: call.method ?? 'GET', qs: request.qs });
		return { body: response.body, headers: response.headers };
	};
	yield* paginate(fetchPage, strategy, { ...options, qs: call.qs });
}
