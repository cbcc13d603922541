'use strict';
// Per request, what Supabase's API gateway and PostgREST do before touching the database:
//   1. apikey (header, or ?apikey=) must be the anon or the service_role key, else 401 (gateway);
//   2. the JWT is Authorization's bearer token, or else the apikey itself (legacy keys are JWTs);
//   3. verify it (HS256 with the project's secret); its `role` claim becomes the database role.

const { verify, JwtError } = require('./jwt');
const { errors } = require('./errors');

/** Returns { role, claims } or { response } (an error response to send). */
function authenticate(headers, searchParams, config) {
  const apikey = headers.apikey ?? searchParams.get('apikey');
  if (!apikey) return { response: errors.noApiKey() };
  if (apikey !== config.anonKey && apikey !== config.serviceRoleKey) return { response: errors.invalidApiKey() };

  let token = apikey;
  if (headers.authorization !== undefined) {
    const m = /^bearer (.*)$/i.exec(headers.authorization.trim());
    token = m ? m[1].trim() : '';
  }
  try {
    return verify(token, config.jwtSecret, { anonRole: config.anonRole, audience: config.jwtAud });
  } catch (e) {
    if (e instanceof JwtError) return { response: errors.jwt(e) };
    throw e;
  }
}

module.exports = { authenticate };
