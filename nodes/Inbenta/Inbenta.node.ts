import { NodeConnectionTypes } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { buildProperties, runOperations } from '../shared/operations';
import { RESOURCES } from './actions';
import { getProducts } from './listSearch';
import { connect } from './transport';

export class Inbenta implements INodeType {
	description: INodeTypeDescription = {
		displayName: 'Inbenta',
		name: 'inbenta',
		icon: { light: 'file:inbenta.svg', dark: 'file:inbenta.dark.svg' },
		group: ['transform'],
		version: 1,
		subtitle: '={{$parameter["operation"] + ": " + $parameter["resource"]}}',
		description: 'Ask the Inbenta chatbot, search the knowledge base and run federated searches',
		defaults: { name: 'Inbenta' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'inbentaApi', required: true }],
		properties: [
			...buildProperties(RESOURCES, { defaultResource: 'knowledge' }),
			{
				displayName: 'Environment',
				name: 'environment',
				type: 'options',
				default: 'production',
				description: 'Sent as x-inbenta-env: which environment of the instance answers and records the statistics',
				options: [
					{ name: 'Development', value: 'development' },
					{ name: 'Preproduction', value: 'preproduction' },
					{ name: 'Production', value: 'production' },
				],
			},
			{
				displayName: 'User Type',
				name: 'userType',
				type: 'number',
				default: 0,
				description: 'Sent as x-inbenta-user-type: the profile whose contents and answers apply (0 is the default profile)',
			},
		],
	};

	methods = { loadOptions: { getProducts } };

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		return await runOperations(this, { resources: RESOURCES, connect });
	}
}
