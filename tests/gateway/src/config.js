'use strict';
// Command line and environment of the test gateway. A flag beats its environment variable.

const { DEFAULT_JWT_SECRET, apiKey } = require('./keys');

const OPTIONS = [
  // flag, environment variable, key, kind, default, help
  ['--port', 'GATEWAY_PORT', 'port', 'int', 0, 'TCP port; 0 picks a free one (printed)'],
  ['--host', 'GATEWAY_HOST', 'host', 'string', '127.0.0.1', 'loopback address to bind (loopback only)'],
  ['--database-url', 'DATABASE_URL', 'databaseUrl', 'string', undefined,
    'postgres://authenticator@127.0.0.1:PORT/DB (required)'],
  ['--jwt-secret', 'JWT_SECRET', 'jwtSecret', 'string', DEFAULT_JWT_SECRET, 'HS256 secret, >= 32 chars'],
  ['--jwt-aud', 'JWT_AUD', 'jwtAud', 'string', undefined, "required 'aud' (unset: not checked)"],
  ['--anon-key', 'ANON_KEY', 'anonKey', 'string', undefined, 'apikey for anon (default: derived)'],
  ['--service-role-key', 'SERVICE_ROLE_KEY', 'serviceRoleKey', 'string', undefined,
    'apikey for service_role (default: derived)'],
  ['--max-body-bytes', 'MAX_BODY_BYTES', 'maxBodyBytes', 'int', 1048576, 'larger bodies get 413'],
  ['--pool-size', 'DB_POOL_SIZE', 'poolSize', 'int', 4, 'database connections'],
  ['--faults', 'GATEWAY_FAULTS', 'faults', 'json', undefined, 'initial fault schedule (JSON)'],
  ['--exit-on-stdin-close', 'GATEWAY_EXIT_ON_STDIN_CLOSE', 'exitOnStdinClose', 'bool', false,
    'exit when stdin closes (no orphan when the parent dies)'],
  ['--log-requests', 'GATEWAY_LOG_REQUESTS', 'logRequests', 'bool', false, 'one line per request on stderr'],
];

class ConfigError extends Error {}

function convert(kind, raw, name) {
  switch (kind) {
    case 'int': {
      if (!/^\d+$/.test(raw)) throw new ConfigError(`${name}: expected a non-negative integer, got '${raw}'`);
      return Number(raw);
    }
    case 'bool': return raw === '' || /^(1|true|yes|on)$/i.test(raw);
    case 'json':
      try { return JSON.parse(raw); } catch (e) { throw new ConfigError(`${name}: invalid JSON (${e.message})`); }
    default: return raw;
  }
}

function isLoopback(host) {
  return host === 'localhost' || host === '::1' || /^127(\.\d{1,3}){3}$/.test(host);
}

function usage() {
  const lines = OPTIONS.map(([flag, env, , kind, , help]) =>
    `  ${`${flag}${kind === 'bool' ? '' : ' VALUE'}`.padEnd(28)} ${env.padEnd(28)} ${help}`);
  return ['usage: node tests/gateway/src/server.js [options]   (TEST STAND-IN for Supabase /rest/v1)',
    '  option                       environment variable', ...lines].join('\n');
}

function parseConfig(argv, env) {
  const config = {};
  for (const [, envName, key, kind, fallback] of OPTIONS) {
    config[key] = env[envName] !== undefined && env[envName] !== '' ? convert(kind, env[envName], envName) : fallback;
  }
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--help' || arg === '-h') return { help: usage() };
    const [flagPart, inline] = arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const option = OPTIONS.find(([flag]) => flag === flagPart);
    if (!option) throw new ConfigError(`unknown argument '${arg}'\n${usage()}`);
    const [flag, , key, kind] = option;
    let raw = inline;
    if (raw === undefined && kind !== 'bool') {
      raw = argv[++i];
      if (raw === undefined) throw new ConfigError(`${flag} needs a value`);
    }
    config[key] = convert(kind, raw ?? '', flag);
  }
  if (!config.databaseUrl) throw new ConfigError(`--database-url (or DATABASE_URL) is required\n${usage()}`);
  if (!isLoopback(config.host)) throw new ConfigError(`--host ${config.host}: the test gateway binds loopback only`);
  if (config.port > 65535) throw new ConfigError(`--port ${config.port}: out of range`);
  if (config.jwtSecret.length < 32) throw new ConfigError('the JWT secret must be at least 32 characters long');
  config.anonKey ??= apiKey('anon', config.jwtSecret);
  config.serviceRoleKey ??= apiKey('service_role', config.jwtSecret);
  config.anonRole = 'anon';
  config.schema = 'public';
  return config;
}

module.exports = { parseConfig, ConfigError, usage };
