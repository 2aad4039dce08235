import { NodeApiError, NodeOperationError } from 'n8n-workflow';
import type {
	IAdditionalCredentialOptions,
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteFunctions,
	IHttpRequestMethods,
	IHttpRequestOptions,
	ILoadOptionsFunctions,
	INode,
	IN8nHttpFullResponse,
} from 'n8n-workflow';

import { credentialAllowedDomains, domainRefusal } from './domains';
import { toNodeApiError } from './errors';
import type { ErrorBodyParser, ErrorContext } from './errors';
import { extractHttpFailure, isObject, normaliseHeaders } from './failures';
import { Pacer } from './pacing';
import type { DeclaredLimit } from './pacing';
import { paginate } from './paginate';
import { retryIfRotatedMeanwhile, stampingCaller, warnBeforeRefreshTokenDies } from './keepAlive';
import type { KeepAlivePolicy } from './keepAlive';
import { pathProblem } from './paths';
import type { PageRequest, PaginateOptions, PaginationStrategy } from './paginate';
import { redactOutput, rememberedSecrets, secretValuesOf } from './redact';
import { DEFAULT_RETRY_POLICY, RetryGaveUpError, withRetry } from './retry';
import type { RetryPolicy } from './retry';
import { CredentialRead, withStoredToken } from './tokens';
import type { StoredTokenFields } from './tokens';
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
	/**
	 * Credential secrets to redact from every error and output. The request layer adds the values
	 * of the moment itself (see `currentSecrets`): what the credential holds when the answer
	 * arrives, and every token this process minted.
	 */
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
	/**
	 * Fixed windows the provider enforces without announcing them in headers (HubRise: 500 a minute,
	 * 2,500 an hour, 10,000 a day). Announced limits are read from every answer (pacing.ts).
	 */
	rateLimits?: readonly DeclaredLimit[];
	/**
	 * What the pacing of this api is shared by: by default the ProviderApi object itself. An adapter
	 * that derives a ProviderApi per call (`{ ...connection, baseUrl }`, Inbenta's product APIs) sets it
	 * on the connection, so that every copy of one execution shares one Pacer.
	 */
	rateLimitScope?: object;
	/** Per-request idle timeout (no byte for this long). */
	timeoutMs?: number;
	/** Total time one request may take, body included (default REQUEST_LIMITS.deadlineMs). */
	deadlineMs?: number;
	/**
	 * For a provider whose token must travel in a header n8n-core's OAuth2 signing cannot produce
	 * (HubRise: `X-Access-Token`, never `Authorization: Bearer`): signs each request itself, and the
	 * request is then sent unauthenticated by n8n-core (`httpRequest`) with these headers. n8n's
	 * OAuth2 refresh does not run then, so it suits only tokens that never expire.
	 */
	signRequest?: (options: IHttpRequestOptions) => Promise<IHttpRequestOptions>;
	/**
	 * Where a token credential keeps its token: its expirable field, declared in the provider's auth.ts
	 * (TOKEN_FIELDS; test/unit/tokenFields.test.ts checks it against `tokenFieldsOf(<credential>.properties)`), optionally with the provider's own renewal `plan`; default `accessToken` /
	 * `accessTokenExpiresAt`, used when the stored credential has such a field. `false`: the credential
	 * type has no token to coordinate. See withStoredToken in tokens.ts.
	 */
	storedToken?: StoredTokenFields | false;
	/** Set when the credential's refresh token dies of disuse (keepAlive.ts): stamps, warnings, Keep Connection Alive. */
	keepAlive?: KeepAlivePolicy;
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
	/** A multipart/form-data body instead of `body`: text fields, and files as `{data, fileName, mimeType}`. */
	form?: Record<string, string | { data: Buffer; fileName: string; mimeType?: string }>;
	/** The answer may be text (XML, CSV): a body that is not JSON comes back as `{ text }` instead of failing. */
	acceptText?: boolean;
}

export interface ApiResponse<T = unknown> {
	status: number;
	headers: Record<string, string>;
	/** The parsed body; `{}` (marked, see answerOf) when the provider sent no body or JSON `null`. */
	body: T;
	/** Set when the provider sent no usable body: what it did instead, in words. */
	emptyNote?: string;
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
 * Limits of every call, for every provider. n8n-core's `timeout` is axios' idle timeout: a server
 * that sends one byte every half second never trips it. The deadline bounds one request (one
 * attempt, one redirect hop) from start to the last byte. Tests lower it.
 */
export const REQUEST_LIMITS = { deadlineMs: 120_000 };

/** A request abandoned at its deadline; not retried (the provider answers, only far too slowly). */
export class DeadlineError extends Error {
	readonly retryable = false;

	constructor(readonly ms: number) {
		super(`no complete answer within ${Math.round(ms / 1000)} s`);
		this.name = 'DeadlineError';
	}
}

/** What a provider's answer body was, for the per-item loop (execute.ts): which provider, and, when empty, what it sent. */
export interface AnswerInfo {
	provider: string;
	status: number;
	/** Set when the body was empty or JSON null: what the provider did, in words. */
	emptyNote?: string;
}

const ANSWERS = new WeakMap<object, AnswerInfo>();

/** The answer a body object or array came from, when it is a body apiRequest returned (not a list collected from pages). */
export function answerOf(value: unknown): AnswerInfo | undefined {
	return typeof value === 'object' && value !== null ? ANSWERS.get(value) : undefined;
}

/**
 * True when the call failed because the deadline cut it off. The deadline also spans the token
 * exchange n8n runs inside the call (preAuthentication); a credential's own error from there is
 * its own, and keeps its words.
 */
function abandonedAtDeadline(deadline: AbortSignal, failure: unknown): boolean {
	if (!deadline.aborted) return false;
	let current: unknown = failure;
	for (let depth = 0; depth < 6 && isObject(current); depth++) {
		if (current.retryable === false) return false;
		if (current.code === 'ERR_CANCELED' || current.name === 'CanceledError' || current.name === 'AbortError') return true;
		current = current.cause ?? current.lastError;
	}
	// n8n 1.x's wrapper may drop the cause: no HTTP answer at all, with the deadline passed, is the deadline.
	return extractHttpFailure(failure).status === undefined;
}

/**
 * The execution's cancel signal joined with the deadline. httpRequestWithAuthentication replaces
 * `abortSignal` with `this.getExecutionCancelSignal()` (both n8n lines), so the call runs with a
 * `this` whose getExecutionCancelSignal hands over the joined signal; everything else is the context.
 */
function withDeadline(ctx: RequestContext, deadline: AbortSignal): { caller: RequestContext; signal: AbortSignal } {
	const own = (ctx as Partial<IExecuteFunctions>).getExecutionCancelSignal?.call(ctx);
	const signal = own ? AbortSignal.any([own, deadline]) : deadline;
	const caller = Object.create(ctx, { getExecutionCancelSignal: { value: () => signal } }) as RequestContext;
	return { caller, signal };
}

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
	if (path.includes('?') || path.includes('#')) {
		throw new Error('Put query parameters in the query fields, not in the path');
	}
	const problem = pathProblem(path);
	if (problem) throw new Error(`The path must not contain "." or ".." segments (${problem})`);
	const base = new URL(baseUrl);
	const url = new URL(baseUrl.replace(/\/+$/, '') + path);
	if (url.origin !== base.origin) throw new Error('The path must stay on the provider host');
	// Belt and braces: the parser removed no segment (it would, for a dot segment we missed), and the
	// call stays under the provider's API prefix ("/api/3.0").
	const prefix = base.pathname.replace(/\/+$/, '');
	const count = (text: string) => text.split('/').length;
	if (!(url.pathname === prefix || url.pathname.startsWith(`${prefix}/`)) || count(url.pathname) !== count(prefix + path)) {
		throw new Error(`The path must stay under ${prefix || '/'} on the provider host`);
	}
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

/** A multipart body (the runtime's FormData; n8n-core sends it with its boundary). */
function formDataOf(fields: NonNullable<ApiCall['form']>): FormData {
	const form = new FormData();
	for (const [name, value] of Object.entries(fields)) {
		if (typeof value === 'string') form.append(name, value);
		else form.append(name, new Blob([new Uint8Array(value.data)], { type: value.mimeType ?? 'application/octet-stream' }), value.fileName);
	}
	return form;
}

function bodyText(body: unknown): string {
	return Buffer.isBuffer(body) ? body.toString('utf8') : String(body);
}

/** The body as JSON; `empty` says what the provider sent instead of a body (nothing, or JSON null). */
function parseJsonBody(body: unknown): { ok: true; value: unknown; empty?: string } | { ok: false } {
	if (Buffer.isBuffer(body)) body = body.toString('utf8');
	if (body === undefined || body === null) return { ok: true, value: {}, empty: body === null ? 'a JSON null body' : 'no content' };
	if (typeof body !== 'string') return { ok: true, value: body };
	const text = body.trim();
	if (text === '') return { ok: true, value: {}, empty: 'no content' };
	try {
		const value = JSON.parse(text) as unknown;
		return value === null ? { ok: true, value: {}, empty: 'a JSON null body' } : { ok: true, value };
	} catch {
		return { ok: false };
	}
}

function errorContext(api: ProviderApi, itemIndex?: number, note?: string, secrets: readonly string[] = api.secrets): ErrorContext {
	return { provider: api.provider, secrets, itemIndex, note, adviceByStatus: api.adviceByStatus, parseError: api.parseError };
}

/** A failure turned into the user-facing error, secrets removed. */
export function providerError(
	node: INode,
	api: ProviderApi,
	error: unknown,
	itemIndex?: number,
	secrets: readonly string[] = api.secrets,
): NodeApiError {
	const note = error instanceof RetryGaveUpError ? error.note : undefined;
	return toNodeApiError(node, error, errorContext(api, itemIndex, note, secrets));
}

/**
 * Every secret of the credential at this moment, for any provider: the adapter's list, what the
 * credential holds now (re-read: a token minted or refreshed during this very request is in it,
 * whether our preAuthentication or n8n-core's OAuth2 refresh obtained it), the copy n8n-core
 * updates in place for an expired token, and every token this process minted.
 */
export async function currentSecrets(ctx: RequestContext, api: ProviderApi, read?: CredentialRead): Promise<string[]> {
	const values = [...api.secrets, ...rememberedSecrets()];
	values.push(...secretValuesOf(api.additionalCredentialOptions?.credentialsDecrypted?.data));
	// The request's own read and the objects n8n-core updated in place serve; a read only when there was none.
	if (read && read.seen.length > 0) {
		for (const data of read.seen) values.push(...secretValuesOf(data));
		return values;
	}
	try {
		// Through the request's read when there is one: the execution's copy serves.
		values.push(...secretValuesOf(read ? await read.initial() : await ctx.getCredentials(api.credentialType)));
	} catch {
		// The adapter's list and the minted tokens still apply.
	}
	return values;
}

/** The credential's allowed domains, read once per ProviderApi (they do not change during a run). */
const allowlists = new WeakMap<ProviderApi, { allowed?: string; refused?: string }>();

async function allowlistOf(api: ProviderApi, read: CredentialRead): Promise<{ allowed?: string; refused?: string }> {
	const known = allowlists.get(api);
	if (known) return known;
	let result: { allowed?: string; refused?: string };
	try {
		// The request's first read, which the token handling then uses too (no read of its own).
		const credentials = api.additionalCredentialOptions?.credentialsDecrypted?.data ?? (await read.initial());
		result = { allowed: credentialAllowedDomains(credentials) };
	} catch (error) {
		result = { refused: (error as Error).message };
	}
	allowlists.set(api, result);
	return result;
}

class DomainRefusedError extends Error {}

/** One Pacer per ProviderApi: every request of a node execution, in flight together or not, shares it. */
const pacers = new WeakMap<object, Pacer>();

function pacerOf(api: ProviderApi): Pacer {
	const scope = api.rateLimitScope ?? api;
	let pacer = pacers.get(scope);
	if (!pacer) {
		pacer = new Pacer({ declared: api.rateLimits, maxWaitMs: api.retry?.maxTotalWaitMs ?? DEFAULT_RETRY_POLICY.maxTotalWaitMs });
		pacers.set(scope, pacer);
	}
	return pacer;
}

/**
 * The caller n8n-core runs the request with, whose `getCredentials` hands n8n-core's own read (an
 * OAuth2 call: n8n-core reads, and writes a refreshed token into what it read) to the request's
 * CredentialRead, so the redaction sees it without another read.
 */
function notingReads<C extends RequestContext>(caller: C, read: CredentialRead): C {
	const own = caller.getCredentials.bind(caller) as (type: string, itemIndex?: number) => Promise<ICredentialDataDecryptedObject>;
	const getCredentials = async (type: string, itemIndex?: number) => {
		const data = await own(type, itemIndex);
		if (type === read.credentialType) read.note(data);
		return data;
	};
	return Object.create(caller, { getCredentials: { value: getCredentials } }) as C;
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
	// One read of the credential per request (the execution's copy when it has a fresh one) serves the
	// allowlist, the token, the adoption and the redaction.
	const read = new CredentialRead(ctx, api.credentialType, true);
	const allowlist = await allowlistOf(api, read);

	const deadlineMs = api.deadlineMs ?? REQUEST_LIMITS.deadlineMs;
	const pacer = pacerOf(api);
	const send = async (target: string): Promise<IN8nHttpFullResponse> => {
		// n8n 2.x "Allowed HTTP Request Domains": checked on every hop, before anything is sent.
		const refusal = allowlist.refused ?? domainRefusal(target, allowlist.allowed);
		if (refusal !== undefined) throw new DomainRefusedError(refusal);
		// Before the deadline starts: a request held for the rate limit is not yet under way.
		const ticket = await pacer.acquire();
		const deadline = AbortSignal.timeout(deadlineMs);
		const joined = withDeadline(ctx, deadline);
		const { signal } = joined;
		const caller = notingReads(api.keepAlive ? stampingCaller(joined.caller, api) : joined.caller, read);
		const options: IHttpRequestOptions = {
			method: call.method,
			url: target,
			qs: call.qs,
			headers: { Accept: 'application/json', ...api.headers, ...call.headers },
			returnFullResponse: true,
			disableFollowRedirect: true,
			timeout: api.timeoutMs ?? DEFAULT_TIMEOUT_MS,
			json: call.bodyType !== 'form',
			...(allowlist.allowed !== undefined ? { allowedDomains: allowlist.allowed } : {}),
			abortSignal: signal,
		};
		if (call.form !== undefined) {
			options.body = formDataOf(call.form);
			options.json = false;
		} else if (call.body !== undefined) {
			if (call.bodyType === 'form') {
				options.body = encodeForm(call.body);
				options.headers = { ...options.headers, 'Content-Type': 'application/x-www-form-urlencoded' };
			} else {
				options.body = call.body;
			}
		}
		// A provider that signs its own requests (HubRise: X-Access-Token, which n8n's OAuth2 signing cannot
		// produce) goes through plain httpRequest; every other through n8n's credential lifecycle.
		const authenticated = async (attempt: IHttpRequestOptions): Promise<IN8nHttpFullResponse> => {
			if (api.signRequest) return (await ctx.helpers.httpRequest.call(caller, await api.signRequest(attempt))) as IN8nHttpFullResponse;
			// Token credentials: the stored token of the moment, and a sibling process's token adopted on a 401 (tokens.ts).
			return await withStoredToken(
				ctx,
				api.credentialType,
				api.additionalCredentialOptions,
				api.storedToken,
				async (credentialOptions) =>
					(await ctx.helpers.httpRequestWithAuthentication.call(
						caller,
						api.credentialType,
						{ ...attempt, headers: { ...attempt.headers } },
						credentialOptions,
					)) as IN8nHttpFullResponse,
				undefined,
				read,
			);
		};
		let failure: unknown;
		try {
			const response = await sendKeepingResponse(authenticated, options);
			pacer.observe(ticket, normaliseHeaders(response.headers), response.statusCode);
			return response;
		} catch (error) {
			failure = error;
		}
		const { status, headers } = extractHttpFailure(failure);
		pacer.observe(ticket, headers, status);
		throw abandonedAtDeadline(deadline, failure) ? new DeadlineError(deadlineMs) : failure;
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
			if (failure instanceof DomainRefusedError) throw failure;
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
		// A refresh refused because another execution rotated the pair meanwhile (n8n 1.x) is retried once.
		response = await retryIfRotatedMeanwhile(ctx, api, () => withRetry(sendFollowingRedirects, { policy: api.retry, idempotent }));
	} catch (error) {
		if (error instanceof DomainRefusedError) {
			throw new NodeOperationError(node, error.message, {
				description: `The credential's "Allowed HTTP Request Domains" leave out this ${api.provider} host, so nothing was sent. Add the host to the list, or set the option to All.`,
				itemIndex: call.itemIndex,
			});
		}
		if (error instanceof ForeignRedirectError) {
			throw new NodeApiError(node, { provider: api.provider }, {
				message: `${api.provider} redirected the request to ${error.host}, which is not a ${api.provider} host. It was not followed, so the credential was not sent there.`,
				description: 'Check the host or base URL in the credential.',
				itemIndex: call.itemIndex,
			});
		}
		if (error instanceof DeadlineError) {
			throw new NodeApiError(node, { provider: api.provider }, {
				message: `${api.provider} did not finish answering within ${Math.round(error.ms / 1000)} s; the request was abandoned`,
				description: `The answer was still arriving (or never came) when the time limit for one request ran out. ${api.provider} or a proxy in front of it is very slow right now: try again later, and check the host or base URL in the credential if it persists.`,
				itemIndex: call.itemIndex,
			});
		}
		throw providerError(node, api, error, call.itemIndex, await currentSecrets(ctx, api, read));
	}

	await warnBeforeRefreshTokenDies(ctx, api);
	const secrets = await currentSecrets(ctx, api, read);
	let parsed = parseJsonBody(response.body);
	if (!parsed.ok && call.acceptText) parsed = { ok: true, value: { text: bodyText(response.body) } };
	if (!parsed.ok) {
		throw toNodeApiError(
			node,
			{ response: { status: response.statusCode, headers: response.headers, data: String(response.body) } },
			errorContext(api, call.itemIndex, undefined, secrets),
		);
	}
	// An answer that echoes a secret (an Authorization header, a token) is cleaned before it can
	// reach the output items; one substring pass when it holds none.
	const body = redactOutput(parsed.value as T, secrets);
	const emptyNote = parsed.empty ? `${api.provider} answered HTTP ${response.statusCode} with ${parsed.empty}` : undefined;
	if (typeof body === 'object' && body !== null) {
		ANSWERS.set(body, { provider: api.provider, status: response.statusCode, emptyNote });
	}
	return { status: response.statusCode, headers: normaliseHeaders(response.headers), body, emptyNote };
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

/**
 * A whole list operation: pages through the endpoint and returns up to `limit` records (all when
 * undefined), so no provider repeats the page loop.
 */
export async function apiList(
	ctx: RequestContext,
	api: ProviderApi,
	call: Omit<ApiCall, 'method'> & { method?: IHttpRequestMethods },
	strategy: PaginationStrategy,
	limit: number | undefined,
): Promise<IDataObject[]> {
	const records: IDataObject[] = [];
	for await (const page of apiPaginate(ctx, api, call, strategy, { limit })) {
		for (const record of page) records.push(record);
	}
	return records;
}

/**
 * One page of a list endpoint, for pickers that load more as the user scrolls: `token` is the
 * opaque continuation handed back by the previous page (its query parameters; the path stays the
 * caller's), `nextToken` is absent on the last page.
 */
export async function apiPage(
	ctx: RequestContext,
	api: ProviderApi,
	call: Omit<ApiCall, 'method'> & { method?: IHttpRequestMethods },
	strategy: PaginationStrategy,
	token?: string,
): Promise<{ items: IDataObject[]; nextToken?: string }> {
	let qs: IDataObject = { ...call.qs, ...strategy.first(strategy.maxPageSize).qs };
	if (token) {
		try {
			qs = { ...call.qs, ...(JSON.parse(token) as IDataObject) };
		} catch {
			// A token we did not write: start from the first page.
		}
	}
	const request = { qs };
	const response = await apiRequest(ctx, api, { ...call, method: call.method ?? 'GET', qs });
	const page = strategy.read({ body: response.body, headers: response.headers }, request);
	const next = page.items.length > 0 ? page.next : undefined;
	return { items: page.items, nextToken: next ? JSON.stringify(next.qs) : undefined };
}
