/**
 * What went wrong on the wire, read out of whatever n8n-core, axios or our own layers threw: the HTTP
 * status, headers and body of a failed response, a socket-level failure, or a failed OAuth2 refresh.
 * Recognition only: errors.ts words the message, redact.ts keeps secrets out of it.
 */

/** A plain JSON-ish object (not null, not an array). */
export function isObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What an HTTP failure looked like on the wire, dug out of axios/n8n error wrappers. */
/** A body as an object: parsed when it is JSON text, undefined when it is not an object either way. */
export function jsonObjectOf(value: unknown): Record<string, unknown> | undefined {
	let parsed = value;
	if (typeof parsed === 'string') {
		try {
			parsed = JSON.parse(parsed);
		} catch {
			return undefined;
		}
	}
	return isObject(parsed) ? parsed : undefined;
}

export interface HttpFailure {
	status?: number;
	headers: Record<string, string>;
	body?: unknown;
	/** Socket-level code such as ECONNRESET or ETIMEDOUT when no response arrived at all. */
	networkCode?: string;
	/** The response started but its body was cut off mid-stream (connection closed early). */
	truncated?: boolean;
	message: string;
}

/**
 * For the wording of a token request's failure: what happened when no whole answer arrived (the
 * socket code, or an answer cut off mid-stream, whose status line alone said 200); undefined when an
 * answer arrived whole, so its status says what the provider did.
 */
export function noWholeAnswer(failure: HttpFailure): string | undefined {
	if (failure.truncated && (failure.status === undefined || failure.status < 300)) {
		return `answer cut off mid-stream (truncated${failure.status !== undefined ? `, HTTP ${failure.status}` : ''})`;
	}
	return failure.status === undefined ? (failure.networkCode ?? 'no response') : undefined;
}

/** What axios / Node say when a response body stops before its end. */
const CUT_OFF = /stream has been aborted|premature close|aborted|ERR_STREAM_PREMATURE_CLOSE/i;

/** True when some error in the chain says the response body was cut off mid-stream. */
function cutOff(error: unknown): boolean {
	return errorChain(error).some(
		(current) => (typeof current.message === 'string' && CUT_OFF.test(current.message)) || current.code === 'ERR_STREAM_PREMATURE_CLOSE',
	);
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
	let networkCode: string | undefined;
	let message = error instanceof Error ? error.message : String(error);
	for (const current of errorChain(error)) {
		const response = current.response;
		if (isObject(response) && typeof (response.status ?? response.statusCode) === 'number') {
			return {
				status: (response.status ?? response.statusCode) as number,
				headers: normaliseHeaders(response.headers),
				body: response.data ?? response.body,
				...(cutOff(error) ? { truncated: true } : {}),
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
	}
	// n8n-core 1.x wraps the original error in a NodeApiError that drops it (ExecutionBaseError's `cause`
	// field is reset after construction): what survives is `httpCode` (the HTTP status, or the socket code
	// such as ECONNRESET when no answer came) and `context.data` (a JSON body). Read those, anywhere in
	// the chain (a retry give-up holds the wrapper as `lastError`).
	const wrapper = survivingWrapperFacts(error);
	const truncated = cutOff(error) ? { truncated: true } : {};
	if (wrapper.status !== undefined) {
		return { status: wrapper.status, headers: {}, body: wrapper.body, networkCode, ...truncated, message };
	}
	return { headers: {}, networkCode: networkCode ?? wrapper.networkCode, ...truncated, message };
}

/** What a NodeApiError whose original error is gone still says: its httpCode and JSON body. */
function survivingWrapperFacts(error: unknown): { status?: number; body?: unknown; networkCode?: string } {
	let networkCode: string | undefined;
	for (const current of errorChain(error)) {
		const httpCode = typeof current.httpCode === 'number' ? String(current.httpCode) : current.httpCode;
		if (typeof httpCode !== 'string' || httpCode === '') continue;
		if (/^[1-5]\d\d$/.test(httpCode)) {
			const context = isObject(current.context) ? current.context : {};
			return { status: Number(httpCode), body: context.data, networkCode };
		}
		if (NETWORK_CODES.has(httpCode.toUpperCase())) networkCode = networkCode ?? httpCode.toUpperCase();
	}
	return { networkCode };
}

/** The error and every error it wraps (cause, a retry's lastError, reason, error), each once. */
function errorChain(error: unknown): Array<Record<string, unknown>> {
	const seen = new Set<unknown>();
	const queue: unknown[] = [error];
	const chain: Array<Record<string, unknown>> = [];
	while (queue.length > 0) {
		const current = queue.shift();
		if (!isObject(current) || seen.has(current)) continue;
		seen.add(current);
		chain.push(current);
		queue.push(current.cause, current.lastError, current.reason, current.error);
	}
	return chain;
}

// --- OAuth2 refresh failures ------------------------------------------------------------------

/** How n8n-core's OAuth2 token refresh failed, when that is what the error is. */
export interface OAuthRefreshFailure {
	/** `reconnect`: the grant is dead (expired, rotated away, revoked); `client`: the client id/secret were refused. */
	kind: 'reconnect' | 'client';
	/** The OAuth error code from the token endpoint, when known (invalid_grant, ...). */
	code?: string;
}

const CLIENT_ERRORS = new Set(['invalid_client', 'unauthorized_client']);

/** @n8n/client-oauth2's message for `invalid_grant` (constants.js ERROR_RESPONSES), both lines. */
const INVALID_GRANT_TEXT = /The provided authorization grant \(e\.g\., authorization code, resource owner credentials\) or refresh token is invalid, expired, revoked/;

/**
 * Recognises a failed OAuth2 refresh in whatever shape n8n-core hands it over, for any provider:
 * - n8n-core 2.x throws a NodeOperationError "The credential ... needs to be reconnected" with
 *   `failure.cause === 'credential-invalid'` when the token endpoint answers `invalid_grant`;
 * - n8n-core 1.x (and 2.x for other OAuth errors) lets @n8n/client-oauth2's AuthError through:
 *   `code: 'EAUTH'`, `body: {error, error_description}`, message = the RFC 6749 boilerplate;
 * - a token without refresh token: "...no refresh token is available. Please reconnect...".
 * httpRequestWithAuthentication wraps each in a NodeApiError; the chain is walked through `cause`.
 * On n8n-core 1.x that wrapper drops the AuthError (and its body): only its message (the RFC 6749
 * text @n8n/client-oauth2 chose for the error code) and `httpCode: 'EAUTH'` survive; see
 * authErrorBehindWrapper.
 */
export function oauthRefreshFailure(error: unknown): OAuthRefreshFailure | undefined {
	for (const current of errorChain(error)) {
		const failure = isObject(current.failure) ? current.failure : undefined;
		if (failure?.cause === 'credential-invalid') return { kind: 'reconnect', code: 'invalid_grant' };
		const body = isObject(current.body) ? current.body : undefined;
		if (current.code === 'EAUTH' && typeof body?.error === 'string') {
			return { kind: CLIENT_ERRORS.has(body.error) ? 'client' : 'reconnect', code: body.error };
		}
		if (typeof current.message === 'string' && /no refresh token is available/i.test(current.message)) {
			return { kind: 'reconnect' };
		}
	}
	// Only when the chain holds nothing better: the wrapper of an AuthError that n8n-core 1.x dropped.
	for (const current of errorChain(error)) {
		const survived = authErrorBehindWrapper(current);
		if (survived) return survived;
	}
	// n8n 1.x's 401 path can wrap the AuthError so that only its message survives, without EAUTH.
	for (const current of errorChain(error)) {
		if (typeof current.message === 'string' && INVALID_GRANT_TEXT.test(current.message)) return { kind: 'reconnect', code: 'invalid_grant' };
	}
	return undefined;
}

/**
 * The RFC 6749 section 5.2 descriptions that @n8n/client-oauth2 (0.x and 1.x alike) uses as the
 * message of its AuthError for these error codes: all that is left of the code once n8n-core 1.x's
 * wrapper has dropped the AuthError's body.
 */
const RFC6749_MESSAGES: Record<string, string> = {
	invalid_grant:
		'The provided authorization grant (e.g., authorization code, resource owner credentials) or refresh token is invalid, expired, revoked, does not match the redirection URI used in the authorization request, or was issued to another client.',
	invalid_client:
		'Client authentication failed (e.g., unknown client, no client authentication included, or unsupported authentication method).',
	unauthorized_client: 'The client is not authorized to request an authorization code using this method.',
};

/** A NodeApiError that wrapped an AuthError of the token endpoint and lost it (n8n-core 1.x). */
function authErrorBehindWrapper(current: Record<string, unknown>): OAuthRefreshFailure | undefined {
	if (current.httpCode !== 'EAUTH' && current.code !== 'EAUTH') return undefined;
	const texts = [current.message, ...(Array.isArray(current.messages) ? current.messages : [])];
	for (const [code, text] of Object.entries(RFC6749_MESSAGES)) {
		if (texts.some((t) => typeof t === 'string' && t.trim() === text)) {
			return { kind: CLIENT_ERRORS.has(code) ? 'client' : 'reconnect', code };
		}
	}
	// Some other refusal of the token endpoint (its own error_description): the grant is not usable.
	return current.httpCode === 'EAUTH' ? { kind: 'reconnect' } : undefined;
}
