import Keycloak from 'keycloak-js';
import type { ConsoleConfig } from './config.ts';

/** Who is signed in, as the token says: the unit the account belongs to and its roles. */
export type Official = {
  username: string;
  unitCode: string;
  unitLevel: string;
  roles: string[];
};

/** Seconds of validity a token must still have before a request; refreshed otherwise. */
const MIN_VALIDITY_SECONDS = 30;

/**
 * The login through Keycloak (authorization code with PKCE on the realm's public client). A page
 * opened without a session stays signed out (the public page needs none); `login` goes to Keycloak
 * and comes back to the page it left. Tokens are refreshed before each request; a refresh that
 * fails (the session ended) logs in again and returns to the same page.
 */
export class Session {
  private readonly keycloak: Keycloak;

  private constructor(keycloak: Keycloak) {
    this.keycloak = keycloak;
  }

  static async start(config: ConsoleConfig): Promise<Session> {
    const keycloak = new Keycloak({
      url: config.keycloakUrl,
      realm: config.realm,
      clientId: config.clientId,
    });
    await keycloak.init({ pkceMethod: 'S256', checkLoginIframe: false, responseMode: 'fragment' });
    return new Session(keycloak);
  }

  get official(): Official | null {
    const token = this.keycloak.tokenParsed as
      (Record<string, unknown> & { realm_access?: { roles?: string[] } }) | undefined;
    if (!this.keycloak.authenticated || !token) return null;
    return {
      username: String(token['preferred_username'] ?? ''),
      unitCode: String(token['unit_code'] ?? ''),
      unitLevel: String(token['unit_level'] ?? ''),
      roles: token.realm_access?.roles ?? [],
    };
  }

  login(): Promise<void> {
    return this.keycloak.login({ redirectUri: window.location.href, locale: 'vi' });
  }

  logout(): Promise<void> {
    return this.keycloak.logout({ redirectUri: `${window.location.origin}/` });
  }

  /** A valid access token, or null when signed out; a session that has ended goes back through the login. */
  async token(): Promise<string | null> {
    if (!this.keycloak.authenticated) return null;
    try {
      await this.keycloak.updateToken(MIN_VALIDITY_SECONDS);
    } catch {
      await this.login();
      return null;
    }
    return this.keycloak.token ?? null;
  }
}
