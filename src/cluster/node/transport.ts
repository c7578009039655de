/**
 * What scale-out needs from a streaming engine, small enough that another engine (Kafka, Redis
 * streams) could stand behind it: durable subjects with de-duplication by message id, durable
 * pull consumers with explicit acknowledgement and redelivery, and an object store for state.
 * JetStream implements it (`jetstream.ts`).
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

/** A connection to the engine. */
export interface ClusterTransport {
  /** The server's URL, for messages. */
  readonly url: string;
  /** The largest message the server accepts, in bytes. */
  readonly maxPayload: number;
  /** Creates (or updates) a stream that keeps `subjects`, de-duplicating ids within `dedupWindowS`. */
  ensureStream(name: string, subjects: string[], dedupWindowS: number): Promise<void>;
  /** Publishes `data`; `duplicate` when a message with the same id was already kept. */
  publish(subject: string, data: Uint8Array, opts: PublishOptions): Promise<{ duplicate: boolean }>;
  /** A durable consumer `name` of `subject` in `stream` (created on first use); unacknowledged messages come again after `ackWaitS`. */
  consumer(stream: string, name: string, subject: string, ackWaitS: number): Promise<ClusterConsumer>;
  /** Stores `data` as `name` in the object store `bucket` (created on first use). */
  putObject(bucket: string, name: string, data: Uint8Array): Promise<void>;
  /** The object `name` in `bucket`, or null. */
  getObject(bucket: string, name: string): Promise<Uint8Array | null>;
  /** Sends what is pending and closes (acknowledgements included). */
  close(): Promise<void>;
}

/** The names a pipeline's scale-out uses on the engine (subject tokens and bucket names allow [A-Za-z0-9_-]). */
export function clusterNames(pipeline: string): { stream: string; shardSubject: (k: number) => string; bucket: string; shardConsumer: (k: number) => string; shardObject: (k: number) => string } {
  const token = pipeline.replace(/[^A-Za-z0-9_-]/g, '_');
  return {
    stream: `AMEM_${token}`,
    shardSubject: (k) => `amem.${token}.shard.${k}`,
    bucket: `amem-${token}`,
    shardConsumer: (k) => `shard-${k}`,
    shardObject: (k) => `shard-${k}.arrow`,
  };
}
