/**
 * A real OpenID Connect provider (the `oidc-provider` package) on 127.0.0.1 and a random port,
 * for tests of the external login. It has one confidential client and no login form: the test
 * says who logs in next (`nextLogin`), and the provider's interaction endpoint answers the
 * login and consent prompts for that person at once, or refuses as if the user said no.
 * `authorize` plays the browser at the provider: it follows redirects with the provider's
 * cookies until the provider redirects back to the client, and returns that callback URL.
 */
import crypto from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Provider } from 'oidc-provider';

export interface TestIdentity {
  subject: string;
  /** SNILS as the provider holds it (ESIA writes "123-456-789 01"); absent if not shared. */
  snils?: string;
}

export interface TestOidcProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  /** Who logs in at the next authorization; 'deny' makes the user refuse (access_denied). */
  nextLogin(who: TestIdentity | 'deny'): void;
  /** Follows the provider's redirects from an authorization URL; returns the callback URL. */
  authorize(authorizationUrl: string): Promise<URL>;
  close(): Promise<void>;
}

export async function startOidcProvider(options: { redirectUris: string[] }): Promise<TestOidcProvider> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const clientId = 'prostor-test';
  const clientSecret = crypto.randomBytes(24).toString('base64url');
  const identities = new Map<string, TestIdentity>();
  let next: TestIdentity | 'deny' | null = null;

  const signingKey = crypto.generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ format: 'jwk' });
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: options.redirectUris,
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_basic',
      },
    ],
    jwks: { keys: [{ ...signingKey, kid: 'test-signing-key', use: 'sig', alg: 'RS256' }] as never },
    cookies: { keys: [crypto.randomBytes(16).toString('hex')] },
    // ESIA's scope and claim for SNILS are both called `snils`.
    scopes: ['openid', 'snils'],
    claims: { openid: ['sub'], snils: ['snils'] },
    features: { devInteractions: { enabled: false } },
    pkce: { required: () => true },
    // Explicit lifetimes (seconds), which also keeps the provider from warning about defaults.
    ttl: { Interaction: 600, Session: 3600, Grant: 3600, AccessToken: 600, IdToken: 600, AuthorizationCode: 60 },
    interactions: { url: (_ctx, interaction) => `/interaction/${interaction.uid}` },
    async findAccount(_ctx, subject) {
      const who = identities.get(subject);
      if (!who) return undefined;
      return {
        accountId: subject,
        async claims() {
          return { sub: subject, ...(who.snils !== undefined ? { snils: who.snils } : {}) };
        },
      };
    },
  });

  async function interact(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const details = await provider.interactionDetails(req, res);
    if (next === 'deny' || next === null) {
      await provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'End-User aborted interaction' }, { mergeWithLastSubmission: false });
      return;
    }
    if (details.prompt.name === 'login') {
      identities.set(next.subject, next);
      await provider.interactionFinished(req, res, { login: { accountId: next.subject } }, { mergeWithLastSubmission: false });
      return;
    }
    // consent: grant whatever the client asked for
    const accountId = details.session?.accountId ?? next.subject;
    const grant = details.grantId
      ? (await provider.Grant.find(details.grantId))!
      : new provider.Grant({ accountId, clientId: String(details.params.client_id) });
    grant.addOIDCScope(String(details.params.scope));
    const grantId = await grant.save();
    await provider.interactionFinished(req, res, { consent: { grantId } }, { mergeWithLastSubmission: true });
  }

  const handle = provider.callback();
  server.on('request', (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (req.url?.startsWith('/interaction/')) {
      interact(req, res).catch((error: unknown) => {
        res.statusCode = 500;
        res.end(String(error));
      });
      return;
    }
    handle(req, res);
  });

  return {
    issuer,
    clientId,
    clientSecret,
    nextLogin(who) {
      next = who;
    },
    async authorize(authorizationUrl) {
      // A fresh browser at the provider each time: no provider session carried over.
      const jar = new Map<string, string>();
      let url = new URL(authorizationUrl);
      for (let hop = 0; hop < 20; hop++) {
        const response = await fetch(url, {
          redirect: 'manual',
          headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') },
        });
        for (const line of response.headers.getSetCookie()) {
          const [pair] = line.split(';');
          const eq = pair!.indexOf('=');
          const name = pair!.slice(0, eq).trim();
          const value = pair!.slice(eq + 1).trim();
          if (value === '' || /expires=Thu, 01 Jan 1970/i.test(line)) jar.delete(name);
          else jar.set(name, value);
        }
        const location = response.headers.get('location');
        await response.arrayBuffer();
        if (!location || response.status < 300 || response.status >= 400) {
          throw new Error(`the provider answered ${response.status} at ${url.pathname}`);
        }
        url = new URL(location, url);
        if (url.origin !== issuer) return url;
      }
      throw new Error('too many redirects at the provider');
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
