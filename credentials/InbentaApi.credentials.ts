import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

import { inbentaAuthenticate, inbentaPreAuthentication } from '../nodes/Inbenta/auth';
import { credentialTestRequest } from '../nodes/shared/tokens';

/**
 * Inbenta: an API key with the API secret (server side, recommended) or with a domain key (the
 * public key a website embeds), exchanged at the Auth API for a token and the instance's product
 * URLs. The facts, the exchange and its errors live in nodes/Inbenta/auth.ts; this file is the form
 * n8n shows and the hooks n8n calls.
 */
export class InbentaApi implements ICredentialType {
	name = 'inbentaApi';
	displayName = 'Inbenta API';
	documentationUrl = 'https://developers.inbenta.io/general/authorization/authorization-flows';
	icon: Icon = { light: 'file:../icons/inbenta.svg', dark: 'file:../icons/inbenta.dark.svg' };

	httpRequestNode = {
		name: 'Inbenta',
		docsUrl: 'https://developers.inbenta.io/',
		apiBaseUrl: 'https://api.inbenta.io/v1',
	};

	properties: INodeProperties[] = [
		{
			displayName: 'Authorization Flow',
			name: 'flow',
			type: 'options',
			default: 'apiSecret',
			options: [
				{
					name: 'API Secret (Recommended)',
					value: 'apiSecret',
					description: 'Server side: the API key with the secret from the Administration tab of your Inbenta App',
				},
				{
					name: 'Domain Key',
					value: 'domainKey',
					description: 'The public key a website embeds; only for instances that have no secret for you',
				},
			],
		},
		{
			displayName: 'API Key',
			name: 'apiKey',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'Sent as x-inbenta-key with every request',
		},
		{
			displayName: 'API Secret',
			name: 'apiSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'Treat it as a password: it never leaves this n8n instance except to the Inbenta Auth API',
			displayOptions: { show: { flow: ['apiSecret'] } },
		},
		{
			displayName:
				'A domain key is public: anyone who opens the website can read it, and Inbenta only checks the domain a browser reports. n8n sends that domain itself, as a browser would. Prefer the API secret whenever you can get one; use a domain key only for read-only chatbot, knowledge or search use, and revoke it in Inbenta if it leaks.',
			name: 'domainKeyNotice',
			type: 'notice',
			default: '',
			displayOptions: { show: { flow: ['domainKey'] } },
		},
		// Public by design, but masked all the same: a leaked domain key still lets anyone spend the instance's quota.
		{
			displayName: 'Domain Key',
			name: 'domainKeyToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'The public domain key of the website integration (Administration tab of your Inbenta App)',
			displayOptions: { show: { flow: ['domainKey'] } },
		},
		{
			displayName: 'Allowed Domain',
			name: 'domain',
			type: 'string',
			default: '',
			placeholder: 'www.example.com',
			description: 'One of the domains the domain key is valid for; sent as the Origin and Referer of the authorization request',
			displayOptions: { show: { flow: ['domainKey'] } },
		},
		{
			displayName: 'Base URL Override',
			name: 'baseUrlOverride',
			type: 'string',
			default: '',
			placeholder: 'http://127.0.0.1:8080',
			description:
				"Only for simulators and local proxies: a loopback URL (http://127.0.0.1:PORT, http://localhost:PORT, http://[::1]:PORT) used instead of Inbenta's Auth API host; product URLs on loopback are then accepted too. Anything else is refused. Leave empty.",
		},
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'hidden',
			typeOptions: { expirable: true, password: true },
			default: '',
		},
		{
			displayName: 'Access Token Expires At',
			name: 'accessTokenExpiresAt',
			type: 'hidden',
			typeOptions: { password: true },
			default: '',
		},
		{
			displayName: 'Access Token Renew At',
			name: 'accessTokenRenewAt',
			type: 'hidden',
			typeOptions: { password: true },
			default: '',
		},
		{
			displayName: 'Product URLs',
			name: 'apis',
			type: 'hidden',
			default: '',
		},
		{
			displayName: 'Token To Refresh',
			name: 'tokenToRefresh',
			type: 'hidden',
			typeOptions: { password: true },
			default: '',
		},
	];

	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		return await inbentaPreAuthentication(this, credentials);
	}

	async authenticate(credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions) {
		return inbentaAuthenticate(credentials, requestOptions);
	}

	test: ICredentialTestRequest = credentialTestRequest('Inbenta', {
		method: 'GET',
		baseURL: '={{ ($credentials.baseUrlOverride ? $credentials.baseUrlOverride.replace(/\\/+$/, "") : "https://api.inbenta.io") + "/v1" }}',
		url: '/apis',
	});
}
