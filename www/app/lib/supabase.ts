// The Supabase project the page talks to, and a PostgREST GET as supabase-js would send it.
// Inlined at build time: Next.js replaces each `process.env.NEXT_PUBLIC_…` spelled out in full.
export const SUPABASE_URL = process.env.NEXT_PUBLIC_SUPABASE_URL || '';
export const ANON_KEY = process.env.NEXT_PUBLIC_SUPABASE_ANON_KEY || '';
// DEMO ONLY: a stand-in for a supabase-js session. scripts/demo.sh and tests/www/run.sh mint a
// token for a seeded user of their local stack and build it into the page, since this example has
// no sign-in. Never set it for a deployed app: a real app signs the user in with supabase-js and
// passes `accessToken: async () => (await supabase.auth.getSession()).data.session?.access_token`.
export const DEMO_ACCESS_TOKEN = process.env.NEXT_PUBLIC_DEMO_ACCESS_TOKEN || undefined;

export const MISSING = Object.entries({
  NEXT_PUBLIC_SUPABASE_URL: SUPABASE_URL,
  NEXT_PUBLIC_SUPABASE_ANON_KEY: ANON_KEY,
  NEXT_PUBLIC_DEMO_ACCESS_TOKEN: DEMO_ACCESS_TOKEN,
})
  .filter(([, value]) => !value)
  .map(([name]) => name);

/** A failed REST read: PostgREST's error code (e.g. 42501, PGRST301) or `network`. */
export class RestError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly status: number,
  ) {
    super(message);
    this.name = 'RestError';
  }
}

export type Page<T> = { rows: T[]; total: number | null };

/** GET /rest/v1/<table>?<query> as the signed-in user; RLS decides what comes back. */
export async function restGet<T>(table: string, query: URLSearchParams, options: { count?: boolean } = {}): Promise<Page<T>> {
  const headers: Record<string, string> = { apikey: ANON_KEY, Accept: 'application/json' };
  if (DEMO_ACCESS_TOKEN) headers.Authorization = `Bearer ${DEMO_ACCESS_TOKEN}`;
  if (options.count) headers.Prefer = 'count=exact';
  let response: Response;
  try {
    response = await fetch(`${SUPABASE_URL}/rest/v1/${table}?${query}`, { headers });
  } catch (e) {
    throw new RestError(`cannot reach ${SUPABASE_URL}: ${e instanceof Error ? e.message : e}`, 'network', 0);
  }
  const body = await response.json().catch(() => null);
  if (!response.ok) {
    throw new RestError(body?.message ?? `HTTP ${response.status}`, body?.code ?? `http_${response.status}`, response.status);
  }
  // Content-Range: "0-9/42" (or "*/0"): the total after the slash, with Prefer: count=exact
  const total = response.headers.get('Content-Range')?.split('/')[1];
  return { rows: body as T[], total: total && total !== '*' ? Number(total) : null };
}
