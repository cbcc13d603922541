'use strict';
// The test conventions for keys and user tokens, shared by the gateway, its CLI and the tests.
//
// Default JWT secret and API keys are those of a local `supabase start` stack (the Supabase CLI's
// well-known demo values), so the same tokens work against the CLI's local stack too:
//   anon key         = HS256({"iss":"supabase-demo","role":"anon","exp":1983812996})
//   service_role key = HS256({"iss":"supabase-demo","role":"service_role","exp":1983812996})
// User access tokens follow Supabase Auth's claims (sub = auth.users.id, role = "authenticated").

const { sign } = require('./jwt');

const DEFAULT_JWT_SECRET = 'super-secret-jwt-token-with-at-least-32-characters-long';
const DEMO_KEY_EXP = 1983812996;

function apiKey(role, secret = DEFAULT_JWT_SECRET) {
  return sign({ iss: 'supabase-demo', role, exp: DEMO_KEY_EXP }, secret);
}

/** A Supabase-style user access token. `expiresIn` in seconds (negative: already expired). */
function userToken(sub, { secret = DEFAULT_JWT_SECRET, role = 'authenticated', expiresIn = 3600,
  nowSeconds = Math.floor(Date.now() / 1000), extra = {} } = {}) {
  return sign({
    iss: 'http://127.0.0.1/auth/v1',
    aud: 'authenticated',
    sub,
    role,
    iat: nowSeconds,
    exp: nowSeconds + expiresIn,
    email: `${sub.slice(0, 8)}@example.test`,
    aal: 'aal1',
    is_anonymous: false,
    ...extra,
  }, secret);
}

module.exports = { DEFAULT_JWT_SECRET, DEMO_KEY_EXP, apiKey, userToken };
