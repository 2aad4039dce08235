import { NodeConnectionTypes } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { buildProperties, runOperations } from '../shared/operations';
import { RESOURCES } from './actions';
import { searchClients, searchCompanies, searchIssuedDocuments, searchProducts, searchReceivedDocuments, searchSuppliers } from './listSearch';
import { AUTHENTICATION, connect, CREDENTIALS } from './transport';

export class FattureInCloud implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Fatture in Cloud',
		name: 'fattureInCloud',
		icon: { light: 'file:fattureincloud.svg', dark: 'file:fattureincloud.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Read and manage everything in Fatture in Cloud: documents, e-invoices, clients, suppliers, products, receipts, cashbook and more',
		defaults: { name: 'Fatture in Cloud' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: CREDENTIALS,
		properties: [
			AUTHENTICATION,
			...buildProperties(RESOURCES, { defaultResource: 'issuedDocument' }),
		],
	};

	methods = { listSearch: { searchClients, searchCompanies, searchIssuedDocuments, searchProducts, searchReceivedDocuments, searchSuppliers } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await runOperations(this, { resources: RESOURCES, connect });
	}
}
