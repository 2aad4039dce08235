import { NodeApiError } from 'n8n-workflow';
import type { INode, JsonObject } from 'n8n-workflow';

import { TOKEN_EXCHANGE_ERROR } from './tokens';

/**
 * Turns whatever a failed provider call threw into a NodeApiError that says what went wrong and what
 * to do about it, with every secret of the credential removed. This is the only place that reads
 * provider error bodies; nodes never build error messages from raw responses themselves.
 */

/** What an HTTP failure looked like on the wire, dug out of axios/n8n error wrappers. */
export interface HttpFailure {
	status?: number;
	headers: Record<string, string>;
	body?: unknown;
	/** Socket-level code such as ECONNRESET or ETIMEDOUT when no response arrived at all. */
	networkCode?: string;
	message: string;
}

/** The readable part of a provider's error body, whatever its shape. */
export interface ProviderErrorDetail {
	message?: string;
	code?: string;
	/** Field-level problems (validation results), already formatted as "field: problem". */
	fields: string[];
	/** Set when the body was not JSON: an HTML page, or JSON cut off mid-way. */
	malformed?: 'html' | 'invalid-json';
}

export interface ErrorContext {
	/** Provider name as users know it ("fiskaly", "Checkfront"). */
	provider: string;
	/** Every secret value the credential holds; none of them may survive into the error. */
	secrets: readonly string[];
	itemIndex?: number;
	/** Extra sentence appended to the description (e.g. how many retries were made). */
	note?: string;
	/** Provider-specific advice by HTTP status, overriding the generic advice. */
	adviceByStatus?: Record<number, string>;
}

const NETWORK_CODES = new Set([
	'ECONNRESET',
	'ETIMEDOUT',
	'ECONNABORTED',
	'ECONNREFUSED',
	'EPIPE',
	'ENOTFOUND',
	'EAI_AGAIN',
	'ESOCKETTIMEDOUT',
	'ERR_SOCKET_CONNECTION_TIMEOUT',
	'UND_ERR_SOCKET',
	'UND_ERR_CONNECT_TIMEOUT',
	'UND_ERR_HEADERS_TIMEOUT',
	'UND_ERR_BODY_TIMEOUT',
]);

function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null;
}

/** Header bags from axios (AxiosHeaders), fetch (Headers) or plain objects, as lower-case keys. */
export function normaliseHeaders(headers: unknown): Record<string, string> {
	const out: Record<string, string> = {};
	if (!isObject(headers)) return out;
	const source =
		typeof (headers as { toJSON?: unknown }).toJSON === 'function'
			? ((headers as { toJSON: () => unknown }).toJSON() as Record<string, unknown>)
			: headers;
	const iterable = source as { entries?: unknown; forEach?: unknown };
	const entries: Array<[string, unknown]> =
		typeof iterable.entries === 'function' && typeof iterable.forEach === 'function'
			? Array.from((iterable.entries as () => Iterable<[string, unknown]>).call(source))
			: Object.entries(source);
	for (const [key, value] of entries) {
		if (value === undefined || value === null) continue;
		out[key.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
	}
	return out;
}

/** Walks error wrappers (NodeApiError.cause, axios error, retry give-up) to the HTTP response. */
export function extractHttpFailure(error: unknown): HttpFailure {
	const seen = new Set<unknown>();
	const queue: unknown[] = [error];
	let networkCode: string | undefined;
	let message = error instanceof Error ? error.message : String(error);
	while (queue.length > 0) {
		const current = queue.shift();
		if (!isObject(current) || seen.has(current)) continue;
		seen.add(current);
		const response = current.response;
		if (isObject(response) && typeof (response.status ?? response.statusCode) === 'number') {
			return {
				status: (response.status ?? response.statusCode) as number,
				headers: normaliseHeaders(response.headers),
				body: response.data ?? response.body,
				message,
			};
		}
		if (typeof current.code === 'string' && NETWORK_CODES.has(current.code)) {
			networkCode = networkCode ?? current.code;
		}
		if (typeof current.message === 'string' && /timeout|timed out/i.test(current.message)) {
			networkCode = networkCode ?? 'ETIMEDOUT';
		}
		if (current instanceof Error && !message) message = current.message;
		queue.push(current.cause, current.lastError, current.reason, current.error);
	}
	// NodeApiError without a response object still knows its status code.
	if (isObject(error) && error.httpCode && !Number.isNaN(Number(error.httpCode))) {
		const context = isObject(error.context) ? error.context : {};
		return { status: Number(error.httpCode), headers: {}, body: context.data, networkCode, message };
	}
	return { headers: {}, networkCode, message };
}

function firstString(...values: unknown[]): string | undefined {
	for (const value of values) {
		if (typeof value === 'string' && value.trim() !== '') return value.trim();
		if (typeof value === 'number') return String(value);
	}
	return undefined;
}

function formatValidation(result: unknown): string[] {
	if (Array.isArray(result)) {
		return result
			.map((entry) =>
				isObject(entry)
					? [firstString(entry.field, entry.name), firstString(entry.message, entry.msg)]
							.filter(Boolean)
							.join(': ')
					: String(entry),
			)
			.filter((line) => line !== '');
	}
	if (isObject(result)) {
		return Object.entries(result).map(([field, problems]) => {
			const text = Array.isArray(problems) ? problems.map(String).join(', ') : String(problems);
			return `${field}: ${text}`;
		});
	}
	return [];
}

/**
 * Reads the error body shapes the five providers use (see shared/docs/providers.md):
 * OAuth `{error, error_description}`; Fatture in Cloud `{error:{message,code,validation_result}}`;
 * fiskaly `{status_code,error,code,message}` and `{content:{code,message,status,error}}`;
 * HubRise `{error_type,message,errors[]}`; Inbenta `{error:{code,message}}` / `{errors:[...]}`;
 * Checkfront `{error:{title|message}}` or a plain `message`.
 */
export function parseProviderError(body: unknown): ProviderErrorDetail {
	let data = body;
	if (Buffer.isBuffer(data)) data = data.toString('utf8');
	if (typeof data === 'string') {
		const text = data.trim();
		if (text === '') return { fields: [] };
		if (text.startsWith('<')) return { fields: [], malformed: 'html' };
		try {
			data = JSON.parse(text);
		} catch {
			return { fields: [], malformed: 'invalid-json' };
		}
	}
	if (!isObject(data)) return { fields: [] };

	const content = isObject(data.content) ? data.content : undefined;
	const nestedError = isObject(data.error) ? data.error : undefined;
	const fields = [
		...formatValidation(nestedError?.validation_result),
		...formatValidation(data.errors),
		...formatValidation(content?.errors),
	];
	const message = firstString(
		nestedError?.message,
		nestedError?.title,
		content?.message,
		data.error_description,
		data.message,
		typeof data.error === 'string' ? data.error : undefined,
		content?.error,
		data.detail,
		data.title,
	);
	const code = firstString(
		nestedError?.code,
		content?.code,
		data.code,
		data.error_type,
		typeof data.error === 'string' && data.error_description ? data.error : undefined,
	);
	return { message, code, fields };
}

// --- Redaction ----------------------------------------------------------------------------------

const SECRET_KEY_PATTERN =
	/(secret|token|password|passwd|authorization|api[_-]?key|apikey|bearer|client[_-]?id|cookie|session)/i;
const MIN_SECRET_LENGTH = 4;
export const REDACTED = '[redacted]';

/** Derived forms a secret may take on the wire: URL-encoded, and HTTP Basic pairs base64-encoded. */
export function secretForms(secrets: readonly unknown[], basicPairs: Array<[unknown, unknown]> = []): string[] {
	const forms = new Set<string>();
	for (const secret of secrets) {
		if (typeof secret !== 'string' || secret.length < MIN_SECRET_LENGTH) continue;
		forms.add(secret);
		forms.add(encodeURIComponent(secret));
	}
	for (const [user, pass] of basicPairs) {
		if (typeof user !== 'string' || typeof pass !== 'string' || !user || !pass) continue;
		forms.add(Buffer.from(`${user}:${pass}`).toString('base64'));
	}
	// Longest first, so a secret that contains another is removed whole.
	return [...forms].sort((a, b) => b.length - a.length);
}

export function redactText(text: string, secrets: readonly string[]): string {
	let out = text;
	for (const secret of secrets) {
		if (secret.length >= MIN_SECRET_LENGTH) out = out.split(secret).join(REDACTED);
	}
	// Whatever else looks like a credential on the wire.
	return out
		.replace(/\b(Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{6,}/gi, `$1 ${REDACTED}`)
		.replace(/([?&](?:access_token|refresh_token|api_key|apikey|secret|token)=)[^&\s"']+/gi, `$1${REDACTED}`);
}

/** Deep copy of a JSON-ish value with secret values and secret-looking keys blanked. */
export function redactValue(value: unknown, secrets: readonly string[], depth = 0): unknown {
	if (depth > 8) return '[truncated]';
	if (typeof value === 'string') return redactText(value, secrets);
	if (Array.isArray(value)) return value.slice(0, 50).map((entry) => redactValue(entry, secrets, depth + 1));
	if (isObject(value)) {
		const out: Record<string, unknown> = {};
		for (const [key, entry] of Object.entries(value)) {
			out[key] =
				SECRET_KEY_PATTERN.test(key) && (typeof entry === 'string' || typeof entry === 'number')
					? REDACTED
					: redactValue(entry, secrets, depth + 1);
		}
		return out;
	}
	return value;
}

// --- OAuth2 refresh failures ---------------------------------------------------------------------

/** How n8n-core's OAuth2 token refresh failed, when that is what the error is. */
export interface OAuthRefreshFailure {
	/** `reconnect`: the grant is dead (expired, rotated away, revoked); `client`: the client id/secret were refused. */
	kind: 'reconnect' | 'client';
	/** The OAuth error code from the token endpoint, when known (invalid_grant, ...). */
	code?: string;
}

const CLIENT_ERRORS = new Set(['invalid_client', 'unauthorized_client']);

/**
 * Recognises a failed OAuth2 refresh in whatever shape n8n-core hands it over, for any provider:
 * - n8n-core 2.x throws a NodeOperationError "The credential ... needs to be reconnected" with
 *   `failure.cause === 'credential-invalid'` when the token endpoint answers `invalid_grant`;
 * - n8n-core 1.x (and 2.x for other OAuth errors) lets @n8n/client-oauth2's AuthError through:
 *   `code: 'EAUTH'`, `body: {error, error_description}`, message = the RFC 6749 boilerplate;
 * - a token without refresh token: "...no refresh token is available. Please reconnect...".
 * httpRequestWithAuthentication wraps each in a NodeApiError; the chain is walked through `cause`.
 */
export function oauthRefreshFailure(error: unknown): OAuthRefreshFailure | undefined {
	const seen = new Set<unknown>();
	const queue: unknown[] = [error];
	while (queue.length > 0) {
		const current = queue.shift();
		if (!isObject(current) || seen.has(current)) continue;
		seen.add(current);
		const failure = isObject(current.failure) ? current.failure : undefined;
		if (failure?.cause === 'credential-invalid') return { kind: 'reconnect', code: 'invalid_grant' };
		const body = isObject(current.body) ? current.body : undefined;
		if (current.code === 'EAUTH' && typeof body?.error === 'string') {
			return { kind: CLIENT_ERRORS.has(body.error) ? 'client' : 'reconnect', code: body.error };
		}
		if (typeof current.message === 'string' && /no refresh token is available/i.test(current.message)) {
			return { kind: 'reconnect' };
		}
		queue.push(current.cause, current.lastError, current.reason, current.error);
	}
	return undefined;
}

function oauthRefreshError(node: INode, refresh: OAuthRefreshFailure, context: ErrorContext): NodeApiError {
	const message =
		refresh.kind === 'client'
			? `${context.provider}: the OAuth2 token endpoint refused the client ID and secret${refresh.code ? ` (${refresh.code})` : ''}`
			: `${context.provider}: the OAuth2 connection has expired or was revoked; reconnect the credential`;
	const description =
		refresh.kind === 'client'
			? 'n8n could not refresh the access token because the client ID / client secret (consumer key / secret) were refused. Check them in the credential, then click Reconnect.'
			: 'n8n could not refresh the access token: the refresh token has expired, was already used (the provider rotates refresh tokens) or was revoked. Open the credential and click Reconnect (sign in again) to continue.';
	return new NodeApiError(
		node,
		{ provider: context.provider, ...(refresh.code ? { providerCode: refresh.code } : {}) },
		{ message, description, itemIndex: context.itemIndex, failure: { cause: 'credential-invalid' } },
	);
}

// --- Messages ------------------------------------------------------------------------------------

const GENERIC_ADVICE: Record<number, string> = {
	400: 'The request was rejected as invalid. Check the fields named above and the values the node sends.',
	401: 'The credential was rejected. Open the credential and check the key and secret, or reconnect the account.',
	403: 'The credential is valid but not allowed to do this: check the scopes or permissions granted to it, or the account quota.',
	404: 'Nothing was found there. Check the ID and that it belongs to the account of this credential.',
	405: 'The provider does not allow this method on this path. Check the path of the call.',
	409: 'The request conflicts with the current state of the resource (it may have changed meanwhile). Fetch it again and retry.',
	410: 'The resource is gone. It was deleted or has expired.',
	413: 'The request is too large for the provider. Send fewer or smaller items per call.',
	422: 'The provider could not process the data. Check the fields named above.',
	429: 'Rate limit reached. Lower the workflow frequency or batch size, or wait for the quota to reset.',
};

function statusAdvice(status: number | undefined, context: ErrorContext): string {
	if (status !== undefined && context.adviceByStatus?.[status]) return context.adviceByStatus[status];
	if (status !== undefined && GENERIC_ADVICE[status]) return GENERIC_ADVICE[status];
	if (status !== undefined && status >= 500) {
		return `${context.provider} had a problem answering (HTTP ${status}). This is usually temporary: run the workflow again later.`;
	}
	return 'Check the node parameters and the credential.';
}

function networkAdvice(code: string, provider: string): string {
	if (code === 'ETIMEDOUT' || code === 'ECONNABORTED' || code.includes('TIMEOUT')) {
		return `${provider} did not answer in time. It may be slow or unreachable: try again later, or raise the timeout.`;
	}
	if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
		return `${provider} could not be reached. Check the host or base URL in the credential and the network of this n8n instance.`;
	}
	return `The connection to ${provider} was interrupted (${code}). Run the workflow again; if it persists, check the network.`;
}

/**
 * Builds the NodeApiError a user sees. The raw error is never attached: its request config carries
 * the Authorization header. Only a redacted summary of the response body travels with it.
 */
export function toNodeApiError(node: INode, error: unknown, context: ErrorContext): NodeApiError {
	const exchange = tokenExchangeFailure(error);
	if (exchange) return reissue(node, exchange, context);
	const refresh = oauthRefreshFailure(error);
	if (refresh) return oauthRefreshError(node, refresh, context);
	const failure = extractHttpFailure(error);
	const detail = parseProviderError(failure.body);
	const { provider, secrets } = context;
	let message: string;
	let description: string;

	if (failure.status === undefined && failure.networkCode) {
		message = `${provider}: no response (${failure.networkCode})`;
		description = networkAdvice(failure.networkCode, provider);
	} else if (failure.status === undefined) {
		message = `${provider}: request failed: ${failure.message || 'unknown error'}`;
		description = 'Check the node parameters and the credential.';
	} else {
		const what = detail.malformed
			? detail.malformed === 'html'
				? 'answered with an HTML page instead of JSON'
				: 'answered with a malformed (truncated or invalid) JSON body'
			: detail.message ?? `answered HTTP ${failure.status}`;
		message = `${provider} error ${failure.status}${detail.code ? ` (${detail.code})` : ''}: ${what}`;
		const parts: string[] = [];
		if (detail.fields.length > 0) parts.push(`Problems: ${detail.fields.join('; ')}.`);
		parts.push(
			detail.malformed
				? `${provider} or a proxy in front of it returned something that is not an API answer (maintenance page, gateway error). Try again later; if it persists, check the host in the credential.`
				: statusAdvice(failure.status, context),
		);
		description = parts.join(' ');
	}
	if (context.note) description = `${description} ${context.note}`;

	const summary: JsonObject = {
		provider,
		...(failure.status !== undefined ? { httpCode: String(failure.status) } : {}),
		...(detail.code ? { providerCode: detail.code } : {}),
		...(failure.networkCode ? { networkCode: failure.networkCode } : {}),
		...(failure.body !== undefined && !detail.malformed
			? { response: redactValue(failure.body, secrets) as JsonObject }
			: {}),
	};
	const apiError = new NodeApiError(node, summary, {
		message: redactText(message, secrets),
		description: redactText(description, secrets),
		httpCode: failure.status !== undefined ? String(failure.status) : undefined,
		itemIndex: context.itemIndex,
	});
	// NodeApiError copies a top-level "message" from the body when it can; make sure only ours stays.
	apiError.message = redactText(message, secrets);
	return apiError;
}

/** A credential's token-exchange error (tokens.ts tokenExchangeError), wherever it is wrapped. */
function tokenExchangeFailure(error: unknown): NodeApiError | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 5 && isObject(current); depth++) {
		if (current instanceof NodeApiError && current.context?.[TOKEN_EXCHANGE_ERROR] === true) return current;
		current = current.lastError ?? current.cause;
	}
	return undefined;
}

/** The credential already worded it for the user: keep its words, attach the real node and item. */
function reissue(node: INode, exchange: NodeApiError, context: ErrorContext): NodeApiError {
	const message = redactText(exchange.message, context.secrets);
	const description = redactText(exchange.description ?? '', context.secrets);
	const httpCode = exchange.httpCode ?? undefined;
	const apiError = new NodeApiError(
		node,
		{ provider: context.provider, ...(httpCode ? { httpCode } : {}) },
		{
			message,
			description: context.note ? `${description} ${context.note}` : description,
			httpCode,
			itemIndex: context.itemIndex,
		},
	);
	apiError.message = message;
	return apiError;
}
