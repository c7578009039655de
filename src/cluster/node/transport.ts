/**
 * What scale-out needs from a streaming engine, small enough that another engine (Kafka, Redis
 * streams) could stand behind it: durable subjects with de-duplication by message id, durable
 * pull consumers with explicit acknowledgement and redelivery, reads of a subject's last message
 * without a consumer, an object store for state, and a key-value store with compare-and-set for
 * leases and counters. JetStream implements it (`jetstream.ts`).
 */

/** A message as a consumer receives it. */
export interface ClusterMessage {
  subject: string;
  data: Uint8Array;
  headers: Record<string, string>;
  /** Delivered before and not acknowledged in time (its consumer died or was slow). */
  redelivered: boolean;
  /** Acknowledges it; resolves once the server has recorded the acknowledgement. */
  ack(): Promise<void>;
  /** Tells the server it is still being worked on (resets its redelivery timer). */
  working(): void;
}

/** A durable consumer of one subject: it remembers what was acknowledged across restarts. */
export interface ClusterConsumer {
  /** The next message, or null when none arrives within `waitMs`. */
  next(waitMs: number): Promise<ClusterMessage | null>;
  /** Messages as they come, pulled ahead by at most about `maxBytes` (never by count alone); `stop` ends the iteration. */
  consume(maxBytes: number): AsyncIterable<ClusterMessage> & { stop(): void };
  /** Messages not yet acknowledged: waiting to be delivered, or delivered and not acknowledged. */
  unacknowledged(): Promise<number>;
}

/** Publish options: `id` makes a re-publish of the same message a no-op. */
export interface PublishOptions {
  id: string;
  headers?: Record<string, string>;
}

/** A small key-value bucket with compare-and-set: leases and counters that several processes race to change. */
export interface ClusterKv {
  /** The value under `key` and its revision, or null. */
  get(key: string): Promise<{ value: Uint8Array; revision: number } | null>;
  /** Creates `key`; its revision, or null when it exists already. */
  create(key: string, value: Uint8Array): Promise<number | null>;
  /** Replaces `key` when its revision is still `revision`; the new revision, or null when another process wrote first. */
  update(key: string, value: Uint8Array, revision: number): Promise<number | null>;
}

/** A connection to the engine. */
export interface ClusterTransport {
  /** The server's URL, for messages. */
  readonly url: string;
  /** The largest message the server accepts, in bytes. */
  readonly maxPayload: number;
  /** Creates (or updates) a stream that keeps `subjects`, de-duplicating ids within `dedupWindowS` (`lastOnly`: only each subject's last message). */
  ensureStream(name: string, subjects: string[], dedupWindowS: number, opts?: { lastOnly?: boolean }): Promise<void>;
  /** Publishes `data`; `duplicate` when a message with the same id was already kept. */
  publish(subject: string, data: Uint8Array, opts: PublishOptions): Promise<{ duplicate: boolean }>;
  /** A durable consumer `name` of `subject` in `stream` (created on first use); unacknowledged messages come again after `ackWaitS`. */
  consumer(stream: string, name: string, subject: string, ackWaitS: number): Promise<ClusterConsumer>;
  /** The last message kept on `subject` in `stream` (a stream made with `lastOnly`; read without a consumer), or null. */
  lastMessage(stream: string, subject: string): Promise<{ data: Uint8Array; headers: Record<string, string> } | null>;
  /** Removes the messages kept on the subjects matching `filter` (wildcards allowed) from `stream`. */
  purge(stream: string, filter: string): Promise<void>;
  /** The key-value bucket `bucket` (created on first use). */
  kv(bucket: string): Promise<ClusterKv>;
  /** Stores `data` as `name` in the object store `bucket` (created on first use). */
  putObject(bucket: string, name: string, data: Uint8Array): Promise<void>;
  /** Removes the object `name` from `bucket` (nothing when it is not there). */
  deleteObject(bucket: string, name: string): Promise<void>;
  /** The object `name` in `bucket`, or null. */
  getObject(bucket: string, name: string): Promise<Uint8Array | null>;
  /** Sends what is pending and closes (acknowledgements included). */
  close(): Promise<void>;
}

/** How long a shard stream remembers message ids: a re-publish within it is de-duplicated. */
const SHARD_DEDUP_WINDOW_S = 24 * 3600;

/**
 * Creates a pipeline's shard stream, or leaves it as it is: publishers and workers both call it,
 * so a worker started before the publisher waits for data instead of finding no stream.
 */
export async function ensureShardStream(transport: ClusterTransport, pipeline: string): Promise<void> {
  const names = clusterNames(pipeline);
  await transport.ensureStream(names.stream, [names.shardSubject(0).replace(/\.0$/, '.*')], SHARD_DEDUP_WINDOW_S);
}

/** The names a pipeline's scale-out uses on the engine (subject tokens and bucket names allow [A-Za-z0-9_-]). */
export function clusterNames(pipeline: string) {
  const token = pipeline.replace(/[^A-Za-z0-9_-]/g, '_');
  return {
    stream: `AMEM_${token}`,
    shardSubject: (k: number) => `amem.${token}.shard.${k}`,
    bucket: `amem-${token}`,
    shardConsumer: (k: number) => `shard-${k}`,
    shardObject: (k: number) => `shard-${k}.arrow`,
    /** Data-parallel training: the data set in chunks, its manifest, the round's state. */
    dataObject: (c: number) => `data-${c}.arrow`,
    dataManifest: 'data.json',
    /** The key-value bucket of the run state and the coordinator's lease. */
    runBucket: `amem-${token}-run`,
    /** Rounds: each round's starting weights and the workers' updates, one subject per part, only the last message kept. */
    roundStream: `AMEM_${token}_ROUNDS`,
    roundSubjects: [`amem.${token}.weights.*.*`, `amem.${token}.update.*.*.*`],
    weightsSubject: (round: number | '*', part: number | '*') => `amem.${token}.weights.${round}.${part}`,
    updateSubject: (round: number | '*', worker: number | '*', part: number | '*') => `amem.${token}.update.${round}.${worker}.${part}`,
  };
}
