#!/usr/bin/env node
'use strict';
// Prints a test token signed like the gateway expects (see ../README.md, "Keys and tokens").
//   node mint-jwt.js --sub UUID [--role authenticated] [--expires-in 3600] [--secret S]
//   node mint-jwt.js --api-key anon|service_role [--secret S]
// The secret defaults to $JWT_SECRET, else the Supabase CLI's local default.

const { DEFAULT_JWT_SECRET, apiKey, userToken } = require('./keys');

function main(argv) {
  const args = {};
  for (let i = 0; i < argv.length; i += 2) {
    if (!argv[i].startsWith('--') || argv[i + 1] === undefined) throw new Error(`bad arguments near '${argv[i]}'`);
    args[argv[i].slice(2)] = argv[i + 1];
  }
  const secret = args.secret ?? (process.env.JWT_SECRET || DEFAULT_JWT_SECRET);
  if (args['api-key']) {
    if (!['anon', 'service_role'].includes(args['api-key'])) throw new Error('--api-key must be anon or service_role');
    return apiKey(args['api-key'], secret);
  }
  if (!args.sub) throw new Error('usage: mint-jwt.js --sub UUID [--role R] [--expires-in SECONDS] [--secret S] | --api-key anon|service_role');
  const expiresIn = Number(args['expires-in'] ?? 3600);
  if (!Number.isInteger(expiresIn)) throw new Error('--expires-in must be an integer (seconds; negative = expired)');
  return userToken(args.sub, { secret, role: args.role ?? 'authenticated', expiresIn });
}

try {
  process.stdout.write(`${main(process.argv.slice(2))}\n`);
} catch (e) {
  process.stderr.write(`mint-jwt: ${e.message}\n`);
  process.exit(2);
}
