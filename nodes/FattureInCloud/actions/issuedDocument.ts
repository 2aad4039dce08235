import { LIST_PROPERTIES } from '../../shared/descriptions';
import type { Resource } from '../../shared/operations';
import { textParam } from '../../shared/parameters';
import { ficList } from '../transport';
import type { FicApi } from '../transport';
import { COMPANY } from './company';

/** The scope resource of each document type (issued_documents.<plural>). */
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

export const issuedDocument: Resource<FicApi> = {
	value: 'issuedDocument',
	name: 'Issued Document',
	operations: [
		{
			value: 'getAll',
			name: 'Get Many',
			action: 'Get many issued documents',
			description: 'List the issued documents of one type',
			properties: [
				COMPANY,
				{
					displayName: 'Type',
					name: 'type',
					type: 'options',
					default: 'invoice',
					options: [
						{ name: 'Credit Note', value: 'credit_note' },
						{ name: 'Delivery Note', value: 'delivery_note' },
						{ name: 'Invoice', value: 'invoice' },
						{ name: 'Order', value: 'order' },
						{ name: 'Proforma', value: 'proforma' },
						{ name: 'Quote', value: 'quote' },
						{ name: 'Receipt', value: 'receipt' },
						{ name: 'Self Invoice (Own)', value: 'self_own_invoice' },
						{ name: 'Self Invoice (Supplier)', value: 'self_supplier_invoice' },
						{ name: 'Supplier Order', value: 'supplier_order' },
						{ name: 'Work Report', value: 'work_report' },
					],
					description: 'The type of the issued documents to list',
				},
				...LIST_PROPERTIES,
			],
			async execute(call) {
				const type = textParam(call.ctx, 'type', call.itemIndex, 'invoice');
				return await ficList(call, 'listIssuedDocuments', { type }, SCOPE_OF_TYPE[type]);
			},
		},
	],
};
