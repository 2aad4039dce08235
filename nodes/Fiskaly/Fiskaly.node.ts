import { NodeConnectionTypes } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { buildProperties, runOperations } from '../shared/operations';
import { RESOURCES } from './actions';
import { searchClients, searchTss } from './listSearch';
import { connect } from './transport';

/**
 * fiskaly: the product family comes from the credential (SIGN DE v2, SIGN ES, the unified API for
 * SIGN IT / SIGN FR / E-Invoice, ...); each resource belongs to one family, and Custom API Call
 * reaches any endpoint of the credential's product.
 */
export class Fiskaly implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'fiskaly',
		name: 'fiskaly',
		icon: { light: 'file:fiskaly.svg', dark: 'file:fiskaly.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Fiscalise sales with fiskaly SIGN DE, SIGN ES, SIGN IT, SIGN FR and E-Invoice',
		defaults: { name: 'fiskaly' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'fiskalyApi', required: true }],
		properties: buildProperties(RESOURCES, {
			defaultResource: 'tss',
			resourceDescription: 'Resources are grouped by fiskaly product; use those of the product selected in the credential',
		}),
	};

	methods = { listSearch: { searchClients, searchTss } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await runOperations(this, { resources: RESOURCES, connect });
	}
}
