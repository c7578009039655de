/**
 * The cluster transport on NATS JetStream: streams persist on disk and de-duplicate by message id,
 * durable pull consumers keep their acknowledged position and redeliver what was not
 * acknowledged, and the object store keeps shard states.
 */
import { connect, headers as natsHeaders, type NatsConnection } from '@nats-io/transport-node';
import { AckPolicy, DeliverPolicy, jetstream, jetstreamManager, type JetStreamClient, type JetStreamManager, type JsMsg } from '@nats-io/jetstream';
import { Objm, type ObjectStore } from '@nats-io/obj';
import { UsageError } from '../../util/errors.js';
import type { ClusterConsumer, ClusterMessage, ClusterTransport, PublishOptions } from './transport.js';

function wrap(m: JsMsg): ClusterMessage {
  const h: Record<string, string> = {};
  for (const k of m.headers?.keys() ?? []) h[k] = m.headers!.get(k);
  return { subject: m.subject, data: m.data, headers: h, redelivered: m.redelivered, ack: async () => void (await m.ackAck()), working: () => m.working() };
}

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
          return m ? wrap(m) : null;
        },
        consume(maxBytes) {
          // Bounded by bytes: a pull by count alone could ask for more than memory holds.
          const messages = c.consume({ max_bytes: maxBytes });
          return {
            async *[Symbol.asyncIterator]() {
              for await (const m of await messages) yield wrap(m);
            },
            stop: () => void messages.then((m) => m.stop()),
          };
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
