import { createHash } from 'crypto';
import { NodeOperationError, sleep } from 'n8n-workflow';
import type { ICredentialDataDecryptedObject, IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { toNodeApiError } from './errors';
import { isObject, oauthRefreshFailure } from './failures';
import type { OperationCall, Resource } from './operations';
import type { ProviderApi, RequestContext } from './request';

/**
 * Keeping a connection alive between rare runs, for every credential whose refresh token dies of
 * disuse (Checkfront: 14 days after it was issued; Fatture in Cloud: one year after its last use).
 * n8n refreshes an OAuth2 token only after a 401, so a monthly job finds such a credential dead. A
 * provider declares the idle lifetime once (`KeepAlivePolicy`, in its auth.ts, handed over as
 * `ProviderApi.keepAlive` by its `connect`), and gets:
 * - the "Connection → Keep Connection Alive" operation (`keepAliveResource`): one renewal per
 *   execution, output without any token, a reconnect error days before a job would need it, and
 *   no lost race on n8n 1.x, where nothing coordinates refreshes;
 * - in every request (request.ts): a refresh refused because another execution rotated the pair a
 *   moment ago is retried once with the stored pair (`retryIfRotatedMeanwhile`), every refresh is
 *   stamped with its time (`stampingCaller`), and a run that sees the refresh token near its end
 *   adds an execution hint and a log warning (`warnBeforeRefreshTokenDies`).
 * See docs/keep-alive.md.
 */

export interface KeepAlivePolicy {
	/** Days a refresh token lives without being used (renewed) before the provider refuses it. */
	idleLifetimeDays: number;
	/** How often the keep-alive should run (the template's schedule): at most half the lifetime. */
	renewEveryDays: number;
	/** Days before the end at which runs start to warn, unless the credential sets its own. */
	warnDaysBefore: number;
	/** The credential types of the provider whose refresh token can die (others have none). */
	credentialTypes: readonly string[];
	/**
	 * How to force a renewal, for credentials that are not n8n OAuth2 (preAuthentication with a
	 * refresh token). OAuth2 credentials leave it out: n8n's own refresh is used.
	 */
	renew?: (ctx: IExecuteFunctions, api: ProviderApi) => Promise<void>;
	/** Where such a credential keeps its refresh token (default: `oauthTokenData.refresh_token`). */
	refreshTokenOf?: (credentials: ICredentialDataDecryptedObject) => unknown;
	/** When such a credential last renewed it, ms (default: the stamp and n8n's own expiry, below). */
	renewedAtOf?: (credentials: ICredentialDataDecryptedObject) => number | undefined;
}

/** The field of a credential that overrides `warnDaysBefore` (see keepAliveWarningProperty). */
export const WARNING_DAYS_FIELD = 'connectionWarningDays';

/** The credential field "Warn Days Before the Connection Expires", with the provider's default. */
export function keepAliveWarningProperty(policy: KeepAlivePolicy): INodeProperties {
	const property: INodeProperties = {
		displayName: 'Warn Days Before the Connection Expires',
		name: WARNING_DAYS_FIELD,
		type: 'number',
		default: 5,
		typeOptions: { minValue: 0 },
		description: `Runs that use this credential add a warning when its refresh token has fewer days left than this (it dies ${policy.idleLifetimeDays} days after its last renewal). 0 turns the warning off.`,
	};
	// Assigned afterwards: the lint rule only reads literal defaults.
	property.default = policy.warnDaysBefore;
	return property;
}

/** Written into `oauthTokenData` by every request of this package; persisted by n8n with a refresh. */
export const RENEWED_AT_FIELD = 'authbridge_renewed_at';

const DAY_MS = 24 * 3600 * 1000;

/** A non-reversible short name for a refresh token (never output). */
export function fingerprint(token: unknown): string | undefined {
	if (typeof token !== 'string' || token === '') return undefined;
	return createHash('sha256').update(token).digest('hex').slice(0, 16);
}

function tokenData(credentials: ICredentialDataDecryptedObject): IDataObject {
	return isObject(credentials.oauthTokenData) ? (credentials.oauthTokenData as IDataObject) : {};
}

function refreshTokenOf(credentials: ICredentialDataDecryptedObject, policy?: KeepAlivePolicy): unknown {
	return policy?.refreshTokenOf ? policy.refreshTokenOf(credentials) : tokenData(credentials).refresh_token;
}

/**
 * When the stored refresh token was last renewed (ms), from what the credential holds: the stamp
 * this package puts on every refresh it triggers, and n8n 2.x's own `n8n_expires_at` less
 * `expires_in` (written by any refresh; n8n 1.x writes none). The newest wins; unknown is undefined.
 */
export function renewedAt(credentials: ICredentialDataDecryptedObject, policy?: KeepAlivePolicy): number | undefined {
	if (policy?.renewedAtOf) return policy.renewedAtOf(credentials);
	const data = tokenData(credentials);
	const candidates: number[] = [];
	const stamp = Number(data[RENEWED_AT_FIELD]);
	if (Number.isFinite(stamp) && stamp > 0) candidates.push(stamp);
	const n8nExpiresAt = Number(data.n8n_expires_at);
	const expiresIn = Number(data.expires_in);
	if (Number.isFinite(n8nExpiresAt) && Number.isFinite(expiresIn) && n8nExpiresAt > 0 && expiresIn > 0) {
		candidates.push(n8nExpiresAt - expiresIn * 1000);
	}
	return candidates.length > 0 ? Math.max(...candidates) : undefined;
}

async function storedCredentials(ctx: RequestContext, api: ProviderApi): Promise<ICredentialDataDecryptedObject | undefined> {
	try {
		return (await ctx.getCredentials(api.credentialType)) as ICredentialDataDecryptedObject;
	} catch {
		return undefined;
	}
}

/**
 * A caller for n8n's OAuth2 request and refresh helpers whose `getCredentials` adds the time of the
 * call to `oauthTokenData`. n8n builds the refreshed token data from what it read (`{...old,
 * ...new}`, both lines) and persists it only when it refreshed, so the stored stamp is the time of
 * the last refresh any of this package's nodes made. Nothing else changes.
 */
export function stampingCaller<C extends RequestContext>(ctx: C, api: ProviderApi, now: () => number = Date.now): C {
	const read = ctx.getCredentials.bind(ctx) as (type: string, itemIndex?: number) => Promise<ICredentialDataDecryptedObject>;
	const getCredentials = async (type: string, itemIndex?: number) => {
		const credentials = await read(type, itemIndex);
		if (type !== api.credentialType || !isObject(credentials?.oauthTokenData)) return credentials;
		return { ...credentials, oauthTokenData: { ...tokenData(credentials), [RENEWED_AT_FIELD]: String(now()) } };
	};
	return Object.create(ctx, { getCredentials: { value: getCredentials } }) as C;
}

// --- Races on n8n 1.x ----------------------------------------------------------------------------

/** How long to wait for another execution to finish storing the pair it just obtained. */
export const ROTATION_GRACE = { requestMs: 2_000, keepAliveMs: 5_000, pollMs: 200 };

/**
 * True when the stored refresh token is no longer `seen`, waiting up to `graceMs` for it to change:
 * another execution refreshed (the provider then refuses the token this one read) and is storing
 * the new pair. False when it stays the same: then the connection is really dead.
 */
export async function rotatedMeanwhile(
	ctx: RequestContext,
	api: ProviderApi,
	seen: string | undefined,
	graceMs: number,
): Promise<boolean> {
	const deadline = Date.now() + graceMs;
	for (;;) {
		const stored = await storedCredentials(ctx, api);
		const now = stored ? fingerprint(refreshTokenOf(stored, api.keepAlive)) : undefined;
		if (now !== undefined && now !== seen) return true;
		if (Date.now() >= deadline) return false;
		await sleep(ROTATION_GRACE.pollMs);
	}
}

/** The refresh token each ProviderApi (one per execution and node) last saw in the store. */
const seenPairs = new WeakMap<ProviderApi, { fingerprint?: string; dead?: boolean }>();

/**
 * Runs one request; when n8n's refresh of it was refused as dead (`invalid_grant`) although the
 * stored refresh token changed since this execution read it, runs it once more: n8n then signs it
 * with the stored, newer pair. On n8n 1.x an execution that got a 401 refreshes with the token it
 * read at the start and nothing coordinates it with the keep-alive (or any other execution) that
 * rotated the pair meanwhile. n8n 2.x adopts the stored pair itself; the check then never fires.
 */
export async function retryIfRotatedMeanwhile<T>(ctx: RequestContext, api: ProviderApi, run: () => Promise<T>): Promise<T> {
	// Only n8n's OAuth2 refresh rotates a pair behind the request's back; other calls need no read here.
	if (!api.additionalCredentialOptions?.oauth2 && !api.keepAlive) return await run();
	let state = seenPairs.get(api);
	if (!state) {
		const stored = await storedCredentials(ctx, api);
		state = { fingerprint: stored && isObject(stored.oauthTokenData) ? fingerprint(refreshTokenOf(stored, api.keepAlive)) : undefined };
		seenPairs.set(api, state);
	}
	let failure: unknown;
	try {
		return await run();
	} catch (error) {
		failure = error;
	}
	const seen = state.fingerprint;
	if (seen === undefined || state.dead || oauthRefreshFailure(failure)?.kind !== 'reconnect') throw failure;
	if (!(await rotatedMeanwhile(ctx, api, seen, ROTATION_GRACE.requestMs))) {
		state.dead = true;
		throw failure;
	}
	const now = await storedCredentials(ctx, api);
	state.fingerprint = now ? fingerprint(refreshTokenOf(now, api.keepAlive)) : undefined;
	return await run();
}

// --- Warnings before death ------------------------------------------------------------------------

export interface RefreshTokenOutlook {
	renewedAt: number;
	expiresAt: number;
	daysLeft: number;
	warnDaysBefore: number;
}

/** When the stored refresh token dies, by the provider's rule, if the credential says when it was renewed. */
export function refreshTokenOutlook(
	credentials: ICredentialDataDecryptedObject,
	policy: KeepAlivePolicy,
	now: number = Date.now(),
): RefreshTokenOutlook | undefined {
	if (fingerprint(refreshTokenOf(credentials, policy)) === undefined) return undefined;
	const renewed = renewedAt(credentials, policy);
	if (renewed === undefined) return undefined;
	const configured = Number(credentials[WARNING_DAYS_FIELD]);
	const warnDaysBefore = Number.isFinite(configured) && credentials[WARNING_DAYS_FIELD] !== '' && credentials[WARNING_DAYS_FIELD] !== undefined ? configured : policy.warnDaysBefore;
	const expiresAt = renewed + policy.idleLifetimeDays * DAY_MS;
	return { renewedAt: renewed, expiresAt, daysLeft: (expiresAt - now) / DAY_MS, warnDaysBefore };
}

function day(ms: number): string {
	return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The warning text for an outlook inside its margin, or undefined. */
export function dyingWarning(provider: string, policy: KeepAlivePolicy, outlook: RefreshTokenOutlook | undefined): string | undefined {
	if (!outlook || outlook.warnDaysBefore <= 0 || outlook.daysLeft > outlook.warnDaysBefore) return undefined;
	const left =
		outlook.daysLeft <= 0
			? 'it has probably expired already'
			: `${outlook.daysLeft < 1 ? 'less than a day' : `${Math.floor(outlook.daysLeft)} day${Math.floor(outlook.daysLeft) === 1 ? '' : 's'}`} from now`;
	return (
		`${provider}: the refresh token of this credential was last renewed on ${day(outlook.renewedAt)} and stops working on ` +
		`${day(outlook.expiresAt)} (${left}) unless it is renewed before. To keep it alive, run a workflow with ` +
		`${provider} → Connection → Keep Connection Alive every ${policy.renewEveryDays} days (template: docs/keep-alive.md).`
	);
}

const warned = new WeakSet<ProviderApi>();

/** Once per execution and node: an execution hint and a log warning when the refresh token is near its end. */
export async function warnBeforeRefreshTokenDies(ctx: RequestContext, api: ProviderApi): Promise<void> {
	const policy = api.keepAlive;
	if (!policy || warned.has(api) || !policy.credentialTypes.includes(api.credentialType)) return;
	warned.add(api);
	const credentials = await storedCredentials(ctx, api);
	const message = credentials ? dyingWarning(api.provider, policy, refreshTokenOutlook(credentials, policy)) : undefined;
	if (!message) return;
	ctx.logger.warn(message);
	const hints = (ctx as Partial<IExecuteFunctions>).addExecutionHints;
	if (typeof hints === 'function') hints.call(ctx, { message, type: 'warning', location: 'outputPane' });
}

// --- The operation ---------------------------------------------------------------------------------

const renewals = new WeakMap<object, Promise<IDataObject>>();

function reconnectError(ctx: IExecuteFunctions, api: ProviderApi, error: unknown, itemIndex: number) {
	const failure = toNodeApiError(ctx.getNode(), error, {
		provider: api.provider,
		secrets: api.secrets,
		itemIndex,
		adviceByStatus: api.adviceByStatus,
		parseError: api.parseError,
	});
	if (oauthRefreshFailure(error)?.kind === 'reconnect') {
		failure.description = `${failure.description ?? ''} The keep-alive found this before any other workflow needed the connection: reconnect it now and the next runs will work.`.trim();
	}
	return failure;
}

async function renew(ctx: IExecuteFunctions, api: ProviderApi, itemIndex: number): Promise<IDataObject> {
	const policy = api.keepAlive;
	if (!policy || !policy.credentialTypes.includes(api.credentialType)) {
		return {
			connection: 'ok',
			renewed: false,
			note: `This ${api.provider} credential has no refresh token that could expire; there is nothing to keep alive.`,
		};
	}
	const before = await ctx.getCredentials(api.credentialType);
	const seen = fingerprint(refreshTokenOf(before, policy));
	if (seen === undefined) {
		throw new NodeOperationError(ctx.getNode(), `${api.provider}: this credential is not connected (it holds no refresh token)`, {
			itemIndex,
			description: 'Open the credential and click Connect (or Reconnect), then run the keep-alive again.',
		});
	}
	const refresh = (ctx.helpers as Partial<IExecuteFunctions['helpers']>).refreshOAuth2Token;
	if (!policy.renew && typeof refresh !== 'function') {
		throw new NodeOperationError(ctx.getNode(), 'Keep Connection Alive needs n8n 1.119 or later', {
			itemIndex,
			description: 'This n8n has no OAuth2 refresh for nodes. Update n8n, or run any operation of this node more often than the refresh token lifetime.',
		});
	}
	let outcome: 'renewed' | 'renewed by another execution a moment ago' = 'renewed';
	try {
		if (policy.renew) await policy.renew(ctx, api);
		// The answer holds the new tokens: it is dropped here and never reaches an item.
		else await refresh?.call(stampingCaller(ctx, api), api.credentialType, api.additionalCredentialOptions?.oauth2 ?? {});
	} catch (error) {
		if (oauthRefreshFailure(error)?.kind !== 'reconnect' || !(await rotatedMeanwhile(ctx, api, seen, ROTATION_GRACE.keepAliveMs))) {
			throw reconnectError(ctx, api, error, itemIndex);
		}
		outcome = 'renewed by another execution a moment ago';
	}
	const after = await ctx.getCredentials(api.credentialType);
	const now = Date.now();
	const renewed = Math.min(renewedAt(after, policy) ?? now, now);
	const expiresIn = Number(tokenData(after).expires_in);
	return {
		connection: 'ok',
		renewed: outcome,
		renewedAt: day(renewed),
		...(Number.isFinite(expiresIn) && expiresIn > 0 ? { accessTokenExpiresAt: day(renewed + expiresIn * 1000) } : {}),
		refreshTokenExpiresAt: day(renewed + policy.idleLifetimeDays * DAY_MS),
		nextRenewalDue: day(renewed + policy.renewEveryDays * DAY_MS),
	};
}

/**
 * The "Connection" resource with its one operation, "Keep Connection Alive". It renews once per
 * execution (every input item gets the same answer) and outputs only what a person needs.
 */
export function keepAliveResource<Api extends ProviderApi>(): Resource<Api> {
	return {
		value: 'connection',
		name: 'Connection',
		operations: [
			{
				value: 'keepAlive',
				name: 'Keep Connection Alive',
				action: 'Keep the connection alive',
				description: 'Renew the refresh token of the credential so that it does not expire between rare runs; schedule it (see the template)',
				properties: [],
				async execute({ ctx, api, itemIndex }: OperationCall<Api>) {
					let renewal = renewals.get(api);
					if (!renewal) {
						renewal = renew(ctx, api, itemIndex);
						renewals.set(api, renewal);
					}
					return { ...(await renewal) };
				},
			},
		],
	};
}
