import type { ILoadOptionsFunctions, INodeListSearchResult } from 'n8n-workflow';

import { listSearchResult } from '../shared/locators';
import { companiesOf, connect, ficRequest } from './transport';

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
