import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { RESOURCES } from '../../../nodes/FattureInCloud/actions';
import { camel, OFFERED } from '../../../nodes/FattureInCloud/actions/table';
import { FIC_API_OPERATIONS } from '../../../nodes/FattureInCloud/operations.generated';
import type { FicOperation } from '../../../nodes/FattureInCloud/operations.generated';
import { FIC_SCOPES } from '../../../nodes/FattureInCloud/scopes.generated';
import { bearerOf } from '../../simulators/framework';
import { addCredential, AUTHS, apiRequests, leaksIn, newHarness, rig, run, sim } from './setup';

/**
 * Every operation of the generated table (all 123 of the API description) run through n8n-core against the
 * simulator, whose routes are built from the same table: the parameters of each row are derived from the
 * row itself (path ids, required query parameters with their enums, the spec's example body, a binary file
 * for uploads), so an operation added to the spec is run here without a new line. The node's first
 * operations also run with each of the four credentials.
 */

const ALL_SCOPES = FIC_SCOPES.map((scope) => scope.value);
/** Path ids the node offers as pickers (resource locators); document_id only on these resources. */
const PICKED = new Set(['client_id', 'supplier_id', 'product_id']);
const DOCUMENT_PICKERS = new Set(['issuedDocument', 'issuedEInvoice', 'receivedDocument']);

/** A value for a required query parameter of the row. */
function queryValue(name: string, enumValues?: ReadonlyArray<string | number>): string | number {
	if (enumValues) return enumValues[0];
	return ({ date_from: '2024-01-01', date_to: '2024-12-31', year: '2024', ids: '1,2', new_type: 'invoice', original_document_id: 1 } as IDataObject)[name] as string ?? 'x';
}

/** The node parameters of one row, and the request it must make. */
function rowOf(operation: FicOperation): { parameters: IDataObject; path: string; inputItems?: INodeExecutionData[] } {
	const [resource, value] = OFFERED.get(operation.operationId)!.split('.');
	const parameters: IDataObject = { resource, operation: value };
	let path = operation.path;
	for (const parameter of operation.parameters) {
		if (parameter.in === 'path') {
			const id = parameter.name === 'company_id' ? '12345' : parameter.name === 'subscription_id' ? 'SUB123' : '7';
			path = path.replace(`{${parameter.name}}`, id);
			if (parameter.name === 'company_id') parameters.companyId = { mode: 'id', value: id };
			else {
				const picked = PICKED.has(parameter.name) || (parameter.name === 'document_id' && DOCUMENT_PICKERS.has(operation.resource));
				parameters[camel(parameter.name)] = picked ? { mode: 'id', value: id } : id;
			}
		} else if (parameter.required) {
			parameters[camel(parameter.name)] = queryValue(parameter.name, parameter.enum);
		}
	}
	if (operation.body?.contentType === 'application/json') parameters.body = operation.body.example || '{"data": {}}';
	if (['createClient', 'createSupplier'].includes(operation.operationId)) Object.assign(parameters, { name: 'Studio Bianchi', additionalFields: { vat_number: '01234567890' } });
	if (operation.operationId === 'scheduleEmail') parameters.recipientEmail = 'mary.red@example.com';
	if (operation.parameters.some((parameter) => parameter.name === 'page')) parameters.limit = 2;
	if (operation.body?.contentType === 'multipart/form-data') {
		const file = Buffer.from('%PDF-1.4 ricevuta');
		return {
			parameters,
			path,
			inputItems: [{ json: {}, binary: { data: { data: file.toString('base64'), mimeType: 'application/pdf', fileName: 'ricevuta.pdf' } }, pairedItem: { item: 0 } }],
		};
	}
	return { parameters, path };
}

it('offers every operation of the table in the node (coverage: 0 not offered)', () => {
	expect(RESOURCES.length).toBeGreaterThan(10);
	const missing = FIC_API_OPERATIONS.filter((operation) => !OFFERED.has(operation.operationId)).map((operation) => operation.operationId);
	// eslint-disable-next-line no-console
	console.log(`Fatture in Cloud coverage: ${FIC_API_OPERATIONS.length} operations in the table, ${FIC_API_OPERATIONS.length - missing.length} offered by the node, ${missing.length} not offered`);
	expect(missing).toEqual([]);
	expect(new Set(OFFERED.values()).size).toBe(FIC_API_OPERATIONS.length);
});

describe('every operation of the table, through n8n-core', () => {
	const ran: string[] = [];
	afterAll(() => {
		// eslint-disable-next-line no-console
		console.log(`Fatture in Cloud: ${ran.length} of ${FIC_API_OPERATIONS.length} operations run through n8n-core against the simulator`);
		expect(ran.length).toBe(FIC_API_OPERATIONS.length);
	});

	it.each(FIC_API_OPERATIONS.map((operation) => [operation.operationId, operation] as const))('%s', async (operationId, operation) => {
		const harness = newHarness();
		addCredential(harness, 'fattureInCloudApi', ALL_SCOPES);
		// Subscriptions are stateful on the simulator (the trigger's tests): the spec's example one exists.
		if (operation.resource === 'webhookSubscription') sim.webhooks.seedExample();
		const row = rowOf(operation);
		const result = await run('fattureInCloudApi', row.parameters, { inputItems: row.inputItems }, harness);
		expect(result.error?.message).toBeUndefined();
		expect(result.items.length).toBeGreaterThan(0);
		const requests = apiRequests();
		expect(requests.map((request) => `${request.method} ${request.path}`)).toContain(`${operation.method} ${row.path}`);
		const sent = requests.find((request) => `${request.method} ${request.path}` === `${operation.method} ${row.path}`)!;
		for (const parameter of operation.parameters.filter((entry) => entry.in === 'query' && entry.required)) expect(sent.query[parameter.name]).toBe(String(queryValue(parameter.name, parameter.enum)));
		expect(bearerOf(sent)).toMatch(/^a\//);
		expect(leaksIn(result)).toEqual([]);
		ran.push(operationId);
	});
});

describe.each(AUTHS)('the first operations with %s', (auth) => {
	it.each(['company.getInfo', 'issuedDocument.getAll', 'user.getCompanies', 'user.getInfo', 'client.listClients'])('%s', async (key) => {
		const [resource, operation] = key.split('.');
		const result = await run(auth, { resource, operation, type: 'invoice', limit: 3 });
		expect(result.error?.message).toBeUndefined();
		expect(result.items.length).toBeGreaterThan(0);
		for (const request of apiRequests()) expect(bearerOf(request)).toMatch(/^a\//);
		expect(leaksIn(result)).toEqual([]);
		void rig;
	});
});

it('every operation of the node is a table row (run above) or one tested in its own file', () => {
	const ownFiles = ['connection.keepAlive', 'customApiCall.call']; // keepAlive.test.ts, api.test.ts / credentials tests
	const tableKeys = new Set(OFFERED.values());
	const untested = RESOURCES.flatMap((resource) => resource.operations.map((operation) => `${resource.value}.${operation.value}`)).filter(
		(key) => !tableKeys.has(key) && !ownFiles.includes(key),
	);
	expect(untested).toEqual([]);
});
