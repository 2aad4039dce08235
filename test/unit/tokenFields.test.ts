import { CheckfrontApi } from '../../credentials/CheckfrontApi.credentials';
import { FattureInCloudApi } from '../../credentials/FattureInCloudApi.credentials';
import { FattureInCloudDeviceCodeApi } from '../../credentials/FattureInCloudDeviceCodeApi.credentials';
import { FattureInCloudOAuth2Api } from '../../credentials/FattureInCloudOAuth2Api.credentials';
import { FattureInCloudRefreshTokenApi } from '../../credentials/FattureInCloudRefreshTokenApi.credentials';
import { HubRiseApi } from '../../credentials/HubRiseApi.credentials';
import { HubRiseOAuth2Api } from '../../credentials/HubRiseOAuth2Api.credentials';
import { InbentaApi } from '../../credentials/InbentaApi.credentials';
import { TOKEN_FIELDS as FIC_TOKEN_FIELDS } from '../../nodes/FattureInCloud/auth';
import { TOKEN_FIELDS as HUBRISE_TOKEN_FIELDS } from '../../nodes/HubRise/auth';
import { TOKEN_FIELDS as INBENTA_TOKEN_FIELDS } from '../../nodes/Inbenta/auth';
import { tokenFieldsOf } from '../../nodes/shared/tokens';

/**
 * Each provider declares where its credentials keep the token the request layer coordinates across
 * processes (nodes/ must not import credentials/). The declaration must be what the credential class
 * says: its expirable hidden field and the matching `<field>ExpiresAt`.
 */
it.each([
	['fattureInCloudApi', new FattureInCloudApi(), FIC_TOKEN_FIELDS.fattureInCloudApi],
	['fattureInCloudOAuth2Api', new FattureInCloudOAuth2Api(), FIC_TOKEN_FIELDS.fattureInCloudOAuth2Api],
	['fattureInCloudDeviceCodeApi', new FattureInCloudDeviceCodeApi(), FIC_TOKEN_FIELDS.fattureInCloudDeviceCodeApi],
	['fattureInCloudRefreshTokenApi', new FattureInCloudRefreshTokenApi(), FIC_TOKEN_FIELDS.fattureInCloudRefreshTokenApi],
	['hubriseApi', new HubRiseApi(), HUBRISE_TOKEN_FIELDS.hubriseApi],
	['hubriseOAuth2Api', new HubRiseOAuth2Api(), HUBRISE_TOKEN_FIELDS.hubriseOAuth2Api],
	['inbentaApi', new InbentaApi(), INBENTA_TOKEN_FIELDS],
] as const)('%s: the declared token field is the credential class\'s expirable field', (_name, credential, declared) => {
	expect(declared).toEqual(tokenFieldsOf(credential.properties));
});

it('a credential without an expirable field has none to coordinate', () => {
	expect(tokenFieldsOf(new CheckfrontApi().properties)).toBe(false);
});
