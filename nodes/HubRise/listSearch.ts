import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { listSearchResult } from '../shared/locators';
import { apiPage, apiRequest } from '../shared/request';
import { connect, LIST_STRATEGY } from './transport';

/** The pickers of the HubRise node: locations, orders, customer lists, customers and catalogs. */

const text = (value: unknown) => (value === undefined || value === null ? '' : String(value));

async function page(ctx: ILoadOptionsFunctions, path: (ids: IDataObject) => string, token?: string) {
	const api = await connect(ctx);
	const connected = api.connected() as unknown as IDataObject;
	return await apiPage(ctx, api, { path: path(connected) }, LIST_STRATEGY, token);
}

/** A picked id of the current node parameters (resource locator or plain), else the connected one. */
function current(ctx: ILoadOptionsFunctions, name: string, connected: IDataObject, kind: string): string {
	const value = ctx.getCurrentNodeParameter(name, { extractValue: true }) as unknown;
	return text(value) || text(connected[kind]);
}

const locationBase = (ctx: ILoadOptionsFunctions, ids: IDataObject) => {
	const id = current(ctx, 'locationId', ids, 'locationId');
	return id ? `/locations/${encodeURIComponent(id)}` : '/location';
};

export async function searchLocations(this: ILoadOptionsFunctions, filter?: string, token?: string): Promise<INodeListSearchResult> {
	const api = await connect(this);
	const ids = api.connected();
	if (ids.accountId && !ids.locationId) {
		const locations = await apiPage(this, api, { path: '/locations' }, LIST_STRATEGY, token);
		return listSearchResult(locations, (location) => ({ name: text(location.name) || text(location.id), value: text(location.id) }), filter);
	}
	const response = await apiRequest<IDataObject>(this, api, { method: 'GET', path: '/location' });
	return listSearchResult({ items: [response.body] }, (location) => ({ name: text(location.name) || text(location.id), value: text(location.id) }), filter);
}

export async function searchOrders(this: ILoadOptionsFunctions, filter?: string, token?: string): Promise<INodeListSearchResult> {
	const orders = await page(this, (ids) => `${locationBase(this, ids)}/orders`, token);
	return listSearchResult(
		orders,
		(order) => ({ name: [text(order.id), text(order.status), text(order.created_at)].filter(Boolean).join(' · '), value: text(order.id) }),
		filter,
	);
}

export async function searchCustomerLists(this: ILoadOptionsFunctions, filter?: string, token?: string): Promise<INodeListSearchResult> {
	const lists = await page(this, (ids) => `${locationBase(this, ids)}/customer_lists`, token);
	return listSearchResult(lists, (list) => ({ name: text(list.name) || text(list.id), value: text(list.id) }), filter);
}

export async function searchCustomers(this: ILoadOptionsFunctions, filter?: string, token?: string): Promise<INodeListSearchResult> {
	const customers = await page(this, (ids) => `/customer_lists/${encodeURIComponent(current(this, 'customerListId', ids, 'customerListId'))}/customers`, token);
	return listSearchResult(
		customers,
		(customer) => ({
			name: [[text(customer.first_name), text(customer.last_name)].filter(Boolean).join(' '), text(customer.email)].filter(Boolean).join(' · ') || text(customer.id),
			value: text(customer.id),
		}),
		filter,
	);
}

export async function searchCatalogs(this: ILoadOptionsFunctions, filter?: string, token?: string): Promise<INodeListSearchResult> {
	const catalogs = await page(this, (ids) => `${locationBase(this, ids)}/catalogs`, token);
	return listSearchResult(catalogs, (catalog) => ({ name: text(catalog.name) || text(catalog.id), value: text(catalog.id) }), filter);
}
