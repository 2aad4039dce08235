import type { ICredentialTestRequest, ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

import {
	BASE_URL_OVERRIDE,
	FIC_KEEP_ALIVE_FACTS,
	FIC_AUTHORIZATION_URL,
	FIC_HTTP_REQUEST_NODE,
	FIC_ICON,
	FIC_TOKEN_URL,
	ficCredentialTest,
	originExpression,
	SCOPE_EXPRESSION,
	SCOPE_PROPERTIES,
} from '../nodes/FattureInCloud/auth';
import { keepAliveWarningProperty } from '../nodes/shared/keepAlive';

/**
 * Fatture in Cloud OAuth2, authorization code: the flow Fatture in Cloud recommends. Fixed authorize and
 * token URLs (the loopback override aside), the scope picker (least privilege by default), client id and
 * secret sent in the token request body. n8n signs calls with Bearer and refreshes on 401, storing the
 * whole token response (the returned refresh token included) every time.
 */
export class FattureInCloudOAuth2Api implements ICredentialType {
	name = 'fattureInCloudOAuth2Api';

	extends = ['oAuth2Api'];

	displayName = 'Fatture in Cloud OAuth2 API';

	icon: Icon = FIC_ICON;

	documentationUrl = 'https://github.com/authbridge/n8n-nodes-authbridge/blob/main/docs/fattureincloud.md';

	httpRequestNode = FIC_HTTP_REQUEST_NODE;

	properties: INodeProperties[] = [
		{
			displayName: 'Client ID',
			name: 'clientId',
			type: 'string',
			default: '',
			required: true,
			description: 'The client ID of your app in Fatture in Cloud (Impostazioni > Applicazioni collegate)',
		},
		{
			displayName: 'Client Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The client secret of that app; sent only to the token URL',
		},
		...SCOPE_PROPERTIES,
		BASE_URL_OVERRIDE,
		keepAliveWarningProperty(FIC_KEEP_ALIVE_FACTS),
		{ displayName: 'Use Dynamic Client Registration', name: 'useDynamicClientRegistration', type: 'hidden', default: false },
		{ displayName: 'Grant Type', name: 'grantType', type: 'hidden', default: 'authorizationCode' },
		{ displayName: 'Authorization URL', name: 'authUrl', type: 'hidden', default: originExpression('/oauth/authorize', FIC_AUTHORIZATION_URL) },
		{ displayName: 'Access Token URL', name: 'accessTokenUrl', type: 'hidden', default: originExpression('/oauth/token', FIC_TOKEN_URL) },
		{ displayName: 'Scope', name: 'scope', type: 'hidden', default: SCOPE_EXPRESSION },
		{ displayName: 'Auth URI Query Parameters', name: 'authQueryParameters', type: 'hidden', default: '' },
		{ displayName: 'Authentication', name: 'authentication', type: 'hidden', default: 'body' },
	];

	test: ICredentialTestRequest = ficCredentialTest();
}
