// The baseline of the queue-mode suite: n8n's own textbook preAuthentication, as its docs show it, for the
// fiskaly SIGN DE token exchange. No cache, no lock, no expiry: preAuthentication mints whenever n8n calls
// it (empty token, or after a 401) and n8n persists the result. Packed as a second community package
// (n8n-nodes-authbridge-baseline) and installed next to the real one in every n8n process, so the same
// run measures both the same way.
import { packTinyPackage } from './standInPackage';

export const BASELINE_PACKAGE = 'n8n-nodes-authbridge-baseline';
export const BASELINE_NODE = 'baselineFiskaly';
export const BASELINE_CREDENTIAL = 'baselineFiskalyApi';
/** The same textbook shape for Fatture in Cloud's rotating refresh tokens (refresh on every preAuthentication). */
export const BASELINE_FIC_NODE = 'baselineFic';
export const BASELINE_FIC_CREDENTIAL = 'baselineFicRefreshTokenApi';

const CREDENTIAL_JS = `'use strict';
class BaselineFiskalyApi {
  constructor() {
    this.name = '${BASELINE_CREDENTIAL}';
    this.displayName = 'Baseline fiskaly (textbook preAuthentication)';
    this.properties = [
      { displayName: 'Base URL', name: 'baseUrl', type: 'string', default: '' },
      { displayName: 'API Key', name: 'apiKey', type: 'string', default: '' },
      { displayName: 'API Secret', name: 'apiSecret', type: 'string', typeOptions: { password: true }, default: '' },
      { displayName: 'Access Token', name: 'accessToken', type: 'hidden', typeOptions: { expirable: true }, default: '' },
    ];
    this.authenticate = { type: 'generic', properties: { headers: { Authorization: '=Bearer {{$credentials.accessToken}}' } } };
    this.test = { request: { baseURL: '={{$credentials.baseUrl}}', url: '/api/v2/tss' } };
  }
  async preAuthentication(credentials) {
    const answer = await this.helpers.httpRequest({
      method: 'POST',
      url: credentials.baseUrl + '/api/v2/auth',
      body: { api_key: credentials.apiKey, api_secret: credentials.apiSecret },
      json: true,
    });
    return { accessToken: answer.access_token };
  }
}
module.exports = { BaselineFiskalyApi };
`;

const NODE_JS = `'use strict';
class BaselineFiskaly {
  constructor() {
    this.description = {
      displayName: 'Baseline fiskaly',
      name: '${BASELINE_NODE}',
      group: ['transform'],
      version: 1,
      description: 'Lists SIGN DE TSS with the textbook credential',
      defaults: { name: 'Baseline fiskaly' },
      inputs: ['main'],
      outputs: ['main'],
      usableAsTool: true,
      credentials: [{ name: '${BASELINE_CREDENTIAL}', required: true }],
      properties: [],
    };
  }
  async execute() {
    const items = this.getInputData();
    const credentials = await this.getCredentials('${BASELINE_CREDENTIAL}');
    const out = [];
    for (let i = 0; i < items.length; i++) {
      const json = await this.helpers.httpRequestWithAuthentication.call(this, '${BASELINE_CREDENTIAL}', {
        method: 'GET',
        url: credentials.baseUrl + '/api/v2/tss',
        json: true,
      });
      out.push({ json, pairedItem: { item: i } });
    }
    return [out];
  }
}
module.exports = { BaselineFiskaly };
`;

const FIC_CREDENTIAL_JS = `'use strict';
class BaselineFicRefreshTokenApi {
  constructor() {
    this.name = '${BASELINE_FIC_CREDENTIAL}';
    this.displayName = 'Baseline Fatture in Cloud refresh token (textbook preAuthentication)';
    this.properties = [
      { displayName: 'Base URL', name: 'baseUrl', type: 'string', default: '' },
      { displayName: 'Client ID', name: 'clientId', type: 'string', default: '' },
      { displayName: 'Client Secret', name: 'clientSecret', type: 'string', typeOptions: { password: true }, default: '' },
      { displayName: 'Refresh Token', name: 'refreshToken', type: 'string', typeOptions: { password: true }, default: '' },
      { displayName: 'Access Token', name: 'accessToken', type: 'hidden', typeOptions: { expirable: true }, default: '' },
    ];
    this.authenticate = { type: 'generic', properties: { headers: { Authorization: '=Bearer {{$credentials.accessToken}}' } } };
    this.test = { request: { baseURL: '={{$credentials.baseUrl}}', url: '/user/info' } };
  }
  async preAuthentication(credentials) {
    const answer = await this.helpers.httpRequest({
      method: 'POST',
      url: credentials.baseUrl + '/oauth/token',
      body: { grant_type: 'refresh_token', client_id: credentials.clientId, client_secret: credentials.clientSecret, refresh_token: credentials.refreshToken },
      json: true,
    });
    return { accessToken: answer.access_token, refreshToken: answer.refresh_token };
  }
}
module.exports = { BaselineFicRefreshTokenApi };
`;

const FIC_NODE_JS = `'use strict';
class BaselineFic {
  constructor() {
    this.description = {
      displayName: 'Baseline Fatture in Cloud',
      name: '${BASELINE_FIC_NODE}',
      group: ['transform'],
      version: 1,
      description: 'Reads the user with the textbook refresh-token credential',
      defaults: { name: 'Baseline Fatture in Cloud' },
      inputs: ['main'],
      outputs: ['main'],
      usableAsTool: true,
      credentials: [{ name: '${BASELINE_FIC_CREDENTIAL}', required: true }],
      properties: [],
    };
  }
  async execute() {
    const items = this.getInputData();
    const credentials = await this.getCredentials('${BASELINE_FIC_CREDENTIAL}');
    const out = [];
    for (let i = 0; i < items.length; i++) {
      const json = await this.helpers.httpRequestWithAuthentication.call(this, '${BASELINE_FIC_CREDENTIAL}', {
        method: 'GET',
        url: credentials.baseUrl + '/user/info',
        json: true,
      });
      out.push({ json, pairedItem: { item: i } });
    }
    return [out];
  }
}
module.exports = { BaselineFic };
`;

/** Writes the baseline package to a temp dir and packs it; returns the .tgz path. */
export async function buildBaselinePackage(): Promise<string> {
  return packTinyPackage({
    name: BASELINE_PACKAGE,
    version: '0.0.0-baseline',
    description: 'queue-mode e2e baseline: textbook preAuthentication',
    credentials: { BaselineFiskalyApi: CREDENTIAL_JS, BaselineFicRefreshTokenApi: FIC_CREDENTIAL_JS },
    nodes: { BaselineFiskaly: NODE_JS, BaselineFic: FIC_NODE_JS },
  });
}
