import type { IDataObject, IExecuteFunctions, INodeProperties, INodePropertyOptions } from 'n8n-workflow';

import { LIST_PROPERTIES } from '../../shared/descriptions';
import { idLocator } from '../../shared/locators';
import type { Operation, OperationResult, Resource } from '../../shared/operations';
import { compact, idParam, jsonObjectParam, textParam } from '../../shared/parameters';
import { companyOf, ficList, ficRequest } from '../transport';
import type { FicApi, FicCall, FicRequest } from '../transport';
import { FIC_API_OPERATIONS } from '../operations.generated';
import type { FicOperation, FicParameter } from '../operations.generated';

/**
 * The node's resources, operations and fields built from the generated operation table
 * (operations.generated.ts): path ids as pickers or ID fields, required query parameters as fields,
 * optional ones (fields, fieldset, sort, q, ...) under Options, list operations with Return All over
 * page/per_page, JSON bodies with the spec's example as placeholder. `overrides` (overrides.ts) give
 * the most used operations a hand-written form; the table still decides which operations exist.
 */

/** The company every /c/{company_id} call goes to; empty = the user's only company. */
export const COMPANY: INodeProperties = {
	displayName: 'Company',
	name: 'companyId',
	type: 'resourceLocator',
	default: { mode: 'list', value: '' },
	description: 'The company to work in. Leave empty when the user has only one company: it is used.',
	modes: [
		{ displayName: 'From List', name: 'list', type: 'list', placeholder: 'Select…', typeOptions: { searchListMethod: 'searchCompanies', searchable: true } },
		{ displayName: 'By ID', name: 'id', type: 'string', placeholder: '12345' },
	],
};

/** The scope resource of each issued document type (issued_documents.<plural>). */
export const SCOPE_OF_TYPE: Record<string, string> = {
	credit_note: 'credit_notes',
	delivery_note: 'delivery_notes',
	invoice: 'invoices',
	order: 'orders',
	proforma: 'proformas',
	quote: 'quotes',
	receipt: 'receipts',
	self_own_invoice: 'self_invoices',
	self_supplier_invoice: 'self_invoices',
	supplier_order: 'supplier_orders',
	work_report: 'work_reports',
};

/** Path ids with a picker: the field, by the path parameter (and, for document_id, the resource). */
const PICKERS: Record<string, INodeProperties> = {
	client_id: idLocator({ displayName: 'Client', name: 'clientId', description: 'The client to work on', searchListMethod: 'searchClients', idPlaceholder: '12345' }),
	supplier_id: idLocator({ displayName: 'Supplier', name: 'supplierId', description: 'The supplier to work on', searchListMethod: 'searchSuppliers', idPlaceholder: '12345' }),
	product_id: idLocator({ displayName: 'Product', name: 'productId', description: 'The product to work on', searchListMethod: 'searchProducts', idPlaceholder: '12345' }),
	'issuedDocument.document_id': idLocator({
		displayName: 'Document',
		name: 'documentId',
		description: 'The issued document to work on (the list shows invoices, or the type chosen in Type)',
		searchListMethod: 'searchIssuedDocuments',
		idPlaceholder: '12345',
	}),
	'receivedDocument.document_id': idLocator({
		displayName: 'Document',
		name: 'documentId',
		description: 'The received document to work on (the list shows expenses)',
		searchListMethod: 'searchReceivedDocuments',
		idPlaceholder: '12345',
	}),
};
PICKERS['issuedEInvoice.document_id'] = PICKERS['issuedDocument.document_id'];

/** Query parameters the list loop sets itself. */
const PAGING = new Set(['page', 'per_page']);

const WORDS: Record<string, string> = { id: 'ID', ids: 'IDs', vat: 'VAT', xml: 'XML', e: 'E', fic: 'FIC', sdi: 'SDI', f24: 'F24' };

/** snake_case to camelCase (field names). */
export const camel = (name: string) => name.replace(/_([a-z0-9])/g, (_, letter: string) => letter.toUpperCase());

/** snake_case to Title Case (display names, option names). */
export function title(name: string): string {
	return name
		.split(/[_\s]+/)
		.filter(Boolean)
		.map((word) => WORDS[word.toLowerCase()] ?? word.charAt(0).toUpperCase() + word.slice(1))
		.join(' ');
}

/** A description as n8n wants it: one sentence without a final period, or several sentences with theirs. */
export function sentence(text: string, fallback: string): string {
	const trimmed = (text.trim() || fallback).replace(/\bids\b/gi, 'IDs').replace(/\bid\b/gi, 'ID');
	const sentences = trimmed.split(/(?<=\.)\s+/).filter(Boolean);
	if (sentences.length === 1) return trimmed.replace(/\.+$/, '');
	return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

/** Operation names: the spec's summary, with the odd ones made consistent. */
const NAMES: Record<string, string> = {
	CreateWebhooksSubscription: 'Create Webhooks Subscription',
	GetBinIssuedDocument: 'Get Bin Issued Document',
	GetBinReceivedDocument: 'Get Bin Received Document',
	getClientInfo: 'Get Client Pre-Create Info',
	getPriceListItems: 'Get Price List Items',
	getPriceLists: 'Get Price Lists',
};

/** Sentence case of a Title Case name, keeping acronyms ("Get E-Invoice XML" -> "Get e-invoice XML"). */
export function actionOf(name: string): string {
	const preCreate = /^Get (.+) Pre-Create Info$/.exec(name);
	if (preCreate) return actionOf(`Get info for a new ${preCreate[1]}`);
	return name
		.replace(/\bE-Invoice\b/g, 'Electronic Invoice')
		.split(' ')
		.map((word, index) => (index === 0 || /^[A-Z0-9]{2,}$/.test(word) || word === 'F24' ? word : word.toLowerCase()))
		.join(' ');
}

const isList = (operation: FicOperation) => operation.method === 'GET' && operation.parameters.some((parameter) => parameter.name === 'page');

function optionsOf(parameter: FicParameter): INodePropertyOptions[] {
	const values = parameter.enum ?? [];
	if (values.length === 2 && values.includes(0) && values.includes(1)) {
		return [
			{ name: 'No', value: 0 },
			{ name: 'Yes', value: 1 },
		];
	}
	return values.map((value) => ({ name: title(String(value)), value })).sort((a, b) => a.name.localeCompare(b.name));
}

/** A field's description from the spec, or none when the spec says nothing the display name does not. */
function described(field: INodeProperties, text: string): INodeProperties {
	const said = sentence(text, '');
	const plain = (value: string) => value.toLowerCase().replace(/^the /, '').replace(/[^a-z0-9]/g, '');
	if (said === '' || plain(said) === plain(field.displayName)) {
		const { description: _omitted, ...rest } = field;
		void _omitted;
		return rest;
	}
	return { ...field, description: said };
}

/** One query parameter as a field (top level when required, inside Options otherwise). */
export function queryField(parameter: FicParameter): INodeProperties {
	return parameter.type === 'boolean' && !parameter.enum ? fieldOf(parameter) : described(fieldOf(parameter), parameter.description);
}

function fieldOf(parameter: FicParameter): INodeProperties {
	const base = { displayName: title(parameter.name), name: camel(parameter.name) };
	const said = parameter.description.replace(/\.$/, '');
	if (parameter.enum) {
		const options = optionsOf(parameter);
		// The spec's default, else the everyday value (invoices, expenses), else the first.
		const everyday = options.find((option) => option.value === 'invoice' || option.value === 'expense');
		const fallback = parameter.default !== undefined && options.some((option) => option.value === parameter.default) ? parameter.default : (everyday ?? options[0]).value;
		return { ...base, type: 'options', options, default: fallback as string | number };
	}
	if (parameter.type === 'boolean') {
		const lower = said.charAt(0).toLowerCase() + said.slice(1);
		return { ...base, type: 'boolean', default: parameter.default === true || parameter.default === 'true', description: `Whether to ${lower || title(parameter.name).toLowerCase()}` };
	}
	if (parameter.type === 'integer' || parameter.type === 'number') {
		return { ...base, type: 'number', default: 0 };
	}
	const field: INodeProperties = { ...base, type: 'string', default: '' };
	if (parameter.example !== undefined) field.placeholder = `e.g. ${String(parameter.example)}`;
	return field;
}

/** A path id: a picker for clients, suppliers, products and documents, an ID field otherwise. */
function pathField(operation: FicOperation, parameter: FicParameter): INodeProperties {
	const picker = PICKERS[`${operation.resource}.${parameter.name}`] ?? PICKERS[parameter.name];
	if (picker) return picker;
	return described({ displayName: title(parameter.name), name: camel(parameter.name), type: 'string', required: true, default: '' }, parameter.description);
}

/** The fields of one table row, in the order a user fills them. */
export function fieldsOf(operation: FicOperation): INodeProperties[] {
	const fields: INodeProperties[] = [];
	for (const parameter of operation.parameters) {
		if (parameter.in !== 'path') continue;
		fields.push(parameter.name === 'company_id' ? COMPANY : pathField(operation, parameter));
	}
	const query = operation.parameters.filter((parameter) => parameter.in === 'query' && !PAGING.has(parameter.name));
	for (const parameter of query.filter((entry) => entry.required)) fields.push({ ...queryField(parameter), required: true });
	if (operation.body?.contentType === 'application/json') {
		const field: INodeProperties = {
			displayName: 'Body',
			name: 'body',
			type: 'json',
			default: '{}',
			description: `${sentence(operation.body.description, 'The request body')}. JSON as the API takes it, usually {"data": {...}}; the placeholder is the example of the API description.`,
		};
		if (operation.body.example) field.placeholder = operation.body.example;
		fields.push(field);
	}
	if (operation.body?.contentType === 'multipart/form-data') {
		fields.push(
			{
				displayName: 'Input Binary Field',
				name: 'binaryPropertyName',
				type: 'string',
				default: 'data',
				required: true,
				description: 'The binary field of the input item that holds the file to upload',
			},
			{
				displayName: 'File Name',
				name: 'filename',
				type: 'string',
				default: '',
				description: "The attachment's file name; the binary field's own name when empty",
			},
		);
	}
	if (isList(operation)) fields.push(...LIST_PROPERTIES);
	const optional = query.filter((entry) => !entry.required);
	if (optional.length > 0) {
		fields.push({
			displayName: 'Options',
			name: 'options',
			type: 'collection',
			placeholder: 'Add option',
			default: {},
			options: optional.map(queryField).sort((a, b) => a.displayName.localeCompare(b.displayName)),
		});
	}
	return fields;
}

/** The request of one table row for one item: path ids filled in, query from fields and Options, JSON body. */
export async function requestOf(call: FicCall, operation: FicOperation): Promise<FicRequest & { qs: IDataObject }> {
	const { ctx, itemIndex } = call;
	const execute = ctx as IExecuteFunctions;
	let path = operation.path;
	for (const parameter of operation.parameters.filter((entry) => entry.in === 'path')) {
		const value = parameter.name === 'company_id' ? await companyOf(call) : idParam(execute, (pathField(operation, parameter).name), itemIndex);
		path = path.replace(`{${parameter.name}}`, value);
	}
	const qs: IDataObject = {};
	const options = (execute.getNodeParameter('options', itemIndex, {}) ?? {}) as IDataObject;
	for (const parameter of operation.parameters.filter((entry) => entry.in === 'query' && !PAGING.has(entry.name))) {
		const name = camel(parameter.name);
		const value = parameter.required ? execute.getNodeParameter(name, itemIndex, '') : options[name];
		if (value !== undefined && value !== '') qs[parameter.name] = typeof value === 'string' ? value.trim() : (value as IDataObject[string]);
	}
	const request: FicRequest & { qs: IDataObject } = { method: operation.method, path, qs: compact(qs), operationId: operation.operationId };
	if (typeof qs.type === 'string' && SCOPE_OF_TYPE[qs.type]) request.scopeHint = SCOPE_OF_TYPE[qs.type];
	if (operation.body?.contentType === 'application/json') request.body = jsonObjectParam(execute, 'body', itemIndex);
	if (operation.body?.contentType === 'multipart/form-data') {
		const property = textParam(execute, 'binaryPropertyName', itemIndex, 'data') || 'data';
		const binary = execute.helpers.assertBinaryData(itemIndex, property);
		const buffer = await execute.helpers.getBinaryDataBuffer(itemIndex, property);
		const filename = textParam(execute, 'filename', itemIndex) || binary.fileName || property;
		request.form = { filename, attachment: { data: buffer, fileName: binary.fileName ?? filename, mimeType: binary.mimeType } };
	}
	return request;
}

/** What an answer becomes: the `data` of the envelope (a list: one item each), the whole body otherwise. */
export function unwrap(body: IDataObject): OperationResult {
	const keys = Object.keys(body);
	if (keys.length === 1 && keys[0] === 'data') {
		const data = body.data;
		if (Array.isArray(data)) return data.map((entry) => (typeof entry === 'object' && entry !== null ? (entry as IDataObject) : { value: entry }));
		if (typeof data === 'object' && data !== null) return data as IDataObject;
	}
	return body;
}

/** Runs one table row: a list through the shared page loop, anything else as one call. */
export async function runRow(call: FicCall, operation: FicOperation): Promise<OperationResult> {
	const request = await requestOf(call, operation);
	if (isList(operation)) return await ficList(call, operation.operationId, request.qs, request.scopeHint);
	if (operation.operationId === 'getEInvoiceXml') request.acceptText = true;
	return unwrap(await ficRequest(call.ctx, call.api, request, call.itemIndex));
}

/** The spec's description, or (when it only repeats the name) the call it makes. */
function describeOperation(row: FicOperation, name: string): string {
	const said = sentence(row.description, '');
	const plain = (value: string) => value.toLowerCase().replace(/[^a-z0-9]/g, '');
	return said === '' || plain(said) === plain(name) || plain(said) === plain(row.summary) ? `${row.method} ${row.path}` : said;
}

export type OperationOverride = Partial<Omit<Operation<FicApi>, 'execute'>> & {
	execute?: (call: FicCall, operation: FicOperation) => Promise<OperationResult>;
};

/** The operation of one table row, with its override applied. */
export function operationOf(row: FicOperation, override: OperationOverride = {}): Operation<FicApi> {
	const name = override.name ?? NAMES[row.operationId] ?? title(row.summary);
	const run = override.execute ?? runRow;
	return {
		value: override.value ?? row.operationId.charAt(0).toLowerCase() + row.operationId.slice(1),
		name,
		action: override.action ?? actionOf(name),
		description: override.description ?? describeOperation(row, name),
		properties: override.properties ?? fieldsOf(row),
		execute: async (call) => await run(call, row),
	};
}

/** operationId -> "resource.operation" of the node, filled as the resources are built (coverage report, tests). */
export const OFFERED = new Map<string, string>();

/** Every resource of the table, each operation with its override (by operationId). */
export function tableResources(overrides: Record<string, OperationOverride>): Array<Resource<FicApi>> {
	const resources = new Map<string, Resource<FicApi>>();
	for (const row of FIC_API_OPERATIONS) {
		const resource = resources.get(row.resource) ?? { value: row.resource, name: row.resourceName, operations: [] };
		const operation = operationOf(row, overrides[row.operationId]);
		resource.operations.push(operation);
		resources.set(row.resource, resource);
		OFFERED.set(row.operationId, `${row.resource}.${operation.value}`);
	}
	return [...resources.values()];
}
