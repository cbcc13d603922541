'use strict';
// HS256/384/512 JSON Web Tokens: signing (for tests and the default keys) and verification with
// PostgREST v13/v14's rules and error codes/messages (src/PostgREST/Auth/Jwt.hs, Error.hs):
//   decode errors -> PGRST301, claims errors -> PGRST303; 30 s clock skew on exp/nbf/iat;
//   aud checked only when configured; a token without `role` runs as the anon role.

const crypto = require('node:crypto');

const CLOCK_SKEW_SECONDS = 30;
const HMAC_ALGS = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' };

class JwtError extends Error {
  constructor(code, message, details = null) {
    super(message);
    this.code = code;
    this.details = details;
  }
}

const decodeError = (message, details) => new JwtError('PGRST301', message, details);
const claimsError = (message) => new JwtError('PGRST303', message);

function base64urlJson(value) {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function hmac(alg, input, secret) {
  return crypto.createHmac(HMAC_ALGS[alg], secret).update(input).digest();
}

/** Sign `claims` (an object; key order is kept) with HS256. */
function sign(claims, secret) {
  const input = `${base64urlJson({ alg: 'HS256', typ: 'JWT' })}.${base64urlJson(claims)}`;
  return `${input}.${hmac('HS256', input, secret).toString('base64url')}`;
}

function parseJsonPart(part) {
  const value = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('not an object');
  return value;
}

function checkSignature(parts, secret) {
  let header;
  try {
    header = parseJsonPart(parts[0]);
  } catch {
    throw decodeError('JWT cryptographic operation failed');
  }
  if (!Object.hasOwn(HMAC_ALGS, header.alg)) {
    throw decodeError('Wrong or unsupported encoding algorithm', `JWT alg ${header.alg} not allowed`);
  }
  const expected = hmac(header.alg, `${parts[0]}.${parts[1]}`, secret);
  const given = Buffer.from(parts[2], 'base64url');
  if (given.length !== expected.length || !crypto.timingSafeEqual(given, expected)) {
    throw decodeError('JWT cryptographic operation failed');
  }
}

function checkClaims(claims, nowSeconds, audience) {
  const timeClaim = (name, isInvalid, message) => {
    if (!Object.hasOwn(claims, name) || claims[name] === null) return;
    if (typeof claims[name] !== 'number') throw claimsError(`The JWT '${name}' claim must be a number`);
    if (isInvalid(Math.floor(claims[name]))) throw claimsError(message);
  };
  timeClaim('exp', (exp) => nowSeconds - CLOCK_SKEW_SECONDS > exp, 'JWT expired');
  timeClaim('nbf', (nbf) => nowSeconds + CLOCK_SKEW_SECONDS < nbf, 'JWT not yet valid');
  timeClaim('iat', (iat) => nowSeconds + CLOCK_SKEW_SECONDS < iat, 'JWT issued at future');
  if (Object.hasOwn(claims, 'aud') && claims.aud !== null) {
    const aud = claims.aud;
    const valid = typeof aud === 'string' || (Array.isArray(aud) && aud.every((a) => typeof a === 'string'));
    if (!valid) throw claimsError("The JWT 'aud' claim must be a string or an array of strings");
    if (audience !== undefined) {
      const ok = typeof aud === 'string' ? aud === audience : aud.length === 0 || aud.includes(audience);
      if (!ok) throw claimsError('JWT not in audience');
    }
  }
}

/**
 * Verify a token; returns { claims, role } where claims carries the effective role.
 * Throws JwtError (code PGRST301 or PGRST303) on failure.
 */
function verify(token, secret, { anonRole = 'anon', audience, nowSeconds = Math.floor(Date.now() / 1000) } = {}) {
  if (token === '') throw decodeError('Empty JWT is sent in Authorization header');
  const parts = token.split('.');
  if (parts.length !== 3) throw decodeError(`Expected 3 parts in JWT; got ${parts.length}`);
  checkSignature(parts, secret);
  let claims;
  try {
    claims = parseJsonPart(parts[1]);
  } catch {
    throw claimsError('Parsing claims failed');
  }
  checkClaims(claims, nowSeconds, audience);
  let role = anonRole;
  if (Object.hasOwn(claims, 'role') && claims.role !== null) {
    role = typeof claims.role === 'string' ? claims.role : JSON.stringify(claims.role);
  }
  return { claims: { ...claims, role }, role };
}

module.exports = { sign, verify, JwtError, CLOCK_SKEW_SECONDS };
