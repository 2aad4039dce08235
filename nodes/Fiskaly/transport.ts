import { randomUUID } from 'crypto';
import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, IHttpRequestMethods, INodeProperties } from 'n8n-workflow';

import { fiskalySettings, parseFiskalyError } from './auth';
import type { FiskalyFamily, FiskalySettings } from './auth';
import { bodyToken, itemsAt, offsetLimit } from '../shared/paginate';
import type { PaginationStrategy } from '../shared/paginate';
import { pathSegment } from '../shared/paths';
import { listFields, showFor, stringField } from '../shared/properties';
import { apiPaginate, apiRequest } from '../shared/request';
import type { ProviderApi } from '../shared/request';
import { refreshExpiredToken } from '../shared/tokens';

/** The fiskaly adapter: builds the ProviderApi from the credential, and the few call shapes the resources use. */

export const CREDENTIAL_TYPE = 'fiskalyApi';

export interface Fiskaly {
	ctx: IExecuteFunctions;
	api: ProviderApi;
	settings: FiskalySettings;
}

export async function connect(ctx: IExecuteFunctions): Promise<Fiskaly> {
	const credentials = await ctx.getCredentials(CREDENTIAL_TYPE);
	const settings = fiskalySettings(credentials);
	if ('refused' in settings) throw new NodeOperationError(ctx.getNode(), settings.refused);
	const api: ProviderApi = {
		provider: 'fiskaly',
		credentialType: CREDENTIAL_TYPE,
		baseUrl: settings.baseUrl,
		secrets: settings.secrets,
		retry: { retryStatuses: [429] },
		parseError: parseFiskalyError,
		// A stored token known to be expired is replaced before the first request, not after a 401.
		additionalCredentialOptions: refreshExpiredToken(credentials, ctx.getNode().credentials?.[CREDENTIAL_TYPE], CREDENTIAL_TYPE),
		adviceByStatus: {
			401: 'fiskaly rejected the token even after a fresh exchange. Check that the key belongs to the product family and environment in the credential.',
			409: 'fiskaly reports a conflict: for SIGN DE transactions the tx_revision must be the latest revision plus one. Fetch the transaction and retry.',
		},
	};
	return { ctx, api, settings };
}

/** Each fiskaly product lists in its own way (see shared/docs/providers.md). */
const STRATEGY: Record<'signDe' | 'tokenPaged', PaginationStrategy> = {
	signDe: offsetLimit({ items: itemsAt('data') }),
	tokenPaged: bodyToken({ items: itemsAt('results') }),
};

export function str(f: Fiskaly, name: string, itemIndex: number, fallback = ''): string {
	return String(f.ctx.getNodeParameter(name, itemIndex, fallback) ?? '').trim();
}

export function required(f: Fiskaly, name: string, itemIndex: number): string {
	const value = str(f, name, itemIndex);
	if (value === '') throw new NodeOperationError(f.ctx.getNode(), `"${name}" must not be empty`, { itemIndex });
	return value;
}

/** An ID for a path segment; empty and dot segments are refused, so a path never reaches another resource. */
export function id(f: Fiskaly, name: string, itemIndex: number): string {
	return segmentOf(f, required(f, name, itemIndex), name, itemIndex);
}

/** A client-chosen ID (fiskaly creates with PUT): the given one, or a new UUID. */
export function newId(f: Fiskaly, name: string, itemIndex: number): string {
	return segmentOf(f, str(f, name, itemIndex) || randomUUID(), name, itemIndex);
}

function segmentOf(f: Fiskaly, value: string, name: string, itemIndex: number): string {
	try {
		return pathSegment(value, name);
	} catch (error) {
		throw new NodeOperationError(f.ctx.getNode(), (error as Error).message, { itemIndex });
	}
}

export function json(f: Fiskaly, name: string, itemIndex: number): IDataObject {
	const raw = f.ctx.getNodeParameter(name, itemIndex, '{}') as unknown;
	if (typeof raw === 'object' && raw !== null) return raw as IDataObject;
	try {
		const parsed = JSON.parse(String(raw || '{}')) as unknown;
		if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return parsed as IDataObject;
	} catch {
		// reported below
	}
	throw new NodeOperationError(f.ctx.getNode(), `"${name}" must be a JSON object`, { itemIndex });
}

/** One call; unified-API POST/PATCH carry an X-Idempotency-Key so that a retry is safe. */
export async function call(
	f: Fiskaly,
	itemIndex: number,
	method: IHttpRequestMethods,
	path: string,
	options: { body?: IDataObject; qs?: IDataObject } = {},
): Promise<IDataObject> {
	let headers: IDataObject | undefined;
	let idempotent: boolean | undefined;
	if (f.settings.shape === 'unified' && (method === 'POST' || method === 'PATCH')) {
		const given = str(f, 'idempotencyKey', itemIndex);
		headers = { 'X-Idempotency-Key': given || randomUUID() };
		idempotent = true;
	}
	const response = await apiRequest<IDataObject>(f.ctx, f.api, { method, path, itemIndex, headers, idempotent, ...options });
	return response.body;
}

export async function list(f: Fiskaly, itemIndex: number, path: string, qs: IDataObject = {}): Promise<IDataObject[]> {
	const returnAll = f.ctx.getNodeParameter('returnAll', itemIndex, false) as boolean;
	const limit = returnAll ? undefined : (f.ctx.getNodeParameter('limit', itemIndex, 50) as number);
	const strategy = f.settings.family === 'signDe' ? STRATEGY.signDe : STRATEGY.tokenPaged;
	const all: IDataObject[] = [];
	for await (const page of apiPaginate(f.ctx, f.api, { path, qs, itemIndex }, strategy, { limit })) all.push(...page);
	return all;
}

// --- Field builders shared by the resource files ---------------------------------------------------

export type Handler = (f: Fiskaly, itemIndex: number) => Promise<IDataObject | IDataObject[]>;

export interface ResourceDefinition {
	value: string;
	name: string;
	/** Product families whose credential can call this resource. */
	families: FiskalyFamily[];
	operations: Array<{ value: string; name: string; action: string; description: string; run: Handler }>;
	fields: INodeProperties[];
}

type Operation = ResourceDefinition['operations'][number];

/** "Get" of one record at a path. */
export function getOperation(what: string, path: (f: Fiskaly, i: number) => string): Operation {
	return { value: 'get', name: 'Get', action: `Get ${what}`, description: `Retrieve ${what}`, run: async (f, i) => await call(f, i, 'GET', path(f, i)) };
}

/** "Get Many" of a list endpoint, paginated the family's way. */
export function getAllOperation(what: string, path: (f: Fiskaly, i: number) => string): Operation {
	return { value: 'getAll', name: 'Get Many', action: `Get many ${what}`, description: `List ${what}`, run: async (f, i) => await list(f, i, path(f, i)) };
}


export function textField(
	resource: string,
	operations: string[],
	name: string,
	displayName: string,
	description: string,
	required = true,
): INodeProperties {
	return stringField(resource, operations, { name, displayName, description, required });
}

export function jsonField(resource: string, operations: string[], name: string, displayName: string, description: string): INodeProperties {
	return { displayName, name, type: 'json', default: '{}', description, displayOptions: showFor(resource, operations) };
}

export { listFields };

export function idempotencyField(resource: string, operations: string[]): INodeProperties {
	return textField(
		resource,
		operations,
		'idempotencyKey',
		'Idempotency Key',
		'Sent as X-Idempotency-Key. Leave empty to generate one per call; set it (e.g. from an order ID) to make re-runs safe.',
		false,
	);
}
