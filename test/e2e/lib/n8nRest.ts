// Minimal client for the internal REST API of a running n8n (the one the editor uses), enough to set up the
// owner, create credentials, run the OAuth2 connect flow headlessly and list the loaded node/credential types.
// Checked on 1.123.x and 2.41.x. Loopback only: it talks to the n8n under test and to local simulators.
import { pollUntil } from './proc';

export interface OwnerInfo {
  email: string;
  firstName: string;
  lastName: string;
  password: string;
}

export const DEFAULT_OWNER: OwnerInfo = {
  email: 'owner@authbridge.test',
  firstName: 'E2E',
  lastName: 'Owner',
  // test-only, n8n requires 8+ chars with a digit and an uppercase letter
  password: 'E2e-Passw0rd-not-secret',
};

// n8n ties the session cookie to a "browser-id" header (hash in the JWT); send the same one every time.
const BROWSER_ID = 'authbridge-e2e-browser';

export interface RestResponse {
  status: number;
  headers: Headers;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

export class N8nRest {
  readonly baseUrl: string;
  private cookies = new Map<string, string>();

  constructor(baseUrl: string) {
    this.baseUrl = baseUrl.replace(/\/$/, '');
  }

  get cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  private keepCookies(headers: Headers): void {
    // Node's fetch: getSetCookie() (Node >= 19.7) returns each Set-Cookie separately
    const list = typeof headers.getSetCookie === 'function' ? headers.getSetCookie() : [];
    for (const c of list) {
      const [pair] = c.split(';');
      const eq = pair.indexOf('=');
      if (eq > 0) this.cookies.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
  }

  /** One request with the session cookie; never follows redirects (callers inspect Location). */
  async request(method: string, pathOrUrl: string, body?: unknown, timeoutMs = 30_000): Promise<RestResponse> {
    const url = pathOrUrl.startsWith('http') ? pathOrUrl : `${this.baseUrl}${pathOrUrl}`;
    const headers: Record<string, string> = { 'browser-id': BROWSER_ID, accept: 'application/json' };
    if (this.cookies.size) headers.cookie = this.cookieHeader;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    this.keepCookies(res.headers);
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json };
  }

  private async ok(method: string, path: string, body?: unknown): Promise<RestResponse> {
    const r = await this.request(method, path, body);
    if (r.status < 200 || r.status >= 300) throw new Error(`${method} ${path} -> ${r.status}: ${r.text.slice(0, 500)}`);
    return r;
  }

  /**
   * Creates the owner account and keeps its session cookie. While n8n boots, this path answers a 200
   * "n8n is starting up" page or a 404, so retry until the body is JSON with `data`.
   */
  async setupOwner(owner: OwnerInfo = DEFAULT_OWNER, timeoutMs = 60_000): Promise<unknown> {
    return pollUntil(
      'POST /rest/owner/setup',
      async () => {
        const r = await this.request('POST', '/rest/owner/setup', owner);
        if (r.json && typeof r.json === 'object' && 'data' in r.json && r.status === 200) return r.json.data;
        if (r.status === 400 && /already/i.test(r.text)) {
          // owner exists (e.g. a restarted server on the same user folder): log in instead
          return this.login(owner);
        }
        return undefined;
      },
      timeoutMs,
      500,
    );
  }

  async login(owner: OwnerInfo = DEFAULT_OWNER): Promise<unknown> {
    // 1.x and 2.x both take emailOrLdapLoginId; older releases took email
    const r = await this.ok('POST', '/rest/login', { emailOrLdapLoginId: owner.email, email: owner.email, password: owner.password });
    return r.json?.data;
  }

  /** POST /rest/credentials; returns the created credential (its id is r.id). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async createCredential(name: string, type: string, data: Record<string, unknown>): Promise<any> {
    const r = await this.ok('POST', '/rest/credentials', { name, type, data });
    return r.json.data;
  }

  /**
   * GET /rest/credentials/:id (with data). Secrets come back redacted and oauthTokenData only as a flag;
   * use N8nInstance.exportCredentials() for what is really stored.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async getCredential(id: string): Promise<any> {
    const r = await this.ok('GET', `/rest/credentials/${encodeURIComponent(id)}?includeData=true`);
    return r.json.data;
  }

  /** POST /rest/workflows (2.x keeps a given id); returns the saved workflow (id, versionId). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async createWorkflow(workflow: object): Promise<any> {
    const r = await this.ok('POST', '/rest/workflows', workflow);
    return r.json.data;
  }

  /** POST /rest/workflows/:id/activate (2.x: publishes that version); resolves once its webhooks are registered. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async activateWorkflow(id: string, versionId: string): Promise<any> {
    const r = await this.ok('POST', `/rest/workflows/${encodeURIComponent(id)}/activate`, { versionId });
    return r.json.data;
  }

  /** GET /rest/oauth2-credential/auth?id= : the provider authorize URL n8n built (with state and redirect_uri). */
  async oauth2AuthUrl(credentialId: string): Promise<string> {
    const r = await this.ok('GET', `/rest/oauth2-credential/auth?id=${encodeURIComponent(credentialId)}`);
    if (typeof r.json?.data !== 'string') throw new Error(`no authorize URL in ${r.text.slice(0, 300)}`);
    return r.json.data;
  }

  /**
   * Delivers the provider's redirect to n8n's callback (/rest/oauth2-credential/callback?code&state) with the
   * session cookie; n8n then exchanges the code at the token URL and stores oauthTokenData.
   * Returns the response; `ok` is false when n8n rendered its error page.
   */
  async deliverOAuth2Callback(callbackUrl: string): Promise<RestResponse & { ok: boolean }> {
    const u = new URL(callbackUrl);
    if (!u.pathname.endsWith('/rest/oauth2-credential/callback')) throw new Error(`not an n8n OAuth2 callback: ${u.pathname}`);
    // always deliver to the n8n under test, whatever host the redirect named
    const r = await this.request('GET', `${this.baseUrl}${u.pathname}${u.search}`);
    // success page: "Connection successful" + postMessage('success'); error page: "Failed to connect" (both lines)
    const ok = r.status === 200 && /postMessage\(\s*['"]success['"]\s*\)/.test(r.text) && !/Failed to connect/.test(r.text);
    return { ...r, ok };
  }

  /**
   * Whole OAuth2 authorization-code connect flow as the editor does it: ask n8n for the authorize URL, "open" it
   * at the (simulated, loopback) provider and deliver the provider's redirect to n8n's callback.
   * By default the provider must answer the authorize URL directly with a 3xx to the callback; pass `approve`
   * for a provider that needs more steps (it gets the authorize URL and returns the callback URL).
   * Throws with the provider/n8n answer if any step fails.
   */
  async connectOAuth2(
    credentialId: string,
    approve: (authUrl: string) => Promise<string> = followSingleRedirect,
  ): Promise<{ authUrl: string; callbackUrl: string }> {
    const authUrl = await this.oauth2AuthUrl(credentialId);
    const provider = new URL(authUrl);
    if (!['127.0.0.1', 'localhost', '[::1]'].includes(provider.hostname)) {
      throw new Error(`refusing to open a non-loopback authorize URL: ${provider.origin}`);
    }
    const callbackUrl = await approve(authUrl);
    const cb = await this.deliverOAuth2Callback(callbackUrl);
    if (!cb.ok) throw new Error(`n8n OAuth2 callback failed (${cb.status}): ${cb.text.slice(0, 800)}`);
    return { authUrl, callbackUrl };
  }

  /** Node types the running instance loaded (GET /types/nodes.json; needs the session on 1.123+ and 2.x). */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  /**
   * A picker's list, as the editor asks for it (POST /rest/dynamic-node-parameters/resource-locator-results,
   * the same request on 1.x and 2.x): n8n runs the node's `methods.listSearch[methodName]` with the credential.
   */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async resourceLocatorResults(request: {
    nodeType: string;
    methodName: string;
    path: string;
    currentNodeParameters: Record<string, unknown>;
    credentials: Record<string, { id: string; name: string }>;
    filter?: string;
    paginationToken?: string;
  }): Promise<{ results: Array<{ name: string; value: string | number }>; paginationToken?: unknown }> {
    const response = await this.ok('POST', '/rest/dynamic-node-parameters/resource-locator-results', {
      nodeTypeAndVersion: { name: request.nodeType, version: 1 },
      methodName: request.methodName,
      path: request.path,
      currentNodeParameters: request.currentNodeParameters,
      credentials: request.credentials,
      ...(request.filter !== undefined ? { filter: request.filter } : {}),
      ...(request.paginationToken !== undefined ? { paginationToken: request.paginationToken } : {}),
    });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return (response.json as any).data;
  }

  /**
   * An options list, as the editor asks for it (POST /rest/dynamic-node-parameters/options, the same request on
   * 1.x and 2.x): n8n runs the node's `methods.loadOptions[methodName]` with the credential.
   */
  async loadOptions(request: {
    nodeType: string;
    methodName: string;
    path: string;
    currentNodeParameters: Record<string, unknown>;
    credentials: Record<string, { id: string; name: string }>;
  }): Promise<Array<{ name: string; value: string | number }>> {
    const response = await this.ok('POST', '/rest/dynamic-node-parameters/options', {
      nodeTypeAndVersion: { name: request.nodeType, version: 1 },
      methodName: request.methodName,
      path: request.path,
      currentNodeParameters: request.currentNodeParameters,
      credentials: request.credentials,
    });
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    return (response.json as any).data;
  }

  async nodeTypes(): Promise<any[]> {
    const r = await this.ok('GET', '/types/nodes.json');
    return r.json;
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  async credentialTypes(): Promise<any[]> {
    const r = await this.ok('GET', '/types/credentials.json');
    return r.json;
  }
}

/** Default provider step of connectOAuth2: GET the authorize URL, expect a redirect, return its target. */
export async function followSingleRedirect(authUrl: string): Promise<string> {
  const res = await fetch(authUrl, { redirect: 'manual', signal: AbortSignal.timeout(30_000) });
  const location = res.headers.get('location');
  await res.arrayBuffer();
  if (res.status < 300 || res.status >= 400 || !location) throw new Error(`authorize URL answered ${res.status} without redirect`);
  return new URL(location, authUrl).toString();
}
