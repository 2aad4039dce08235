import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestOptions,
	INodeProperties,
} from 'n8n-workflow';

import { basicAuthenticate, HOST_PROPERTY, hostExpression } from '../nodes/Checkfront/auth';
import { credentialTestRequest } from '../nodes/shared/tokens';

/**
 * Checkfront token pair: API key and secret sent as HTTP Basic on every request (server-to-server,
 * private integrations). The host is validated and normalised by generated expressions (the hidden
 * `baseUrl`, and the test request's base URL); the Checkfront node validates the host again in code
 * before each request.
 */
export class CheckfrontApi implements ICredentialType {
	name = 'checkfrontApi';

	displayName = 'Checkfront API';

	icon = 'file:../icons/checkfront.svg' as const;

	documentationUrl = 'https://github.com/authbridge/n8n-nodes-authbridge/blob/main/docs/checkfront.md';

	httpRequestNode = {
		name: 'Checkfront',
		docsUrl: 'https://api.checkfront.com/',
		apiBaseUrlPlaceholder: 'https://your-company.checkfront.com/api/3.0/',
	};

	properties: INodeProperties[] = [
		HOST_PROPERTY,
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The API key of a token-pair application (Manage > Developer), sent as the HTTP Basic user name',
		},
		{
			displayName: 'API Secret',
			name: 'apiSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The API secret of that application, sent as the HTTP Basic password',
		},
		{
			displayName: 'Base URL',
			name: 'baseUrl',
			type: 'hidden',
			default: hostExpression('/api/3.0'),
		},
	];

	// A function, not a generic `={{$credentials.…}}` block: n8n evaluates those two expressions on
	// every request (a measurable share of each call); this is the same Basic header without them.
	async authenticate(credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions) {
		return basicAuthenticate(credentials, requestOptions);
	}

	test: ICredentialTestRequest = credentialTestRequest('Checkfront', {
		baseURL: hostExpression('/api/3.0', '$credentials'),
		url: '/ping',
	});
}
