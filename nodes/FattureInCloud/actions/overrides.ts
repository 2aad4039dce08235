import type { IDataObject, IExecuteFunctions, INodeProperties } from 'n8n-workflow';

import { compact, idParam, requiredParam, textParam } from '../../shared/parameters';
import { companiesOf, companyOf, ficOperation, ficRequest } from '../transport';
import type { FicCall } from '../transport';
import { FIC_API_OPERATIONS } from '../operations.generated';
import type { FicOperation } from '../operations.generated';
import { COMPANY, fieldsOf, runRow } from './table';
import type { OperationOverride } from './table';

/**
 * Hand-written forms of the most used operations, by operationId. The table (operations.generated.ts)
 * decides which operations exist; an override changes how one is shown and sent. The first four keep
 * the values and answers of the node's first release (company.getInfo, user.getInfo,
 * user.getCompanies, issuedDocument.getAll), so saved workflows keep working.
 */

const ENTITY_FIELDS: INodeProperties = {
	displayName: 'Additional Fields',
	name: 'additionalFields',
	type: 'collection',
	placeholder: 'Add Field',
	default: {},
	options: [
		{ displayName: 'Address City', name: 'address_city', type: 'string', default: '' },
		{ displayName: 'Address Postal Code', name: 'address_postal_code', type: 'string', default: '' },
		{ displayName: 'Address Province', name: 'address_province', type: 'string', default: '', description: 'Two-letter province code, e.g. MI' },
		{ displayName: 'Address Street', name: 'address_street', type: 'string', default: '' },
		{ displayName: 'Certified Email (PEC)', name: 'certified_email', type: 'string', default: '' },
		{ displayName: 'Code', name: 'code', type: 'string', default: '', description: 'Your own code for the entity' },
		{ displayName: 'Country', name: 'country', type: 'string', default: '', description: 'Country name as Fatture in Cloud spells it, e.g. Italia' },
		{ displayName: 'E-Invoice Code (SDI)', name: 'ei_code', type: 'string', default: '', description: 'Recipient code for e-invoices' },
		{ displayName: 'Email', name: 'email', type: 'string', placeholder: 'name@email.com', default: '' },
		{ displayName: 'Notes', name: 'notes', type: 'string', default: '' },
		{ displayName: 'Phone', name: 'phone', type: 'string', default: '' },
		{ displayName: 'Tax Code', name: 'tax_code', type: 'string', default: '', description: 'Codice fiscale' },
		{
			displayName: 'Type',
			name: 'type',
			type: 'options',
			default: 'company',
			options: [
				{ name: 'Company', value: 'company' },
				{ name: 'Condo', value: 'condo' },
				{ name: 'Person', value: 'person' },
				{ name: 'Public Administration', value: 'pa' },
			],
		},
		{ displayName: 'VAT Number', name: 'vat_number', type: 'string', default: '', description: 'Partita IVA' },
	],
};

const ENTITY_NAME: INodeProperties = {
	displayName: 'Name',
	name: 'name',
	type: 'string',
	required: true,
	default: '',
	description: 'Name of the client or supplier (company name, or first and last name)',
};

/** Create Client / Create Supplier as fields instead of JSON. */
function createEntity(): OperationOverride {
	return {
		properties: [COMPANY, ENTITY_NAME, ENTITY_FIELDS],
		execute: async (call: FicCall, row: FicOperation) => {
			const { ctx, itemIndex } = call;
			const data = { name: requiredParam(ctx, 'name', itemIndex), ...compact((ctx.getNodeParameter('additionalFields', itemIndex, {}) ?? {}) as IDataObject) };
			const path = row.path.replace('{company_id}', await companyOf(call));
			const body = await ficRequest(ctx, call.api, { method: 'POST', path, body: { data }, operationId: row.operationId }, itemIndex);
			return (body.data ?? body) as IDataObject;
		},
	};
}

/** Get Issued Document's own fields from the table: Company and Document, and its Options (fields, fieldset). */
const GET_ISSUED_FIELDS = fieldsOf(FIC_API_OPERATIONS.find((row) => row.operationId === 'getIssuedDocument')!);
const ISSUED_DOCUMENT = GET_ISSUED_FIELDS.filter((field) => field.name !== 'options');

/** The document's path on the API, from the Company and Document fields. */
async function documentPath(call: FicCall, suffix = ''): Promise<string> {
	return `/c/${await companyOf(call)}/issued_documents/${idParam(call.ctx as IExecuteFunctions, 'documentId', call.itemIndex)}${suffix}`;
}

export const OVERRIDES: Record<string, OperationOverride> = {
	getCompanyInfo: {
		value: 'getInfo',
		name: 'Get Info',
		action: 'Get company info',
		description: 'Get the detailed info of the company',
		properties: [COMPANY],
		execute: async (call) => await ficOperation(call, 'getCompanyInfo'),
	},
	getUserInfo: {
		value: 'getInfo',
		name: 'Get Info',
		action: 'Get user info',
		description: 'Get the user the credential belongs to (needs no scope; also completes a device login)',
		properties: [],
		execute: async (call) => await ficOperation(call, 'getUserInfo'),
	},
	listUserCompanies: {
		value: 'getCompanies',
		name: 'Get Companies',
		action: 'Get the user companies',
		description: "Get the companies the user controls (an accountant's clients included), one item each",
		properties: [],
		execute: async (call) => companiesOf(await ficOperation(call, 'listUserCompanies')),
	},
	listIssuedDocuments: {
		value: 'getAll',
		name: 'Get Many',
		action: 'Get many issued documents',
		description: 'List the issued documents of one type',
	},
	createClient: createEntity(),
	createSupplier: createEntity(),
	scheduleEmail: {
		name: 'Send by Email',
		action: 'Send an issued document by email',
		description: 'Schedule the sending of the document by email, with a link to its PDF',
		properties: [
			...ISSUED_DOCUMENT,
			{ displayName: 'Recipient Email', name: 'recipientEmail', type: 'string', placeholder: 'name@email.com', required: true, default: '' },
			{
				displayName: 'Options',
				name: 'emailOptions',
				type: 'collection',
				placeholder: 'Add option',
				default: {},
				options: [
					{ displayName: 'Attach PDF', name: 'attach_pdf', type: 'boolean', default: true, description: 'Whether to attach the PDF of the document' },
					{ displayName: 'Body', name: 'body', type: 'string', typeOptions: { rows: 4 }, default: '', description: 'HTML body; {{allegati}} marks where the document links go. The default text of Fatture in Cloud when empty.' },
					{ displayName: 'Send Copy', name: 'send_copy', type: 'boolean', default: false, description: 'Whether to send a copy to the sender' },
					{ displayName: 'Sender Email', name: 'sender_email', type: 'string', placeholder: 'name@email.com', default: '', description: 'One of the sender addresses of the company' },
					{ displayName: 'Subject', name: 'subject', type: 'string', default: '' },
				],
			},
		],
		execute: async (call, row) => {
			const { ctx, itemIndex } = call;
			const options = compact((ctx.getNodeParameter('emailOptions', itemIndex, {}) ?? {}) as IDataObject);
			const data: IDataObject = { recipient_email: requiredParam(ctx, 'recipientEmail', itemIndex), attach_pdf: true, send_copy: false, ...options };
			const body = await ficRequest(ctx, call.api, { method: 'POST', path: await documentPath(call, '/email'), body: { data }, operationId: row.operationId }, itemIndex);
			return { sent: true, recipient_email: data.recipient_email as string, ...body };
		},
	},
	getIssuedDocument: {
		properties: [
			...ISSUED_DOCUMENT,
			{
				displayName: 'Output',
				name: 'output',
				type: 'options',
				default: 'document',
				options: [
					{ name: 'Document', value: 'document', description: 'The whole document' },
					{ name: 'Payment Status', value: 'payments', description: 'Whether it is paid: amounts due and paid, each payment with its status' },
				],
			},
			...GET_ISSUED_FIELDS.filter((field) => field.name === 'options').map((field) => ({ ...field, displayOptions: { show: { output: ['document'] } } })),
		],
		execute: async (call, row) => {
			if (textParam(call.ctx, 'output', call.itemIndex, 'document') === 'document') return await runRow(call, row);
			const body = await ficRequest(call.ctx, call.api, { method: 'GET', path: await documentPath(call), qs: { fieldset: 'detailed' }, operationId: row.operationId }, call.itemIndex);
			return paymentStatus((body.data ?? {}) as IDataObject);
		},
	},
};

/** Paid, partly paid or not paid, from the document's payments. */
export function paymentStatus(document: IDataObject): IDataObject {
	const payments = (Array.isArray(document.payments_list) ? document.payments_list : []) as IDataObject[];
	const amount = (payment: IDataObject) => Number(payment.amount ?? 0);
	const paid = payments.filter((payment) => payment.status === 'paid');
	const total = payments.reduce((sum, payment) => sum + amount(payment), 0);
	const paidAmount = paid.reduce((sum, payment) => sum + amount(payment), 0);
	const status = payments.length === 0 ? 'no_payments' : paid.length === payments.length ? 'paid' : paid.length === 0 ? 'not_paid' : 'partially_paid';
	const today = new Date().toISOString().slice(0, 10);
	const overdue = payments.some((payment) => payment.status !== 'paid' && typeof payment.due_date === 'string' && payment.due_date < today);
	return {
		id: document.id as number,
		type: document.type as string,
		number: document.number as number,
		status,
		overdue,
		amount_total: Math.round(total * 100) / 100,
		amount_paid: Math.round(paidAmount * 100) / 100,
		amount_due: Math.round((total - paidAmount) * 100) / 100,
		payments,
	};
}
