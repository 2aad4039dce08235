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
	API_ORIGIN,
	API_PREFIX,
	BASE_URL_OVERRIDE,
	CLIENT_PROPERTIES,
	HTTP_REQUEST_NODE,
	hubriseAuthenticate,
	hubrisePreAuthentication,
	originExpression,
	SCOPE_PROPERTIES,
} from '../nodes/HubRise/auth';
import { credentialTestRequest } from '../nodes/shared/tokens';

const HIDDEN_IDS = [
	['Account ID', 'accountId'],
	['Location ID', 'locationId'],
	['Catalog ID', 'catalogId'],
	['Customer List ID', 'customerListId'],
	['Account Name', 'accountName'],
	['Location Name', 'locationName'],
	['Catalog Name', 'catalogName'],
	['Customer List Name', 'customerListName'],
].map(([displayName, name]): INodeProperties => ({ displayName, name, type: 'hidden', default: '' }));

/**
 * HubRise installed-app flow (redirect_uri=urn:ietf:wg:oauth:2.0:oob): the user opens the authorize
 * URL, pastes the code HubRise shows, and the code is exchanged once (nodes/HubRise/auth.ts); or an
 * access token is pasted directly. The token travels in X-Access-Token.
 */
export class HubRiseApi implements ICredentialType {
	name = 'hubriseApi';

	displayName = 'HubRise Installed App API';

	icon: Icon = { light: 'file:../icons/hubrise.svg', dark: 'file:../icons/hubrise.dark.svg' };

	documentationUrl = 'https://github.com/authbridge/n8n-nodes-authbridge/blob/main/docs/hubrise.md';

	httpRequestNode = HTTP_REQUEST_NODE;

	properties: INodeProperties[] = [
		{
			displayName:
				'Open https://manager.hubrise.com/oauth2/v1/authorize?redirect_uri=urn:ietf:wg:oauth:2.0:oob&client_id=YOUR_CLIENT_ID&scope=YOUR_SCOPE in a browser (the scope below in HubRise syntax, e.g. location[orders.read]), approve, and paste the code HubRise shows into Authorization Code within 10 minutes. See the docs for the exact URL.',
			name: 'installedAppNotice',
			type: 'notice',
			default: '',
		},
		...CLIENT_PROPERTIES,
		...SCOPE_PROPERTIES,
		// A single-use OAuth authorization code: a secret while it lives (it buys a token that never expires).
		{
			displayName: 'Authorization Code',
			name: 'authorizationCodeSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'The code HubRise shows after approval. Exchanged once, on first use; valid for 10 minutes.',
		},
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			description: 'Optional. An access token you already have, used instead of a code.',
		},
		BASE_URL_OVERRIDE,
		{
			displayName: 'Connection Token',
			name: 'connectionToken',
			type: 'hidden',
			typeOptions: { expirable: true, password: true },
			default: '',
		},
		{ displayName: 'Exchanged Code', name: 'exchangedCode', type: 'hidden', default: '' },
		...HIDDEN_IDS,
	];

	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		return await hubrisePreAuthentication(this, credentials);
	}

	async authenticate(credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions) {
		return hubriseAuthenticate(credentials, requestOptions);
	}

	test: ICredentialTestRequest = credentialTestRequest('HubRise', {
		baseURL: originExpression(API_ORIGIN, API_PREFIX, '$credentials'),
		url: '/callback',
	});
}
