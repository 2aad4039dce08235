import { NodeApiError } from 'n8n-workflow';
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

import { firstString, formatValidation, parseProviderError, quote } from '../shared/errors';
import type { ErrorBodyParser } from '../shared/errors';
import { extractHttpFailure, isObject, noWholeAnswer } from '../shared/failures';
import { redactText, secretForms } from '../shared/redact';
import { loopbackBaseUrl, REQUEST_LIMITS } from '../shared/request';
import { withRetry } from '../shared/retry';
import { credentialKey, credentialRequest, obtainToken, REFUSAL_MEMORY_MS, tokenExchangeError } from '../shared/tokens';
import type { StoredTokenFields } from '../shared/tokens';

/**
 * HubRise facts (shared/seeds/hubrise-authentication.txt, shared/docs/providers.md and
 * providers-next.md §1): hosts, the scope syntax, the token exchange of the installed-app flow, the
 * token header, error bodies and rate-limit windows. Imported by both credentials and the nodes.
 *
 * - OAuth server https://manager.hubrise.com/oauth2/v1 (authorize, token); API https://api.hubrise.com/v1.
 * - Token: `POST /oauth2/v1/token` form `code=...`; client id and secret as HTTP Basic (current form,
 *   providers.md) — the seed shows them in the form body (older form); we send Basic.
 * - Response `{access_token, token_type?, account_id, location_id, catalog_id, customer_list_id, *_name}`.
 *   Tokens never expire; there is no refresh token. Codes live 10 minutes and are single-use.
 * - Every API call: header `X-Access-Token` (never Authorization, never the query string).
 */

/** The field the request layer hands a refused token over in (see the installed-app preAuthentication). */
export const TOKEN_TO_CHECK = 'tokenToCheck';

/**
 * The token field the request layer coordinates across processes, per credential type (OAuth2: none,
 * n8n holds it). Checked against the credential classes: test/unit/tokenFields.test.ts.
 */
export const TOKEN_FIELDS: Record<HubRiseCredentialType, StoredTokenFields | false> = {
	hubriseApi: { field: 'connectionToken', expiresAtField: '' },
	hubriseOAuth2Api: false,
};

export const OAUTH_ORIGIN = 'https://manager.hubrise.com';
export const API_ORIGIN = 'https://api.hubrise.com';
export const OAUTH_PREFIX = '/oauth2/v1';
export const API_PREFIX = '/v1';
export const OOB_REDIRECT_URI = 'urn:ietf:wg:oauth:2.0:oob';
export const TOKEN_HEADER = 'X-Access-Token';

export type HubRiseCredentialType = 'hubriseApi' | 'hubriseOAuth2Api';

// ---------------------------------------------------------------------------------------------
// Scope builder

/** The resources of an access-level permission, in the order HubRise's docs list them. */
export const SCOPE_RESOURCES = ['orders', 'customer_list', 'catalog', 'inventory', 'all_customer_lists', 'all_catalogs'] as const;
/** Every resource × right, in the order a built scope lists them. */
export const SCOPE_PERMISSIONS: string[] = SCOPE_RESOURCES.flatMap((resource) => [`${resource}.read`, `${resource}.write`]);

export interface ScopeChoice {
	accessLevel?: unknown;
	permissions?: unknown;
	profile?: unknown;
	customScope?: unknown;
}

/**
 * HubRise's scope syntax from the builder's choices: `location[orders.write,catalog.read],profile`.
 * A custom scope, when given, wins as typed. Permissions keep HubRise's resource order (read before
 * write); unknown values are dropped; an access level without permissions is left out.
 */
export function buildScope(choice: ScopeChoice): string {
	const custom = typeof choice.customScope === 'string' ? choice.customScope.trim() : '';
	if (custom !== '') return custom;
	const chosen = Array.isArray(choice.permissions) ? choice.permissions.map(String) : [];
	const permissions = SCOPE_PERMISSIONS.filter((permission) => chosen.includes(permission));
	const parts: string[] = [];
	const level = choice.accessLevel === 'account' || choice.accessLevel === 'location' ? choice.accessLevel : undefined;
	if (level && permissions.length > 0) parts.push(`${level}[${permissions.join(',')}]`);
	if (choice.profile === 'profile' || choice.profile === 'profile_with_email') parts.push(choice.profile);
	return parts.join(',');
}

/**
 * `buildScope` as an n8n expression over the credential's own fields (credential fields cannot call
 * package code); generated from the same permission list. A unit test checks both agree.
 */
export function scopeExpression(source: '$self' | '$credentials' = '$self'): string {
	const chosen = `(Array.isArray(${source}.permissions) ? ${source}.permissions : [])`;
	const permissions = `[${SCOPE_PERMISSIONS.map((permission) => `${chosen}.includes("${permission}") ? "${permission}" : ""`).join(', ')}].filter(Boolean).join(",")`;
	const level = `(${source}.accessLevel === "account" || ${source}.accessLevel === "location" ? ${source}.accessLevel : "")`;
	const levelPart = `(${level} !== "" && ${permissions} !== "" ? ${level} + "[" + ${permissions} + "]" : "")`;
	const profilePart = `(${source}.profile === "profile" || ${source}.profile === "profile_with_email" ? ${source}.profile : "")`;
	const custom = `String(${source}.customScope || "").trim()`;
	return `={{ ${custom} !== "" ? ${custom} : [${levelPart}, ${profilePart}].filter(Boolean).join(",") }}`;
}

/** The scope builder fields both credentials show; least privilege by default (read orders of one location). */
export const SCOPE_PROPERTIES: INodeProperties[] = [
	{
		displayName: 'Access Level',
		name: 'accessLevel',
		type: 'options',
		default: 'location',
		description: 'What the user connects: one location, a whole account, or nothing but the profile',
		options: [
			{ name: 'Location', value: 'location', description: 'One location (the user picks it when connecting)' },
			{ name: 'Account', value: 'account', description: 'A whole account with all its locations' },
			{ name: 'None', value: 'none', description: 'No access-level permission (profile only)' },
		],
	},
	{
		displayName: 'Permissions',
		name: 'permissions',
		type: 'multiOptions',
		default: ['orders.read'],
		description: 'What the connection may read or write; ask only for what the workflows need',
		displayOptions: { hide: { accessLevel: ['none'] } },
		options: [
			{ name: 'All Catalogs: Read', value: 'all_catalogs.read' },
			{ name: 'All Catalogs: Write', value: 'all_catalogs.write' },
			{ name: 'All Customer Lists: Read', value: 'all_customer_lists.read' },
			{ name: 'All Customer Lists: Write', value: 'all_customer_lists.write' },
			{ name: 'Catalog: Read', value: 'catalog.read' },
			{ name: 'Catalog: Write', value: 'catalog.write' },
			{ name: 'Customer List: Read', value: 'customer_list.read' },
			{ name: 'Customer List: Write', value: 'customer_list.write' },
			{ name: 'Inventory: Read', value: 'inventory.read' },
			{ name: 'Inventory: Write', value: 'inventory.write' },
			{ name: 'Orders: Read', value: 'orders.read' },
			{ name: 'Orders: Write', value: 'orders.write' },
		],
	},
	{
		displayName: 'User Profile',
		name: 'profile',
		type: 'options',
		default: 'none',
		description: 'Whether to read the user profile too (GET /user)',
		options: [
			{ name: 'No', value: 'none' },
			{ name: 'Profile', value: 'profile' },
			{ name: 'Profile With Email', value: 'profile_with_email' },
		],
	},
	{
		displayName: 'Custom Scope',
		name: 'customScope',
		type: 'string',
		default: '',
		placeholder: 'location[orders.write,catalog.read],profile',
		description: 'Optional. A scope in HubRise syntax, used as typed instead of the choices above.',
	},
];

/** The client of both credentials: id and secret (the secret also checks callback signatures). */
export const CLIENT_PROPERTIES: INodeProperties[] = [
	{
		displayName: 'Client ID',
		name: 'clientId',
		type: 'string',
		default: '',
		placeholder: '407408718192.clients.hubrise.com',
		description: 'The client ID of your HubRise client (back office: Settings > Developer)',
	},
	{
		displayName: 'Client Secret',
		name: 'clientSecret',
		type: 'string',
		typeOptions: { password: true },
		default: '',
		description:
			'The client secret: sent only to the token URL, as HTTP Basic. The HubRise Trigger also checks callback signatures with it.',
	},
];

/** Both credentials in n8n's HTTP Request node. */
export const HTTP_REQUEST_NODE = {
	name: 'HubRise',
	docsUrl: 'https://www.hubrise.com/developers/api/',
	apiBaseUrlPlaceholder: 'https://api.hubrise.com/v1/location',
};

// ---------------------------------------------------------------------------------------------
// Hosts and the loopback override

export const BASE_URL_OVERRIDE: INodeProperties = {
	displayName: 'Base URL Override',
	name: 'baseUrlOverride',
	type: 'string',
	default: '',
	placeholder: 'http://127.0.0.1:8080',
	description:
		"Only for simulators and local proxies: a loopback URL (http://127.0.0.1:PORT, http://localhost:PORT, http://[::1]:PORT) that stands in for both HubRise hosts (/v1 and /oauth2/v1 under it). Anything else is refused. Leave empty.",
};

export interface HubRiseHosts {
	/** API base, e.g. https://api.hubrise.com/v1 */
	apiBase: string;
	/** OAuth base, e.g. https://manager.hubrise.com/oauth2/v1 */
	oauthBase: string;
	loopback: boolean;
}

export function hubriseHosts(credentials: IDataObject): HubRiseHosts | { refused: string } {
	const override = typeof credentials.baseUrlOverride === 'string' ? credentials.baseUrlOverride.trim() : '';
	if (override === '') return { apiBase: `${API_ORIGIN}${API_PREFIX}`, oauthBase: `${OAUTH_ORIGIN}${OAUTH_PREFIX}`, loopback: false };
	const checked = loopbackBaseUrl(override);
	if ('refused' in checked) return checked;
	return { apiBase: `${checked.url}${API_PREFIX}`, oauthBase: `${checked.url}${OAUTH_PREFIX}`, loopback: true };
}

/** What credential expressions produce for a refused override: a scheme nothing can send to. */
export const INVALID_OVERRIDE_URL = 'invalid-hubrise-override:see-the-base-url-override-of-the-credential';

/**
 * An origin as an n8n expression: the fixed HubRise origin, or the loopback override when it is
 * one (same rule as `loopbackBaseUrl`), else a URL nothing can send to.
 */
export function originExpression(origin: string, suffix: string, source: '$self' | '$credentials' = '$self'): string {
	const override = `String(${source}.baseUrlOverride || "").trim().replace(/\\/+$/, "")`;
	const loopback = '/^https?:\\/\\/(127\\.0\\.0\\.1|localhost|\\[::1\\])(:[0-9]{1,5})?(\\/[^?#@\\s]*)?$/';
	return `={{ ${override} === "" ? "${origin}${suffix}" : (${loopback}.test(${override}) ? ${override} + "${suffix}" : "${INVALID_OVERRIDE_URL}") }}`;
}

/**
 * The installed-app authorize URL the user opens (client id shown as a placeholder in messages:
 * the shared redaction treats client ids as secrets).
 */
export function installedAppAuthorizeUrl(clientId: string, scope: string, oauthBase = `${OAUTH_ORIGIN}${OAUTH_PREFIX}`): string {
	const query = new URLSearchParams({ redirect_uri: OOB_REDIRECT_URI, client_id: clientId, scope });
	return `${oauthBase}/authorize?${query.toString()}`;
}

// ---------------------------------------------------------------------------------------------
// The connection: token and connected ids

export interface HubRiseConnection {
	accessToken: string;
	accountId: string;
	locationId: string;
	catalogId: string;
	customerListId: string;
	accountName: string;
	locationName: string;
	catalogName: string;
	customerListName: string;
}

const str = (value: unknown): string =>
	typeof value === 'string' ? value : value === undefined || value === null ? '' : typeof value === 'number' ? String(value) : '';

/** The ids and names a token response carries (both credentials store the same shape). */
export function connectionOf(token: IDataObject, accessToken: string): HubRiseConnection {
	return {
		accessToken,
		accountId: str(token.account_id ?? token.accountId),
		locationId: str(token.location_id ?? token.locationId),
		catalogId: str(token.catalog_id ?? token.catalogId),
		customerListId: str(token.customer_list_id ?? token.customerListId),
		accountName: str(token.account_name ?? token.accountName),
		locationName: str(token.location_name ?? token.locationName),
		catalogName: str(token.catalog_name ?? token.catalogName),
		customerListName: str(token.customer_list_name ?? token.customerListName),
	};
}

/** The connection behind either credential, as it is stored. */
export function storedConnection(type: HubRiseCredentialType, credentials: IDataObject): HubRiseConnection {
	if (type === 'hubriseOAuth2Api') {
		const token = isObject(credentials.oauthTokenData) ? (credentials.oauthTokenData as IDataObject) : {};
		return connectionOf(token, str(token.access_token));
	}
	return connectionOf(credentials, str(credentials.accessToken).trim() || str(credentials.connectionToken));
}

/** Everything of a credential that must never show: secret, tokens, the pasted code. */
export function hubriseSecrets(credentials: IDataObject): string[] {
	const token = isObject(credentials.oauthTokenData) ? credentials.oauthTokenData : {};
	return secretForms(
		[credentials.clientSecret, credentials.accessToken, credentials.connectionToken, credentials.authorizationCodeSecret, token.access_token],
		[[credentials.clientId, credentials.clientSecret]],
	);
}

// ---------------------------------------------------------------------------------------------
// Installed-app flow: the pasted code, exchanged once

/** Hash of a pasted code, stored beside the token: the code itself is never stored twice or resent. */
export function codeFingerprint(clientId: unknown, code: unknown): string {
	return credentialKey('hubrise-code', clientId, typeof code === 'string' ? code.trim() : '');
}

/** Codes this process already sent to the token endpoint: never sent again, whatever the store says. */
const sentCodes = new Set<string>();

/**
 * Outcomes of the token checks this process made lately (by a hash of the token): n8n runs
 * preAuthentication after every 401, so a run of 1,000 items that all get 401 would check the token
 * 1,000 times. Within REFUSAL_MEMORY_MS the outcome is reused instead.
 */
const checkedTokens = new Map<string, { accepted: boolean; until: number }>();
const MAX_CHECKED_TOKENS = 1000;

/** For tests: forget which codes this process sent and which tokens it checked (a "second process"). */
export function forgetSentCodes(): void {
	sentCodes.clear();
	checkedTokens.clear();
}

function newCodeAdvice(credentials: IDataObject, hosts: HubRiseHosts): string {
	const url = installedAppAuthorizeUrl('<your Client ID>', buildScope(credentials), hosts.oauthBase);
	return `Get a new code: open ${url} in a browser (with your Client ID in place of <your Client ID>), approve the access, and paste the code HubRise shows into the Authorization Code field of the credential. Codes are valid for 10 minutes and can be used once.`;
}

function refusalOfCode(error: unknown, credentials: IDataObject, hosts: HubRiseHosts, secrets: string[]) {
	const failure = extractHttpFailure(error);
	const detail = parseProviderError(failure.body, parseHubRiseError);
	const said = quote([detail.code, detail.message].filter(Boolean).join(': '), secrets);
	const saidPart = said ? ` (HubRise said: ${said})` : '';
	let message: string;
	let description: string;
	const lost = noWholeAnswer(failure);
	if (lost !== undefined || failure.status === undefined) {
		message = `HubRise token request failed: ${lost ?? 'no response'} from ${new URL(hosts.oauthBase).host}`;
		description = `HubRise could not be reached. The code is not sent a second time (it may have arrived): ${newCodeAdvice(credentials, hosts)}`;
	} else if (failure.status === 401 && /client/i.test(`${detail.message ?? ''} ${detail.code ?? ''}`)) {
		message = `HubRise rejected the Client ID or Client Secret${saidPart}`;
		description = `Copy the client id and secret of your HubRise client again (HubRise back office: Settings > Developer). ${newCodeAdvice(credentials, hosts)}`;
	} else if (failure.status >= 400 && failure.status < 500 && failure.status !== 429) {
		message = `HubRise refused the authorization code: it has expired or was already used (HTTP ${failure.status})${saidPart}`;
		description = newCodeAdvice(credentials, hosts);
	} else {
		message = `HubRise token request failed with HTTP ${failure.status}${saidPart}`;
		description = 'HubRise had a problem issuing a token; this is usually temporary. Run the workflow again later.';
	}
	return {
		message: redactText(message, secrets),
		description: redactText(description, secrets),
		httpCode: failure.status,
		providerCode: detail.code,
	};
}

/** The token response of a code exchange; `undefined` when it holds no access token. */
export function parseTokenResponse(body: unknown): HubRiseConnection | undefined {
	let data = body;
	if (typeof data === 'string') {
		try {
			data = JSON.parse(data);
		} catch {
			return undefined;
		}
	}
	if (!isObject(data) || typeof data.access_token !== 'string' || data.access_token === '') return undefined;
	return connectionOf(data as IDataObject, data.access_token);
}

/** What HubRiseApi's preAuthentication persists (the hidden fields of the credential). */
function persisted(connection: HubRiseConnection, exchangedCode: string): IDataObject {
	const { accessToken, ...ids } = connection;
	return { connectionToken: accessToken, exchangedCode, ...ids };
}

/**
 * HubRiseApi's preAuthentication. n8n runs it when the stored token (`connectionToken`) is empty,
 * and again after a 401. A pasted access token is taken as it is. A pasted code is exchanged once:
 * the exchange is single-flight per process, the code's fingerprint is stored with the token, and a
 * code already exchanged (by this process or, per the store, by any other) is never sent again:
 * then HubRise refused the token it gave (connection revoked), and the message says how to get a
 * new code.
 */
export async function hubrisePreAuthentication(
	helpers: IHttpRequestHelper,
	credentials: ICredentialDataDecryptedObject,
): Promise<IDataObject> {
	const hosts = hubriseHosts(credentials);
	const secrets = hubriseSecrets(credentials);
	if ('refused' in hosts) {
		throw tokenExchangeError('hubriseApi', {
			message: hosts.refused,
			description: 'Open the HubRise credential and empty the Base URL Override, or enter a loopback URL.',
		});
	}
	const pasted = str(credentials.accessToken).trim();
	// After a 401 the request layer empties the token field so that n8n runs this hook, and hands the refused
	// token over in TOKEN_TO_CHECK: it is checked (GET /callback), as a held token is, before anything else.
	const held = str(credentials.connectionToken) || str(credentials[TOKEN_TO_CHECK]);
	const code = str(credentials.authorizationCodeSecret).trim();
	const fingerprint = codeFingerprint(credentials.clientId, code);
	const revoked = (what: string) =>
		tokenExchangeError('hubriseApi', {
			message: `HubRise refused the access token of this connection: it was revoked or blocked (HTTP 401). ${what}`,
			description: `Reconnect: ${newCodeAdvice(credentials, hosts)}${pasted !== '' ? ' Then empty the Access Token field, or paste a new access token there.' : ''}`,
			httpCode: 401,
		});
	// A token this credential already holds (a credential test, or n8n asking again after a 401): it
	// is checked, not replaced; the code it came from is never sent again.
	const current = pasted !== '' ? pasted : held !== '' && str(credentials.exchangedCode) === fingerprint ? held : '';
	if (current !== '') {
		const check = async () => await tokenAccepted(helpers, credentials, hosts, current, secrets);
		if (current === held && !(await rememberedCheck(credentialKey('hubrise-token-check', hosts.apiBase, current), check))) {
			throw revoked(pasted !== '' ? 'The pasted token no longer works.' : 'The authorization code was already used, so it is not sent again.');
		}
		return pasted !== '' ? { connectionToken: pasted, exchangedCode: '', [TOKEN_TO_CHECK]: '' } : { connectionToken: held, [TOKEN_TO_CHECK]: '' };
	}
	if (code === '') {
		throw tokenExchangeError('hubriseApi', {
			message: 'The HubRise credential has no authorization code and no access token',
			description: newCodeAdvice(credentials, hosts),
		});
	}
	const token = await obtainToken(fingerprint, held, async () => {
		if (sentCodes.has(fingerprint) || str(credentials.exchangedCode) === fingerprint) {
			throw revoked('The authorization code was already used, so it is not sent again.');
		}
		sentCodes.add(fingerprint);
		let response: unknown;
		try {
			response = await withRetry(
				async () =>
					await credentialRequest(helpers, credentials, { credentialType: 'hubriseApi', provider: 'HubRise' }, {
						method: 'POST',
						url: `${hosts.oauthBase}/token`,
						body: `code=${encodeURIComponent(code)}`,
						headers: {
							Accept: 'application/json',
							'Content-Type': 'application/x-www-form-urlencoded',
							Authorization: `Basic ${Buffer.from(`${str(credentials.clientId)}:${str(credentials.clientSecret)}`).toString('base64')}`,
						},
						json: false,
						abortSignal: AbortSignal.timeout(REQUEST_LIMITS.deadlineMs),
					}),
				// Only a 429 is retried: the code is not used up by a refusal to serve.
				{ idempotent: true, policy: { retryStatuses: [429], retryNetworkErrors: false, maxAttempts: 3, maxTotalWaitMs: 30_000 } },
			);
		} catch (error) {
			// A refusal already worded (a redirect refused by credentialRequest) passes as it is.
			throw worded(error) ? error : tokenExchangeError('hubriseApi', refusalOfCode(error, credentials, hosts, secrets));
		}
		const connection = parseTokenResponse(response);
		if (!connection) {
			throw tokenExchangeError('hubriseApi', {
				message: 'HubRise answered the code exchange without an access token',
				description: newCodeAdvice(credentials, hosts),
			});
		}
		const { accessToken, ...ids } = connection;
		return { accessToken, accessTokenExpiresAt: '', extra: ids as unknown as Record<string, string>, mintedAt: Date.now() };
	});
	if (token.accessToken === held) throw revoked('The authorization code was already used, so it is not sent again.');
	return persisted({ ...(token.extra as unknown as Omit<HubRiseConnection, 'accessToken'>), accessToken: token.accessToken }, fingerprint);
}

/** An error a credential hook already worded for the user (tokens.ts tokenExchangeError). */
function worded(error: unknown): error is NodeApiError {
	return error instanceof NodeApiError && error.context?.tokenExchangeError === true;
}

/** A token check's outcome, reused for REFUSAL_MEMORY_MS (`key`: a hash naming host and token). */
async function rememberedCheck(key: string, check: () => Promise<boolean>): Promise<boolean> {
	const known = checkedTokens.get(key);
	if (known && known.until > Date.now()) return known.accepted;
	const accepted = await check();
	if (!checkedTokens.has(key) && checkedTokens.size >= MAX_CHECKED_TOKENS) checkedTokens.delete(checkedTokens.keys().next().value as string);
	checkedTokens.set(key, { accepted, until: Date.now() + REFUSAL_MEMORY_MS });
	return accepted;
}

/** Whether HubRise still accepts a token (GET /callback works at every level); false only on 401. */
async function tokenAccepted(
	helpers: IHttpRequestHelper,
	credentials: ICredentialDataDecryptedObject,
	hosts: HubRiseHosts,
	token: string,
	secrets: string[],
): Promise<boolean> {
	try {
		await credentialRequest(helpers, credentials, { credentialType: 'hubriseApi', provider: 'HubRise' }, {
			method: 'GET',
			url: `${hosts.apiBase}/callback`,
			headers: { Accept: 'application/json', [TOKEN_HEADER]: token },
			json: true,
			abortSignal: AbortSignal.timeout(REQUEST_LIMITS.deadlineMs),
		});
		return true;
	} catch (error) {
		const failure = extractHttpFailure(error);
		if (failure.status === 401) return false;
		throw worded(error)
			? error
			: tokenExchangeError('hubriseApi', {
					message: redactText(`HubRise could not check the access token: ${failure.status !== undefined ? `HTTP ${failure.status}` : (failure.networkCode ?? 'no response')}`, secrets),
					description: 'Run the workflow (or the credential test) again; if it persists, check the network of this n8n instance.',
					httpCode: failure.status,
				});
	}
}

/** HubRiseApi's authenticate: the token in X-Access-Token, nowhere else. */
export function hubriseAuthenticate(credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions): IHttpRequestOptions {
	const token = str(credentials.accessToken).trim() || str(credentials.connectionToken);
	requestOptions.headers = { ...requestOptions.headers, [TOKEN_HEADER]: token };
	return requestOptions;
}

/**
 * True when the stored token belongs to another code than the one in the credential now (the user
 * pasted a new code): the node then has n8n run preAuthentication before the first request.
 */
export function hasNewCode(credentials: IDataObject): boolean {
	if (str(credentials.accessToken).trim() !== '') return str(credentials.connectionToken) !== str(credentials.accessToken).trim();
	const code = str(credentials.authorizationCodeSecret).trim();
	return code !== '' && str(credentials.connectionToken) !== '' && str(credentials.exchangedCode) !== codeFingerprint(credentials.clientId, code);
}

// ---------------------------------------------------------------------------------------------
// Errors and limits

/** `{error_type, message, errors:[{field, message}]}` (HubRise API and, presumably, its token endpoint). */
export const parseHubRiseError: ErrorBodyParser = (data) => ({
	message: firstString(data.message, data.error_description, typeof data.error === 'string' ? data.error : undefined),
	code: firstString(data.error_type, typeof data.error === 'string' && data.error_description ? data.error : undefined),
	fields: formatValidation(data.errors),
});

/** HubRise's fixed windows (per connection): 500/min, 2,500/h, 10,000/day, aligned to the clock. */
export const RATE_WINDOWS_MS = [60_000, 3_600_000, 86_400_000];

/** The same windows as the shared pacing reads them (no request beyond any of them in any span of its length). */
export const RATE_LIMITS = [500, 2_500, 10_000].map((requests, index) => ({ requests, perMs: RATE_WINDOWS_MS[index] }));

/**
 * The wait for a 429 without Retry-After: to the next minute boundary (the smallest window; if a
 * longer one is spent the next 429 says so and the retry budget ends the wait).
 */
export function untilNextWindow(_status: number, now: number): number {
	return RATE_WINDOWS_MS[0] - (now % RATE_WINDOWS_MS[0]) + 50;
}

/** SHA-256 of the raw body with the client secret, hex: what HubRise signs callbacks with. */
export const CALLBACK_SIGNATURE_HEADER = 'x-hubrise-hmac-sha256';
