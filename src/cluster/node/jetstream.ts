/**
 * The cluster transport on NATS JetStream: streams persist on disk and de-duplicate by message id,
 * durable pull consumers keep their acknowledged position and redeliver what was not
 * acknowledged, and the object store keeps shard states.
 */
import { connect, headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager } from '@nats-io/jetstream';
import { Objm, type ObjectStore } from '@nats-io/obj';
import { UsageError } from '../../util/errors.js';
import type { ClusterConsumer, ClusterMessage, ClusterTransport, PublishOptions } from './transport.js';

/** The default server address (`--nats`). */
export const DEFAULT_NATS_URL = 'nats://127.0.0.1:4222';

/** Connects to the NATS server at `url`; a clear error when it is not there or lacks JetStream. */
export async function connectJetStream(url: string): Promise<ClusterTransport> {
  let nc: NatsConnection;
  try {
    nc = await connect({ servers: url, timeout: 3000, name: 'amem-flow' });
  } catch (err) {
    throw new UsageError(`cannot connect to NATS at ${url} (${(err as Error).message}); start nats-server with JetStream (nats-server -js) or give --nats URL`);
  }
  let jsm: JetStreamManager;
  try {
    jsm = await jetstreamManager(nc);
  } catch (err) {
    await nc.close();
    throw new UsageError(`the NATS server at ${url} has no JetStream (${(err as Error).message}); start it with -js or 'jetstream {}' in its configuration`);
  }
  const js: JetStreamClient = jetstream(nc);
  const stores = new Map<string, Promise<ObjectStore>>();
  const store = (bucket: string) => {
    let s = stores.get(bucket);
    if (!s) stores.set(bucket, (s = new Objm(js).create(bucket)));
    return s;
  };
  return {
    url,
    maxPayload: nc.info?.max_payload ?? 1024 * 1024,
    async ensureStream(name, subjects, dedupWindowS) {
      const config = { name, subjects, duplicate_window: dedupWindowS * 1e9, max_msg_size: -1 };
      try {
        await jsm.streams.info(name);
        await jsm.streams.update(name, config);
      } catch {
        await jsm.streams.add(config);
      }
    },
    async publish(subject, data, opts: PublishOptions) {
      const h = natsHeaders();
      for (const [k, v] of Object.entries(opts.headers ?? {})) h.set(k, v);
      const ack = await js.publish(subject, data, { msgID: opts.id, headers: h });
      return { duplicate: ack.duplicate };
    },
    async consumer(stream, name, subject, ackWaitS): Promise<ClusterConsumer> {
      try {
        await jsm.consumers.info(stream, name);
      } catch {
        await jsm.consumers.add(stream, {
          durable_name: name,
          filter_subject: subject,
          ack_policy: AckPolicy.Explicit,
          deliver_policy: DeliverPolicy.All,
          ack_wait: ackWaitS * 1e9,
          max_ack_pending: -1,
        });
      }
      const c = await js.consumers.get(stream, name);
      return {
        async next(waitMs) {
          const m = await c.next({ expires: Math.max(1000, waitMs) });
          if (!m) return null;
          const h: Record<string, string> = {};
          for (const k of m.headers?.keys() ?? []) h[k] = m.headers!.get(k);
          const message: ClusterMessage = { subject: m.subject, data: m.data, headers: h, redelivered: m.redelivered, ack: async () => void (await m.ackAck()), working: () => m.working() };
          return message;
        },
        async unacknowledged() {
          const info = await c.info();
          return info.num_pending + info.num_ack_pending;
        },
      };
    },
    async putObject(bucket, name, data) {
      await (await store(bucket)).putBlob({ name }, data);
    },
    async getObject(bucket, name) {
      return (await store(bucket)).getBlob(name);
    },
    async close() {
      await nc.drain();
    },
  };
}
