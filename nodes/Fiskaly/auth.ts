import { NodeApiError } from 'n8n-workflow';
import type { ICredentialDataDecryptedObject, IDataObject, IHttpRequestHelper, IHttpRequestOptions } from 'n8n-workflow';

import { firstString, formatValidation, parseProviderError, quote } from '../shared/errors';
import type { ErrorBodyParser } from '../shared/errors';
import { extractHttpFailure, isObject, noWholeAnswer } from '../shared/failures';
import { redactText, secretForms } from '../shared/redact';
import { loopbackBaseUrl, REQUEST_LIMITS } from '../shared/request';
import { withRetry } from '../shared/retry';
import {
	credentialKey,
	credentialRequest,
	expiresAt,
	freshestToken,
	isExpired,
	obtainToken,
	tokenExchangeError,
} from '../shared/tokens';
import type { CachedToken } from '../shared/tokens';

/**
 * fiskaly: an API key and secret exchanged for a JWT, in three shapes (shared/docs/providers.md):
 * - flat `POST /auth {api_key, api_secret}` or `{refresh_token}` (SIGN DE v2, SIGN AT, DSFinV-K,
 *   eReceipt, Management);
 * - SIGN ES: the same wrapped in a `content` envelope, test and live hosts;
 * - unified API (SIGN IT, SIGN FR, E-Invoice): `POST /tokens {content:{type:"API_KEY", key, secret}}`
 *   with `X-Api-Version`, test and live hosts; reportedly no refresh token.
 * fiskaly's strategy: authenticate once and cache the token; on 401 use the refresh token; if that
 * fails, re-authenticate with key and secret; if that fails, tell the operator why.
 */

export type FiskalyFamily = 'signDe' | 'signAt' | 'dsfinvk' | 'eReceipt' | 'management' | 'signEs' | 'unified';
type TokenShape = 'flat' | 'envelope' | 'unified';

interface FamilyFacts {
	label: string;
	shape: TokenShape;
	/** Official origin, or one per environment. */
	origin: string | { test: string; live: string };
	/** API path prefix under the origin. */
	prefix: string;
	/** Cheap authenticated read for the credential test. */
	testPath: string;
}

export const FISKALY_FAMILIES: Record<FiskalyFamily, FamilyFacts> = {
	signDe: {
		label: 'SIGN DE v2',
		shape: 'flat',
		origin: 'https://kassensichv-middleware.fiskaly.com',
		prefix: '/api/v2',
		testPath: '/tss?limit=1',
	},
	signAt: { label: 'SIGN AT', shape: 'flat', origin: 'https://rksv.fiskaly.com', prefix: '/api/v1', testPath: '/signature-creation-unit' },
	dsfinvk: { label: 'DSFinV-K', shape: 'flat', origin: 'https://dsfinvk.fiskaly.com', prefix: '/api/v1', testPath: '/cash_registers' },
	eReceipt: { label: 'eReceipt', shape: 'flat', origin: 'https://receipt.fiskaly.com', prefix: '/api/v1', testPath: '/receipts' },
	management: {
		label: 'Management',
		shape: 'flat',
		origin: 'https://dashboard.fiskaly.com',
		prefix: '/api/v0',
		testPath: '/organizations',
	},
	signEs: {
		label: 'SIGN ES',
		shape: 'envelope',
		origin: { test: 'https://test.es.sign.fiskaly.com', live: 'https://live.es.sign.fiskaly.com' },
		prefix: '/api/v1',
		testPath: '/taxpayer',
	},
	unified: {
		label: 'SIGN IT, SIGN FR, E-Invoice (unified API)',
		shape: 'unified',
		origin: { test: 'https://test.api.fiskaly.com', live: 'https://live.api.fiskaly.com' },
		prefix: '',
		testPath: '/systems?limit=1',
	},
};

export const DEFAULT_API_VERSION = '2026-05-04';
const TOKEN_PATH: Record<TokenShape, string> = { flat: '/auth', envelope: '/auth', unified: '/tokens' };
/** The flat /auth and SIGN ES take a refresh token; the unified API reportedly issues none. */
const REFRESHES: Record<TokenShape, boolean> = { flat: true, envelope: true, unified: false };

/** What every fiskaly call derives from the credential. */
export interface FiskalySettings {
	family: FiskalyFamily;
	label: string;
	shape: TokenShape;
	/** Origin (or loopback override) plus the family's path prefix, no trailing slash. */
	baseUrl: string;
	tokenUrl: string;
	/** Headers of the unified API (X-Api-Version, X-Scope-Identifier); empty otherwise. */
	headers: Record<string, string>;
	/** Identifies the credential (family, host, key) for the process-wide token cache. */
	cacheKey: string;
	secrets: string[];
}

const str = (value: unknown): string => (typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value));

/** Resolves family, host and headers; `refused` when the base URL override is not a loopback URL. */
export function fiskalySettings(credentials: ICredentialDataDecryptedObject): FiskalySettings | { refused: string } {
	const family = (str(credentials.family) || 'signDe') as FiskalyFamily;
	const facts = FISKALY_FAMILIES[family] ?? FISKALY_FAMILIES.signDe;
	let origin = typeof facts.origin === 'string' ? facts.origin : facts.origin[credentials.environment === 'live' ? 'live' : 'test'];
	const override = str(credentials.baseUrlOverride).trim();
	if (override !== '') {
		const checked = loopbackBaseUrl(override);
		if ('refused' in checked) return checked;
		origin = checked.url;
	}
	const baseUrl = `${origin}${facts.prefix}`;
	const headers: Record<string, string> = {};
	if (facts.shape === 'unified') {
		headers['X-Api-Version'] = str(credentials.apiVersion).trim() || DEFAULT_API_VERSION;
		const scope = str(credentials.organizationUnitId).trim();
		if (scope !== '') headers['X-Scope-Identifier'] = scope;
	}
	return {
		family,
		label: facts.label,
		shape: facts.shape,
		baseUrl,
		tokenUrl: `${baseUrl}${TOKEN_PATH[facts.shape]}`,
		headers,
		// The family is part of it: behind one loopback override, several products share a base URL.
		cacheKey: credentialKey('fiskalyApi', family, baseUrl, credentials.apiKey, credentials.apiSecret),
		secrets: secretForms([credentials.apiKey, credentials.apiSecret, credentials.accessToken, credentials.refreshToken]),
	};
}

function tokenRequestBody(shape: TokenShape, grant: { apiKey: string; apiSecret: string } | { refreshToken: string }): IDataObject {
	if ('refreshToken' in grant) {
		return shape === 'flat' ? { refresh_token: grant.refreshToken } : { content: { refresh_token: grant.refreshToken } };
	}
	if (shape === 'flat') return { api_key: grant.apiKey, api_secret: grant.apiSecret };
	if (shape === 'envelope') return { content: { api_key: grant.apiKey, api_secret: grant.apiSecret } };
	return { content: { type: 'API_KEY', key: grant.apiKey, secret: grant.apiSecret } };
}


/** One token of a response, whether a bare string (flat) or `{bearer, expires_at, expires_in}`. */
function tokenPart(value: unknown, expiresAtValue?: unknown, expiresInValue?: unknown) {
	if (typeof value === 'string' && value !== '') return { token: value, expiresAt: expiresAtValue, expiresIn: expiresInValue };
	if (isObject(value) && typeof value.bearer === 'string' && value.bearer !== '') {
		return { token: value.bearer, expiresAt: value.expires_at, expiresIn: value.expires_in };
	}
	return undefined;
}

/**
 * Reads all three token response shapes, whatever family asked (tolerant of fiskaly moving a
 * family to another shape): flat `{access_token, access_token_expires_in|_at, refresh_token, ...}`,
 * SIGN ES `{content:{access_token:{bearer,...}, refresh_token:{bearer,...}}}`, unified
 * `{content:{authentication:{bearer, expires_at}}}`.
 */
export function parseTokenResponse(body: unknown, now: number = Date.now()): Omit<CachedToken, 'mintedAt'> | undefined {
	if (typeof body === 'string') {
		try {
			body = JSON.parse(body);
		} catch {
			return undefined;
		}
	}
	if (!isObject(body)) return undefined;
	const content = isObject(body.content) ? body.content : {};
	const access =
		tokenPart(body.access_token, body.access_token_expires_at, body.access_token_expires_in) ??
		tokenPart(content.access_token) ??
		tokenPart(content.authentication);
	if (!access) return undefined;
	const authentication = isObject(content.authentication) ? content.authentication : {};
	const refresh =
		tokenPart(body.refresh_token, body.refresh_token_expires_at, body.refresh_token_expires_in) ??
		tokenPart(content.refresh_token) ??
		tokenPart(authentication.refresh_token);
	return {
		accessToken: access.token,
		accessTokenExpiresAt: expiresAt(access, now),
		extra: {
			refreshToken: refresh?.token ?? '',
			refreshTokenExpiresAt: refresh ? expiresAt(refresh, now) : '',
		},
	};
}

/** Why fiskaly refused a token request, in words for the operator; no secret in it. */
function explainRefusal(error: unknown, settings: FiskalySettings, refreshNote: string) {
	const failure = extractHttpFailure(error);
	const detail = parseProviderError(failure.body, parseFiskalyError);
	const said = quote([detail.code, detail.message].filter(Boolean).join(': '), settings.secrets);
	const saidPart = said ? ` (fiskaly said: ${said})` : '';
	const where = `${settings.label} at ${new URL(settings.tokenUrl).host}`;
	const text = `${detail.code ?? ''} ${detail.message ?? ''}`;
	let message: string;
	let description: string;
	const lost = noWholeAnswer(failure);
	if (lost !== undefined || failure.status === undefined) {
		message = `fiskaly token request failed: ${lost ?? 'no response'} from ${where}`;
		description = 'fiskaly could not be reached. Check the network of this n8n instance and the product family / environment in the credential, then try again.';
	} else if (/disabled|inactive|deactivated|revoked|blocked/i.test(text)) {
		message = `fiskaly refused the API key: the key is disabled${saidPart}`;
		description = 'Enable the API key in the fiskaly dashboard, or create a new key and secret and enter them in the credential.';
	} else if (failure.status === 401 || failure.status === 400 || failure.status === 403) {
		message = `fiskaly rejected the API key or secret: invalid key or secret for ${where}${saidPart}`;
		description =
			'Copy the API key and secret again from the fiskaly dashboard, and check that they belong to the product family and environment (test/live) selected in the credential.';
	} else if (failure.status === 429) {
		message = `fiskaly rate-limited the token request for ${where}${saidPart}`;
		description = 'Too many token requests. Wait a minute and run the workflow again.';
	} else {
		message = `fiskaly token request failed with HTTP ${failure.status} at ${where}${saidPart}`;
		description = 'fiskaly had a problem issuing a token. This is usually temporary: run the workflow again later.';
	}
	return {
		message: redactText(message, settings.secrets),
		description: redactText(`${description}${refreshNote}`, settings.secrets),
		httpCode: failure.status,
		providerCode: detail.code,
	};
}

/** fiskaly's error bodies: flat `{status_code, error, code, message}` and the `{content:{code, message, status, error}}` envelope. */
export const parseFiskalyError: ErrorBodyParser = (data) => {
	const content = isObject(data.content) ? data.content : data;
	return {
		message: firstString(content.message, typeof content.error === 'string' ? content.error : undefined),
		code: firstString(content.code),
		fields: formatValidation(content.errors),
	};
};

/**
 * The credential's preAuthentication: a usable token for the credential, minted at most once per
 * process at a time; refresh token first, then key and secret, then an error naming the cause.
 */
export async function fiskalyPreAuthentication(helpers: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
	const settings = fiskalySettings(credentials);
	if ('refused' in settings) {
		throw tokenExchangeError('fiskalyApi', {
			message: settings.refused,
			description: 'Open the fiskaly credential and empty the Base URL Override, or enter a loopback URL.',
		});
	}
	const exchange = async (body: IDataObject): Promise<CachedToken> => {
		const response = await withRetry(
			async () =>
				await credentialRequest(helpers, credentials, { credentialType: 'fiskalyApi', provider: 'fiskaly' }, {
					method: 'POST',
					url: settings.tokenUrl,
					body,
					json: true,
					headers: { Accept: 'application/json', ...settings.headers },
					// One bound for the whole exchange, body included (a trickling answer never idles out).
					abortSignal: AbortSignal.timeout(REQUEST_LIMITS.deadlineMs),
				}),
			{ idempotent: true, policy: { retryStatuses: [429], maxAttempts: 4, maxTotalWaitMs: 30_000 } },
		);
		const parsed = parseTokenResponse(response);
		if (!parsed) {
			throw tokenExchangeError('fiskalyApi', {
				message: `fiskaly answered the token request for ${settings.label} without an access token`,
				description: 'Check the product family and environment in the credential: they decide which token endpoint is called.',
			});
		}
		return { ...parsed, mintedAt: Date.now() };
	};

	const held = { accessToken: str(credentials.accessToken), accessTokenExpiresAt: str(credentials.accessTokenExpiresAt) };
	const token = await obtainToken(settings.cacheKey, held, async () => {
		const refreshToken = str(credentials.refreshToken);
		let refreshNote = '';
		if (REFRESHES[settings.shape] && refreshToken !== '' && !isExpired(credentials.refreshTokenExpiresAt)) {
			try {
				return await exchange(tokenRequestBody(settings.shape, { refreshToken }));
			} catch (refreshError) {
				// Expected once the refresh token is spent or revoked: fall back to key and secret.
				const { status } = extractHttpFailure(refreshError);
				refreshNote = ` The stored refresh token was refused too${status ? ` (HTTP ${status})` : ''}.`;
			}
		}
		let failure: unknown;
		try {
			return await exchange(
				tokenRequestBody(settings.shape, { apiKey: str(credentials.apiKey), apiSecret: str(credentials.apiSecret) }),
			);
		} catch (error) {
			failure = error;
		}
		// A refusal already worded (a 2xx without a token) passes as it is; HTTP failures are explained.
		throw failure instanceof NodeApiError ? failure : tokenExchangeError('fiskalyApi', explainRefusal(failure, settings, refreshNote));
	});
	return {
		accessToken: token.accessToken,
		accessTokenExpiresAt: token.accessTokenExpiresAt,
		// A token reused from a sibling may come without refresh data: keep what is stored then.
		refreshToken: token.extra.refreshToken || str(credentials.refreshToken),
		refreshTokenExpiresAt: token.extra.refreshToken ? token.extra.refreshTokenExpiresAt : str(credentials.refreshTokenExpiresAt),
	};
}

/** The credential's authenticate: Bearer token (the freshest this process knows) and the unified API headers. */
export function fiskalyAuthenticate(credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions): IHttpRequestOptions {
	const settings = fiskalySettings(credentials);
	const headers: IDataObject = { ...requestOptions.headers };
	if (!('refused' in settings)) {
		Object.assign(headers, settings.headers);
		const stored = { accessToken: str(credentials.accessToken), accessTokenExpiresAt: str(credentials.accessTokenExpiresAt) };
		headers.Authorization = `Bearer ${freshestToken(settings.cacheKey, stored)}`;
	}
	requestOptions.headers = headers;
	return requestOptions;
}

/** The base URL as an n8n expression, for the credential test (built from the same table). */
export function testBaseUrlExpression(): string {
	const origins: Record<string, string> = {};
	for (const [family, facts] of Object.entries(FISKALY_FAMILIES)) {
		origins[family] =
			typeof facts.origin === 'string'
				? JSON.stringify(facts.origin)
				: `($credentials.environment === "live" ? ${JSON.stringify(facts.origin.live)} : ${JSON.stringify(facts.origin.test)})`;
	}
	const originByFamily = `({${Object.entries(origins).map(([family, value]) => `${family}: ${value}`).join(', ')}})[$credentials.family]`;
	const prefixByFamily = `${JSON.stringify(Object.fromEntries(Object.entries(FISKALY_FAMILIES).map(([family, facts]) => [family, facts.prefix])))}[$credentials.family]`;
	return `={{ ($credentials.baseUrlOverride ? $credentials.baseUrlOverride : ${originByFamily}) + ${prefixByFamily} }}`;
}

/** The credential test's path per family, as an n8n expression. */
export function testPathExpression(): string {
	return `={{ ${JSON.stringify(Object.fromEntries(Object.entries(FISKALY_FAMILIES).map(([family, facts]) => [family, facts.testPath])))}[$credentials.family] }}`;
}
