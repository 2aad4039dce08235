import { randomUUID } from 'crypto';
import { NodeOperationError } from 'n8n-workflow';
import type { IDataObject, IExecuteFunctions, IHttpRequestMethods } from 'n8n-workflow';

import type { OperationCall } from '../shared/operations';
import { bodyToken, itemsAt, offsetLimit } from '../shared/paginate';
import type { PaginationStrategy } from '../shared/paginate';
import { listLimit, segmentOf, textParam } from '../shared/parameters';
import { apiList, apiRequest } from '../shared/request';
import type { ProviderApi, RequestContext } from '../shared/request';
import { refreshExpiredToken } from '../shared/tokens';
import { fiskalySettings, parseFiskalyError } from './auth';
import type { FiskalySettings } from './auth';

/** The fiskaly adapter: the ProviderApi built from the credential, and the call shapes the actions use. */

export const CREDENTIAL_TYPE = 'fiskalyApi';

export interface FiskalyConnection extends ProviderApi {
	settings: FiskalySettings;
}

export type FiskalyCall = OperationCall<FiskalyConnection>;

export async function connect(ctx: RequestContext): Promise<FiskalyConnection> {
	const credentials = await ctx.getCredentials(CREDENTIAL_TYPE);
	const settings = fiskalySettings(credentials);
	if ('refused' in settings) throw new NodeOperationError(ctx.getNode(), settings.refused);
	return {
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
		settings,
	};
}

/** Each fiskaly product lists in its own way (see shared/docs/providers.md). */
export function listStrategy(settings: FiskalySettings): PaginationStrategy {
	return settings.family === 'signDe' ? offsetLimit({ items: itemsAt('data') }) : bodyToken({ items: itemsAt('results') });
}

/** A client-chosen ID (fiskaly creates with PUT): the given one, or a new UUID, as a path segment. */
export function newId(ctx: IExecuteFunctions, name: string, itemIndex: number): string {
	return segmentOf(ctx, textParam(ctx, name, itemIndex) || randomUUID(), name, itemIndex);
}

/** One call; unified-API POST/PATCH carry an X-Idempotency-Key so that a retry is safe. */
export async function fiskalyCall(
	{ ctx, api, itemIndex }: FiskalyCall,
	method: IHttpRequestMethods,
	path: string,
	options: { body?: IDataObject; qs?: IDataObject } = {},
): Promise<IDataObject> {
	let headers: IDataObject | undefined;
	let idempotent: boolean | undefined;
	if (api.settings.shape === 'unified' && (method === 'POST' || method === 'PATCH')) {
		headers = { 'X-Idempotency-Key': textParam(ctx, 'idempotencyKey', itemIndex) || randomUUID() };
		idempotent = true;
	}
	const response = await apiRequest<IDataObject>(ctx, api, { method, path, itemIndex, headers, idempotent, ...options });
	return response.body;
}

/** A "Get Many", paginated the family's way. */
export async function fiskalyList({ ctx, api, itemIndex }: FiskalyCall, path: string, qs: IDataObject = {}): Promise<IDataObject[]> {
	return await apiList(ctx, api, { path, qs, itemIndex }, listStrategy(api.settings), listLimit(ctx, itemIndex));
}
