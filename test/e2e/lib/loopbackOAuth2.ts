// A minimal OAuth2 authorization server on 127.0.0.1 that approves everything: enough to prove the
// n8n REST connect flow (auth URL -> provider redirect -> n8n callback -> token exchange) in the smoke test.
// The real provider simulators live in test/simulators.
import * as http from 'http';
import { AddressInfo } from 'net';

export interface LoopbackOAuth2 {
  baseUrl: string;
  authorizeUrl: string;
  tokenUrl: string;
  /** Form bodies the token endpoint received. */
  tokenRequests: Array<Record<string, string>>;
  close(): Promise<void>;
}

export async function startLoopbackOAuth2(): Promise<LoopbackOAuth2> {
  const tokenRequests: Array<Record<string, string>> = [];
  let issued = 0;
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (req.method === 'GET' && url.pathname === '/authorize') {
      const redirect = url.searchParams.get('redirect_uri');
      if (!redirect) {
        res.writeHead(400).end('missing redirect_uri');
        return;
      }
      const to = new URL(redirect);
      to.searchParams.set('code', 'e2e-code');
      const state = url.searchParams.get('state');
      if (state !== null) to.searchParams.set('state', state);
      res.writeHead(302, { location: to.toString() }).end();
      return;
    }
    if (req.method === 'POST' && url.pathname === '/token') {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        tokenRequests.push(Object.fromEntries(new URLSearchParams(body)));
        issued++;
        res.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({ access_token: `e2e-access-${issued}`, refresh_token: `e2e-refresh-${issued}`, token_type: 'Bearer', expires_in: 3600 }),
        );
      });
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    baseUrl,
    authorizeUrl: `${baseUrl}/authorize`,
    tokenUrl: `${baseUrl}/token`,
    tokenRequests,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
