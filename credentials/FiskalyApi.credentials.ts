import type {
	ICredentialDataDecryptedObject,
	ICredentialTestRequest,
	ICredentialType,
	IHttpRequestHelper,
	IHttpRequestOptions,
	INodeProperties,
	Icon,
} from 'n8n-workflow';

import {
	DEFAULT_API_VERSION,
	fiskalyAuthenticate,
	fiskalyPreAuthentication,
	testBaseUrlExpression,
	testPathExpression,
} from '../nodes/Fiskaly/auth';
import { credentialTestRequest } from '../nodes/shared/tokens';

/**
 * fiskaly: an API key and secret exchanged for a JWT (three token shapes, one per product family).
 * The facts, the exchange and its errors live in nodes/Fiskaly/auth.ts; this file is the form n8n
 * shows and the hooks n8n calls.
 */
export class FiskalyApi implements ICredentialType {
	name = 'fiskalyApi';
	displayName = 'Fiskaly API';
	documentationUrl = 'https://developer.fiskaly.com/';
	icon: Icon = { light: 'file:../icons/fiskaly.svg', dark: 'file:../icons/fiskaly.dark.svg' };

	// Offered as a "predefined credential type" in n8n's HTTP Request node: n8n then runs the whole
	// token lifecycle (preAuthentication, renewal on 401) for calls the fiskaly node does not offer.
	httpRequestNode = {
		name: 'fiskaly',
		docsUrl: 'https://developer.fiskaly.com/',
		apiBaseUrlPlaceholder: 'https://kassensichv-middleware.fiskaly.com/api/v2/',
	};

	properties: INodeProperties[] = [
		{
			displayName: 'Product Family',
			name: 'family',
			type: 'options',
			default: 'signDe',
			description: 'The fiskaly product the API key belongs to; it decides the host and the token exchange',
			options: [
				{ name: 'DSFinV-K', value: 'dsfinvk' },
				{ name: 'eReceipt', value: 'eReceipt' },
				{ name: 'Management', value: 'management' },
				{ name: 'SIGN AT', value: 'signAt' },
				{ name: 'SIGN DE V2', value: 'signDe' },
				{ name: 'SIGN ES', value: 'signEs' },
				{ name: 'SIGN IT, SIGN FR, E-Invoice (Unified API)', value: 'unified' },
			],
		},
		{
			displayName: 'Environment',
			name: 'environment',
			type: 'options',
			default: 'test',
			description: 'SIGN ES and the unified API have separate test and live hosts (for the other products the key decides)',
			options: [
				{ name: 'Test', value: 'test' },
				{ name: 'Live', value: 'live' },
			],
			displayOptions: { show: { family: ['signEs', 'unified'] } },
		},
		{
			displayName: 'API Version',
			name: 'apiVersion',
			type: 'string',
			default: DEFAULT_API_VERSION,
			description: 'Sent as X-Api-Version with every request of the unified API',
			displayOptions: { show: { family: ['unified'] } },
		},
		{ displayName: 'API Key', name: 'apiKey', type: 'string', typeOptions: { password: true }, default: '', required: true },
		{
			displayName: 'API Secret',
			name: 'apiSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
		},
		{
			displayName: 'Organization Unit ID',
			name: 'organizationUnitId',
			type: 'string',
			default: '',
			description: 'Optional. Limits requests to one organisation unit: sent as X-Scope-Identifier.',
			displayOptions: { show: { family: ['unified'] } },
		},
		{
			displayName: 'Base URL Override',
			name: 'baseUrlOverride',
			type: 'string',
			default: '',
			placeholder: 'http://127.0.0.1:8080',
			description:
				"Only for simulators and local proxies: a loopback URL (http://127.0.0.1:PORT, http://localhost:PORT, http://[::1]:PORT) used instead of fiskaly's host. Anything else is refused. Leave empty.",
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
			displayName: 'Refresh Token',
			name: 'refreshToken',
			type: 'hidden',
			typeOptions: { password: true },
			default: '',
		},
		{
			displayName: 'Refresh Token Expires At',
			name: 'refreshTokenExpiresAt',
			type: 'hidden',
			typeOptions: { password: true },
			default: '',
		},
	];

	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		return await fiskalyPreAuthentication(this, credentials);
	}

	async authenticate(credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions) {
		return fiskalyAuthenticate(credentials, requestOptions);
	}

	test: ICredentialTestRequest = credentialTestRequest('fiskaly', {
		method: 'GET',
		baseURL: testBaseUrlExpression(),
		url: testPathExpression(),
	});
}
