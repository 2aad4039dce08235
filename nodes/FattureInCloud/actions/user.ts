import type { Resource } from '../../shared/operations';
import { companiesOf, ficOperation } from '../transport';
import type { FicApi } from '../transport';

/** The user behind the credential, and the companies it can work in. */
export const user: Resource<FicApi> = {
	value: 'user',
	name: 'User',
	operations: [
		{
			value: 'getInfo',
			name: 'Get Info',
			action: 'Get user info',
			description: 'Get the user the credential belongs to (needs no scope; also completes a device login)',
			properties: [],
			execute: async (call) => await ficOperation(call, 'getUserInfo'),
		},
		{
			value: 'getCompanies',
			name: 'Get Companies',
			action: 'Get the user companies',
			description: "Get the companies the user controls (an accountant's clients included), one item each",
			properties: [],
			execute: async (call) => companiesOf(await ficOperation(call, 'listUserCompanies')),
		},
	],
};
