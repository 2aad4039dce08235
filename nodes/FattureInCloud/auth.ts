import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	IDataObject,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';
import { NodeApiError, sleep } from 'n8n-workflow';

import { firstString, formatValidation, quote } from '../shared/errors';
import type { ErrorBodyParser } from '../shared/errors';
import { extractHttpFailure, isObject, noWholeAnswer } from '../shared/failures';
import { redactText, secretForms } from '../shared/redact';
import { LOOPBACK_HOSTNAMES, loopbackBaseUrl, REQUEST_LIMITS } from '../shared/request';
import { withRetry } from '../shared/retry';
import {
	credentialKey,
	credentialRequest,
	credentialTestRequest,
	expiresAt,
	freshestToken,
	obtainToken,
	TOKEN_EXCHANGE_ERROR,
	tokenExchangeError,
} from '../shared/tokens';
import type { CachedToken, StoredTokenFields } from '../shared/tokens';
import { FIC_AUTHORIZATION_URL, FIC_OPERATIONS, FIC_SCOPES, FIC_TOKEN_URL } from './scopes.generated';

/**
 * Fatture in Cloud (API v2): facts and token exchanges of the four credentials (shared/docs/providers.md,
 * providers-next.md §3, the seed fattureincloud-authentication.txt, the OpenAPI description):
 * - OAuth2 authorization code (`fattureInCloudOAuth2Api`, n8n signs and refreshes);
 * - manual token (`fattureInCloudApi`, never expires, scopes chosen by the user in the web app);
 * - device code (`fattureInCloudDeviceCodeApi`, RFC 8628, on request only; done here, see docs/fattureincloud.md);
 * - unattended refresh token (`fattureInCloudRefreshTokenApi`, client id + secret + a refresh token).
 * Access tokens live 24 h; refresh tokens one year from their last use; whether a refresh rotates the
 * refresh token is not stated, so the returned one is always stored and never two refreshes run at once.
 */

export const FIC_ORIGIN = new URL(FIC_TOKEN_URL).origin;
export const PROVIDER = 'Fatture in Cloud';

export type FicCredentialType =
	| 'fattureInCloudApi'
	| 'fattureInCloudOAuth2Api'
	| 'fattureInCloudDeviceCodeApi'
	| 'fattureInCloudRefreshTokenApi';

/** The refresh token's lifetime, counted from its last use. */
export const REFRESH_TOKEN_LIFETIME_SECONDS = 365 * 24 * 3600;

/**
 * Where each credential type keeps the token the request layer coordinates across processes: its
 * expirable hidden field (none for the manual token and OAuth2; n8n holds OAuth2's). A unit test
 * checks this against the credential classes (test/unit/tokenFields.test.ts).
 */
export const TOKEN_FIELDS: Record<FicCredentialType, StoredTokenFields | false> = {
	fattureInCloudApi: false,
	fattureInCloudOAuth2Api: false,
	fattureInCloudDeviceCodeApi: { field: 'accessToken', expiresAtField: 'accessTokenExpiresAt' },
	fattureInCloudRefreshTokenApi: { field: 'accessToken', expiresAtField: 'accessTokenExpiresAt' },
};

/**
 * Keep-alive facts (docs/keep-alive.md): a refresh token dies one year after its last use, so a
 * quarterly renewal leaves three missed runs to spare. The access token (24 h) renews the refresh
 * token whenever a job runs after a day; only a credential idle for a year dies.
 */
export const FIC_KEEP_ALIVE_FACTS = {
	idleLifetimeDays: REFRESH_TOKEN_LIFETIME_SECONDS / 86400,
	renewEveryDays: 90,
	warnDaysBefore: 30,
	credentialTypes: ['fattureInCloudOAuth2Api', 'fattureInCloudDeviceCodeApi', 'fattureInCloudRefreshTokenApi'],
} as const;

/** When a device-code or refresh-token credential last renewed its refresh token (ms), from its stored expiry. */
export function refreshTokenRenewedAt(credentials: ICredentialDataDecryptedObject): number | undefined {
	const expiresAt = Date.parse(str(credentials.refreshTokenExpiresAt));
	return Number.isFinite(expiresAt) ? expiresAt - REFRESH_TOKEN_LIFETIME_SECONDS * 1000 : undefined;
}

const str = (value: unknown): string => (typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value));

// --- Host and the loopback override -------------------------------------------------------------------

export const BASE_URL_OVERRIDE: INodeProperties = {
	displayName: 'Base URL Override',
	name: 'baseUrlOverride',
	type: 'string',
	default: '',
	placeholder: 'http://127.0.0.1:8080',
	description:
		"Only for simulators and local proxies: a loopback URL (http://127.0.0.1:PORT, http://localhost:PORT, http://[::1]:PORT) used instead of Fatture in Cloud's host. Anything else is refused. Leave empty.",
};

/** The origin every call of the credential goes to: Fatture in Cloud's, or the loopback override. */
export function ficOrigin(credentials: ICredentialDataDecryptedObject): { url: string } | { refused: string } {
	const override = str(credentials.baseUrlOverride).trim();
	return override === '' ? { url: FIC_ORIGIN } : loopbackBaseUrl(override);
}

const LOOPBACK_URL = `^https?:\\/\\/(?:${LOOPBACK_HOSTNAMES.map((host) => host.replace(/[.[\]]/g, '\\$&')).join('|')})(?::[0-9]{1,5})?\\/*$`;

/**
 * The same rule as an n8n expression (credential fields cannot call package code): the official URL when
 * the override is empty, the loopback URL plus `path` when it is one, else a URL nothing can send to.
 */
export function originExpression(path: string, official: string, source: '$self' | '$credentials' = '$self'): string {
	const override = `String(${source}["baseUrlOverride"] || "").trim()`;
	return `={{ ${override} === "" ? "${official}" : (/${LOOPBACK_URL}/.test(${override}) ? ${override}.replace(/\\/+$/, "") + "${path}" : "invalid-fattureincloud-override:see-the-base-url-override-field") }}`;
}

// --- What every credential of Fatture in Cloud shares ---------------------------------------------------

export const FIC_ICON = { light: 'file:../icons/fattureincloud.svg', dark: 'file:../icons/fattureincloud.dark.svg' } as const;
export const FIC_HTTP_REQUEST_NODE = { name: 'Fatture in Cloud', docsUrl: 'https://developers.fattureincloud.it/', apiBaseUrl: 'https://api-v2.fattureincloud.it' };

/** The credential test of all four: GET /user/info (needs no scope), never following a redirect. */
export function ficCredentialTest(): ICredentialTestRequest {
	return credentialTestRequest(PROVIDER, { baseURL: originExpression('', FIC_ORIGIN, '$credentials'), url: '/user/info' });
}

// --- Scopes -------------------------------------------------------------------------------------------

/** What a resource of the scope table is called in the picker ("Clients registry", "Issued Invoices"). */
function scopeLabel(resource: string): string {
	const read = FIC_SCOPES.find((scope) => scope.value === `${resource}:r`)?.description ?? resource;
	const label = read.replace(/^(Read|Write) permission to the /, '');
	return label.charAt(0).toUpperCase() + label.slice(1);
}

/** The picker: each resource as Read, and Read and Write where the spec has an `:a` scope. */
export const SCOPE_OPTIONS = FIC_SCOPES.map((scope) => {
	const [resource, level] = scope.value.split(':');
	return { name: `${scopeLabel(resource)}: ${level === 'a' ? 'Read and Write' : 'Read'}`, value: scope.value };
}).sort((a, b) => a.name.localeCompare(b.name));

/** Least privilege by default: read the clients registry and the issued invoices, nothing else. */
export const DEFAULT_SCOPES = ['entity.clients:r', 'issued_documents.invoices:r'];

/** The scope picker plus n8n's custom-scope pattern (a switch and a free text field). */
export const SCOPE_PROPERTIES: INodeProperties[] = [
	{
		displayName: 'Permissions',
		name: 'scopes',
		type: 'multiOptions',
		options: SCOPE_OPTIONS,
		default: ['entity.clients:r', 'issued_documents.invoices:r'],
		description:
			'What n8n may do in Fatture in Cloud. Pick only what your workflows need; "Read and Write" includes Read. Changing this needs a new connection.',
		displayOptions: { show: { customScopes: [false] } },
	},
	{
		displayName: 'Custom Scopes',
		name: 'customScopes',
		type: 'boolean',
		default: false,
		description: 'Whether to type the scopes yourself instead of picking them',
	},
	{
		displayName: 'Enabled Scopes',
		name: 'enabledScopes',
		type: 'string',
		default: 'entity.clients:r issued_documents.invoices:r',
		description: 'Space-separated Fatture in Cloud scopes, e.g. entity.clients:r issued_documents.invoices:a',
		displayOptions: { show: { customScopes: [true] } },
	},
];

/** The scope string the credential asks for, as an n8n expression (hidden `scope` of the OAuth2 credential). */
export const SCOPE_EXPRESSION =
	'={{ $self["customScopes"] ? String($self["enabledScopes"] || "").trim().split(/\\s+/).join(" ") : [].concat($self["scopes"] || []).join(" ") }}';

/** The same, in code (device flow start). */
export function scopeOf(credentials: ICredentialDataDecryptedObject): string {
	if (credentials.customScopes === true) return str(credentials.enabledScopes).trim().split(/\s+/).join(' ');
	const picked = Array.isArray(credentials.scopes) ? credentials.scopes.map(String) : DEFAULT_SCOPES;
	return picked.join(' ');
}

/**
 * The scope an operation needs, from the spec's table: the one matching `hint` (e.g. the document type)
 * when the spec lists several, else all of them ("any of"). Empty when the operation needs none.
 */
export function scopesNeeded(operationId: string, hint?: string): string[] {
	const scopes = FIC_OPERATIONS[operationId]?.scopes ?? [];
	if (hint) {
		const matching = scopes.filter((scope) => scope.split(':')[0].endsWith(`.${hint}`) || scope.split(':')[0] === hint);
		if (matching.length > 0) return matching;
	}
	return [...scopes];
}

// --- Errors -------------------------------------------------------------------------------------------

/**
 * Fatture in Cloud's error bodies: API `{error:{message, code, validation_result}, extra}` and OAuth
 * `{error, error_description}`. Validation results are listed field by field.
 */
export const parseFattureInCloudError: ErrorBodyParser = (data) => {
	const error = isObject(data.error) ? data.error : undefined;
	return {
		message: firstString(error?.message, data.error_description, typeof data.error === 'string' ? data.error : undefined, data.message),
		code: firstString(error?.code, typeof data.error === 'string' ? data.error : undefined),
		fields: validationLines(error?.validation_result),
	};
};

/** `validation_result` comes as `{field: [messages]}` or `{field: message}` (and tolerated as a list). */
function validationLines(result: unknown): string[] {
	if (isObject(result)) {
		return Object.entries(result).map(([field, problem]) => {
			const text = Array.isArray(problem) ? problem.map((entry) => (isObject(entry) ? JSON.stringify(entry) : String(entry))).join(', ') : isObject(problem) ? JSON.stringify(problem) : String(problem);
			return `${field}: ${text}`;
		});
	}
	return formatValidation(result);
}

/** `{error, error_description}` of a failed token call, whatever n8n made of it. */
export function oauthErrorOf(error: unknown): { status?: number; code?: string; description?: string } {
	const failure = extractHttpFailure(error);
	let body = failure.body;
	if (typeof body === 'string') {
		try {
			body = JSON.parse(body);
		} catch {
			body = undefined;
		}
	}
	const data = isObject(body) ? body : {};
	const nested = isObject(data.error) ? data.error : undefined;
	return {
		status: failure.status,
		code: firstString(typeof data.error === 'string' ? data.error : undefined, nested?.code),
		description: firstString(data.error_description, nested?.message),
	};
}

// --- Token calls ----------------------------------------------------------------------------------------

export interface FicSettings {
	origin: string;
	tokenUrl: string;
	deviceUrl: string;
	secrets: string[];
}

export function ficSettings(credentials: ICredentialDataDecryptedObject, type: FicCredentialType): FicSettings {
	const origin = ficOrigin(credentials);
	if ('refused' in origin) {
		throw tokenExchangeError(type, {
			message: origin.refused,
			description: 'Open the Fatture in Cloud credential and empty the Base URL Override, or enter a loopback URL.',
		});
	}
	return {
		origin: origin.url,
		tokenUrl: `${origin.url}/oauth/token`,
		deviceUrl: `${origin.url}/oauth/device`,
		secrets: secretForms([
			credentials.clientSecret,
			credentials.accessToken,
			credentials.refreshToken,
			credentials.rotatedRefreshToken,
			credentials.deviceCodeSecret,
		]),
	};
}

/** One JSON POST to a token endpoint of the credential: no redirect followed, 429 retried (bounded). */
async function tokenCall(
	helpers: IHttpRequestHelper,
	credentials: ICredentialDataDecryptedObject,
	type: FicCredentialType,
	url: string,
	body: IDataObject,
	retry = true,
): Promise<unknown> {
	const send = async () =>
		await credentialRequest(helpers, credentials, { credentialType: type, provider: PROVIDER }, {
			method: 'POST',
			url,
			body,
			json: true,
			headers: { Accept: 'application/json' },
			abortSignal: AbortSignal.timeout(REQUEST_LIMITS.deadlineMs),
		});
	if (!retry) return await send();
	return await withRetry(send, { idempotent: true, policy: { retryStatuses: [429], maxAttempts: 3, maxTotalWaitMs: 30_000 } });
}

/** `{token_type, access_token, refresh_token, expires_in}`, tolerant of a string body. */
export function parseTokenResponse(body: unknown, now: number = Date.now()): CachedToken | undefined {
	if (typeof body === 'string') {
		try {
			body = JSON.parse(body);
		} catch {
			return undefined;
		}
	}
	if (!isObject(body)) return undefined;
	const data = isObject(body.data) && typeof body.access_token !== 'string' ? body.data : body;
	const accessToken = str(data.access_token);
	if (accessToken === '') return undefined;
	return {
		accessToken,
		accessTokenExpiresAt: expiresAt({ expiresIn: data.expires_in ?? 86400 }, now),
		mintedAt: now,
		extra: { refreshToken: str(data.refresh_token) },
	};
}

/** Why a refresh was refused, worded for the person who must act; no secret in it. */
function refreshRefusal(type: FicCredentialType, error: unknown, settings: FicSettings) {
	const { status, code, description } = oauthErrorOf(error);
	const said = quote([code, description].filter(Boolean).join(': '), settings.secrets);
	const saidPart = said ? ` (Fatture in Cloud said: ${said})` : '';
	let message: string;
	let advice: string;
	const lost = noWholeAnswer(extractHttpFailure(error));
	if (lost !== undefined || status === undefined) {
		message = `${PROVIDER}: the token request got no whole answer (${lost ?? 'network error'})`;
		advice = 'Check the network of this n8n instance, then run the workflow again.';
	} else if (code === 'invalid_client' || code === 'unauthorized_client') {
		message = `${PROVIDER} refused the client ID or client secret of the credential${saidPart}`;
		advice = 'Copy the client ID (and secret) again from your app in Fatture in Cloud (Impostazioni > Applicazioni collegate), then run again.';
	} else if (code === 'invalid_grant' || status === 400 || status === 401) {
		message =
			type === 'fattureInCloudDeviceCodeApi'
				? `${PROVIDER}: the device login has expired or was revoked; reconnect the credential${saidPart}`
				: `${PROVIDER}: the refresh token was refused; reconnect the credential${saidPart}`;
		advice =
			type === 'fattureInCloudDeviceCodeApi'
				? 'The refresh token is spent, revoked or unused for a year. Run the step again: a new device code is shown to approve.'
				: 'The refresh token is revoked, unused for a year, or was already used by another process that did not store its successor here. Obtain a new refresh token (device or authorization-code flow) and paste it into the credential.';
	} else {
		message = `${PROVIDER}: the token request failed with HTTP ${status}${saidPart}`;
		advice = 'This is usually temporary: run the workflow again later.';
	}
	return tokenExchangeError(type, {
		message: redactText(message, settings.secrets),
		description: redactText(advice, settings.secrets),
		httpCode: status,
		providerCode: code,
	});
}

function isWorded(error: unknown): boolean {
	return error instanceof NodeApiError && error.context[TOKEN_EXCHANGE_ERROR] === true;
}

/** A fingerprint of a refresh token (never the token): tells "the same token" apart without storing it twice. */
export function fingerprint(value: string): string {
	return credentialKey('fattureInCloud-refresh-token', value).slice(0, 16);
}

/**
 * The refresh token to use now. The user's field holds the token they pasted (or an expression); each
 * exchange stores its successor in the field (where n8n allows) and in `rotatedRefreshToken`, with the
 * fingerprint of the field's value it came from. If the field still shows that value (an expression n8n
 * keeps), the successor is used; if the user pasted another token, theirs wins.
 */
export function currentRefreshToken(credentials: ICredentialDataDecryptedObject): string {
	const entered = str(credentials.refreshToken).trim();
	const rotated = str(credentials.rotatedRefreshToken);
	if (rotated !== '' && (entered === rotated || fingerprint(entered) === str(credentials.rotatedFrom) || entered === '')) return rotated;
	return entered;
}

/**
 * Refresh with single-flight: one exchange per refresh token at a time in this process; the others wait
 * and share its result. The device flow refreshes without a client secret.
 */
async function refreshTokens(
	helpers: IHttpRequestHelper,
	credentials: ICredentialDataDecryptedObject,
	type: FicCredentialType,
	settings: FicSettings,
	refreshToken: string,
): Promise<CachedToken> {
	const clientId = str(credentials.clientId).trim();
	const key = tokenKey(type, settings.origin, clientId, refreshToken);
	const held = { accessToken: str(credentials.accessToken), accessTokenExpiresAt: str(credentials.accessTokenExpiresAt) };
	const token = await obtainToken(key, held, async () => {
		const body: IDataObject = { grant_type: 'refresh_token', client_id: clientId, refresh_token: refreshToken };
		if (type === 'fattureInCloudRefreshTokenApi') body.client_secret = str(credentials.clientSecret);
		let response: unknown;
		try {
			response = await tokenCall(helpers, credentials, type, settings.tokenUrl, body);
		} catch (error) {
			// A refusal already worded (redirect, allowed domains) passes as it is.
			throw error instanceof NodeApiError && isWorded(error) ? error : refreshRefusal(type, error, settings);
		}
		const token = parseTokenResponse(response);
		if (!token) {
			throw tokenExchangeError(type, {
				message: `${PROVIDER} answered the refresh without an access token`,
				description: 'Run the workflow again; if it persists, reconnect the credential.',
			});
		}
		// Rotation is not stated: keep the old refresh token only if no new one came back.
		if (token.extra.refreshToken === '') token.extra.refreshToken = refreshToken;
		return token;
	});
	rememberLineage(key, type, settings.origin, clientId, token.extra.refreshToken);
	return token;
}

/**
 * The token-cache key of a refresh-token chain in this process. A refresh token this process received
 * from an exchange keeps the key of the chain it came from, so rotation does not start a new key: the
 * single-flight, the reuse of a sibling's token (an execution that read the previous refresh token gets
 * the token already minted instead of spending a used refresh token) and the bound on fresh tokens the
 * provider refuses (nodes/shared/tokens.ts) hold across rotations. A chain starts at a refresh token this
 * process did not receive (pasted, or stored by another process). Only hashes are kept.
 */
const lineage = new Map<string, string>();
const MAX_LINEAGE = 1000;

export function tokenKey(type: FicCredentialType, origin: string, clientId: string, refreshToken: string): string {
	const own = credentialKey(type, origin, clientId, refreshToken);
	return lineage.get(own) ?? own;
}

function rememberLineage(key: string, type: FicCredentialType, origin: string, clientId: string, refreshToken: string): void {
	if (lineage.size >= MAX_LINEAGE) lineage.delete(lineage.keys().next().value as string);
	lineage.set(credentialKey(type, origin, clientId, refreshToken), key);
}

function refreshedFields(token: CachedToken, now = Date.now()): IDataObject {
	return {
		accessToken: token.accessToken,
		accessTokenExpiresAt: token.accessTokenExpiresAt,
		refreshTokenExpiresAt: new Date(now + REFRESH_TOKEN_LIFETIME_SECONDS * 1000).toISOString(),
	};
}

/** preAuthentication of the unattended refresh-token credential. */
export async function refreshTokenPreAuthentication(helpers: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
	const type = 'fattureInCloudRefreshTokenApi';
	const settings = ficSettings(credentials, type);
	const refreshToken = currentRefreshToken(credentials);
	if (refreshToken === '') {
		throw tokenExchangeError(type, {
			message: `${PROVIDER}: the credential has no refresh token`,
			description: 'Paste a refresh token obtained once with the authorization-code or device flow into the credential.',
		});
	}
	const token = await refreshTokens(helpers, credentials, type, settings, refreshToken);
	const successor = token.extra.refreshToken;
	return {
		...refreshedFields(token),
		// Stored in the user's field (n8n keeps an expression there) and in the hidden copy.
		refreshToken: successor,
		rotatedRefreshToken: successor,
		rotatedFrom: fingerprint(str(credentials.refreshToken).trim() === successor ? successor : str(credentials.refreshToken).trim()),
	};
}

/** The token to send: the freshest this process holds for the credential (a sibling may have refreshed). */
export function bearerAuthenticate(
	credentials: ICredentialDataDecryptedObject,
	requestOptions: IHttpRequestOptions,
	type: FicCredentialType,
): IHttpRequestOptions {
	const settings = ficOrigin(credentials);
	let token = str(credentials.accessToken);
	if ('url' in settings && (type === 'fattureInCloudRefreshTokenApi' || type === 'fattureInCloudDeviceCodeApi')) {
		const refreshToken = type === 'fattureInCloudRefreshTokenApi' ? currentRefreshToken(credentials) : str(credentials.refreshToken);
		const key = tokenKey(type, settings.url, str(credentials.clientId).trim(), refreshToken);
		token = freshestToken(key, { accessToken: token, accessTokenExpiresAt: str(credentials.accessTokenExpiresAt) });
	}
	requestOptions.headers = { ...requestOptions.headers, Authorization: `Bearer ${token}` };
	return requestOptions;
}

// --- Device code (RFC 8628) -------------------------------------------------------------------------------

/** The access-token field while no token exists yet: what the device login is waiting for. */
export const DEVICE_MARKER = 'device-login:';
export type DeviceStatus = 'pending' | 'denied' | 'expired' | 'revoked';

export function deviceStatusOf(credentials: ICredentialDataDecryptedObject): DeviceStatus | undefined {
	const token = str(credentials.accessToken);
	return token.startsWith(DEVICE_MARKER) ? (token.slice(DEVICE_MARKER.length) as DeviceStatus) : undefined;
}

/** Device-login fields cleared (after success, or before a new start). */
const NO_DEVICE_LOGIN = { deviceStatus: '', deviceCodeSecret: '', userCode: '', verificationUri: '', deviceCodeExpiresAt: '', deviceNextPollAt: '', devicePollInterval: 0 };

function deviceState(status: DeviceStatus, extra: IDataObject = {}): IDataObject {
	return { accessToken: `${DEVICE_MARKER}${status}`, accessTokenExpiresAt: '', ...extra, deviceStatus: status };
}

/** Options of the device flow that tests shorten. */
export const DEVICE_LIMITS = { minIntervalSeconds: 1, slowDownSeconds: 5 };

async function startDeviceLogin(helpers: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject, settings: FicSettings) {
	const type = 'fattureInCloudDeviceCodeApi';
	let response: unknown;
	try {
		response = await tokenCall(helpers, credentials, type, settings.deviceUrl, {
			client_id: str(credentials.clientId).trim(),
			scope: scopeOf(credentials) || ' ',
		});
	} catch (error) {
		const { status, code, description } = oauthErrorOf(error);
		const said = quote([code, description].filter(Boolean).join(': '), settings.secrets);
		throw error instanceof NodeApiError && isWorded(error) ? error : tokenExchangeError(type, {
			message: `${PROVIDER} refused to start a device login${status ? ` (HTTP ${status})` : ''}${said ? `: ${said}` : ''}`,
			description:
				'The device code flow is enabled by Fatture in Cloud only on request, per app. Check the client ID, and that Fatture in Cloud enabled the device flow for this app; otherwise use the OAuth2 or manual-token credential.',
			httpCode: status,
			providerCode: code,
		});
	}
	const data = isObject(response) && isObject(response.data) ? response.data : isObject(response) ? response : {};
	const now = Date.now();
	const interval = Math.max(DEVICE_LIMITS.minIntervalSeconds, Number(data.interval) || 5);
	const expiresIn = Number(data.expires_in) || 300;
	if (!str(data.device_code) || !str(data.user_code) || !str(data.verification_uri)) {
		throw tokenExchangeError(type, {
			message: `${PROVIDER} answered the device login request without a device code, user code or verification link`,
			description: 'Run the step again; if it persists, use the OAuth2 or manual-token credential.',
		});
	}
	return deviceState('pending', {
		deviceCodeSecret: str(data.device_code),
		userCode: str(data.user_code),
		verificationUri: str(data.verification_uri),
		deviceCodeExpiresAt: new Date(now + expiresIn * 1000).toISOString(),
		deviceNextPollAt: new Date(now + interval * 1000).toISOString(),
		devicePollInterval: interval,
		refreshToken: '',
	});
}

/** Polls until approved, refused or expired, honouring `interval` and `slow_down`; stops at `expires_in`. */
async function pollDeviceLogin(helpers: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject, settings: FicSettings) {
	const type = 'fattureInCloudDeviceCodeApi';
	const expiry = Date.parse(str(credentials.deviceCodeExpiresAt));
	let interval = Math.max(DEVICE_LIMITS.minIntervalSeconds, Number(credentials.devicePollInterval) || 5);
	let nextPoll = Date.parse(str(credentials.deviceNextPollAt)) || Date.now();
	for (;;) {
		const wait = Math.min(nextPoll, expiry) - Date.now();
		if (wait > 0) await sleep(wait);
		if (Date.now() >= expiry) return deviceState('expired', NO_DEVICE_LOGIN);
		let response: unknown;
		try {
			response = await tokenCall(
				helpers,
				credentials,
				type,
				settings.tokenUrl,
				{
					grant_type: 'urn:ietf:params:oauth:grant-type:device_code',
					client_id: str(credentials.clientId).trim(),
					device_code: str(credentials.deviceCodeSecret),
				},
				false,
			);
		} catch (error) {
			const { status, code } = oauthErrorOf(error);
			if (code === 'authorization_pending') {
				nextPoll = Date.now() + interval * 1000;
				continue;
			}
			if (code === 'slow_down' || status === 429) {
				interval += DEVICE_LIMITS.slowDownSeconds;
				nextPoll = Date.now() + interval * 1000;
				continue;
			}
			if (code === 'access_denied') return deviceState('denied', NO_DEVICE_LOGIN);
			if (code === 'expired_token') return deviceState('expired', NO_DEVICE_LOGIN);
			throw error instanceof NodeApiError && isWorded(error) ? error : refreshRefusal(type, error, settings);
		}
		const token = parseTokenResponse(response);
		if (!token) {
			throw tokenExchangeError(type, {
				message: `${PROVIDER} approved the device login but sent no access token`,
				description: 'Run the step again to start a new device login.',
			});
		}
		return { ...refreshedFields(token), ...NO_DEVICE_LOGIN, refreshToken: token.extra.refreshToken };
	}
}

/**
 * preAuthentication of the device-code credential, a small state machine whose state lives in the
 * credential (hidden fields, never in execution data):
 * - a refresh token is stored: refresh it (no client secret); refused → state "revoked";
 * - a device login is pending: poll it (interval, slow_down, expiry) → tokens, or "denied" / "expired";
 * - otherwise: start a device login → state "pending" with the user code and link.
 * Every state without a token is stored as a marker in the access-token field, and `deviceAuthenticate`
 * turns the marker into the message the user reads (the code and the link, or what went wrong).
 */
export async function devicePreAuthentication(helpers: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
	const type = 'fattureInCloudDeviceCodeApi';
	const settings = ficSettings(credentials, type);
	const refreshToken = str(credentials.refreshToken);
	if (refreshToken !== '') {
		try {
			const token = await refreshTokens(helpers, credentials, type, settings, refreshToken);
			return { ...refreshedFields(token), refreshToken: token.extra.refreshToken };
		} catch (error) {
			if (String((error as IDataObject).httpCode ?? '') === '400' || String((error as IDataObject).httpCode ?? '') === '401') {
				return deviceState('revoked', { ...NO_DEVICE_LOGIN, refreshToken: '' });
			}
			throw error instanceof NodeApiError ? error : refreshRefusal(type, error, settings);
		}
	}
	// The access-token field may have been emptied to get here (the node does that): the status has its own field.
	const status = str(credentials.deviceStatus);
	const expiry = Date.parse(str(credentials.deviceCodeExpiresAt));
	if (status === 'pending' && str(credentials.deviceCodeSecret) !== '' && expiry > Date.now()) {
		return await pollDeviceLogin(helpers, credentials, settings);
	}
	return await startDeviceLogin(helpers, credentials, settings);
}

function clock(iso: string): string {
	const time = Date.parse(iso);
	return Number.isNaN(time) ? 'soon' : `${new Date(time).toISOString().slice(11, 16)} UTC`;
}

/** What the user reads while the device login is not done (user code and link are meant to be shown). */
export function deviceLoginMessage(credentials: ICredentialDataDecryptedObject): { message: string; description: string } | undefined {
	const status = deviceStatusOf(credentials);
	if (status === undefined) return undefined;
	switch (status) {
		case 'pending':
			return {
				message: `${PROVIDER} device login: open ${str(credentials.verificationUri)} and enter the code ${str(credentials.userCode)}, then run this step again`,
				description: `Sign in to Fatture in Cloud with the account to connect and approve the access. The code is valid until ${clock(str(credentials.deviceCodeExpiresAt))}. When you run the step again, n8n waits for the approval (up to that time) and stores the tokens in the credential; nothing needs to be copied.`,
			};
		case 'denied':
			return {
				message: `${PROVIDER} device login was refused (access_denied)`,
				description: 'The access was denied on the Fatture in Cloud page. Run the step again to get a new code, and approve it.',
			};
		case 'expired':
			return {
				message: `${PROVIDER} device login expired before it was approved (expired_token)`,
				description: 'The code was not approved in time. Run the step again to get a new code, and approve it before it expires.',
			};
		case 'revoked':
			return {
				message: `${PROVIDER}: the device login has expired or was revoked; reconnect the credential`,
				description: 'Fatture in Cloud refused the stored refresh token (revoked, or unused for a year). Run the step again: a new device code is shown to approve.',
			};
	}
}

/** authenticate of the device-code credential: Bearer, or the device-login message while there is no token. */
export function deviceAuthenticate(credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions): IHttpRequestOptions {
	const pending = deviceLoginMessage(credentials);
	if (pending) throw tokenExchangeError('fattureInCloudDeviceCodeApi', { ...pending, providerCode: `device_${deviceStatusOf(credentials)}` });
	return bearerAuthenticate(credentials, requestOptions, 'fattureInCloudDeviceCodeApi');
}

export { FIC_AUTHORIZATION_URL, FIC_TOKEN_URL };
