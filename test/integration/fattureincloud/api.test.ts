import { FIC_SCOPES } from '../../../nodes/FattureInCloud/scopes.generated';
import { addCredential, apiRequests, json, leaksIn, newHarness, run, sim } from './setup';

/**
 * The node over the whole API: Return All over page/per_page, readable failures (validation field by field,
 * the missing scope named, quota 403 and 429 retried after Retry-After), the hand-written forms, uploads.
 */

const ALL_SCOPES = FIC_SCOPES.map((scope) => scope.value);
const COMPANY = { mode: 'id', value: '12345' };

function harnessWith(scopes: string[]) {
	const harness = newHarness();
	addCredential(harness, 'fattureInCloudApi', scopes);
	return harness;
}

describe('Return All', () => {
	it('reads 5,000 clients in 50 pages of 100, each once', async () => {
		sim.listSizes.listClients = 5000;
		const result = await run('fattureInCloudApi', { resource: 'client', operation: 'listClients', companyId: COMPANY, returnAll: true }, {}, harnessWith(ALL_SCOPES));
		expect(result.error?.message).toBeUndefined();
		const ids = json(result.items).map((item) => item.id);
		const pages = apiRequests().filter((request) => request.path === '/c/12345/entities/clients');
		// eslint-disable-next-line no-console
		console.log(`Fatture in Cloud Return All: ${ids.length} clients, ${pages.length} page requests, ${ids.length - new Set(ids).size} duplicates`);
		expect(ids).toHaveLength(5000);
		expect(new Set(ids).size).toBe(5000);
		expect(pages).toHaveLength(50);
		expect(pages.map((request) => request.query.per_page)).toEqual(Array(50).fill('100'));
		expect(pages.map((request) => Number(request.query.page))).toEqual(Array.from({ length: 50 }, (_, index) => index + 1));
	});

	it('stops at the limit, and sends the options (fields, fieldset, sort, q)', async () => {
		sim.listSizes.listSuppliers = 250;
		const options = { fields: 'id,name', fieldset: 'basic', sort: '-name', q: "name like 'Ros%'" };
		const result = await run('fattureInCloudApi', { resource: 'supplier', operation: 'listSuppliers', companyId: COMPANY, returnAll: false, limit: 120, options }, {}, harnessWith(ALL_SCOPES));
		expect(result.items).toHaveLength(120);
		const pages = apiRequests().filter((request) => request.path === '/c/12345/entities/suppliers');
		expect(pages).toHaveLength(2);
		expect(pages[0].query).toMatchObject(options);
	});
});

describe('readable failures', () => {
	it('lists validation errors field by field', async () => {
		const result = await run('fattureInCloudApi', { resource: 'client', operation: 'createClient', companyId: COMPANY, name: 'Studio Bianchi', additionalFields: { vat_number: '123' } }, {}, harnessWith(ALL_SCOPES));
		const text = `${result.error?.message} ${result.error?.description}`;
		expect(text).toContain('The given data was invalid');
		expect(text).toContain('data.vat_number: The vat number must be 11 digits.');
	});

	it('names each missing required query parameter the API refused (n8n itself stops empty required fields, so a Custom API Call)', async () => {
		const result = await run('fattureInCloudApi', { resource: 'customApiCall', operation: 'call', method: 'GET', path: '/c/12345/cashbook' }, {}, harnessWith(ALL_SCOPES));
		const text = `${result.error?.message} ${result.error?.description}`;
		expect(text).toContain('date_from: The date from field is required.');
		expect(text).toContain('date_to: The date to field is required.');
	});

	it('names the scope an operation needs when the token lacks it', async () => {
		const result = await run('fattureInCloudApi', { resource: 'product', operation: 'createProduct', companyId: COMPANY, body: '{"data": {"name": "Tavolo"}}' }, {}, harnessWith(['entity.clients:r']));
		expect(result.error?.message).toContain('the token lacks scope products:a needed by this operation (createProduct)');
		expect(leaksIn(result)).toEqual([]);
	});

	it('names the document type scope for issued documents', async () => {
		const result = await run('fattureInCloudApi', { resource: 'issuedDocument', operation: 'getAll', companyId: COMPANY, type: 'quote' }, {}, harnessWith(['issued_documents.invoices:r']));
		expect(result.error?.message).toContain('issued_documents.quotes:r');
	});

	it.each([
		['quota 403', 403, { error: { message: 'Hourly quota exceeded', code: 'QUOTA_EXCEEDED' } }],
		['429', 429, { error: { message: 'Too Many Requests', code: 'TOO_MANY_REQUESTS' } }],
	])('retries a %s after its Retry-After', async (_name, status, body) => {
		sim.server.inject({ kind: 'status', status, headers: { 'Retry-After': '1' }, json: body }, { times: 1, match: (request) => request.path === '/c/12345/products/7' });
		const started = Date.now();
		const result = await run('fattureInCloudApi', { resource: 'product', operation: 'getProduct', companyId: COMPANY, productId: { mode: 'id', value: '7' } }, {}, harnessWith(ALL_SCOPES));
		expect(result.error?.message).toBeUndefined();
		expect(json(result.items)[0]).toMatchObject({ id: expect.any(Number), name: expect.any(String) });
		const tries = apiRequests().filter((request) => request.path === '/c/12345/products/7');
		expect(tries).toHaveLength(2);
		expect(tries[1].at - tries[0].at).toBeGreaterThanOrEqual(900);
		expect(Date.now() - started).toBeLessThan(10_000);
	});
});

describe('hand-written forms', () => {
	it('creates a client from fields', async () => {
		const result = await run('fattureInCloudApi', { resource: 'client', operation: 'createClient', companyId: COMPANY, name: 'Studio Bianchi', additionalFields: { vat_number: '01234567890', email: '', type: 'company' } }, {}, harnessWith(ALL_SCOPES));
		expect(result.error?.message).toBeUndefined();
		const sent = apiRequests().find((request) => request.method === 'POST')!;
		expect(sent.body).toEqual({ data: { name: 'Studio Bianchi', vat_number: '01234567890', type: 'company' } });
		expect(json(result.items)[0]).toMatchObject({ id: 901, name: 'Studio Bianchi' });
	});

	it('sends an issued document by email', async () => {
		const result = await run('fattureInCloudApi', { resource: 'issuedDocument', operation: 'scheduleEmail', companyId: COMPANY, documentId: { mode: 'id', value: '55' }, recipientEmail: 'mary.red@example.com', emailOptions: { subject: 'Fattura 1', send_copy: true } }, {}, harnessWith(ALL_SCOPES));
		expect(result.error?.message).toBeUndefined();
		const sent = apiRequests().find((request) => request.path === '/c/12345/issued_documents/55/email')!;
		expect(sent.body).toEqual({ data: { recipient_email: 'mary.red@example.com', subject: 'Fattura 1', attach_pdf: true, send_copy: true } });
	});

	it('tells the payment status of a document', async () => {
		const result = await run('fattureInCloudApi', { resource: 'issuedDocument', operation: 'getIssuedDocument', companyId: COMPANY, documentId: { mode: 'id', value: '55' }, output: 'payments' }, {}, harnessWith(ALL_SCOPES));
		expect(result.error?.message).toBeUndefined();
		expect(json(result.items)[0]).toMatchObject({ status: 'not_paid', amount_total: 75, amount_paid: 0, amount_due: 75, payments: [expect.objectContaining({ status: 'not_paid' })] });
	});

	it('uploads an attachment from a binary field as multipart/form-data', async () => {
		const file = Buffer.from('%PDF-1.4 ricevuta di prova');
		const result = await run(
			'fattureInCloudApi',
			{ resource: 'issuedDocument', operation: 'uploadIssuedDocumentAttachment', companyId: COMPANY, binaryPropertyName: 'data', filename: 'ricevuta_1.pdf' },
			{ inputItems: [{ json: {}, binary: { data: { data: file.toString('base64'), mimeType: 'application/pdf', fileName: 'r.pdf' } }, pairedItem: { item: 0 } }] },
			harnessWith(ALL_SCOPES),
		);
		expect(result.error?.message).toBeUndefined();
		const sent = apiRequests().find((request) => request.path === '/c/12345/issued_documents/attachment')!;
		expect(sent.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
		expect(sent.rawBody).toContain('name="filename"');
		expect(sent.rawBody).toContain('ricevuta_1.pdf');
		expect(sent.rawBody).toContain('%PDF-1.4 ricevuta di prova');
		expect(json(result.items)[0]).toHaveProperty('attachment_token');
	});

	it('returns the e-invoice XML as text', async () => {
		const result = await run('fattureInCloudApi', { resource: 'issuedEInvoice', operation: 'getEInvoiceXml', companyId: COMPANY, documentId: { mode: 'id', value: '55' } }, {}, harnessWith(ALL_SCOPES));
		expect(result.error?.message).toBeUndefined();
		expect(String(json(result.items)[0].text)).toMatch(/^<\?xml|<FatturaElettronica|<p:FatturaElettronica/);
	});
});
