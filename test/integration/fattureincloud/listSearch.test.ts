import { FIC_SCOPES } from '../../../nodes/FattureInCloud/scopes.generated';
import { addCredential, AUTHS, json, leaksIn, newHarness, rig, run, sim } from './setup';

/** The company: a picker over GET /user/companies; a user with one company never has to choose. */

const ACCOUNTANT = {
	id: 500,
	name: 'Studio Commercialista',
	vat_number: '01234567890',
	type: 'accountant' as const,
	controlled_companies: [
		{ id: 12345, name: 'Studio Rossi', vat_number: '03881520161', type: 'company' as const },
		{ id: 777, name: 'Bianchi SRL', vat_number: '09876543210', type: 'company' as const },
	],
};

describe.each(AUTHS)('with %s', (auth) => {
	it('the picker lists the user companies (an accountant\'s clients included), without their tokens', async () => {
		sim.companies = [ACCOUNTANT];
		const result = await rig.harness.listSearch({ type: 'fattureInCloud', parameters: { authentication: auth, resource: 'company', operation: 'getInfo' }, credentials: { [auth]: auth }, method: 'searchCompanies' });
		expect(result.results).toEqual([
			{ name: 'Bianchi SRL · P.IVA 09876543210', value: '777' },
			{ name: 'Studio Commercialista · P.IVA 01234567890', value: '500' },
			{ name: 'Studio Rossi · P.IVA 03881520161', value: '12345' },
		]);
		expect(JSON.stringify(result)).not.toContain('company-token');
		const filtered = await rig.harness.listSearch({ type: 'fattureInCloud', parameters: { authentication: auth }, credentials: { [auth]: auth }, method: 'searchCompanies', filter: 'bianchi' });
		expect(filtered.results.map((entry) => entry.value)).toEqual(['777']);
	});
});

it('one company: used without asking (one /user/companies call per execution)', async () => {
	const result = await run('fattureInCloudApi', { resource: 'company', operation: 'getInfo' }, { items: [{}, {}, {}] });
	expect(result.error).toBeUndefined();
	expect(json(result.items).map((item) => (item.data as { id: number }).id)).toEqual([12345, 12345, 12345]);
	expect(sim.server.requestsTo('GET', '/user/companies')).toHaveLength(1);
});

it('several companies and none picked: the error lists them; a picked one is used', async () => {
	sim.companies = [ACCOUNTANT];
	const unpicked = await run('fattureInCloudApi', { resource: 'company', operation: 'getInfo' });
	expect(unpicked.error?.message).toBe('Fatture in Cloud: this user has 3 companies; choose one in Company');
	expect(unpicked.error?.description).toBe('Companies: Studio Commercialista (500), Studio Rossi (12345), Bianchi SRL (777).');
	const picked = await run('fattureInCloudApi', { resource: 'company', operation: 'getInfo', companyId: { __rl: true, mode: 'list', value: '777' } });
	expect(picked.error).toBeUndefined();
	expect(picked.items[0].json).toMatchObject({ data: { id: 777, name: 'Bianchi SRL' } });
	expect(sim.server.requestsTo('GET', '/c/777/company/info')).toHaveLength(1);
});

it('Get Companies outputs one item per company and never a company token', async () => {
	sim.companies = [ACCOUNTANT];
	const result = await run('fattureInCloudOAuth2Api', { resource: 'user', operation: 'getCompanies' });
	expect(json(result.items).map((item) => item.id)).toEqual([500, 12345, 777]);
	expect(leaksIn(result, ['company-token-777', 'company-token-500'])).toEqual([]);
});

it('a company id is a path segment: a crafted one cannot leave /c/', async () => {
	const result = await run('fattureInCloudApi', { resource: 'company', operation: 'getInfo', companyId: { __rl: true, mode: 'id', value: '../user' } });
	expect(sim.server.requests.every((request) => request.path.startsWith('/c/') || request.path.startsWith('/user/companies'))).toBe(true);
	expect(result.error?.message).toMatch(/must not|not allowed|dot|segment/i);
	expect(sim.server.requestsTo('GET', /\/company\/info$/)).toHaveLength(0);
});

describe('record pickers (client, supplier, product, issued and received document)', () => {
	it.each([
		['searchClients', 'client', 'getClient', '/c/12345/entities/clients', 'listClients'],
		['searchSuppliers', 'supplier', 'getSupplier', '/c/12345/entities/suppliers', 'listSuppliers'],
		['searchProducts', 'product', 'getProduct', '/c/12345/products', 'listProducts'],
		['searchIssuedDocuments', 'issuedDocument', 'getIssuedDocument', '/c/12345/issued_documents', 'listIssuedDocuments'],
		['searchReceivedDocuments', 'receivedDocument', 'getReceivedDocument', '/c/12345/received_documents', 'listReceivedDocuments'],
	])('%s lists one page of the company\'s records and hands over the next page', async (method, resource, operation, path, listId) => {
		sim.listSizes[listId] = 150;
		sim.invoices = 150;
		const harness = newHarness();
		addCredential(harness, 'fattureInCloudApi', FIC_SCOPES.map((scope) => scope.value));
		const base = { type: 'fattureInCloud', parameters: { authentication: 'fattureInCloudApi', resource, operation }, credentials: { fattureInCloudApi: 'fattureInCloudApi' }, method };
		const first = await harness.listSearch(base);
		expect(first.results).toHaveLength(100);
		expect(first.results.every((entry) => /^[0-9]+$/.test(String(entry.value)) && entry.name !== '')).toBe(true);
		expect(first.paginationToken).toBeDefined();
		const second = await harness.listSearch({ ...base, paginationToken: first.paginationToken });
		expect(second.results).toHaveLength(50);
		expect(second.paginationToken).toBeUndefined();
		const pages = sim.server.requestsTo('GET', path);
		expect(pages.map((request) => request.query.page)).toEqual(['1', '2']);
		if (resource === 'issuedDocument') expect(pages[0].query.type).toBe('invoice');
	});
});
