import { customApiCallResource } from '../../shared/customApiCall';
import type { Resource } from '../../shared/operations';
import { fiskalyCall } from '../transport';
import type { FiskalyConnection } from '../transport';
import { SIGN_DE } from './signDe';
import { SIGN_ES } from './signEs';
import { UNIFIED } from './unified';

/** Any endpoint of the credential's product; unified-API POST/PATCH carry an idempotency key. */
const customApiCall = customApiCallResource<FiskalyConnection>({
	methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
	bodyEncoding: 'json',
	pathDescription:
		"Path under the product's base URL (e.g. /tss for SIGN DE, whose base URL already ends in /api/v2). Query parameters go below.",
	pathPlaceholder: '/tss',
	idempotencyKey: true,
	send: async (call, request) => await fiskalyCall(call, request.method, request.path, request),
});

export const RESOURCES: Array<Resource<FiskalyConnection>> = [...SIGN_DE, ...SIGN_ES, ...UNIFIED, customApiCall];
