import { customApiCallResource } from '../../shared/customApiCall';
import { keepAliveResource } from '../../shared/keepAlive';
import type { Resource } from '../../shared/operations';
import { apiPath, checkfrontRequest } from '../transport';
import type { CheckfrontApi } from '../transport';
import { account, category, event } from './account';
import { booking } from './booking';
import { customer } from './customer';
import { item } from './item';

/** Any Checkfront endpoint under /api/3.0/, form-encoded like every Checkfront call. */
const customApiCall = customApiCallResource<CheckfrontApi>({
	methods: ['GET', 'POST', 'PUT', 'DELETE'],
	bodyEncoding: 'form',
	pathDescription: 'Path under /api/3.0/ on your Checkfront host (the host comes from the credential)',
	pathPlaceholder: '/booking/CFPP-290317/invoice',
	normalisePath: apiPath,
	send: async (call, request) => await checkfrontRequest(call, request.method, request.path, request),
});

export const RESOURCES: Array<Resource<CheckfrontApi>> = [
	account,
	booking,
	category,
	keepAliveResource<CheckfrontApi>(),
	customApiCall,
	customer,
	event,
	item,
];
