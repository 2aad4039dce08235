import { NodeConnectionTypes, NodeOperationError } from 'n8n-workflow';
import type { IExecuteFunctions, INodeExecutionData, INodeType, INodeTypeDescription } from 'n8n-workflow';

import { FISKALY_FAMILIES } from './auth';
import { executePerItem } from '../shared/execute';
import { operationSelector } from '../shared/properties';
import { custom } from './resources/custom';
import { client, transaction, tss } from './resources/signDe';
import { esClient, invoice, signer, taxpayer } from './resources/signEs';
import { entity, record, subject, system } from './resources/unified';
import { connect, CREDENTIAL_TYPE } from './transport';
import type { Fiskaly as Connection, ResourceDefinition } from './transport';

const RESOURCES: ResourceDefinition[] = [tss, client, transaction, taxpayer, signer, esClient, invoice, system, record, entity, subject, custom];
const BY_VALUE = new Map(RESOURCES.map((resource) => [resource.value, resource]));

const byName = <T extends { name: string }>(a: T, b: T) => a.name.localeCompare(b.name);

const operationProperty = (resource: ResourceDefinition) => operationSelector(resource.value, resource.operations);

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
		subtitle: '={{$parameter["resource"] + ": " + $parameter["operation"]}}',
		description: 'Fiscalise sales with fiskaly SIGN DE, SIGN ES, SIGN IT, SIGN FR and E-Invoice',
		defaults: { name: 'fiskaly' },
		usableAsTool: true,
		inputs: [NodeConnectionTypes.Main],
		outputs: [NodeConnectionTypes.Main],
		credentials: [{ name: 'fiskalyApi', required: true }],
		properties: [
			{
				displayName: 'Resource',
				name: 'resource',
				type: 'options',
				noDataExpression: true,
				description: 'Resources are grouped by fiskaly product; use those of the product selected in the credential',
				options: [...RESOURCES].sort(byName).map(({ name, value }) => ({ name, value })),
				default: 'tss',
			},
			...RESOURCES.map(operationProperty),
			...RESOURCES.flatMap((resource) => resource.fields),
		],
	};

	async execute(this: IExecuteFunctions): Promise<INodeExecutionData[][]> {
		// Read the credential once per execution; a refusal (bad override) becomes each item's error.
		let connection: Promise<Connection> | undefined;
		return await executePerItem(this, async (itemIndex) => {
			connection = connection ?? connect(this);
			const f = await connection;
			const resource = BY_VALUE.get(this.getNodeParameter('resource', itemIndex) as string);
			const operationValue = this.getNodeParameter('operation', itemIndex) as string;
			const operation = resource?.operations.find((candidate) => candidate.value === operationValue);
			if (!resource || !operation) {
				throw new NodeOperationError(this.getNode(), `Unknown resource or operation "${operationValue}"`, { itemIndex });
			}
			if (!resource.families.includes(f.settings.family)) {
				const wanted = resource.families.map((family) => FISKALY_FAMILIES[family].label).join(' or ');
				throw new NodeOperationError(
					this.getNode(),
					`"${resource.name}" needs a ${wanted} credential, but the ${CREDENTIAL_TYPE} credential is set to ${f.settings.label}`,
					{ itemIndex, description: `Choose a resource of ${f.settings.label} (or Custom API Call), or a credential for ${wanted}.` },
				);
			}
			return await operation.run(f, itemIndex);
		});
	}
}
