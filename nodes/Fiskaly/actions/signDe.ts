import type { INodeProperties } from 'n8n-workflow';

import { LIST_PROPERTIES } from '../../shared/descriptions';
import { idLocator } from '../../shared/locators';
import type { Operation, Resource } from '../../shared/operations';
import { idParam, jsonObjectParam, requiredParam, textParam } from '../../shared/parameters';
import { fiskalyCall, fiskalyList, newId } from '../transport';
import type { FiskalyCall, FiskalyConnection } from '../transport';
import { onlyFor } from './family';

/** SIGN DE v2: technical security systems (TSS), their clients (cash registers), and transactions. */

const TSS_ID = idLocator({
	displayName: 'TSS',
	name: 'tssId',
	description: 'The technical security system, picked from the list or given by its UUID',
	searchListMethod: 'searchTss',
	idPlaceholder: 'e.g. 1b3c4d5e-0000-4000-8000-000000000001',
});

const CLIENT_ID = idLocator({
	displayName: 'Client',
	name: 'clientId',
	description: 'The client (cash register) of the TSS, picked from the list or given by its UUID',
	searchListMethod: 'searchClients',
	idPlaceholder: 'e.g. 7c1d2e3f-0000-4000-8000-000000000002',
});

const tssPath = ({ ctx, itemIndex }: FiskalyCall) => `/tss/${idParam(ctx, 'tssId', itemIndex)}`;

const tss: Resource<FiskalyConnection> = {
	value: 'tss',
	name: 'SIGN DE: TSS',
	unavailable: onlyFor('signDe'),
	operations: [
		{
			value: 'create',
			name: 'Create',
			action: 'Create a TSS',
			description: 'Create a technical security system (PUT with a client-chosen UUID)',
			properties: [
				{ displayName: 'TSS ID', name: 'newTssId', type: 'string', default: '', description: 'UUID for the new TSS; leave empty to generate one' },
				{ displayName: 'Body', name: 'metadata', type: 'json', default: '{}', description: 'Request body, e.g. {"metadata": {"store": "Berlin 1"}}' },
			],
			execute: async (call) =>
				await fiskalyCall(call, 'PUT', `/tss/${newId(call.ctx, 'newTssId', call.itemIndex)}`, {
					body: jsonObjectParam(call.ctx, 'metadata', call.itemIndex),
				}),
		},
		{
			value: 'get',
			name: 'Get',
			action: 'Get a TSS',
			description: 'Retrieve a TSS',
			properties: [TSS_ID],
			execute: async (call) => await fiskalyCall(call, 'GET', tssPath(call)),
		},
		{
			value: 'getAll',
			name: 'Get Many',
			action: 'Get many TSS',
			description: 'List TSS',
			properties: LIST_PROPERTIES,
			execute: async (call) => await fiskalyList(call, '/tss'),
		},
		{
			value: 'initialize',
			name: 'Change State (Initialise)',
			action: 'Change the state of a TSS',
			description: 'Move a TSS to UNINITIALIZED, INITIALIZED or DISABLED (initialising needs an authenticated admin)',
			properties: [
				TSS_ID,
				{
					displayName: 'State',
					name: 'state',
					type: 'options',
					default: 'INITIALIZED',
					options: [
						{ name: 'Disabled', value: 'DISABLED' },
						{ name: 'Initialized', value: 'INITIALIZED' },
						{ name: 'Uninitialized', value: 'UNINITIALIZED' },
					],
				},
			],
			execute: async (call) =>
				await fiskalyCall(call, 'PATCH', tssPath(call), { body: { state: textParam(call.ctx, 'state', call.itemIndex) } }),
		},
		{
			value: 'update',
			name: 'Update',
			action: 'Update a TSS',
			description: 'Update fields of a TSS, such as its metadata',
			properties: [
				TSS_ID,
				{ displayName: 'Fields', name: 'fields', type: 'json', default: '{}', description: 'Fields to change, e.g. {"metadata": {"store": "Berlin 2"}}' },
			],
			execute: async (call) =>
				await fiskalyCall(call, 'PATCH', tssPath(call), { body: jsonObjectParam(call.ctx, 'fields', call.itemIndex) }),
		},
	],
};

const client: Resource<FiskalyConnection> = {
	value: 'client',
	name: 'SIGN DE: Client',
	unavailable: onlyFor('signDe'),
	operations: [
		{
			value: 'create',
			name: 'Create',
			action: 'Create a client',
			description: 'Register a client (cash register) with a TSS',
			properties: [
				TSS_ID,
				{ displayName: 'Client ID', name: 'clientId', type: 'string', default: '', description: 'UUID for the new client; leave empty to generate one' },
				{ displayName: 'Serial Number', name: 'serialNumber', type: 'string', required: true, default: '', description: 'Serial number of the cash register' },
			],
			execute: async (call) =>
				await fiskalyCall(call, 'PUT', `${tssPath(call)}/client/${newId(call.ctx, 'clientId', call.itemIndex)}`, {
					body: { serial_number: requiredParam(call.ctx, 'serialNumber', call.itemIndex) },
				}),
		},
		{
			value: 'get',
			name: 'Get',
			action: 'Get a client',
			description: 'Retrieve a client',
			properties: [TSS_ID, CLIENT_ID],
			execute: async (call) =>
				await fiskalyCall(call, 'GET', `${tssPath(call)}/client/${idParam(call.ctx, 'clientId', call.itemIndex)}`),
		},
		{
			value: 'getAll',
			name: 'Get Many',
			action: 'Get many clients',
			description: 'List the clients of a TSS',
			properties: [TSS_ID, ...LIST_PROPERTIES],
			execute: async (call) => await fiskalyList(call, `${tssPath(call)}/client`),
		},
	],
};

const TX_ID: INodeProperties = { displayName: 'Transaction ID', name: 'txId', type: 'string', required: true, default: '', description: 'UUID of the transaction' };
const TX_REVISION: INodeProperties = {
	displayName: 'Transaction Revision',
	name: 'txRevision',
	type: 'number',
	typeOptions: { minValue: 2 },
	default: 2,
	description: 'Sent as tx_revision: the latest revision of the transaction plus one',
};
const TX_DATA: INodeProperties = {
	displayName: 'Transaction Data',
	name: 'transactionData',
	type: 'json',
	default: '{}',
	description:
		'Merged into the body, e.g. {"schema": {"standard_v1": {"receipt": {"receipt_type": "RECEIPT", "amounts_per_vat_rate": [{"vat_rate": "NORMAL", "amount": "21.42"}], "amounts_per_payment_type": [{"payment_type": "CASH", "amount": "21.42"}]}}}}',
};
const SIGNING_CLIENT = { ...CLIENT_ID, description: 'The client (cash register) signing the transaction' };

/** PUT /tss/{tss}/tx/{tx}?tx_revision=N: fiskaly's one call that starts, updates and finishes a transaction. */
async function putTransaction(call: FiskalyCall, state: 'ACTIVE' | 'FINISHED', revision: number, txId: string) {
	const { ctx, itemIndex } = call;
	const body = { state, client_id: requiredParam(ctx, 'clientId', itemIndex), ...jsonObjectParam(ctx, 'transactionData', itemIndex) };
	return await fiskalyCall(call, 'PUT', `${tssPath(call)}/tx/${txId}`, { body, qs: { tx_revision: revision } });
}

const revision = ({ ctx, itemIndex }: FiskalyCall) => Number(ctx.getNodeParameter('txRevision', itemIndex, 2));
const existingTx = (call: FiskalyCall) => idParam(call.ctx, 'txId', call.itemIndex);

const transactionChange = (value: 'finish' | 'update'): Operation<FiskalyConnection> => ({
	value,
	name: value === 'finish' ? 'Finish' : 'Update',
	action: value === 'finish' ? 'Finish a transaction' : 'Update a transaction',
	description:
		value === 'finish' ? 'Finish a transaction with its receipt data (state FINISHED)' : 'Update an active transaction (state ACTIVE)',
	properties: [TSS_ID, TX_ID, SIGNING_CLIENT, TX_REVISION, TX_DATA],
	execute: async (call) => await putTransaction(call, value === 'finish' ? 'FINISHED' : 'ACTIVE', revision(call), existingTx(call)),
});

const transaction: Resource<FiskalyConnection> = {
	value: 'transaction',
	name: 'SIGN DE: Transaction',
	unavailable: onlyFor('signDe'),
	operations: [
		transactionChange('finish'),
		{
			value: 'get',
			name: 'Get',
			action: 'Get a transaction',
			description: 'Retrieve a transaction',
			properties: [TSS_ID, TX_ID],
			execute: async (call) => await fiskalyCall(call, 'GET', `${tssPath(call)}/tx/${existingTx(call)}`),
		},
		{
			value: 'getAll',
			name: 'Get Many',
			action: 'Get many transactions',
			description: 'List the transactions of a TSS',
			properties: [TSS_ID, ...LIST_PROPERTIES],
			execute: async (call) => await fiskalyList(call, `${tssPath(call)}/tx`),
		},
		{
			value: 'start',
			name: 'Start',
			action: 'Start a transaction',
			description: 'Start a transaction (revision 1, state ACTIVE)',
			properties: [
				TSS_ID,
				{ displayName: 'Transaction ID', name: 'newTxId', type: 'string', default: '', description: 'UUID for the new transaction; leave empty to generate one' },
				SIGNING_CLIENT,
				TX_DATA,
			],
			execute: async (call) => await putTransaction(call, 'ACTIVE', 1, newId(call.ctx, 'newTxId', call.itemIndex)),
		},
		transactionChange('update'),
	],
};

export const SIGN_DE = [tss, client, transaction];
