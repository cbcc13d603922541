// @ts-check
// Submitting valued files' records to Supabase, with the outbox in front: submit() stores the
// record, then sends whatever the outbox holds for the signed-in user. The sending itself is
// Rust (crates/valuation-submit over fetch): batching, retries with jittered backoff,
// Retry-After, typed errors. This file only decides what stays in the outbox.
//
// A record leaves the outbox when the database acknowledged it (stored now or before), or when
// the database refuses it for good (the error is returned to whoever is waiting). It stays when
// trying later can help: offline, server errors, rate limits, an expired or missing session.

import { SubmitError, ValuationError } from './errors.js';
import { FallbackOutbox, IndexedDbOutbox, MemoryOutbox, entryKey } from './outbox.js';

const CHUNK_RECORDS = 500;
// These need a fresh session, not a different record: keep the record for the next token.
const NEEDS_SESSION = new Set(['expired_token', 'unauthorized']);
const DEFAULT_RETRY_INTERVAL_MS = 30_000;
const LOCK_NAME = 'dataunion-valuation-outbox';

/** @import { ContributionRecord, FlushResult, SubmitResult, Submitter as SubmitterApi, SubmitterOptions, SupabaseClientLike } from './api.js' */
/** @import { Report } from './types/report.js' */
/** @import { SubmitConfig } from './web/valuation_wasm.js' */
/** @import { Outbox } from './outbox.js' */
/**
 * Makes records (their JSON) and sends them: the package's worker in the browser, the wasm
 * in-process under Node.
 * @typedef {{ record(report: string, datasetId: string): Promise<string>,
 *   send(config: SubmitConfig, records: string[], accessToken: string): Promise<unknown>, dispose(): void }} SubmitBackend
 */
/** @typedef {SubmitterOptions['accessToken']} AccessToken */
/** What a flush says about a record a submit() waits on.
 * @typedef {{ sent: true, error?: undefined, kept?: undefined } | { sent?: undefined, error: SubmitError | ValuationError, kept: boolean }} Outcome */

/**
 * The user a token belongs to (its `sub`), read without verifying: the server verifies.
 * @param {string} token
 * @returns {string | null}
 */
export function tokenOwner(token) {
  try {
    const payload = token.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
    const json = JSON.parse(new TextDecoder().decode(Uint8Array.from(atob(payload), (c) => c.charCodeAt(0))));
    return typeof json.sub === 'string' && json.sub ? json.sub : null;
  } catch {
    return null;
  }
}

/**
 * @param {SubmitterOptions['outbox'] | Outbox} option
 * @returns {Outbox}
 */
function defaultOutbox(option) {
  if (option === false || typeof indexedDB === 'undefined') return new MemoryOutbox();
  if (option && typeof option === 'object') return option;
  return new FallbackOutbox(new IndexedDbOutbox(typeof option === 'string' ? option : undefined));
}

/**
 * What a supabase-js client gives a submitter: its project URL and key, and the signed-in user's
 * token read at each send, so a sign-in, refresh or sign-out is followed with no wiring. Read
 * structurally (no dependency on @supabase/supabase-js): `supabaseUrl` and `supabaseKey` are
 * the client's own fields (TypeScript marks them protected; they are set by its constructor in
 * every 2.x release). Explicit options win over what the client says.
 * @param {SupabaseClientLike & { supabaseUrl?: unknown, supabaseKey?: string, accessToken?: () => Promise<string | null> }} client
 *   what the type declares, and the fields read structurally from a real client
 * @param {SubmitterOptions} options
 * @returns {{ supabaseUrl: string | undefined, anonKey: string | undefined, accessToken: AccessToken }}
 */
function fromSupabaseClient(client, options) {
  if (typeof client !== 'object' || client === null) {
    throw new SubmitError('invalid_config', 'createSubmitter({ supabase }) needs a SupabaseClient (createClient(url, key))');
  }
  const supabaseUrl = options.supabaseUrl ?? (client.supabaseUrl === undefined ? undefined : String(client.supabaseUrl));
  const anonKey = options.anonKey ?? client.supabaseKey;
  // A client made with createClient(url, key, { accessToken }) (third-party auth) has no
  // `auth`; its token function is the session.
  const accessToken = options.accessToken ?? (async () => {
    if (typeof client.accessToken === 'function') return client.accessToken();
    const { data, error } = await client.auth.getSession();
    if (error) throw new SubmitError('unauthorized', `the Supabase client has no usable session: ${/** @type {{ message?: string }} */ (error).message ?? error}`); // an AuthError
    return data?.session?.access_token ?? null;
  });
  return { supabaseUrl, anonKey, accessToken };
}

export class Submitter {
  /**
   * @param {SubmitBackend} backend
   * @param {SubmitterOptions & { outbox?: SubmitterOptions['outbox'] | Outbox }} options
   */
  constructor(backend, options) {
    const connection = options.supabase ? fromSupabaseClient(options.supabase, options) : options;
    const { supabaseUrl, anonKey } = connection;
    const { timeoutMs, retry } = options;
    if (typeof supabaseUrl !== 'string' || typeof anonKey !== 'string') {
      throw new SubmitError('invalid_config', options.supabase
        ? 'createSubmitter could not read the URL and key of this Supabase client: pass { supabaseUrl, anonKey } too'
        : 'createSubmitter needs { supabase } (a SupabaseClient) or { supabaseUrl, anonKey }');
    }
    this.backend = backend;
    /** @type {SubmitConfig} */
    this.config = { url: supabaseUrl, anonKey, ...(timeoutMs !== undefined && { timeoutMs }), ...(retry && { retry }) };
    /** @type {AccessToken} */
    this.accessToken = connection.accessToken;
    // A sign-in or a refreshed token: what waited for a session goes out now.
    this.authSubscription = options.supabase?.auth?.onAuthStateChange?.((event, session) => {
      if (session && (event === 'SIGNED_IN' || event === 'TOKEN_REFRESHED')) this.flush().catch(() => {});
    })?.data?.subscription;
    this.datasetId = options.datasetId;
    this.outbox = defaultOutbox(options.outbox);
    this.retryIntervalMs = options.retryIntervalMs ?? DEFAULT_RETRY_INTERVAL_MS;
    this.onFlush = options.onFlush;
    /** @type {Map<string, Outcome>} */
    this.outcomes = new Map();
    /** @type {Set<string>} */
    this.waiting = new Set(); // keys a submit() call is waiting on: only their outcomes are kept
    /** @type {Promise<unknown>} */
    this.queue = Promise.resolve();
    /** @type {ReturnType<typeof setTimeout> | null} */
    this.timer = null;
    this.disposed = false;
    this.onOnline = () => this.flush().catch(() => {}); // reported through onFlush
    globalThis.addEventListener?.('online', this.onOnline);
    // Never rejects: nobody may be awaiting it, and an unexpected failure is a result too.
    /** @type {Promise<FlushResult>} */
    this.started = options.flushOnStart === false
      ? Promise.resolve(emptyResult())
      // An unexpected failure is reported as flush() reports its own (index.d.ts types it as ours).
      : this.flush().catch((error) => ({ ...emptyResult(), error: /** @type {FlushResult['error']} */ (error) }));
  }

  /**
   * A new session: what waited for one goes out now.
   * @param {AccessToken} token
   */
  setAccessToken(token) {
    this.accessToken = token;
    this.flush().catch(() => {});
  }

  /** @returns {Promise<{ token: string, owner: string }>} */
  async token() {
    const token = typeof this.accessToken === 'function' ? await this.accessToken() : this.accessToken;
    if (typeof token !== 'string' || !token) throw new SubmitError('unauthorized', 'no access token: sign in first');
    const owner = tokenOwner(token);
    if (!owner) throw new SubmitError('unauthorized', 'the access token names no user (an anon key?): sign in first');
    return { token, owner };
  }

  /**
   * @param {Report | string} report
   * @param {{ datasetId?: string }} [options]
   * @returns {Promise<SubmitResult>}
   */
  async submit(report, options = {}) {
    this.checkAlive();
    const datasetId = options.datasetId ?? this.datasetId;
    if (typeof datasetId !== 'string') throw new SubmitError('invalid_record', 'submit() needs a datasetId (option or createSubmitter default)');
    const reportJson = typeof report === 'string' ? report : JSON.stringify(report);
    const recordJson = await this.backend.record(reportJson, datasetId);
    /** @type {ContributionRecord} */
    const record = JSON.parse(recordJson);
    const { owner } = await this.token();
    const key = entryKey(owner, record);
    this.outcomes.delete(key);
    this.waiting.add(key);
    let outcome;
    try {
      await this.outbox.put({ key, owner, record: recordJson, queuedAt: Date.now(), attempts: 0, lastError: null });
      await this.flush();
      outcome = this.outcomes.get(key);
    } finally {
      this.waiting.delete(key);
      this.outcomes.delete(key);
    }
    if (outcome?.sent) return { status: 'sent', record };
    if (outcome?.error && !outcome.kept) throw outcome.error;
    return { status: 'queued', record, error: outcome?.error ?? null };
  }

  /**
   * submit() in supabase-js's style: `{ data, error }`, never a rejection.
   * @param {Report | string} report
   * @param {{ datasetId?: string }} [options]
   * @returns {ReturnType<SubmitterApi['trySubmit']>}
   */
  async trySubmit(report, options) {
    try {
      return { data: await this.submit(report, options), error: null };
    } catch (error) {
      return { data: null, error: /** @type {SubmitError | ValuationError} */ (error) }; // what submit() throws
    }
  }

  /**
   * Sends everything the outbox holds for the signed-in user; one flush at a time, per origin.
   * @returns {Promise<FlushResult>}
   */
  flush() {
    if (this.disposed) return Promise.resolve(emptyResult());
    const run = this.queue.then(() => withLock(() => this.flushOnce()));
    this.queue = run.catch(() => {});
    return run;
  }

  async pending() {
    const { owner } = await this.token();
    return (await this.outbox.list(owner)).length;
  }

  /** @returns {Promise<FlushResult>} */
  async flushOnce() {
    clearTimeout(/** @type {ReturnType<typeof setTimeout> | undefined} */ (this.timer)); // null clears nothing, as undefined
    const result = emptyResult();
    let session;
    try {
      session = await this.token();
    } catch (error) {
      result.error = /** @type {SubmitError} */ (error); // token() throws SubmitErrors, or the token function's own error
      return this.report(result);
    }
    const entries = await this.outbox.list(session.owner);
    for (const entry of entries) this.outcomes.delete(entry.key);
    for (let i = 0; i < entries.length && !this.disposed; i += CHUNK_RECORDS) {
      const failure = await this.send(entries.slice(i, i + CHUNK_RECORDS), session.token, result);
      if (!failure) continue;
      const rest = entries.slice(i).filter((e) => !this.outcomes.has(e.key)); // not sent, not refused
      for (const entry of rest) {
        entry.attempts += 1;
        entry.lastError = { code: failure.code, message: failure.message };
        this.outcomes.set(entry.key, { error: failure, kept: true });
      }
      await this.outbox.update(rest);
      result.queued = rest.length;
      result.error = failure;
      // Session errors too: a token function may well return a refreshed token by then.
      this.schedule(/** @type {{ retryAfterMs?: number }} */ (failure).retryAfterMs); // undefined unless a SubmitError says
      break;
    }
    for (const key of this.outcomes.keys()) if (!this.waiting.has(key)) this.outcomes.delete(key);
    return this.report(result);
  }

  /**
   * Resolves null when every record is settled (sent or refused for good), else the error.
   * @param {import('./outbox.js').OutboxEntry[]} entries
   * @param {string} token
   * @param {FlushResult} result
   * @returns {Promise<(SubmitError | ValuationError) | null>}
   */
  async send(entries, token, result) {
    try {
      await this.backend.send(this.config, entries.map((e) => e.record), token);
    } catch (e) {
      const error = /** @type {SubmitError | ValuationError} */ (e); // the backend rejects with the package's errors
      const permanent = error instanceof SubmitError && !error.transient && !NEEDS_SESSION.has(error.code);
      if (!permanent) return error;
      if (entries.length > 1) {
        // One refused record fails its whole batch: find it, send the others.
        for (const entry of entries) {
          const failure = await this.send([entry], token, result);
          if (failure) return failure;
        }
        return null;
      }
      await this.outbox.delete([entries[0].key]);
      this.outcomes.set(entries[0].key, { error, kept: false });
      result.rejected.push({ record: JSON.parse(entries[0].record), error: /** @type {SubmitError} */ (error) }); // permanent: a SubmitError
      return null;
    }
    await this.outbox.delete(entries.map((e) => e.key));
    for (const entry of entries) this.outcomes.set(entry.key, { sent: true });
    result.sent += entries.length;
    return null;
  }

  /**
   * @param {FlushResult} result
   * @returns {FlushResult}
   */
  report(result) {
    try {
      this.onFlush?.(result);
    } catch {
      // A listener's bug must not turn a successful flush into a failure.
    }
    return result;
  }

  /** @param {number} [retryAfterMs] */
  schedule(retryAfterMs) {
    if (this.disposed || !(this.retryIntervalMs > 0)) return;
    this.timer = setTimeout(() => this.flush().catch(() => {}), Math.max(retryAfterMs ?? 0, this.retryIntervalMs));
    /** @type {{ unref?: () => void }} */ (this.timer)?.unref?.(); // Node's Timeout: does not keep the process alive
  }

  checkAlive() {
    if (this.disposed) throw new ValuationError('disposed', 'this submitter was disposed');
  }

  dispose() {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(/** @type {ReturnType<typeof setTimeout> | undefined} */ (this.timer)); // null clears nothing, as undefined
    globalThis.removeEventListener?.('online', this.onOnline);
    this.authSubscription?.unsubscribe?.();
    this.backend.dispose();
    this.outbox.close();
  }
}

/** @returns {FlushResult} */
function emptyResult() {
  return { sent: 0, queued: 0, rejected: [], error: null };
}

/** Tabs of one origin share the outbox: one flush at a time, so a record is not sent by two. */
/**
 * @template T
 * @param {() => Promise<T>} fn
 * @returns {Promise<T>}
 */
function withLock(fn) {
  const locks = globalThis.navigator?.locks;
  // The cast: lib.dom types request() as a promise of fn's promise; promises flatten.
  return locks ? /** @type {Promise<T>} */ (locks.request(LOCK_NAME, fn)) : fn();
}

/**
 * What createSubmitter()/createNodeSubmitter() hand out: the API of index.d.ts, nothing internal.
 * @param {Submitter} submitter
 * @returns {SubmitterApi}
 */
export function publicSubmitter(submitter) {
  return {
    submit: (report, options) => submitter.submit(report, options),
    trySubmit: (report, options) => submitter.trySubmit(report, options),
    flush: () => submitter.flush(),
    pending: () => submitter.pending(),
    started: submitter.started,
    setAccessToken: (token) => submitter.setAccessToken(token),
    dispose: () => submitter.dispose(),
  };
}
