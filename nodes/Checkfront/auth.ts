/**
 * The one place that decides which hosts may receive Checkfront credentials. Pure functions, used by
 * the credentials (as n8n expressions generated from the same patterns, see `hostExpression`) and by
 * the node at request time, so a bad host is refused before any secret is sent.
 *
 * Accepted:
 * - a bare company name: `your-company` -> https://your-company.checkfront.com
 * - `your-company.checkfront.com`, `your-company.manage.na1.bookingplatform.app`, `...eu1...`,
 *   with or without `https://`, with or without a trailing slash or path (the path is dropped)
 * - the loopback exception: `http(s)://127.0.0.1[:port]`, `http(s)://localhost[:port]`,
 *   `http(s)://[::1][:port]`, written with its scheme, so simulators and local proxies can stand in.
 * Everything else is refused: other domains, userinfo (`@`), IP literals, ports on real hosts,
 * plain http to a real host, look-alikes such as `checkfront.com.evil.test`.
 */

import type { ICredentialDataDecryptedObject, IHttpRequestOptions, INodeProperties } from 'n8n-workflow';

import { firstString, formatValidation } from '../shared/errors';
import type { ErrorBodyParser } from '../shared/errors';
import { isObject } from '../shared/failures';
import type { KeepAlivePolicy } from '../shared/keepAlive';
import { LOOPBACK_HOSTNAMES } from '../shared/request';

/** One DNS label: the company part of a Checkfront host. */
const LABEL = '[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?';
/** Checkfront's own domains (the classic one, and the bookingplatform.app hosts accounts move to). */
const DOMAINS = 'checkfront\\.com|manage\\.(?:na1|eu1)\\.bookingplatform\\.app';
/** The loopback hosts of the sanctioned override, from the shared list, as a regex alternation. */
const LOOPBACK = LOOPBACK_HOSTNAMES.map((host) => host.replace(/[.[\]]/g, '\\$&')).join('|');
const PORT = '(?::[0-9]{1,5})?';
const REST = '(?:[/?#].*)?';

/** Whole-input pattern of every accepted form; case-insensitive. */
export const HOST_PATTERN = new RegExp(
	`^(?:(?:https://)?${LABEL}\\.(?:${DOMAINS})${REST}|${LABEL}|https?://(?:${LOOPBACK})${PORT}${REST})$`,
	'i',
);
const REAL_HOST = new RegExp(`^${LABEL}\\.(?:${DOMAINS})$`);
const LOOPBACK_HOST = new RegExp(`^(?:${LOOPBACK})$`);

export const HOST_EXPECTED =
	'Enter your Checkfront company name (your-company), your Checkfront host (your-company.checkfront.com, ' +
	'your-company.manage.na1.bookingplatform.app or your-company.manage.eu1.bookingplatform.app), or, for a local ' +
	'simulator or proxy only, a loopback URL such as http://127.0.0.1:8080';

/** The Host field both Checkfront credentials start with. */
export const HOST_PROPERTY: INodeProperties = {
	displayName: 'Host',
	name: 'host',
	type: 'string',
	default: '',
	required: true,
	placeholder: 'your-company.checkfront.com',
	description:
		'Your Checkfront company name or host: your-company, your-company.checkfront.com or your-company.manage.na1.bookingplatform.app (eu1 too). A loopback URL such as http://127.0.0.1:8080 is accepted for simulators and local proxies.',
};

export type HostResult =
	| { ok: true; origin: string; loopback: boolean }
	| { ok: false; reason: string; message: string };

function refuse(input: string, reason: string): HostResult {
	// A user name and password typed into the host must not be echoed into the error.
	const safe = input.replace(/^([a-z][a-z0-9+.-]*:\/\/)?[^/?#]*@/i, '$1[redacted]@');
	const shown = safe.length > 80 ? `${safe.slice(0, 80)}...` : safe;
	return { ok: false, reason, message: `The Checkfront host "${shown}" is not accepted: ${reason}. ${HOST_EXPECTED}.` };
}

function looksLikeIp(host: string): boolean {
	return /^[0-9.]+$/.test(host) || host.startsWith('[') || /^0x/i.test(host);
}

/** Why a form that did not match the pattern was refused, in the user's terms. */
function reasonFor(raw: string): string {
	if (raw === '') return 'it is empty';
	if (/[\s\\\u0000-\u001f\u007f]/.test(raw)) return 'it contains spaces, backslashes or control characters';
	const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(raw)?.[1]?.toLowerCase();
	if (scheme !== undefined && scheme !== 'http' && scheme !== 'https') return `the scheme "${scheme}" is not supported`;
	const authority = raw.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').split(/[/?#]/)[0];
	if (authority.includes('@')) return 'it contains a user name or password ("@"); credentials belong in their own fields';
	const hostPort = /^(\[[^\]]*\]|[^:]*)(?::(.*))?$/.exec(authority);
	const host = (hostPort?.[1] ?? '').toLowerCase();
	const port = hostPort?.[2];
	if (LOOPBACK_HOST.test(host)) {
		return scheme === undefined
			? 'a loopback address must be written as a URL with its scheme, e.g. http://127.0.0.1:8080'
			: 'the port of a loopback URL must be a number';
	}
	if (looksLikeIp(host)) return 'IP addresses are not Checkfront hosts (only the loopback addresses are allowed, for testing)';
	if (REAL_HOST.test(host)) {
		if (port !== undefined) return 'a Checkfront host takes no port';
		if (scheme === 'http') return 'Checkfront is only reached over https';
	}
	return `${host || raw} is not a Checkfront host`;
}

/** Validates and normalises a host field to an origin (scheme://host[:port], no trailing slash). */
export function normaliseHost(input: unknown): HostResult {
	const raw = typeof input === 'string' ? input.trim() : '';
	if (!HOST_PATTERN.test(raw)) return refuse(raw, reasonFor(raw));
	const lower = raw.toLowerCase();
	if (!lower.includes('.') && !lower.includes('://') && !lower.includes('[')) {
		return { ok: true, origin: `https://${lower}.checkfront.com`, loopback: false };
	}
	const withScheme = lower.includes('://') ? lower : `https://${lower}`;
	const origin = /^https?:\/\/[^/?#]+/.exec(withScheme)?.[0] ?? '';
	const host = origin.replace(/^https?:\/\//, '').replace(/:[0-9]+$/, '');
	const loopback = LOOPBACK_HOST.test(host);
	if (loopback) {
		const port = /:([0-9]+)$/.exec(origin)?.[1];
		if (port !== undefined && (Number(port) < 1 || Number(port) > 65535)) return refuse(raw, 'the port is out of range');
	}
	return { ok: true, origin, loopback };
}

/**
 * Whether a request may follow a redirect to `url` with the credential attached: a real Checkfront
 * host over https (the migration to bookingplatform.app), or, only when the configured host is
 * itself loopback (simulators, local proxies), another loopback URL. A real account is never
 * redirected to a loopback or foreign address with its credentials.
 */
export function isAllowedRedirect(url: URL, configuredIsLoopback: boolean): boolean {
	if (url.username !== '' || url.password !== '') return false;
	const host = url.hostname.toLowerCase();
	if (url.protocol === 'https:' && url.port === '' && REAL_HOST.test(host)) return true;
	return configuredIsLoopback && (url.protocol === 'http:' || url.protocol === 'https:') && LOOPBACK_HOST.test(host);
}

/**
 * The same validation and normalisation as `normaliseHost`, as an n8n expression over the credential's
 * host (credential fields cannot call package code): `$self` in a credential's own hidden fields,
 * `$credentials` in its test request. A valid host yields `<origin><suffix>`; anything else yields a
 * URL with an unusable scheme, so n8n sends nothing anywhere and the error names the cause.
 */
export function hostExpression(suffix: string, source: '$self' | '$credentials' = '$self'): string {
	const host = `String(${source}["host"] || "").trim()`;
	const normalised =
		`${host}.toLowerCase()` +
		`.replace(/^([a-z0-9-]+)$/, "$1.checkfront.com")` +
		`.replace(/^(?!https?:\\/\\/)/, "https://")` +
		`.replace(/^(https?:\\/\\/[^\\/?#]+).*$/, "$1")`;
	return `={{ ${HOST_PATTERN.toString()}.test(${host}) ? ${normalised} + "${suffix}" : "${INVALID_HOST_URL}" }}`;
}

/** The token-pair credential's authenticate: API key and secret as HTTP Basic user name and password. */
export function basicAuthenticate(credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions): IHttpRequestOptions {
	return { ...requestOptions, auth: { username: String(credentials.apiKey ?? ''), password: String(credentials.apiSecret ?? '') } };
}

/** What the credential expressions produce for a refused host: a scheme nothing can send to. */
export const INVALID_HOST_URL = 'invalid-checkfront-host:see-the-host-field-of-the-credential';

/**
 * Checkfront's error bodies: `{error: {title, details}}` beside `request.status = "ERROR"`, older
 * answers a plain `{message}`; OAuth endpoints answer `{error, error_description}` (generic fallback).
 */
export const parseCheckfrontError: ErrorBodyParser = (data) => {
	const error = isObject(data.error) ? data.error : undefined;
	const request = isObject(data.request) && isObject(data.request.error) ? data.request.error : undefined;
	const details = error?.details ?? request?.details;
	return {
		message: firstString(error?.title, error?.message, request?.title, data.message),
		code: firstString(error?.code, error?.id),
		fields: typeof details === 'string' && details.trim() !== '' ? [details.trim()] : formatValidation(details),
	};
};

/**
 * Checkfront OAuth2 refresh tokens die 14 days after they were issued; every refresh rotates the
 * pair, so renewing weekly leaves a week to spare after one missed run.
 */
export const CHECKFRONT_KEEP_ALIVE: KeepAlivePolicy = {
	idleLifetimeDays: 14,
	renewEveryDays: 7,
	warnDaysBefore: 5,
	credentialTypes: ['checkfrontOAuth2Api'],
};
