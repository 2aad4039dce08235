import { customApiCallResource } from '../../shared/customApiCall';
import { keepAliveResource } from '../../shared/keepAlive';
import type { Resource } from '../../shared/operations';
import { ficRequest } from '../transport';
import type { FicApi } from '../transport';
import { OVERRIDES } from './overrides';
import { tableResources } from './table';

/** Any endpoint of the API v2; the scope it needs is looked up in the spec's table when it is refused. */
const customApiCall = customApiCallResource<FicApi>({
	methods: ['DELETE', 'GET', 'POST', 'PUT'],
	bodyEncoding: 'json',
	pathDescription: 'Path on api-v2.fattureincloud.it, e.g. /c/12345/entities/clients (the host comes from the credential)',
	pathPlaceholder: '/c/12345/entities/clients',
	send: async ({ ctx, api, itemIndex }, request) => await ficRequest(ctx, api, request, itemIndex),
});

/** Every operation of the API description (operations.generated.ts), the hand-written forms applied, and the Custom API Call. */
export const RESOURCES: Array<Resource<FicApi>> = [...tableResources(OVERRIDES), keepAliveResource<FicApi>(), customApiCall];
