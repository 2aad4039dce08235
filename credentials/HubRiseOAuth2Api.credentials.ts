import type { ICredentialTestRequest, ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

import {
	API_ORIGIN,
	API_PREFIX,
	BASE_URL_OVERRIDE,
	CLIENT_PROPERTIES,
	HTTP_REQUEST_NODE,
	OAUTH_ORIGIN,
	OAUTH_PREFIX,
	originExpression,
	SCOPE_PROPERTIES,
	scopeExpression,
	TOKEN_HEADER,
} from '../nodes/HubRise/auth';
import { credentialTestRequest } from '../nodes/shared/tokens';

/**
 * HubRise OAuth2 (web application flow, authorization code). Authorize and token URLs are fixed at
 * manager.hubrise.com/oauth2/v1 (or under the loopback override); the client id and secret reach the
 * token endpoint as HTTP Basic. The scope comes from the builder (nodes/HubRise/auth.ts). HubRise
 * tokens never expire and have no refresh token; the HubRise nodes send the token in X-Access-Token
 * themselves (see docs/hubrise.md).
 */
export class HubRiseOAuth2Api implements ICredentialType {
	name = 'hubriseOAuth2Api';

	extends = ['oAuth2Api'];

	displayName = 'HubRise OAuth2 API';

	icon: Icon = { light: 'file:../icons/hubrise.svg', dark: 'file:../icons/hubrise.dark.svg' };

	documentationUrl = 'https://github.com/authbridge/n8n-nodes-authbridge/blob/main/docs/hubrise.md';

	httpRequestNode = HTTP_REQUEST_NODE;

	properties: INodeProperties[] = [
		...CLIENT_PROPERTIES,
		...SCOPE_PROPERTIES,
		BASE_URL_OVERRIDE,
		{
			displayName: 'Use Dynamic Client Registration',
			name: 'useDynamicClientRegistration',
			type: 'hidden',
			default: false,
		},
		{ displayName: 'Grant Type', name: 'grantType', type: 'hidden', default: 'authorizationCode' },
		{
			displayName: 'Authorization URL',
			name: 'authUrl',
			type: 'hidden',
			default: originExpression(OAUTH_ORIGIN, `${OAUTH_PREFIX}/authorize`),
		},
		{
			displayName: 'Access Token URL',
			name: 'accessTokenUrl',
			type: 'hidden',
			default: originExpression(OAUTH_ORIGIN, `${OAUTH_PREFIX}/token`),
		},
		{ displayName: 'Scope', name: 'scope', type: 'hidden', default: scopeExpression() },
		{ displayName: 'Auth URI Query Parameters', name: 'authQueryParameters', type: 'hidden', default: '' },
		{ displayName: 'Authentication', name: 'authentication', type: 'hidden', default: 'header' },
	];

	test: ICredentialTestRequest = credentialTestRequest('HubRise', {
		baseURL: originExpression(API_ORIGIN, API_PREFIX, '$credentials'),
		url: '/callback',
		headers: { [TOKEN_HEADER]: '={{$credentials.oauthTokenData.access_token}}' },
	});
}
