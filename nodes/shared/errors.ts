import { NodeApiError } from 'n8n-workflow';
import type { INode, JsonObject } from 'n8n-workflow';

import { extractHttpFailure, isObject, oauthRefreshFailure } from './failures';
import type { OAuthRefreshFailure } from './failures';
import { redactText, redactValue } from './redact';
import { tokenExchangeFailure } from './tokens';

/**
 * Turns whatever a failed provider call threw into a NodeApiError that says what went wrong and what
 * to do about it, with every secret of the credential removed. This is the only place that reads
 * provider error bodies; nodes never build error messages from raw responses themselves.
 */

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
	/** The provider's reader of its error bodies; the generic one when absent. */
	parseError?: ErrorBodyParser;
}

export function firstString(...values: unknown[]): string | undefined {
	for (const value of values) {
		if (typeof value === 'string' && value.trim() !== '') return value.trim();
		if (typeof value === 'number') return String(value);
	}
	return undefined;
}

export function formatValidation(result: unknown): string[] {
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
 * A provider's reader of its own error bodies: given the parsed JSON of a failed response, the
 * message, code and field problems in it. Each provider adapter passes its own (the shapes are
 * provider facts, see nodes/<Provider>/); `genericErrorParser` is the fallback for anything else.
 */
export type ErrorBodyParser = (body: Record<string, unknown>) => Omit<ProviderErrorDetail, 'malformed'>;

/**
 * The fallback for bodies no provider parser claims, tolerant of the common shapes: OAuth
 * `{error, error_description}`, a nested `{error:{message|title, code, validation_result}}`,
 * `{message, code}`, `{error_type, message, errors[]}`, a `{content:{...}}` envelope, problem+json
 * `{title, detail}`. First readable string wins, so a provider with an exact shape passes its own.
 */
export const genericErrorParser: ErrorBodyParser = (data) => {
	const content = isObject(data.content) ? data.content : undefined;
	const nestedError = isObject(data.error) ? data.error : undefined;
	return {
		message: firstString(
			nestedError?.message,
			nestedError?.title,
			content?.message,
			data.error_description,
			data.message,
			typeof data.error === 'string' ? data.error : undefined,
			content?.error,
			data.detail,
			data.title,
		),
		code: firstString(
			nestedError?.code,
			content?.code,
			data.code,
			data.error_type,
			typeof data.error === 'string' && data.error_description ? data.error : undefined,
		),
		fields: [
			...formatValidation(nestedError?.validation_result),
			...formatValidation(data.errors),
			...formatValidation(content?.errors),
		],
	};
};

/**
 * Reads a failed response's body: empty, HTML, not JSON, or JSON read by the provider's parser
 * (falling back to the generic one for whatever the provider's parser leaves unsaid).
 */
export function parseProviderError(body: unknown, parser: ErrorBodyParser = genericErrorParser): ProviderErrorDetail {
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
	if (!isObject(data) || Array.isArray(data)) return { fields: [] };
	const own = parser(data);
	if (parser === genericErrorParser || (own.message !== undefined && own.code !== undefined)) return own;
	const generic = genericErrorParser(data);
	return {
		message: own.message ?? generic.message,
		code: own.code ?? generic.code,
		fields: own.fields.length > 0 ? own.fields : generic.fields,
	};
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

// --- Bounds --------------------------------------------------------------------------------------

/** How much of what a provider said is quoted in a message, and attached as context. */
export const QUOTE_LIMITS = { messageChars: 300, fieldChars: 200, fields: 10, attachedChars: 8_000 };

/**
 * A provider's text cut to `max` characters for quoting, with a note of what was left out. A cut
 * can split a secret; a tail that is the start of one is dropped too, so no piece of it survives
 * (whole secrets are removed afterwards by redaction).
 */
export function quote(text: string, secrets: readonly string[], max: number = QUOTE_LIMITS.messageChars): string {
	if (text.length <= max) return text;
	let cut = text.slice(0, max);
	for (const secret of secrets) {
		for (let length = Math.min(secret.length - 1, cut.length); length > 0; length--) {
			if (cut.endsWith(secret.slice(0, length))) {
				cut = cut.slice(0, cut.length - length);
				break;
			}
		}
	}
	return `${cut}… (${text.length - cut.length} more characters not shown)`;
}

/** A copy of a response body small enough to attach to an error: long strings quoted, the whole bounded. */
function boundedBody(value: unknown, secrets: readonly string[], depth = 0): unknown {
	if (typeof value === 'string') return quote(value, secrets, QUOTE_LIMITS.fieldChars * 2);
	if (depth > 8) return '[truncated]';
	if (Array.isArray(value)) return value.slice(0, 50).map((entry) => boundedBody(entry, secrets, depth + 1));
	if (isObject(value)) {
		return Object.fromEntries(
			Object.entries(value)
				.slice(0, 50)
				.map(([key, entry]) => [key.slice(0, 100), boundedBody(entry, secrets, depth + 1)]),
		);
	}
	return value;
}

/** The redacted response summary attached to an error, never more than QUOTE_LIMITS.attachedChars of JSON. */
function attachedResponse(body: unknown, secrets: readonly string[]): JsonObject | string {
	const redacted = redactValue(boundedBody(body, secrets), secrets) as JsonObject;
	const text = JSON.stringify(redacted) ?? '';
	if (text.length <= QUOTE_LIMITS.attachedChars) return redacted;
	return `${text.slice(0, QUOTE_LIMITS.attachedChars)}… (response body cut; ${text.length} characters in all after shortening)`;
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
	const { provider, secrets } = context;
	const parsed = parseProviderError(failure.body, context.parseError);
	const detail: ProviderErrorDetail = {
		...parsed,
		message: parsed.message === undefined ? undefined : quote(parsed.message, secrets),
		code: parsed.code === undefined ? undefined : quote(parsed.code, secrets, 80),
		fields: parsed.fields.slice(0, QUOTE_LIMITS.fields).map((field) => quote(field, secrets, QUOTE_LIMITS.fieldChars)),
	};
	if (parsed.fields.length > QUOTE_LIMITS.fields) detail.fields.push(`and ${parsed.fields.length - QUOTE_LIMITS.fields} more`);
	let message: string;
	let description: string;

	if (failure.truncated && (failure.status === undefined || failure.status < 300)) {
		message = `${provider}: the answer was cut off mid-stream (truncated${failure.status !== undefined ? `, HTTP ${failure.status}` : ''})`;
		description = `${provider} started answering but the connection closed before the whole body arrived, so nothing of it was used. This is usually a network or proxy problem: run the workflow again.`;
	} else if (failure.status === undefined && failure.networkCode) {
		message = `${provider}: no response (${failure.networkCode})`;
		description = networkAdvice(failure.networkCode, provider);
	} else if (failure.status === undefined) {
		message = `${provider}: request failed: ${quote(failure.message || 'unknown error', secrets)}`;
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
		...(failure.body !== undefined && !detail.malformed && !failure.truncated
			? { response: attachedResponse(failure.body, secrets) }
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
