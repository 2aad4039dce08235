import type { IDataObject, ILoadOptionsFunctions, INodeListSearchItems, INodeListSearchResult } from 'n8n-workflow';

import { listSearchResult } from '../shared/locators';
import { pathSegment } from '../shared/paths';
import { apiPage } from '../shared/request';
import { companiesOf, connect, ficRequest, LIST_STRATEGY } from './transport';
import type { FicApi } from './transport';

/** The Company picker: the user's companies (GET /user/companies), an accountant's clients included. */
export async function searchCompanies(this: ILoadOptionsFunctions, filter?: string): Promise<INodeListSearchResult> {
	const api = await connect(this);
	const companies = companiesOf(await ficRequest(this, api, { method: 'GET', path: '/user/companies', operationId: 'listUserCompanies' }));
	return listSearchResult(
		{ items: companies },
		(entry) => ({ name: [String(entry.name ?? ''), entry.vat_number ? `P.IVA ${String(entry.vat_number)}` : ''].filter(Boolean).join(' · '), value: String(entry.id ?? '') }),
		filter,
	);
}

/** The company the node is set to, or the user's only company. */
async function pickerCompany(ctx: ILoadOptionsFunctions, api: FicApi): Promise<string> {
	let picked = '';
	try {
		picked = String(ctx.getCurrentNodeParameter('companyId', { extractValue: true }) ?? '').trim();
	} catch {
		// no Company field on this operation
	}
	if (picked !== '') return pathSegment(picked, 'Company');
	const companies = companiesOf(await ficRequest(ctx, api, { method: 'GET', path: '/user/companies', operationId: 'listUserCompanies' }));
	if (companies.length !== 1) throw new Error('Choose the Company first: this user has several companies');
	return pathSegment(String(companies[0].id), 'Company');
}

/** One page of a company's list (q narrows it on the server when the user typed something). */
async function searchList(
	ctx: ILoadOptionsFunctions,
	path: string,
	qs: IDataObject,
	describe: (record: IDataObject) => INodeListSearchItems | undefined,
	filter?: string,
	token?: string,
): Promise<INodeListSearchResult> {
	const api = await connect(ctx);
	const company = await pickerCompany(ctx, api);
	const page = await apiPage(ctx, api, { path: `/c/${company}${path}`, qs: { fieldset: 'basic', ...qs } }, LIST_STRATEGY, token);
	return listSearchResult(page, describe, filter);
}

const named = (record: IDataObject): INodeListSearchItems => ({
	name: [String(record.name ?? record.id ?? ''), record.vat_number ? `P.IVA ${String(record.vat_number)}` : record.code ? String(record.code) : ''].filter(Boolean).join(' · '),
	value: String(record.id ?? ''),
});

const numbered = (record: IDataObject): INodeListSearchItems => ({
	name: [
		[record.numeration, record.number].filter((part) => part !== undefined && part !== null && part !== '').join('') || `#${String(record.id)}`,
		record.date ? String(record.date) : '',
		((record.entity ?? {}) as IDataObject).name ? String(((record.entity ?? {}) as IDataObject).name) : record.description ? String(record.description) : '',
	]
		.filter(Boolean)
		.join(' · '),
	value: String(record.id ?? ''),
});

export async function searchClients(this: ILoadOptionsFunctions, filter?: string, token?: string): Promise<INodeListSearchResult> {
	return await searchList(this, '/entities/clients', {}, named, filter, token);
}

export async function searchSuppliers(this: ILoadOptionsFunctions, filter?: string, token?: string): Promise<INodeListSearchResult> {
	return await searchList(this, '/entities/suppliers', {}, named, filter, token);
}

export async function searchProducts(this: ILoadOptionsFunctions, filter?: string, token?: string): Promise<INodeListSearchResult> {
	return await searchList(this, '/products', {}, named, filter, token);
}

/** Issued documents of the type chosen in the node (Type), invoices otherwise. */
export async function searchIssuedDocuments(this: ILoadOptionsFunctions, filter?: string, token?: string): Promise<INodeListSearchResult> {
	let type = 'invoice';
	try {
		type = String(this.getCurrentNodeParameter('type') ?? '') || 'invoice';
	} catch {
		// no Type field on this operation
	}
	return await searchList(this, '/issued_documents', { type, sort: '-date' }, numbered, filter, token);
}

export async function searchReceivedDocuments(this: ILoadOptionsFunctions, filter?: string, token?: string): Promise<INodeListSearchResult> {
	return await searchList(this, '/received_documents', { type: 'expense', sort: '-date' }, numbered, filter, token);
}
