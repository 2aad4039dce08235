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
	deviceAuthenticate,
	devicePreAuthentication,
	FIC_HTTP_REQUEST_NODE,
	FIC_ICON,
	ficCredentialTest,
	SCOPE_PROPERTIES,
} from '../nodes/FattureInCloud/auth';
import { keepAliveWarningProperty } from '../nodes/shared/keepAlive';

/**
 * Fatture in Cloud device code (RFC 8628; enabled by Fatture in Cloud only on request). n8n has no
 * device grant, so the flow runs in this credential's hooks and its state lives in hidden fields: the
 * first use shows a code and a link (as the step's message), the next use waits for the approval and
 * stores the tokens; afterwards the tokens are refreshed without a client secret. No token ever goes
 * into execution data. See docs/fattureincloud.md for the options weighed.
 */
export class FattureInCloudDeviceCodeApi implements ICredentialType {
	name = 'fattureInCloudDeviceCodeApi';

	displayName = 'Fatture in Cloud Device Code API';

	icon: Icon = FIC_ICON;

	documentationUrl = 'https://github.com/authbridge/n8n-nodes-authbridge/blob/main/docs/fattureincloud.md';

	httpRequestNode = FIC_HTTP_REQUEST_NODE;

	properties: INodeProperties[] = [
		{
			displayName:
				'Save, then run any Fatture in Cloud step with this credential: it shows a code and a link. Approve in Fatture in Cloud and run the step again.',
			name: 'notice',
			type: 'notice',
			default: '',
		},
		{
			displayName: 'Client ID',
			name: 'clientId',
			type: 'string',
			default: '',
			required: true,
			description: 'The client ID of an app for which Fatture in Cloud enabled the device code flow (on request)',
		},
		...SCOPE_PROPERTIES,
		BASE_URL_OVERRIDE,
		keepAliveWarningProperty(FIC_KEEP_ALIVE_FACTS),
		{ displayName: 'Access Token', name: 'accessToken', type: 'hidden', typeOptions: { expirable: true, password: true }, default: '' },
		{ displayName: 'Access Token Expires At', name: 'accessTokenExpiresAt', type: 'hidden', typeOptions: { password: true }, default: '' },
		{ displayName: 'Refresh Token', name: 'refreshToken', type: 'hidden', typeOptions: { password: true }, default: '' },
		{ displayName: 'Refresh Token Expires At', name: 'refreshTokenExpiresAt', type: 'hidden', typeOptions: { password: true }, default: '' },
		{ displayName: 'Device Login Status', name: 'deviceStatus', type: 'hidden', default: '' },
		{ displayName: 'Device Code', name: 'deviceCodeSecret', type: 'hidden', typeOptions: { password: true }, default: '' },
		{ displayName: 'User Code', name: 'userCode', type: 'hidden', default: '' },
		{ displayName: 'Verification URI', name: 'verificationUri', type: 'hidden', default: '' },
		{ displayName: 'Device Code Expires At', name: 'deviceCodeExpiresAt', type: 'hidden', default: '' },
		{ displayName: 'Device Next Poll At', name: 'deviceNextPollAt', type: 'hidden', default: '' },
		{ displayName: 'Device Poll Interval', name: 'devicePollInterval', type: 'hidden', default: 0 },
	];

	async preAuthentication(this: IHttpRequestHelper, credentials: ICredentialDataDecryptedObject) {
		return await devicePreAuthentication(this, credentials);
	}

	async authenticate(credentials: ICredentialDataDecryptedObject, requestOptions: IHttpRequestOptions) {
		return deviceAuthenticate(credentials, requestOptions);
	}

	test: ICredentialTestRequest = ficCredentialTest();
}
