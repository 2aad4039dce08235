import type { INodeProperties } from 'n8n-workflow';

import { LIST_PROPERTIES } from '../../shared/descriptions';
import type { Operation, Resource } from '../../shared/operations';
import { idParam, jsonObjectParam, requiredParam } from '../../shared/parameters';
import { fiskalyCall, fiskalyList, newId } from '../transport';
import type { FiskalyCall, FiskalyConnection } from '../transport';
import { onlyFor } from './family';

/** SIGN ES: taxpayer, signers, clients and invoices. Bodies travel in fiskaly's `content` envelope. */

const content = ({ ctx, itemIndex }: FiskalyCall) => ({ content: jsonObjectParam(ctx, 'content', itemIndex) });

/** "Get" and "Get Many" of a SIGN ES collection whose records are addressed by one id field. */
function reads(one: string, many: string, idField: INodeProperties, path: (call: FiskalyCall) => string, scope: INodeProperties[] = []): Array<Operation<FiskalyConnection>> {
	return [
		{
			value: 'get',
			name: 'Get',
			action: `Get ${one}`,
			description: `Retrieve ${one}`,
			properties: [...scope, idField],
			execute: async (call) => await fiskalyCall(call, 'GET', `${path(call)}/${idParam(call.ctx, idField.name, call.itemIndex)}`),
		},
		{
			value: 'getAll',
			name: 'Get Many',
			action: `Get many ${many}`,
			description: `List ${many}`,
			properties: [...scope, ...LIST_PROPERTIES],
			execute: async (call) => await fiskalyList(call, path(call)),
		},
	];
}

const taxpayer: Resource<FiskalyConnection> = {
	value: 'esTaxpayer',
	name: 'SIGN ES: Taxpayer',
	unavailable: onlyFor('signEs'),
	operations: [
		{
			value: 'createOrUpdate',
			name: 'Create or Update',
			action: 'Create or update the taxpayer',
			description: 'Set the taxpayer of the organisation (PUT)',
			properties: [
				{
					displayName: 'Content',
					name: 'content',
					type: 'json',
					default: '{}',
					description: 'The taxpayer, e.g. {"issuer": {"legal_name": "Bar Uno SL", "tax_number": "B12345678"}, "territory": "SPAIN_OTHER"}',
				},
			],
			execute: async (call) => await fiskalyCall(call, 'PUT', '/taxpayer', { body: content(call) }),
		},
		{
			value: 'get',
			name: 'Get',
			action: 'Get the taxpayer',
			description: 'Retrieve the taxpayer',
			properties: [],
			execute: async (call) => await fiskalyCall(call, 'GET', '/taxpayer'),
		},
	],
};

const SIGNER_ID: INodeProperties = { displayName: 'Signer ID', name: 'signerId', type: 'string', required: true, default: '', description: 'UUID of the signer' };

const signer: Resource<FiskalyConnection> = {
	value: 'esSigner',
	name: 'SIGN ES: Signer',
	unavailable: onlyFor('signEs'),
	operations: [
		{
			value: 'create',
			name: 'Create',
			action: 'Create a signer',
			description: 'Create a signer (PUT with a client-chosen UUID)',
			properties: [
				{ displayName: 'Signer ID', name: 'newSignerId', type: 'string', default: '', description: 'UUID for the new signer; leave empty to generate one' },
				{ displayName: 'Content', name: 'content', type: 'json', default: '{}', description: 'Signer fields, usually {}' },
			],
			execute: async (call) =>
				await fiskalyCall(call, 'PUT', `/signers/${newId(call.ctx, 'newSignerId', call.itemIndex)}`, { body: content(call) }),
		},
		...reads('a signer', 'signers', SIGNER_ID, () => '/signers'),
	],
};

const CLIENT_ID: INodeProperties = { displayName: 'Client ID', name: 'clientId', type: 'string', required: true, default: '', description: 'UUID of the client' };

const esClient: Resource<FiskalyConnection> = {
	value: 'esClient',
	name: 'SIGN ES: Client',
	unavailable: onlyFor('signEs'),
	operations: [
		{
			value: 'create',
			name: 'Create',
			action: 'Create a client',
			description: 'Create a client (cash register) bound to a signer',
			properties: [
				{ displayName: 'Client ID', name: 'newClientId', type: 'string', default: '', description: 'UUID for the new client; leave empty to generate one' },
				{ ...SIGNER_ID, description: 'UUID of the signer the client uses' },
				{ displayName: 'Additional Content', name: 'content', type: 'json', default: '{}', description: 'Further client fields merged into content' },
			],
			execute: async (call) => {
				const { ctx, itemIndex } = call;
				const body = { content: { signer: { id: requiredParam(ctx, 'signerId', itemIndex) }, ...jsonObjectParam(ctx, 'content', itemIndex) } };
				return await fiskalyCall(call, 'PUT', `/clients/${newId(ctx, 'newClientId', itemIndex)}`, { body });
			},
		},
		...reads('a client', 'clients', CLIENT_ID, () => '/clients'),
	],
};

const ISSUING_CLIENT = { ...CLIENT_ID, description: 'UUID of the client that issues the invoice' };
const invoices = ({ ctx, itemIndex }: FiskalyCall) => `/clients/${idParam(ctx, 'clientId', itemIndex)}/invoices`;

const invoice: Resource<FiskalyConnection> = {
	value: 'esInvoice',
	name: 'SIGN ES: Invoice',
	unavailable: onlyFor('signEs'),
	operations: [
		{
			value: 'create',
			name: 'Create',
			action: 'Create an invoice',
			description: 'Issue an invoice for a client (PUT with a client-chosen UUID)',
			properties: [
				ISSUING_CLIENT,
				{ displayName: 'Invoice ID', name: 'newInvoiceId', type: 'string', default: '', description: 'UUID for the new invoice; leave empty to generate one' },
				{
					displayName: 'Content',
					name: 'content',
					type: 'json',
					default: '{}',
					description: 'The invoice, e.g. {"type": "SIMPLIFIED", "number": "1", "series": "A", "text": "Coffee", "full_amount": "2.20", "items": [...]}',
				},
			],
			execute: async (call) =>
				await fiskalyCall(call, 'PUT', `${invoices(call)}/${newId(call.ctx, 'newInvoiceId', call.itemIndex)}`, { body: content(call) }),
		},
		...reads(
			'an invoice',
			'invoices',
			{ displayName: 'Invoice ID', name: 'invoiceId', type: 'string', required: true, default: '', description: 'UUID of the invoice' },
			invoices,
			[ISSUING_CLIENT],
		),
	],
};

export const SIGN_ES = [taxpayer, signer, esClient, invoice];
