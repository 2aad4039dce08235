import { call, getAllOperation, getOperation, id, json, jsonField, listFields, newId, required, textField } from '../transport';
import type { Fiskaly, ResourceDefinition } from '../transport';

/** SIGN ES: taxpayer, signers, clients and invoices. Bodies travel in fiskaly's `content` envelope. */

const content = (f: Fiskaly, i: number) => ({ content: json(f, 'content', i) });

export const taxpayer: ResourceDefinition = {
	value: 'esTaxpayer',
	name: 'SIGN ES: Taxpayer',
	families: ['signEs'],
	operations: [
		{
			value: 'createOrUpdate',
			name: 'Create or Update',
			action: 'Create or update the taxpayer',
			description: 'Set the taxpayer of the organisation (PUT)',
			run: async (f, i) => await call(f, i, 'PUT', '/taxpayer', { body: content(f, i) }),
		},
		getOperation('the taxpayer', () => '/taxpayer'),
	],
	fields: [
		jsonField('esTaxpayer', ['createOrUpdate'], 'content', 'Content', 'The taxpayer, e.g. {"issuer": {"legal_name": "Bar Uno SL", "tax_number": "B12345678"}, "territory": "SPAIN_OTHER"}'),
	],
};

export const signer: ResourceDefinition = {
	value: 'esSigner',
	name: 'SIGN ES: Signer',
	families: ['signEs'],
	operations: [
		{
			value: 'create',
			name: 'Create',
			action: 'Create a signer',
			description: 'Create a signer (PUT with a client-chosen UUID)',
			run: async (f, i) => await call(f, i, 'PUT', `/signers/${newId(f, 'newSignerId', i)}`, { body: content(f, i) }),
		},
		getOperation('a signer', (f, i) => `/signers/${id(f, 'signerId', i)}`),
		getAllOperation('signers', () => '/signers'),
	],
	fields: [
		textField('esSigner', ['create'], 'newSignerId', 'Signer ID', 'UUID for the new signer; leave empty to generate one', false),
		textField('esSigner', ['get'], 'signerId', 'Signer ID', 'UUID of the signer'),
		jsonField('esSigner', ['create'], 'content', 'Content', 'Signer fields, usually {}'),
		...listFields('esSigner'),
	],
};

export const esClient: ResourceDefinition = {
	value: 'esClient',
	name: 'SIGN ES: Client',
	families: ['signEs'],
	operations: [
		{
			value: 'create',
			name: 'Create',
			action: 'Create a client',
			description: 'Create a client (cash register) bound to a signer',
			run: async (f, i) =>
				await call(f, i, 'PUT', `/clients/${newId(f, 'newClientId', i)}`, {
					body: { content: { signer: { id: required(f, 'signerId', i) }, ...json(f, 'content', i) } },
				}),
		},
		getOperation('a client', (f, i) => `/clients/${id(f, 'clientId', i)}`),
		getAllOperation('clients', () => '/clients'),
	],
	fields: [
		textField('esClient', ['create'], 'newClientId', 'Client ID', 'UUID for the new client; leave empty to generate one', false),
		textField('esClient', ['get'], 'clientId', 'Client ID', 'UUID of the client'),
		textField('esClient', ['create'], 'signerId', 'Signer ID', 'UUID of the signer the client uses'),
		jsonField('esClient', ['create'], 'content', 'Additional Content', 'Further client fields merged into content'),
		...listFields('esClient'),
	],
};

const invoices = (f: Fiskaly, i: number) => `/clients/${id(f, 'clientId', i)}/invoices`;

export const invoice: ResourceDefinition = {
	value: 'esInvoice',
	name: 'SIGN ES: Invoice',
	families: ['signEs'],
	operations: [
		{
			value: 'create',
			name: 'Create',
			action: 'Create an invoice',
			description: 'Issue an invoice for a client (PUT with a client-chosen UUID)',
			run: async (f, i) => await call(f, i, 'PUT', `${invoices(f, i)}/${newId(f, 'newInvoiceId', i)}`, { body: content(f, i) }),
		},
		getOperation('an invoice', (f, i) => `${invoices(f, i)}/${id(f, 'invoiceId', i)}`),
		getAllOperation('invoices', invoices),
	],
	fields: [
		textField('esInvoice', ['create', 'get', 'getAll'], 'clientId', 'Client ID', 'UUID of the client that issues the invoice'),
		textField('esInvoice', ['create'], 'newInvoiceId', 'Invoice ID', 'UUID for the new invoice; leave empty to generate one', false),
		textField('esInvoice', ['get'], 'invoiceId', 'Invoice ID', 'UUID of the invoice'),
		jsonField('esInvoice', ['create'], 'content', 'Content', 'The invoice, e.g. {"type": "SIMPLIFIED", "number": "1", "series": "A", "text": "Coffee", "full_amount": "2.20", "items": [...]}'),
		...listFields('esInvoice'),
	],
};
