// @ts-check
// The outbox: every record is written here before it is sent and deleted only once the database
// has acknowledged it, so a record survives being offline, a server outage and a closed tab.
// Entries are keyed like the database's unique key (user, dataset, content hash): storing the
// same file twice keeps one entry, and a resend after a lost acknowledgement is ignored by the
// database. Records are metadata only (see ContributionRecord); the file never gets here.

const DEFAULT_DB = 'dataunion-valuation-outbox';
const STORE = 'records';

/** @import { ContributionRecord } from './api.js' */
/**
 * One record waiting to be sent. `record` is the record's JSON as the wasm made it.
 * @typedef {{ key: string, owner: string, record: string, queuedAt: number, attempts: number,
 *   lastError: { code: string, message: string } | null }} OutboxEntry
 */
/**
 * What a submitter keeps its records in (`createNodeSubmitter({ outbox })` takes one of your own).
 * @typedef {object} Outbox
 * @property {(entry: OutboxEntry) => Promise<void>} put
 * @property {(owner: string) => Promise<OutboxEntry[]>} list oldest first
 * @property {(keys: string[]) => Promise<void>} delete
 * @property {(entries: OutboxEntry[]) => Promise<void>} update
 * @property {() => void} close
 */

/**
 * @param {string} owner
 * @param {Pick<ContributionRecord, 'dataset_id' | 'content_sha256'>} record
 */
export function entryKey(owner, record) {
  return `${owner} ${record.dataset_id} ${record.content_sha256}`;
}

/** IndexedDB outbox: survives reloads; shared by the tabs of one origin. */
/** @implements {Outbox} */
export class IndexedDbOutbox {
  /** @param {string} [name] */
  constructor(name = DEFAULT_DB) {
    this.name = name;
    /** @type {Promise<IDBDatabase> | null} */
    this.db = null;
  }

  /** @returns {Promise<IDBDatabase>} */
  open() {
    this.db ??= new Promise((resolve, reject) => {
      const req = indexedDB.open(this.name, 1);
      req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'key' }).createIndex('owner', 'owner');
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
      req.onblocked = () => reject(new Error('the outbox database is blocked by another tab upgrading it'));
    });
    return this.db;
  }

  /**
   * @template T
   * @param {IDBTransactionMode} mode
   * @param {(store: IDBObjectStore) => T} fn
   * @returns {Promise<T>}
   */
  async tx(mode, fn) {
    const db = await this.open();
    const tx = db.transaction(STORE, mode, { durability: 'strict' });
    const result = fn(tx.objectStore(STORE));
    await new Promise((resolve, reject) => {
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
      tx.onabort = () => reject(tx.error ?? new Error('outbox transaction aborted'));
    });
    return result;
  }

  /**
   * Resolves once the entry is durably stored.
   * @param {OutboxEntry} entry
   * @returns {Promise<void>}
   */
  put(entry) {
    return this.tx('readwrite', (store) => { store.put(entry); });
  }

  /**
   * @param {string} owner
   * @returns {Promise<OutboxEntry[]>}
   */
  async list(owner) {
    /** @type {IDBRequest<OutboxEntry[]> | undefined} */
    let req;
    await this.tx('readonly', (store) => { req = store.index('owner').getAll(owner); });
    // Set by the callback, which tx() has run.
    return /** @type {IDBRequest<OutboxEntry[]>} */ (req).result.sort((a, b) => a.queuedAt - b.queuedAt);
  }

  /**
   * @param {string[]} keys
   * @returns {Promise<void>}
   */
  delete(keys) {
    return this.tx('readwrite', (store) => { for (const key of keys) store.delete(key); });
  }

  /**
   * Rewrites entries that are still there: one another tab has sent meanwhile stays gone.
   * @param {OutboxEntry[]} entries
   * @returns {Promise<void>}
   */
  update(entries) {
    return this.tx('readwrite', (store) => {
      for (const entry of entries) {
        const req = store.getKey(entry.key);
        req.onsuccess = () => { if (req.result !== undefined) store.put(entry); };
      }
    });
  }

  close() {
    this.db?.then((db) => db.close(), () => {});
    this.db = null;
  }
}

/** Where IndexedDB is absent (Node) or turned off: the same contract for the page's lifetime. */
/** @implements {Outbox} */
export class MemoryOutbox {
  constructor() {
    /** @type {Map<string, OutboxEntry>} */
    this.entries = new Map();
  }

  /** @param {OutboxEntry} entry */
  async put(entry) {
    this.entries.set(entry.key, structuredClone(entry));
  }

  /** @param {string} owner */
  async list(owner) {
    return [...this.entries.values()].filter((e) => e.owner === owner).sort((a, b) => a.queuedAt - b.queuedAt).map((e) => structuredClone(e));
  }

  /** @param {string[]} keys */
  async delete(keys) {
    for (const key of keys) this.entries.delete(key);
  }

  /** @param {OutboxEntry[]} entries */
  async update(entries) {
    for (const entry of entries) if (this.entries.has(entry.key)) this.entries.set(entry.key, structuredClone(entry));
  }

  close() {}
}

/**
 * IndexedDB where it works, memory where it does not (storage disabled, quota, a private window
 * that refuses it): the record is still sent now, it just would not survive a reload.
 */
/** @implements {Outbox} */
export class FallbackOutbox {
  /** @param {Outbox} primary */
  constructor(primary) {
    this.primary = primary;
    /** @type {MemoryOutbox | null} */
    this.memory = null;
    /** @type {unknown} */
    this.unavailable = null; // why IndexedDB is not used, once it failed
  }

  /**
   * @template T
   * @param {(outbox: Outbox) => Promise<T>} op
   * @returns {Promise<T>}
   */
  async use(op) {
    if (!this.memory) {
      try {
        return await op(this.primary);
      } catch (e) {
        this.unavailable = e;
        this.memory = new MemoryOutbox();
      }
    }
    return op(this.memory);
  }

  /** @param {OutboxEntry} entry */
  put(entry) { return this.use((o) => o.put(entry)); }
  /** @param {string} owner */
  list(owner) { return this.use((o) => o.list(owner)); }
  /** @param {string[]} keys */
  delete(keys) { return this.use((o) => o.delete(keys)); }
  /** @param {OutboxEntry[]} entries */
  update(entries) { return this.use((o) => o.update(entries)); }
  close() { this.primary.close(); }
}
