import { createHash } from 'crypto';
import { NodeApiError, sleep } from 'n8n-workflow';
import type {
	IAdditionalCredentialOptions,
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INode,
	INodeCredentialsDetails,
	INodeProperties,
	JsonObject,
} from 'n8n-workflow';

import { credentialAllowedDomains, domainRefusal } from './domains';
import { extractHttpFailure } from './failures';
import { forgetRememberedSecrets, isSecretKey, rememberSecrets } from './redact';
import { REQUEST_LIMITS } from './request';

/**
 * Token bookkeeping for credentials that exchange a key and secret for a short-lived token in
 * `preAuthentication` (fiskaly, Inbenta, Fatture in Cloud device/refresh modes).
 *
 * n8n itself re-runs preAuthentication only when the token field is empty or a request got 401,
 * never looks at an expiry time, and has no lock: eight executions that hit an expired token mint
 * eight tokens. Within one n8n process this module makes them mint one (single-flight), lets an
 * execution that still holds an old token pick up the one a sibling minted a moment ago, and keeps
 * the expiry arithmetic in one place.
 */

export interface CachedToken {
	accessToken: string;
	/** ISO time after which the access token is no longer accepted; empty when unknown. */
	accessTokenExpiresAt: string;
	/** Anything else the credential wants to persist with the token (refresh token, URLs). */
	extra: Record<string, string>;
	/** When this process minted it (ms since epoch). */
	mintedAt: number;
}

/** Seconds of margin: a token this close to its expiry counts as expired, so it is not sent. */
export const EXPIRY_SKEW_SECONDS = 60;

/** ISO expiry from "expires in N seconds", or from an absolute time in seconds or ISO. */
export function expiresAt(
	token: { expiresIn?: unknown; expiresAt?: unknown },
	now: number = Date.now(),
): string {
	const absolute = token.expiresAt;
	if (typeof absolute === 'number' && absolute > 0) {
		return new Date(absolute > 1e12 ? absolute : absolute * 1000).toISOString();
	}
	if (typeof absolute === 'string' && absolute !== '') {
		const asNumber = Number(absolute);
		if (Number.isFinite(asNumber) && asNumber > 0) return expiresAt({ expiresAt: asNumber }, now);
		const parsed = Date.parse(absolute);
		if (!Number.isNaN(parsed)) return new Date(parsed).toISOString();
	}
	const seconds = Number(token.expiresIn);
	if (Number.isFinite(seconds) && seconds > 0) return new Date(now + seconds * 1000).toISOString();
	return '';
}

/** True when the time has passed (less the skew). An unknown expiry is never "known expired". */
export function isExpired(
	expiry: unknown,
	now: number = Date.now(),
	skewSeconds: number = EXPIRY_SKEW_SECONDS,
): boolean {
	if (typeof expiry !== 'string' || expiry === '') return false;
	const time = Date.parse(expiry);
	if (Number.isNaN(time)) return false;
	return time - skewSeconds * 1000 <= now;
}

/**
 * A stable, non-reversible key for "the same credential": a hash over what identifies the account
 * (type, host, key id). Secrets may be part of it; only the hash is kept.
 */
export function credentialKey(...parts: unknown[]): string {
	const hash = createHash('sha256');
	for (const part of parts) hash.update(`${typeof part === 'string' ? part : JSON.stringify(part ?? '')}\u0000`);
	return hash.digest('hex').slice(0, 32);
}

const inFlight = new Map<string, Promise<unknown>>();

/** Runs `work` once per key at a time; callers that arrive while it runs share its result. */
export async function singleFlight<T>(key: string, work: () => Promise<T>): Promise<T> {
	const running = inFlight.get(key);
	if (running) return (await running) as T;
	const promise = (async () => {
		try {
			return await work();
		} finally {
			inFlight.delete(key);
		}
	})();
	inFlight.set(key, promise);
	return await promise;
}

const MAX_CACHED_CREDENTIALS = 1000;
const cache = new Map<string, CachedToken>();

/** The newest token this process holds for the credential, if it is still usable. */
export function cachedToken(key: string, now: number = Date.now()): CachedToken | undefined {
	const token = cache.get(key);
	if (!token || isExpired(token.accessTokenExpiresAt, now)) return undefined;
	return token;
}

export function rememberToken(key: string, token: CachedToken): void {
	// Bounded: one entry per credential, oldest evicted first should an instance hold very many.
	if (!cache.has(key) && cache.size >= MAX_CACHED_CREDENTIALS) {
		const oldest = cache.keys().next().value;
		if (oldest !== undefined) cache.delete(oldest);
	}
	cache.delete(key);
	cache.set(key, token);
	// Redacted by value from now on, wherever it shows up (an echo in a body, an error).
	rememberSecrets([token.accessToken, ...Object.entries(token.extra).filter(([name]) => isSecretKey(name)).map(([, value]) => value)]);
}

export function forgetToken(key: string): void {
	cache.delete(key);
}

/** The token an execution holds, with its expiry when the credential stores one. */
export interface HeldToken {
	accessToken: string;
	accessTokenExpiresAt?: string;
}

function heldOf(held: string | HeldToken): HeldToken {
	return typeof held === 'string' ? { accessToken: held } : held;
}

/**
 * True when the cached token can stand in for the held one: it is a different token and not older
 * than the held one (judged by expiry, when both are known). An older cached token is not used in
 * place of a newer one minted elsewhere (another n8n process): the provider may have revoked it.
 */
function replaces(cached: CachedToken | undefined, held: HeldToken): cached is CachedToken {
	if (!cached || cached.accessToken === held.accessToken || refusedTokens.has(cached.accessToken)) return false;
	const heldExpiry = Date.parse(held.accessTokenExpiresAt ?? '');
	const cachedExpiry = Date.parse(cached.accessTokenExpiresAt);
	if (held.accessToken === '' || Number.isNaN(heldExpiry) || Number.isNaN(cachedExpiry)) return true;
	return cachedExpiry >= heldExpiry;
}

/**
 * The heart of a preAuthentication: returns a usable token for the credential, minting at most one
 * per process at a time.
 *
 * `held` is the token the caller's execution was using (empty on first use, or the one that just
 * got 401), optionally with its expiry. If a sibling execution already minted a different, unexpired
 * token that is not older, that one is returned and nothing is minted. Otherwise `mint` runs once,
 * however many callers wait.
 */
export async function obtainToken(
	key: string,
	held: string | HeldToken,
	mint: () => Promise<CachedToken>,
	now: () => number = Date.now,
): Promise<CachedToken> {
	const heldToken = heldOrRefused(key, heldOf(held));
	const fresher = cachedToken(key, now());
	if (replaces(fresher, heldToken)) return fresher;
	return await singleFlight(key, async () => {
		// Another caller may have finished minting between our check and taking the flight.
		const again = cachedToken(key, now());
		if (replaces(again, heldToken)) return again;
		const refusal = refusals.get(key);
		if (refusal && refusal.until > now()) throw refusal.error;
		const fresh = freshlyRefused(key, heldToken, now());
		if (fresh?.handBack) return fresh.handBack;
		let minted: CachedToken | undefined;
		let failure: unknown;
		try {
			minted = await mint();
		} catch (error) {
			failure = error;
		}
		if (minted === undefined) {
			if (isRefusal(failure)) refusals.set(key, { error: failure, until: now() + REFUSAL_MEMORY_MS });
			// Passed on unchanged: the credential decided what the user reads.
			throw failure;
		}
		refusals.delete(key);
		rememberToken(key, minted);
		// Minted because a token of seconds ago came back refused: its replacement is watched.
		if (fresh) replacements.set(key, { token: minted.accessToken, presented: 0 });
		else replacements.delete(key);
		return minted;
	});
}

/**
 * A token minted this recently that comes back to preAuthentication (which n8n runs after a 401)
 * counts as refused while fresh. Providers refuse fresh tokens when the key lacks a permission, the
 * clock is off, or the account is locked; minting again then only costs one more token request per
 * item. So: the first fresh token refused is replaced once; if its replacement comes back too, it
 * is handed back once unchanged (a credential test presents the stored token without a 401), and
 * the time after that preAuthentication stops with an error that says what the provider did,
 * remembered for REFUSAL_MEMORY_MS. Token requests per execution stay bounded, whatever the items.
 */
export const FRESH_TOKEN_MS = 60_000;
const replacements = new Map<string, { token: string; presented: number }>();

/**
 * Undefined when the held token is not one this process minted less than FRESH_TOKEN_MS ago;
 * otherwise `{}` (mint a replacement), `{handBack}` (the replacement, handed back once unchanged),
 * or it throws (the replacement came back again).
 */
function freshlyRefused(key: string, held: HeldToken, now: number): { handBack?: CachedToken } | undefined {
	const cached = cache.get(key);
	if (held.accessToken === '' || !cached || cached.accessToken !== held.accessToken) return undefined;
	const ageMs = now - cached.mintedAt;
	if (ageMs >= FRESH_TOKEN_MS) return undefined;
	const replacement = replacements.get(key);
	if (replacement?.token !== held.accessToken) return {};
	replacement.presented += 1;
	if (replacement.presented === 1) return { handBack: cached };
	const error = tokenExchangeError('token exchange', {
		message: `The provider refuses freshly issued tokens: a token issued ${Math.max(1, Math.round(ageMs / 1000))} s ago was refused (HTTP 401), right after the one before it; no further token is requested for now`,
		description:
			'Minting more tokens would not help. Check that the key is allowed to use this API (its permissions, product and environment), that the account is active, and that the clock of this n8n instance is right; then run the workflow again.',
		httpCode: 401,
	});
	refusals.set(key, { error, until: now + REFUSAL_MEMORY_MS });
	throw error;
}

/**
 * How long a refused exchange (HTTP 400/401/403: wrong key or secret, disabled key) is remembered.
 * A run of 1,000 items with a wrong secret then sends the secret once, not once per item; a fixed
 * credential has another key (the key covers the secret), so it is not held back.
 */
export const REFUSAL_MEMORY_MS = 10_000;
const refusals = new Map<string, { error: NodeApiError; until: number }>();

function isRefusal(error: unknown): error is NodeApiError {
	return (
		error instanceof NodeApiError &&
		error.context[TOKEN_EXCHANGE_ERROR] === true &&
		['400', '401', '403'].includes(String(error.httpCode))
	);
}

/** For tests and benchmarks that need a clean process state. */
export function resetTokenState(): void {
	refusingFreshTokens.clear();
	cache.clear();
	inFlight.clear();
	refusals.clear();
	forgetRememberedSecrets();
	replacements.clear();
	refusedTokens.clear();
	substitutions.clear();
}

/**
 * For a credential's `authenticate`: the token to send. A token this process minted more recently
 * than the one the execution read from the store wins (the execution read the store before a
 * sibling refreshed it), so the request does not spend a 401 on a token already replaced.
 */
export function freshestToken(key: string, stored: HeldToken, now: number = Date.now()): string {
	const cached = cachedToken(key, now);
	if (!replaces(cached, stored)) {
		substitutions.delete(stored.accessToken);
		return stored.accessToken;
	}
	if (stored.accessToken !== '') remember(substitutions, stored.accessToken, cached.accessToken);
	return cached.accessToken;
}

/**
 * Expiry-aware use of a stored token, for nodes. n8n runs preAuthentication only when the expirable
 * field is empty or after a 401; it never reads an expiry time. When the node can see that the
 * stored token has expired, it hands n8n-core a copy of the credential with the token field emptied
 * (`additionalCredentialOptions.credentialsDecrypted`), so n8n runs preAuthentication (and persists
 * its result) before the first request instead of sending a dead token. n8n-core then reuses and
 * updates that same object for every request that gets these options, so the fresh token is minted
 * once per execution. Returns undefined when the token is not known to be expired.
 */
export function refreshExpiredToken(
	credentials: ICredentialDataDecryptedObject,
	reference: { id?: string | null; name: string } | undefined,
	credentialType: string,
	fields: { token?: string; expiresAt?: string } = {},
	now: number = Date.now(),
): IAdditionalCredentialOptions | undefined {
	const tokenField = fields.token ?? 'accessToken';
	const expiresAtField = fields.expiresAt ?? 'accessTokenExpiresAt';
	if (!reference?.id || !credentials[tokenField] || !isExpired(credentials[expiresAtField], now)) return undefined;
	return forcedRenewal(credentials, reference, credentialType, tokenField);
}

/**
 * Options that make n8n run the credential's preAuthentication before the request whatever the
 * stored token's age (and persist what it returns): the keep-alive of a refresh-token credential
 * uses them to renew on schedule. Undefined without a saved credential to persist into.
 */
export function forcedRenewal(
	credentials: ICredentialDataDecryptedObject,
	reference: { id?: string | null; name: string } | undefined,
	credentialType: string,
	tokenField = 'accessToken',
): IAdditionalCredentialOptions | undefined {
	if (!reference?.id) return undefined;
	return {
		credentialsDecrypted: {
			id: reference.id,
			name: reference.name,
			type: credentialType,
			data: { ...credentials, [tokenField]: '' },
		},
	};
}

/** Marks an error raised by a credential's token exchange (see tokenExchangeError). */
export const TOKEN_EXCHANGE_ERROR = 'tokenExchangeError';

/** A credential's token-exchange error (tokenExchangeError), wherever n8n-core or a retry wrapped it. */
export function tokenExchangeFailure(error: unknown): NodeApiError | undefined {
	let current: unknown = error;
	for (let depth = 0; depth < 5 && typeof current === 'object' && current !== null; depth++) {
		if (current instanceof NodeApiError && current.context?.[TOKEN_EXCHANGE_ERROR] === true) return current;
		const next = current as { lastError?: unknown; cause?: unknown };
		current = next.lastError ?? next.cause;
	}
	return undefined;
}

/**
 * The error a preAuthentication throws when no token could be obtained. preAuthentication has no
 * node, so the error carries a stand-in naming the credential type; the shared request layer
 * re-issues it for the real node with message and description unchanged (see errors.ts). It has no
 * `response`, so n8n-core does not take it for a 401 and does not run preAuthentication again. The
 * caller must have removed every secret from `message` and `description`.
 */
export function tokenExchangeError(
	credentialType: string,
	detail: { message: string; description: string; httpCode?: number; providerCode?: string },
): NodeApiError {
	const node = { id: '', name: credentialType, type: credentialType, typeVersion: 1, position: [0, 0], parameters: {} } as INode;
	const summary: JsonObject = { [TOKEN_EXCHANGE_ERROR]: true };
	if (detail.httpCode !== undefined) summary.httpCode = String(detail.httpCode);
	if (detail.providerCode) summary.providerCode = detail.providerCode;
	const error = new NodeApiError(node, summary, {
		message: detail.message,
		description: detail.description,
		httpCode: detail.httpCode !== undefined ? String(detail.httpCode) : undefined,
	});
	error.message = detail.message;
	error.context[TOKEN_EXCHANGE_ERROR] = true;
	// The exchange retried on its own (withRetry inside preAuthentication); the request layer around
	// it must not multiply that by its own attempts.
	Object.assign(error, { retryable: false });
	return error;
}

/**
 * The one way a credential sends its own requests (token exchange, token refresh), for every
 * provider: a redirect is never followed (a 307/308 would re-send the key and secret or the refresh
 * token to wherever it points); it is refused with an error naming only the host. The credential's
 * allowed domains (n8n 2.x "Allowed HTTP Request Domains") apply here as to every API call.
 */
export async function credentialRequest(
	helpers: IHttpRequestHelper,
	credentials: ICredentialDataDecryptedObject,
	who: { credentialType: string; provider: string },
	options: IHttpRequestOptions,
): Promise<unknown> {
	let allowed: string | undefined;
	let refusal: string | undefined;
	try {
		allowed = credentialAllowedDomains(credentials);
		refusal = domainRefusal(options.url, allowed);
	} catch (error) {
		refusal = (error as Error).message;
	}
	if (refusal !== undefined) {
		throw tokenExchangeError(who.credentialType, {
			message: `${who.provider}: the token request was not sent. ${refusal}`,
			description: `The credential's "Allowed HTTP Request Domains" leave out the ${who.provider} host it talks to. Add that host to the list, or set the option to All.`,
		});
	}
	let failure: unknown;
	try {
		// No `allowedDomains` option here: n8n 2.41 adds the credential's own list to the hook's
		// requests and refuses a request that brings one of its own.
		// A caller that sets no abortSignal still gets the per-request deadline: n8n's timeout only measures idleness.
		const abortSignal = options.abortSignal ?? AbortSignal.timeout(REQUEST_LIMITS.deadlineMs);
		return await helpers.helpers.httpRequest({ ...options, abortSignal, disableFollowRedirect: true });
	} catch (error) {
		failure = error;
	}
	const { status, headers } = extractHttpFailure(failure);
	if (status === undefined || status < 300 || status >= 400) throw failure;
	let target = 'an address it did not name';
	try {
		target = new URL(headers.location ?? '', options.url).host || target;
	} catch {
		// keep the generic wording
	}
	throw tokenExchangeError(who.credentialType, {
		message: `${who.provider} answered the token request with a redirect (HTTP ${status}) to ${target}. It was not followed, so the credential's secrets were not sent there.`,
		description: `A token endpoint has no reason to redirect. Check the host or base URL in the credential; if ${who.provider} really moved, enter the new host there.`,
		httpCode: status,
	});
}

/**
 * The credential test ("Test" button) of every credential of the package: n8n sends `test.request`
 * with the credential applied (Basic, Bearer, or the token its preAuthentication obtained) and,
 * left alone, follows redirects with it (on 1.x and 2.x alike). These options make it never follow
 * one, and the rules turn the redirect into a message that says so.
 */
export function credentialTestRequest(
	provider: string,
	request: ICredentialTestRequest['request'],
): ICredentialTestRequest {
	const message = `${provider} answered the test with a redirect. It was not followed, so the credential was not sent on; check the host or base URL of the credential.`;
	return {
		request: { ...request, disableFollowRedirect: true, sendCredentialsOnCrossOriginRedirect: false },
		rules: [301, 302, 303, 307, 308].map((value) => ({ type: 'responseCode' as const, properties: { value, message } })),
	};
}

/**
 * The newest token this process minted for the credential, whatever its expiry (undefined when
 * none): for credentials that plan their own renewal ahead of expiry (renewal.ts) and must see a
 * token that `cachedToken` already counts as expired.
 */
export function peekToken(key: string): CachedToken | undefined {
	return cache.get(key);
}

/*
 * Across processes (n8n queue mode: a main and workers, one credential store in the database).
 *
 * The in-process cache and single-flight above cannot see a sibling process. When a worker mints,
 * a provider that keeps one token per key (fiskaly's strictest mode) or rotates refresh tokens
 * refuses the token every other process holds. n8n 2.41 hands preAuthentication only the token the
 * execution read before its request (no lock, no store access), so the coordination sits around the
 * request: the node re-reads the stored credential before each request, and on a 401 it first
 * adopts a token a sibling process stored meanwhile, waiting a short random moment for a sibling's
 * write to land before it asks for a new one (withStoredToken). preAuthentication then mints only
 * when the store holds nothing better.
 */

const MAX_REMEMBERED = 1000;

function remember<V>(map: Map<string, V> | Set<string>, key: string, value?: V): void {
	if (map.size >= MAX_REMEMBERED && !map.has(key)) {
		const oldest = map.keys().next().value;
		if (oldest !== undefined) map.delete(oldest);
	}
	if (map instanceof Map) map.set(key, value as V);
	else map.add(key);
}

/** Tokens a provider answered with 401 (by value): never offered from the cache again. */
const refusedTokens = new Set<string>();
/** Stored token -> the newer cached token `freshestToken` sent in its place (the store is stale). */
const substitutions = new Map<string, string>();

export function noteRefusedToken(token: string): void {
	if (token !== '') remember(refusedTokens, token);
}

export function isRefusedToken(token: string): boolean {
	return refusedTokens.has(token);
}

/** The token an execution's request really carried, given the token it read from the store. */
export function tokenSentFor(storedToken: string): string {
	return substitutions.get(storedToken) ?? storedToken;
}

/**
 * An execution that asks for a token with the field emptied, after the token this process holds
 * came back refused, is treated as holding that refused token: the fresh-token bound applies.
 */
function heldOrRefused(key: string, held: HeldToken): HeldToken {
	if (held.accessToken !== '') return held;
	const cached = cache.get(key);
	if (!cached || !refusedTokens.has(cached.accessToken)) return held;
	return { accessToken: cached.accessToken, accessTokenExpiresAt: cached.accessTokenExpiresAt };
}

/** Where a token credential keeps its token (see tokenFieldsOf); `false`: the credential type has none. */
export interface StoredTokenFields {
	/** The credential's `expirable` hidden property (default `accessToken`). */
	field?: string;
	/** Its ISO expiry, when the credential keeps one (default `accessTokenExpiresAt`). */
	expiresAtField?: string;
	/**
	 * A provider's own renewal plan, for credentials that decide more than "send or renew" (Inbenta
	 * renews ahead of expiry; Fatture in Cloud's device login keeps its state in the token field;
	 * HubRise exchanges a newly pasted code). Given the credential as stored at this moment and what
	 * the standard plan would send (the stored data, token field emptied when known expired or older
	 * than this process's), it returns the data to hand n8n-core. Runs before every attempt,
	 * including the one after a 401 that adopts a sibling's token.
	 */
	plan?: (stored: ICredentialDataDecryptedObject, standard: ICredentialDataDecryptedObject) => ICredentialDataDecryptedObject;
	/**
	 * For a provider whose own renewal path does not stop on a refused fresh token (Inbenta refreshes,
	 * then authenticates again): after this many tokens renewed in one call were refused with no
	 * sibling's token to adopt, the credential's renewals stop for a minute and later calls report the
	 * 401 at once. Unset (fiskaly, Fatture in Cloud, HubRise): the rounds are only bounded per call, so a
	 * queue-mode sibling whose mint invalidated ours is always waited for and adopted.
	 */
	refusedRenewalsLimit?: number;
	/**
	 * After a 401 that no sibling's stored token answers: the data that makes preAuthentication renew
	 * the refused token (default: the token field emptied). Inbenta puts the refused token where its
	 * preAuthentication tries a refresh before authenticating again.
	 */
	renew?: (stored: ICredentialDataDecryptedObject, refused: string) => ICredentialDataDecryptedObject;
	/**
	 * True when a failed token exchange may mean that a sibling process used the same one-time grant a
	 * moment before (HubRise: a pasted code, exchanged once): the request then waits briefly for the
	 * sibling's token to land in the store and adopts it, instead of failing.
	 */
	grantUsedElsewhere?: (exchangeError: NodeApiError) => boolean;
}

/**
 * Where a credential type keeps its token, found in its own properties: the `expirable` hidden field
 * (the one n8n empties and refills through preAuthentication) and, when the type declares it, its
 * `<field>ExpiresAt` companion. `false` when the type has no expirable field (a pasted API key or
 * token, Basic auth, OAuth2): there is no token to coordinate, the credential is sent as read.
 */
export function tokenFieldsOf(properties: readonly INodeProperties[]): StoredTokenFields | false {
	const token = properties.find((property) => property.type === 'hidden' && property.typeOptions?.expirable === true);
	if (!token) return false;
	const expiry = properties.find((property) => property.name === `${token.name}ExpiresAt`);
	return { field: token.name, expiresAtField: expiry?.name ?? '' };
}

/**
 * How long a node execution reuses its copy of a credential before reading the store again. Within
 * it, a token another process stored is still adopted at once on a 401 (that path always reads), and
 * a copy whose token needs renewing is never used (the store is read first: a sibling may have
 * renewed it). The bound keeps a long execution from running on a copy the user edited an hour ago.
 */
export const EXECUTION_COPY_MAX_AGE_MS = 30_000;

interface ExecutionCopy {
	data: ICredentialDataDecryptedObject;
	readAt: number;
}

/**
 * The latest copy of each credential one node execution holds, keyed by the execution's context
 * object (n8n creates one per node run; every item and every concurrent request of the run shares it).
 * Reading the credential costs n8n a database read, a decryption and the evaluation of every
 * expression in it: per request, that was most of the package's per-item overhead (issue 15 (a)).
 */
const executionCopies = new WeakMap<object, Map<string, ExecutionCopy>>();

/**
 * The credential as one request reads it. The same read serves the token to send, the adoption of
 * a sibling's token after a 401, the allowed domains and the secrets of the moment (redaction):
 * `seen` holds every object read or handed to n8n-core, which writes preAuthentication's output
 * (or, for OAuth2, a refreshed token) into the very object, so the secrets minted during the
 * request are in it without another read.
 *
 * With `shareInExecution`, the first read of a request is the execution's copy when one younger than
 * EXECUTION_COPY_MAX_AGE_MS exists, and every real read (and the object a successful request sent,
 * `keep()`) becomes the execution's copy. `fresh()` always reads the store (after a 401, or when the
 * copy's token needs renewing).
 */
export class CredentialRead {
	readonly seen: ICredentialDataDecryptedObject[] = [];
	private first?: Promise<ICredentialDataDecryptedObject>;
	private taken = false;
	/** Whether the request's first read came from the execution's copy (not the store). */
	firstWasCopy = false;

	constructor(
		private readonly ctx: StoredTokenContext,
		readonly credentialType: string,
		private readonly shareInExecution = false,
	) {}

	/** The request's first read (made once, shared by whoever asks first). */
	async initial(): Promise<ICredentialDataDecryptedObject> {
		this.first ??= this.copyOrRead();
		return await this.first;
	}

	/** The first read if no attempt used it yet, else a new read. */
	async take(): Promise<ICredentialDataDecryptedObject> {
		if (this.taken) return await this.fresh();
		this.taken = true;
		return await this.initial();
	}

	async fresh(): Promise<ICredentialDataDecryptedObject> {
		return await this.read();
	}

	/** An object n8n-core works on (it may write a new token into it). */
	note(data: ICredentialDataDecryptedObject | undefined): void {
		if (data && !this.seen.includes(data)) this.seen.push(data);
	}

	/** The object a request was sent with and accepted: n8n-core wrote any token it obtained into it. */
	keep(data: ICredentialDataDecryptedObject): void {
		if (!this.shareInExecution) return;
		const copies = this.copies();
		const held = copies.get(this.credentialType);
		copies.set(this.credentialType, { data, readAt: held?.readAt ?? Date.now() });
	}

	/**
	 * Drops the execution's copy: a request that failed may have left it older than the store (a
	 * sibling process exchanged the refresh token meanwhile; the provider's own recovery, such as Fatture
	 * in Cloud adopting the stored refresh token, then sends again and must read the store).
	 */
	forget(): void {
		if (this.shareInExecution) this.copies().delete(this.credentialType);
	}

	private copies(): Map<string, ExecutionCopy> {
		let copies = executionCopies.get(this.ctx);
		if (!copies) {
			copies = new Map();
			executionCopies.set(this.ctx, copies);
		}
		return copies;
	}

	private async copyOrRead(): Promise<ICredentialDataDecryptedObject> {
		if (this.shareInExecution) {
			const held = this.copies().get(this.credentialType);
			if (held && Date.now() - held.readAt < EXECUTION_COPY_MAX_AGE_MS) {
				this.firstWasCopy = true;
				// A copy per request: what n8n-core writes into it must not reach a request still in flight.
				const data = { ...held.data };
				this.note(data);
				return data;
			}
		}
		return await this.read();
	}

	private async read(): Promise<ICredentialDataDecryptedObject> {
		const data = await this.ctx.getCredentials(this.credentialType);
		this.note(data);
		if (this.shareInExecution) this.copies().set(this.credentialType, { data: { ...data }, readAt: Date.now() });
		return data;
	}
}

/** What withStoredToken needs from a node's context. */
export interface StoredTokenContext {
	getNode(): INode;
	getCredentials(type: string, itemIndex?: number): Promise<ICredentialDataDecryptedObject>;
}

/** Rounds after the first attempt: adopt a sibling's token, renew, renew once more. */
const MAX_TOKEN_ROUNDS = 3;
/**
 * Credentials (by id) whose provider refused two tokens renewed a moment before, with no sibling's token
 * to adopt: until the time stored, a 401 is reported at once instead of renewing again for every item (a
 * provider answering 401 forever would otherwise cost a renewal per item and round).
 */
const refusingFreshTokens = new Map<string, number>();
/** A sibling's mint + write usually lands within this; waited (at random, spread) before renewing. */
export const SIBLING_WAIT_MS = { min: 150, max: 900 };

/**
 * Sends one request of a token credential the queue-safe way. `send` gets the credential options
 * to pass to `httpRequestWithAuthentication`: the credential as stored right now (its token field
 * emptied when the token is known to be expired, or when this process holds a newer one than the
 * store, so that preAuthentication runs and n8n stores the newer one; or as the provider's plan
 * says), and n8n-core's own 401 retry switched off (`preAuthenticationRetryStatusCode: []`,
 * n8n-core >= 2.40; older versions ignore it and retry first). On a 401 it re-reads the store: a
 * token a sibling stored since is adopted; else, after a short random wait and another read, the
 * token field is emptied so that preAuthentication renews (single-flight in this process, bounded
 * as above). A credential without a string token field is handed to n8n-core as read (n8n-core
 * then does not read it again); an OAuth2 call is sent unchanged (n8n-core reads and refreshes it).
 */
export async function withStoredToken<T>(
	ctx: StoredTokenContext,
	credentialType: string,
	base: IAdditionalCredentialOptions | undefined,
	fields: StoredTokenFields | false | undefined,
	send: (options: IAdditionalCredentialOptions | undefined) => Promise<T>,
	wait: (ms: number) => Promise<void> = sleep,
	session: CredentialRead = new CredentialRead(ctx, credentialType),
): Promise<T> {
	let sent = false;
	try {
		const result = await sendWithStoredToken(ctx, credentialType, base, fields, send, wait, session);
		sent = true;
		return result;
	} finally {
		// Whatever failed, the next request of the execution reads the store, not this request's copy.
		if (!sent) session.forget();
	}
}

async function sendWithStoredToken<T>(
	ctx: StoredTokenContext,
	credentialType: string,
	base: IAdditionalCredentialOptions | undefined,
	fields: StoredTokenFields | false | undefined,
	send: (options: IAdditionalCredentialOptions | undefined) => Promise<T>,
	wait: (ms: number) => Promise<void>,
	session: CredentialRead,
): Promise<T> {
	const reference: INodeCredentialsDetails | undefined = ctx.getNode().credentials?.[credentialType];
	if (!reference?.id || base?.oauth2) return await send(base);
	const field = fields === false ? undefined : (fields?.field ?? 'accessToken');
	const expiresAtField = fields === false || fields?.expiresAtField === undefined ? 'accessTokenExpiresAt' : fields.expiresAtField;
	let stored = await session.take();
	const handOver = (data: ICredentialDataDecryptedObject, extra: IAdditionalCredentialOptions = {}): IAdditionalCredentialOptions => {
		session.note(data);
		return { ...base, credentialsDecrypted: { id: reference.id as string, name: reference.name, type: credentialType, data }, ...extra };
	};
	// A token field the execution's copy does not hold as text: the store decides (a sibling may have filled it).
	if (field !== undefined && session.firstWasCopy && typeof stored[field] !== 'string') stored = await session.fresh();
	if (field === undefined || typeof stored[field] !== 'string') {
		// Nothing to coordinate: the provider's own copy, or the one read, so n8n-core does not read again.
		if (base?.credentialsDecrypted) return await send((session.note(base.credentialsDecrypted.data), base));
		const result = await send(handOver(stored));
		session.keep(stored);
		return result;
	}

	const tokenOf = (data: ICredentialDataDecryptedObject) => (typeof data[field] === 'string' ? (data[field] as string) : '');
	const renew = (data: ICredentialDataDecryptedObject) => ({ ...data, [field]: '' });
	const stale = (token: string) => substitutions.has(token) && !refusedTokens.has(substitutions.get(token) as string);
	const standard = (data: ICredentialDataDecryptedObject) => {
		const token = tokenOf(data);
		return token !== '' && (isExpired(data[expiresAtField]) || stale(token)) ? renew(data) : { ...data };
	};
	const planned = (data: ICredentialDataDecryptedObject) => (fields && fields.plan ? fields.plan(data, standard(data)) : standard(data));
	const usable = (data: ICredentialDataDecryptedObject, refused: string) => {
		const token = tokenOf(data);
		return token !== '' && token !== refused && !refusedTokens.has(token) && !isExpired(data[expiresAtField]);
	};

	// The execution's copy is for sending, not for deciding to renew: a sibling may have renewed since.
	if (session.firstWasCopy && (tokenOf(stored) === '' || tokenOf(planned(stored)) !== tokenOf(stored))) stored = await session.fresh();
	let data = planned(stored);
	let renewedHere = false; // `data` asks for a token renewed in this call (not one adopted from the store)
	let refusedRenewals = 0;
	for (let round = 0; ; round++) {
		let failure: unknown;
		try {
			const result = await send(handOver(data, { preAuthenticationRetryStatusCode: [] }));
			session.keep(data);
			return result;
		} catch (error) {
			failure = error;
		}
		const exchange = tokenExchangeFailure(failure);
		if (exchange && round < MAX_TOKEN_ROUNDS && fields && fields.grantUsedElsewhere?.(exchange)) {
			// A sibling exchanged the same one-time grant: its token is on its way to the store.
			const held = tokenOf(stored);
			stored = await session.fresh();
			if (!usable(stored, held)) {
				await wait(SIBLING_WAIT_MS.min + Math.random() * (SIBLING_WAIT_MS.max - SIBLING_WAIT_MS.min));
				stored = await session.fresh();
			}
			if (!usable(stored, held)) throw failure;
			data = planned(stored);
			continue;
		}
		// Passed on unchanged: the request layer words it. A token exchange that failed (its error may say
		// 401: a wrong secret) is not a refused token: nothing to adopt, nothing to renew.
		if (round >= MAX_TOKEN_ROUNDS || extractHttpFailure(failure).status !== 401 || exchange) throw failure;
		// n8n-core wrote the token preAuthentication returned into `data`; authenticate may have sent a newer one.
		const refused = tokenSentFor(tokenOf(data));
		noteRefusedToken(refused);
		stored = await session.fresh();
		if (!usable(stored, refused)) {
			await wait(SIBLING_WAIT_MS.min + Math.random() * (SIBLING_WAIT_MS.max - SIBLING_WAIT_MS.min));
			stored = await session.fresh();
		}
		if (usable(stored, refused)) {
			data = planned(stored);
			renewedHere = false;
			continue;
		}
		// Tokens renewed here refused in a row, with no sibling's token to adopt between them: the provider
		// refuses what it issues (only for providers that ask, see refusedRenewalsLimit).
		const credentialId = reference.id as string;
		if (renewedHere) refusedRenewals += 1;
		const limit = fields ? fields.refusedRenewalsLimit : undefined;
		if (limit !== undefined && (refusedRenewals >= limit || (refusingFreshTokens.get(credentialId) ?? 0) > Date.now())) {
			refusingFreshTokens.set(credentialId, Date.now() + FRESH_TOKEN_MS);
			throw failure;
		}
		data = fields && fields.renew ? fields.renew(stored, refused) : renew(stored);
		renewedHere = true;
	}
}
