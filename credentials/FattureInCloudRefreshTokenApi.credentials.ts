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
	BASE_URL_OVERRIDE,
	FIC_KEEP_ALIVE_FACTS,
	bearerAuthenticate,
	FIC_HTTP_REQUEST_NODE,
	FIC_ICON,
	ficCredentialTest,
	refreshTokenPreAuthentication,
} from '../nodes/FattureInCloud/auth';
import { keepAliveWarningProperty } from '../nodes/shared/keepAlive';

/**
 * Fatture in Cloud unattended (machine to machine): client ID, client secret and a refresh token obtained
 * once. Each exchange stores the returned refresh token, so its one-year window keeps rolling; one exchange
 * per refresh token at a time in this process; the node adopts a newer refresh token stored by another
 * process when Fatture in Cloud refuses the one it read.
 */
export class FattureInCloudRefreshTokenApi implements ICredentialType {
	name = 'fattureInCloudRefreshTokenApi';

	displayName = 'Fatture in Cloud Refresh Token API';

	icon: Icon = FIC_ICON;

	documentationUrl = 'https://github.com/authbridge/n8n-nodes-authbridge/blob/main/docs/fattureincloud.md';

	httpRequestNode = FIC_HTTP_REQUEST_NODE;

	properties: INodeProperties[] = [
		{ displayName: 'Client ID', name: 'clientId', type: 'string', default: '', required: true },
		{ displayName: 'Client Secret', name: 'clientSecret', type: 'string', typeOptions: { password: true }, default: '', required: true },
		{
			displayName: 'Refresh Token',
			name: 'refreshToken',
			type: 'string',
			typeOptions: { password: true },
			default: '',
			required: true,
			description:
				'A refresh token obtained once (device or authorization-code flow). n8n replaces it with the newest one after every exchange; it stays valid while it is used at least once a year.',
		},
		BASE_URL_OVERRIDE,
		keepAliveWarningProperty(FIC_KEEP_ALIVE_FACTS),
		{ displayName: 'Access Token', name: 'accessToken', type: 'hidden', typeOptions: { expirable: true, password: true }, default: '' },
		{ displayName: 'Access Token Expires At', name: 'accessTokenExpiresAt', type: 'hidden', typeOptions: { password: true }, default: '' },
		{ displayName: 'Rotated Refresh Token', name: 'rotatedRefreshToken', type: 'hidden', typeOptions: { password: true }, default: '' },
		{ displayName: 'Rotated From', name: 'rotatedFrom', type: 'hidden', default: '' },
		{ displayName: 'Refresh Token Expires At', name: 'refreshTokenExpiresAt', type: 'hidden', typeOptions: { password: true }, default: '' },
	];

	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		return await refreshTokenPreAuthentication(this, credentials);
	}

	async authenticate(credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions) {
		return bearerAuthenticate(credentials, requestOptions, 'fattureInCloudRefreshTokenApi');
	}

	test: ICredentialTestRequest = ficCredentialTest();
}
