import { NodeApiError } from 'n8n-workflow';
import type { ICredentialDataDecryptedObject, IDataObject, IHttpRequestHelper, IHttpRequestOptions } from 'n8n-workflow';

import { firstString, parseProviderError, quote } from '../shared/errors';
import type { ErrorBodyParser } from '../shared/errors';
import { extractHttpFailure, isObject, jsonObjectOf, noWholeAnswer } from '../shared/failures';
import { redactText, secretForms } from '../shared/redact';
import { newerToken, plannedOf, renewAtFor, renewToken } from '../shared/renewal';
import type { PlannedToken } from '../shared/renewal';
import { LOOPBACK_HOSTNAMES, loopbackBaseUrl, REQUEST_LIMITS } from '../shared/request';
import { withRetry } from '../shared/retry';
import { credentialKey, credentialRequest, expiresAt, obtainToken, peekToken, tokenExchangeError } from '../shared/tokens';
import type { CachedToken, StoredTokenFields } from '../shared/tokens';

/**
 * Inbenta (shared/docs/providers-next.md §2, seeds/inbenta-authorization-flows.txt):
 * - `POST https://api.inbenta.io/v1/auth` with `x-inbenta-key` and the API secret (server side) or a
 *   domain key (the public key a website embeds; only valid from its allowed domains, judged by the
 *   browser's Origin/Referer) → `{accessToken, expiration (epoch s), expires_in, apis:{chatbot,...}}`;
 * - `POST /v1/refreshToken` with the key and the current token, only before expiry; after expiry
 *   `/auth` again; Inbenta's connectors refresh 180 s ahead;
 * - every product call: `x-inbenta-key` + `Authorization: Bearer`, at `{apis.<product>}/v1/...`.
 * The `apis` map is per instance and may change: it is taken from the newest `/auth` answer, and a
 * product URL is accepted only on Inbenta's own domains (or on loopback when the credential uses the
 * loopback override), so a token is never sent to a host an answer names outside them.
 */

export const CREDENTIAL_TYPE = 'inbentaApi';
export const INBENTA_AUTH_ORIGIN = 'https://api.inbenta.io';
export const AUTH_PREFIX = '/v1';
/** Inbenta's own domains: product URLs must be on one of them (or a subdomain), over https. */
export const INBENTA_DOMAINS: readonly string[] = ['inbenta.io', 'inbenta.com'];
/** Inbenta's connectors refresh this long before expiry (chatbot_api_connector). */
export const REFRESH_AHEAD_SECONDS = 180;
/** The hidden field a planned renewal puts the token to renew in (see shared/renewal.ts). */
export const RENEW_FIELD = 'tokenToRefresh';

/** The token field the request layer coordinates across processes (checked: test/unit/tokenFields.test.ts). */
export const TOKEN_FIELDS: StoredTokenFields = { field: 'accessToken', expiresAtField: 'accessTokenExpiresAt' };

export type InbentaFlow = 'apiSecret' | 'domainKey';

export interface InbentaSettings {
	flow: InbentaFlow;
	/** Auth API base: origin (or loopback override) + /v1. */
	authBase: string;
	/** True when the loopback override is in use: product URLs on loopback are accepted then. */
	loopback: boolean;
	/** Origin sent with a domain key, as a browser on the allowed domain would send it. */
	origin?: string;
	cacheKey: string;
	secrets: string[];
}

const str = (value: unknown): string => (typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value));

/** The allowed domain of a domain key as an origin: "www.example.com" → "https://www.example.com". */
export function domainOrigin(value: unknown): { origin: string } | { refused: string } {
	const text = str(value).trim();
	let url: URL | undefined;
	try {
		url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`);
	} catch {
		url = undefined;
	}
	if (!url || text === '' || !['http:', 'https:'].includes(url.protocol) || url.username || url.password || url.search || url.hash || (url.pathname !== '/' && url.pathname !== '')) {
		return { refused: 'The Allowed Domain of an Inbenta domain key must be a host name such as www.example.com (no path, no query).' };
	}
	return { origin: url.origin };
}

export function inbentaSettings(credentials: ICredentialDataDecryptedObject): InbentaSettings | { refused: string } {
	const flow: InbentaFlow = credentials.flow === 'domainKey' ? 'domainKey' : 'apiSecret';
	let origin = INBENTA_AUTH_ORIGIN;
	let loopback = false;
	const override = str(credentials.baseUrlOverride).trim();
	if (override !== '') {
		const checked = loopbackBaseUrl(override);
		if ('refused' in checked) return checked;
		origin = checked.url;
		loopback = true;
	}
	let domain: string | undefined;
	if (flow === 'domainKey') {
		const checked = domainOrigin(credentials.domain);
		if ('refused' in checked) return checked;
		domain = checked.origin;
	}
	const grant = flow === 'domainKey' ? credentials.domainKeyToken : credentials.apiSecret;
	return {
		flow,
		authBase: `${origin}${AUTH_PREFIX}`,
		loopback,
		origin: domain,
		cacheKey: credentialKey(CREDENTIAL_TYPE, flow, origin, domain, credentials.apiKey, grant),
		secrets: secretForms([credentials.apiKey, credentials.apiSecret, credentials.domainKeyToken, credentials.accessToken, credentials[RENEW_FIELD]]),
	};
}

/**
 * Why a product URL named by an `/auth` answer is refused (undefined when it is accepted): https on
 * an Inbenta domain, or any loopback URL when the credential itself uses the loopback override.
 */
export function productUrlProblem(value: unknown, loopbackAllowed: boolean): string | undefined {
	let url: URL | undefined;
	try {
		url = new URL(str(value));
	} catch {
		return 'it is not a URL';
	}
	const host = url.hostname.toLowerCase();
	if (url.username || url.password) return `it carries a user name or password (host ${url.host})`;
	if (url.search || url.hash) return `it carries a query or fragment (host ${url.host})`;
	if (LOOPBACK_HOSTNAMES.includes(host)) {
		return loopbackAllowed && ['http:', 'https:'].includes(url.protocol) ? undefined : `${url.host} is a loopback host, accepted only with the loopback override`;
	}
	if (!INBENTA_DOMAINS.some((domain) => host === domain || host.endsWith(`.${domain}`))) {
		return `${url.host} is not an Inbenta host (${INBENTA_DOMAINS.join(', ')})`;
	}
	if (url.protocol !== 'https:') return `${url.host} is not reached over https`;
	return undefined;
}

/** The product map of an answer or of the stored field (JSON text), names to URLs without trailing slash. */
export function parseApis(value: unknown): Record<string, string> {
	const map = jsonObjectOf(value);
	const out: Record<string, string> = {};
	if (!map) return out;
	for (const [name, url] of Object.entries(map)) if (typeof url === 'string' && url !== '') out[name] = url.replace(/\/+$/, '');
	return out;
}

/** Reads `{accessToken, expiration, expires_in, apis}` (tolerant of snake case). */
export function parseAuthResponse(body: unknown, now: number = Date.now()): { accessToken: string; expiresAt: string; apis: Record<string, string> } | undefined {
	const answer = jsonObjectOf(body);
	if (!answer) return undefined;
	const accessToken = firstString(answer.accessToken, answer.access_token);
	if (!accessToken) return undefined;
	return {
		accessToken,
		expiresAt: expiresAt({ expiresAt: answer.expiration, expiresIn: answer.expires_in ?? answer.expiresIn }, now),
		apis: parseApis(answer.apis),
	};
}

/** Inbenta's error bodies: `{error:{code,message}}`, `{errors:[{message,code}]}`, `{message}`. */
export const parseInbentaError: ErrorBodyParser = (data) => {
	const error = isObject(data.error) ? data.error : undefined;
	const first = Array.isArray(data.errors) && isObject(data.errors[0]) ? (data.errors[0] as IDataObject) : undefined;
	const fields = Array.isArray(data.errors)
		? data.errors.slice(1).filter(isObject).map((entry) => firstString((entry as IDataObject).message) ?? '').filter(Boolean)
		: [];
	return {
		message: firstString(error?.message, first?.message, data.message, typeof data.error === 'string' ? data.error : undefined),
		code: firstString(error?.code, first?.code, data.code),
		fields,
	};
};

/** Why Inbenta refused a token request, in words for the operator; no secret in it. */
function explainRefusal(error: unknown, settings: InbentaSettings, note: string) {
	const failure = extractHttpFailure(error);
	const detail = parseProviderError(failure.body, parseInbentaError);
	const said = quote([detail.code, detail.message].filter(Boolean).join(': '), settings.secrets);
	const saidPart = said ? ` (Inbenta said: ${said})` : '';
	const text = `${detail.code ?? ''} ${detail.message ?? ''}`;
	const grant = settings.flow === 'domainKey' ? 'domain key' : 'API secret';
	let message: string;
	let description: string;
	const lost = noWholeAnswer(failure);
	if (lost !== undefined || failure.status === undefined) {
		message = `Inbenta token request failed: ${lost ?? 'no response'} from ${new URL(settings.authBase).host}`;
		description = 'The Inbenta Auth API could not be reached. Check the network of this n8n instance, then try again.';
	} else if (/revok|disabled|inactive|deactivated|blocked/i.test(text)) {
		message = `Inbenta refused the ${grant}: the key was revoked${saidPart}`;
		description = `Create a new API key${settings.flow === 'domainKey' ? ' or domain key' : ' and secret'} in the Administration tab of your Inbenta App and enter them in the credential.`;
	} else if (settings.flow === 'domainKey' && /domain|origin|referr?er/i.test(text)) {
		message = `Inbenta refused the domain key: the domain ${settings.origin ?? ''} is not allowed for it${saidPart}`;
		description = 'Enter in Allowed Domain one of the domains the domain key was created for, or use the API secret flow (recommended for n8n).';
	} else if ([400, 401, 403].includes(failure.status)) {
		message = `Inbenta rejected the API key or ${grant}: wrong key or ${settings.flow === 'domainKey' ? 'domain key' : 'secret'}${saidPart}`;
		description = `Copy the API key and ${grant} again from the Administration tab of your Inbenta App: they must belong to the same instance.`;
	} else if (failure.status === 429) {
		message = `Inbenta rate-limited the token request${saidPart}`;
		description = 'Too many authorization requests for this API key. Wait a minute and run the workflow again.';
	} else {
		message = `Inbenta token request failed with HTTP ${failure.status}${saidPart}`;
		description = 'Inbenta had a problem issuing a token. This is usually temporary: run the workflow again later.';
	}
	return {
		message: redactText(message, settings.secrets),
		description: redactText(`${description}${note}`, settings.secrets),
		httpCode: failure.status,
		providerCode: detail.code,
	};
}

/** The token the credential stores, with its renewal time. */
export function storedToken(credentials: ICredentialDataDecryptedObject): PlannedToken {
	return {
		accessToken: str(credentials.accessToken),
		expiresAt: str(credentials.accessTokenExpiresAt),
		renewAt: str(credentials.accessTokenRenewAt),
	};
}

/**
 * The credential's preAuthentication. Three ways in: a planned renewal (the node put the token to
 * renew in RENEW_FIELD: refresh it, else authenticate again), first use or expiry (empty token:
 * authenticate), and a 401 (the stored token was refused: refresh it if it has not expired, else
 * authenticate). Then an error naming the cause.
 */
export async function inbentaPreAuthentication(helpers: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
	const settings = inbentaSettings(credentials);
	if ('refused' in settings) {
		throw tokenExchangeError(CREDENTIAL_TYPE, {
			message: settings.refused,
			description: 'Open the Inbenta credential and correct the field named in the message.',
		});
	}
	const who = { credentialType: CREDENTIAL_TYPE, provider: 'Inbenta' };
	const apiKey = str(credentials.apiKey);
	const call = async (path: string, headers: IDataObject, body?: IDataObject): Promise<unknown> =>
		await withRetry(
			async () =>
				await credentialRequest(helpers, credentials, who, {
					method: 'POST',
					url: `${settings.authBase}${path}`,
					headers: { Accept: 'application/json', 'x-inbenta-key': apiKey, ...headers },
					...(body ? { body, json: true } : { json: true }),
					abortSignal: AbortSignal.timeout(REQUEST_LIMITS.deadlineMs),
				}),
			{ idempotent: true, policy: { retryStatuses: [429], maxAttempts: 4, maxTotalWaitMs: 30_000 } },
		);
	const previousApis = () => {
		const stored = parseApis(credentials.apis);
		return Object.keys(stored).length > 0 ? stored : parseApis(peekToken(settings.cacheKey)?.extra.apis);
	};
	const minted = (answer: unknown, what: string, apis?: Record<string, string>): CachedToken => {
		const now = Date.now();
		const parsed = parseAuthResponse(answer, now);
		if (!parsed) {
			throw tokenExchangeError(CREDENTIAL_TYPE, {
				message: `Inbenta answered the ${what} without an access token`,
				description: 'Check the Base URL Override of the credential (it must be empty for Inbenta itself).',
			});
		}
		const map = Object.keys(parsed.apis).length > 0 ? parsed.apis : (apis ?? {});
		return {
			accessToken: parsed.accessToken,
			accessTokenExpiresAt: parsed.expiresAt,
			extra: { apis: JSON.stringify(map), renewAt: renewAtFor(parsed.expiresAt, REFRESH_AHEAD_SECONDS, now) },
			mintedAt: now,
		};
	};
	const authenticate = async (note: string): Promise<CachedToken> => {
		let answer: unknown;
		try {
			answer =
				settings.flow === 'domainKey'
					? await call('/auth', { Origin: settings.origin, Referer: `${settings.origin}/` }, { domain_key: str(credentials.domainKeyToken) })
					: await call('/auth', {}, { secret: str(credentials.apiSecret) });
		} catch (error) {
			throw error instanceof NodeApiError ? error : tokenExchangeError(CREDENTIAL_TYPE, explainRefusal(error, settings, note));
		}
		return minted(answer, 'authorization request');
	};
	/** Refresh with the current token; on failure authenticate again, noting why. */
	const refreshOrAuthenticate = async (token: string): Promise<CachedToken> => {
		let note = '';
		try {
			return minted(await call('/refreshToken', { Authorization: `Bearer ${token}` }), 'token refresh', previousApis());
		} catch (error) {
			const { status } = extractHttpFailure(error);
			note = ` Refreshing the token failed too${status ? ` (HTTP ${status})` : ''}.`;
		}
		return await authenticate(note);
	};

	const toRenew = str(credentials[RENEW_FIELD]);
	const held = storedToken(credentials);
	let token: CachedToken;
	if (toRenew !== '') {
		token = await renewToken(settings.cacheKey, toRenew, async () => await refreshOrAuthenticate(toRenew));
	} else {
		token = await obtainToken(settings.cacheKey, { accessToken: held.accessToken, accessTokenExpiresAt: held.expiresAt }, async () => {
			// A 401 on a token that has not expired: it may still be refreshed; otherwise authenticate.
			const expiry = Date.parse(held.expiresAt);
			if (held.accessToken !== '' && !Number.isNaN(expiry) && expiry > Date.now()) return await refreshOrAuthenticate(held.accessToken);
			return await authenticate('');
		});
	}
	return {
		accessToken: token.accessToken,
		accessTokenExpiresAt: token.accessTokenExpiresAt,
		accessTokenRenewAt: token.extra.renewAt ?? '',
		apis: token.extra.apis ?? str(credentials.apis),
		[RENEW_FIELD]: '',
	};
}

/** The newest token this process or the store knows for the credential. */
export function newestToken(settings: InbentaSettings, credentials: ICredentialDataDecryptedObject): { token?: PlannedToken; apis: Record<string, string> } {
	const cached = peekToken(settings.cacheKey);
	const stored = storedToken(credentials);
	const token = newerToken(stored, plannedOf(cached));
	if (cached && token?.accessToken === cached.accessToken) return { token, apis: parseApis(cached.extra.apis) };
	return { token, apis: parseApis(credentials.apis) };
}

/** Why a request URL may not carry the token (undefined when it may): the auth API or an accepted product host. */
export function tokenTargetProblem(settings: InbentaSettings, url: string): string | undefined {
	let target: URL;
	try {
		target = new URL(url);
	} catch {
		return 'the request has no absolute URL';
	}
	if (target.origin === new URL(settings.authBase).origin) return undefined;
	return productUrlProblem(target.origin, settings.loopback);
}

/**
 * The credential's authenticate: `x-inbenta-key` and the freshest Bearer token, only for the Auth
 * API and Inbenta hosts (or loopback with the override). Anything else is refused here, so even the
 * HTTP Request node cannot carry this credential's token to another host.
 */
export function inbentaAuthenticate(credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions): IHttpRequestOptions {
	const settings = inbentaSettings(credentials);
	if ('refused' in settings) throw new Error(settings.refused);
	// The HTTP Request node sends through the legacy helper, whose options name the URL `uri`.
	const given = requestOptions.url ?? str((requestOptions as IHttpRequestOptions & { uri?: unknown }).uri);
	const url = requestOptions.baseURL && !/^[a-z]+:\/\//i.test(given) ? `${requestOptions.baseURL.replace(/\/+$/, '')}${given}` : given;
	const problem = tokenTargetProblem(settings, url);
	if (problem) throw new Error(`Inbenta: the credential was not sent, because ${problem}`);
	const token = newestToken(settings, credentials).token?.accessToken ?? str(credentials.accessToken);
	requestOptions.headers = { ...requestOptions.headers, 'x-inbenta-key': str(credentials.apiKey), Authorization: `Bearer ${token}` };
	return requestOptions;
}
