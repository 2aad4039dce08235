import type { ICredentialType, INodeProperties } from 'n8n-workflow';

import { CHECKFRONT_KEEP_ALIVE, HOST_PROPERTY, hostExpression } from '../nodes/Checkfront/auth';
import { keepAliveWarningProperty } from '../nodes/shared/keepAlive';

/**
 * Checkfront OAuth2 (authorization code) for staff acting on their own behalf. The authorize and
 * token URLs are derived from the validated account host; the consumer key and secret go to the
 * token URL as HTTP Basic (`authentication: header`) and nowhere else; n8n signs API calls with
 * `Authorization: Bearer`. Refresh tokens rotate: n8n stores the whole new token response.
 */
export class CheckfrontOAuth2Api implements ICredentialType {
	name = 'checkfrontOAuth2Api';

	extends = ['oAuth2Api'];

	displayName = 'Checkfront OAuth2 API';

	icon = 'file:../icons/checkfront.svg' as const;

	documentationUrl = 'https://github.com/authbridge/n8n-nodes-authbridge/blob/main/docs/checkfront.md';

	// Offered as a "predefined credential type" in n8n's HTTP Request node (n8n signs and refreshes).
	httpRequestNode = {
		name: 'Checkfront (OAuth2)',
		docsUrl: 'https://api.checkfront.com/',
		apiBaseUrlPlaceholder: 'https://your-company.checkfront.com/api/3.0/',
	};

	properties: INodeProperties[] = [
		HOST_PROPERTY,
		{
			displayName: 'Consumer Key',
			name: 'clientId',
			type: 'string',
			default: '',
			required: true,
			description: 'The consumer key of an OAuth2 application (Manage > Developer)',
		},
		{
			displayName: 'Consumer Secret',
			name: 'clientSecret',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description: 'The consumer secret of that application; sent only to the token URL, as HTTP Basic',
		},
		keepAliveWarningProperty(CHECKFRONT_KEEP_ALIVE),
		{
			// Checkfront has no dynamic client registration: the consumer key/secret above are the client.
			displayName: 'Use Dynamic Client Registration',
			name: 'useDynamicClientRegistration',
			type: 'hidden',
			default: false,
		},
		{
			displayName: 'Grant Type',
			name: 'grantType',
			type: 'hidden',
			default: 'authorizationCode',
		},
		{
			displayName: 'Authorization URL',
			name: 'authUrl',
			type: 'hidden',
			default: hostExpression('/oauth/'),
		},
		{
			displayName: 'Access Token URL',
			name: 'accessTokenUrl',
			type: 'hidden',
			default: hostExpression('/oauth/token/'),
		},
		{
			displayName: 'Scope',
			name: 'scope',
			type: 'hidden',
			default: '',
		},
		{
			displayName: 'Auth URI Query Parameters',
			name: 'authQueryParameters',
			type: 'hidden',
			default: '',
		},
		{
			displayName: 'Authentication',
			name: 'authentication',
			type: 'hidden',
			default: 'header',
		},
	];
}
