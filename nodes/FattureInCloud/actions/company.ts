import type { INodeProperties } from 'n8n-workflow';

import { idLocator } from '../../shared/locators';
import type { Resource } from '../../shared/operations';
import { ficOperation } from '../transport';
import type { FicApi } from '../transport';

/** The company every /c/{company_id} call goes to; empty = the user's only company. */
function optional(property: INodeProperties): INodeProperties {
	const { required: _required, ...rest } = property;
	void _required;
	return rest;
}

export const COMPANY: INodeProperties = optional(
	idLocator({
		displayName: 'Company',
		name: 'companyId',
		description: 'The company to work in. Leave empty when the user has only one company: it is used.',
		searchListMethod: 'searchCompanies',
		idPlaceholder: '12345',
	}),
);

export const company: Resource<FicApi> = {
	value: 'company',
	name: 'Company',
	operations: [
		{
			value: 'getInfo',
			name: 'Get Info',
			action: 'Get company info',
			description: 'Get the detailed info of the company',
			properties: [COMPANY],
			execute: async (call) => await ficOperation(call, 'getCompanyInfo'),
		},
	],
};
