import type { IDataObject, ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { listSearchResult } from '../shared/locators';
import { apiPage } from '../shared/request';
import { connect, listStrategy } from './transport';

/** The pickers of the Checkfront node: bookings, customers and items of the account. */

async function records(ctx: ILoadOptionsFunctions, path: string, key: string, token?: string, qs: IDataObject = {}) {
	const api = await connect(ctx);
	return await apiPage(ctx, api, { path, qs }, listStrategy(key), token);
}

const text = (value: unknown) => (value === undefined || value === null ? '' : String(value));

export async function searchBookings(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const bookings = await records(this, '/booking/index', 'booking/index', paginationToken);
	return listSearchResult(
		bookings,
		(booking) => ({
			name: [text(booking.code), text(booking.customer_name), text(booking.status_name)].filter(Boolean).join(' · '),
			value: text(booking.code || booking.booking_id),
		}),
		filter,
	);
}

export async function searchCustomers(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const customers = await records(this, '/customer', 'customers', paginationToken);
	return listSearchResult(
		customers,
		(customer) => ({
			name: [text(customer.customer_name), text(customer.customer_email)].filter(Boolean).join(' · ') || text(customer.customer_code),
			value: text(customer.customer_id || customer.customer_code),
		}),
		filter,
	);
}

export async function searchItems(
	this: ILoadOptionsFunctions,
	filter?: string,
	paginationToken?: string,
): Promise<INodeListSearchResult> {
	const items = await records(this, '/item', 'items', paginationToken);
	return listSearchResult(items, (item) => ({ name: text(item.name) || text(item.item_id), value: text(item.item_id) }), filter);
}
