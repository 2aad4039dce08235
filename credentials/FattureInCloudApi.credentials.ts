import type { IAuthenticateGeneric, ICredentialTestRequest, ICredentialType, INodeProperties, Icon } from 'n8n-workflow';

import {
	BASE_URL_OVERRIDE,
	FIC_HTTP_REQUEST_NODE,
	FIC_ICON,
	ficCredentialTest,
} from '../nodes/FattureInCloud/auth';

/**
 * Fatture in Cloud manual token: created once in the web app with the permissions the user picks there; it
 * never expires until revoked. Sent as Bearer. The node names the scope an operation needs when the token
 * lacks it, and says so when the token was revoked.
 */
export class FattureInCloudApi implements ICredentialType {
	name = 'fattureInCloudApi';

	displayName = 'Fatture in Cloud Manual Token API';

	icon: Icon = FIC_ICON;

	documentationUrl = 'https://github.com/authbridge/n8n-nodes-authbridge/blob/main/docs/fattureincloud.md';

	httpRequestNode = FIC_HTTP_REQUEST_NODE;

	properties: INodeProperties[] = [
		{
			displayName: 'Access Token',
			name: 'accessToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'A manual token: in Fatture in Cloud, Impostazioni > Applicazioni collegate > your app > Gestisci > Token manuale; tick the permissions your workflows need',
		},
		BASE_URL_OVERRIDE,
	];

	authenticate: IAuthenticateGeneric = {
		type: 'generic',
		properties: { headers: { Authorization: '=Bearer {{$credentials.accessToken}}' } },
	};

	test: ICredentialTestRequest = ficCredentialTest();
}
