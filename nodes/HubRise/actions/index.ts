import { customApiCallResource } from '../../shared/customApiCall';
import type { Resource } from '../../shared/operations';
import { hubriseRequest } from '../transport';
import type { HubRiseApi } from '../transport';
import { callback } from './callback';
import { catalog, inventory } from './catalog';
import { customer, customerList } from './customer';
import { account, location } from './location';
import { delivery, order } from './order';

/** Any HubRise endpoint under /v1, JSON, with the connection's token in X-Access-Token. */
const customApiCall = customApiCallResource<HubRiseApi>({
	methods: ['DELETE', 'GET', 'PATCH', 'POST', 'PUT'],
	bodyEncoding: 'json',
	pathDescription: 'Path under https://api.hubrise.com/v1 (e.g. /location/orders)',
	pathPlaceholder: '/location/orders',
	normalisePath: (path) => {
		const withSlash = path.trim().startsWith('/') ? path.trim() : `/${path.trim()}`;
		return withSlash.startsWith('/v1/') ? withSlash.slice(3) : withSlash;
	},
	send: async (call, request) => await hubriseRequest(call, request.method, request.path, request),
});

export const RESOURCES: Array<Resource<HubRiseApi>> = [
	account,
	callback,
	catalog,
	customApiCall,
	customer,
	customerList,
	delivery,
	inventory,
	location,
	order,
];
