// A local OpenID Connect provider for tests/tenants/test_oidc.py, built on the `oidc-provider` package
// (panva/node-oidc-provider, installed into var/oidc-provider by the test).
//
// Configuration comes from the environment, so the test decides everything:
//   OIDC_PROVIDER_MODULE  absolute path of oidc-provider's lib/index.js
//   OIDC_PORT             loopback port to listen on (issuer http://127.0.0.1:<port>)
//   OIDC_CLIENTS          JSON list of client registrations (client_id, client_secret, redirect_uris)
//   OIDC_ACCOUNTS         JSON {login: {email, email_verified, name}}; sign in with that login, any password
// The built-in development sign-in and consent pages (devInteractions) stand in for a university's.
// Prints "ready <issuer>" on stdout once it listens.
import { pathToFileURL } from "node:url";

const { default: Provider } = await import(pathToFileURL(process.env.OIDC_PROVIDER_MODULE).href);
const port = Number(process.env.OIDC_PORT);
const issuer = `http://127.0.0.1:${port}`;
const accounts = JSON.parse(process.env.OIDC_ACCOUNTS);

const provider = new Provider(issuer, {
  clients: JSON.parse(process.env.OIDC_CLIENTS).map((client) => ({
    grant_types: ["authorization_code"],
    response_types: ["code"],
    token_endpoint_auth_method: "client_secret_post",
    ...client,
  })),
  claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
  async findAccount(ctx, id) {
    const account = accounts[id];
    if (!account) return undefined;
    return { accountId: id, async claims() { return { sub: id, ...account }; } };
  },
  features: { devInteractions: { enabled: true } },
  cookies: { keys: ["test-only-not-secret"] },
  // The test drives one sign-in at a time, quickly.
  ttl: { Interaction: 300, Session: 300, Grant: 300, AuthorizationCode: 60, AccessToken: 300, IdToken: 300 },
});
// Warnings about development keys and interactions are expected here; keep stdout for "ready".
provider.on("server_error", (ctx, err) => console.error("server_error", err));

provider.listen(port, "127.0.0.1", () => {
  console.log(`ready ${issuer}`);
});
