'use strict';
// Control endpoints of the test gateway (no API key; loopback only, like the whole gateway):
//   GET    /__health   {"status":"ok","schema_cache_version":N,"schema_cache_loaded_at":...}
//   POST   /__reload   reload the schema cache now (also done on NOTIFY pgrst, 'reload schema')
//   GET    /__faults   {"schedule":[...remaining entries], "log":[...REST requests seen]}
//   POST   /__faults   set the schedule: [entry, ...] or {"schedule":[...], "append":true}
//   DELETE /__faults   clear the schedule and the log

const { jsonResponse } = require('./errors');
const { FaultSpecError } = require('./faults');

async function handleControl({ req, url, bodyText, faults, cache }) {
  const route = `${req.method} ${url.pathname}`;
  switch (route) {
    case 'GET /__health':
      return jsonResponse(200, {
        status: 'ok', schema_cache_version: cache.version, schema_cache_loaded_at: cache.loadedAt,
      });
    case 'POST /__reload':
      await cache.load();
      return jsonResponse(200, { schema_cache_version: cache.version });
    case 'GET /__faults':
      return jsonResponse(200, faults.state());
    case 'POST /__faults': {
      let spec;
      try {
        spec = JSON.parse(bodyText);
        faults.configure(spec);
      } catch (e) {
        if (e instanceof SyntaxError || e instanceof FaultSpecError) return jsonResponse(400, { message: e.message });
        throw e;
      }
      return jsonResponse(200, faults.state());
    }
    case 'DELETE /__faults':
      faults.clear();
      return jsonResponse(200, faults.state());
    default:
      return jsonResponse(404, { message: `unknown control endpoint: ${route}` });
  }
}

module.exports = { handleControl };
