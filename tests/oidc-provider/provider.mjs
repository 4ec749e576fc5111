// A real OpenID Connect provider for the sign-in tests: the certified `oidc-provider`
// package with its development login and consent pages. An account's id names its
// organisation and role, `acerta:STAFF`; the ID token carries `org` and `roles` as the API's
// tokens do. Settings come from the environment; it prints `ready` once it listens.
import Provider from "oidc-provider";

const port = Number(process.env.OIDC_PORT);
const issuer = `http://127.0.0.1:${port}`;

const provider = new Provider(issuer, {
  clients: [
    {
      client_id: process.env.OIDC_CLIENT_ID,
      client_secret: process.env.OIDC_CLIENT_SECRET,
      redirect_uris: [process.env.OIDC_REDIRECT_URI],
      grant_types: ["authorization_code"],
      response_types: ["code"],
      token_endpoint_auth_method: "client_secret_basic",
    },
  ],
  claims: { openid: ["sub"], profile: ["name", "org", "roles"], email: ["email"] },
  // The organisation and roles belong in the ID token, which is all Commons reads.
  conformIdTokenClaims: false,
  pkce: { required: () => true },
  features: { devInteractions: { enabled: true } },
  cookies: { keys: ["commons-test-cookie-key"] },
  async findAccount(_ctx, id) {
    const [org, role] = id.split(":");
    return {
      accountId: id,
      async claims() {
        return {
          sub: id,
          org,
          roles: role ? [role] : [],
          name: `Person of ${org}`,
          email: `${(role || "someone").toLowerCase()}@${org}.example`,
        };
      },
    };
  },
});
provider.proxy = false;
provider.listen(port, "127.0.0.1", () => console.log("ready"));
