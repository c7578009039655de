/**
 * The round protocol of data-parallel training on the cluster. The run state — the round number,
 * the plan every worker follows, the per-epoch history — is one key in the key-value store,
 * changed only by compare-and-set. Round r's starting state is published to
 * `amem.<P>.weights.<r>.<part>`, and each worker publishes its state after the round's steps to
 * `amem.<P>.update.<r>.<w>.<part>` (split to fit the server's message limit; read back by
 * subject, without consumers). Whichever worker holds the coordinator's lease (a key with
 * an owner and an expiry, taken over by compare-and-set once it has expired) combines round r
 * when all W updates are there: publishes round r+1's weights, advances the round, then drops round
 * r's updates and weights. Every step of it can be repeated after a crash with the same result:
 * the workers' updates are deterministic, so a recombined round is the same bytes.
 */
import { randomUUID } from 'node:crypto';
import { clusterNames, type ClusterKv, type ClusterTransport } from '../../cluster/node/transport.js';
import { decodeCheckpoint, encodeCheckpoint, type Checkpoint } from '../../io/checkpoint.js';
import { DataError } from '../../util/errors.js';
import { roundPlace, type DataParallelTraining, type ParallelPlan } from '../dataParallel.js';

const STATE_KEY = 'state';
const LEASE_KEY = 'coordinator';
const PARTS_HEADER = 'Amem-Parts';
const ROWS_HEADER = 'Amem-Rows';
const CORRECT_HEADER = 'Amem-Correct';

/** A finished epoch as the coordinator recorded it. */
export interface ParallelEpoch {
  epoch: number;
  rows: number;
  /** Share of rows predicted wrong before their step (models with labels). */
  train_error?: number;
  /** Seconds from the epoch's first round to its last round combined. */
  seconds: number;
}

/** The run state in the key-value store. */
export interface RunState {
  round: number;
  plan: ParallelPlan;
  /** The data set's hash (its manifest's): a run never continues on other data. */
  data: string;
  history: ParallelEpoch[];
  /** The epoch under way: rows and right answers so far, and when it started (ms since 1970). */
  current: { rows: number; correct: number; scored: boolean; started: number };
}

/** A worker's state after a round, with the rows it trained and how many it got right before their step. */
export interface Update {
  state: Checkpoint;
  rows: number;
  correct: number | null;
}

const json = (v: unknown) => new TextEncoder().encode(JSON.stringify(v));
const parse = <T>(b: Uint8Array) => JSON.parse(new TextDecoder().decode(b)) as T;

/** The run state and its revision, or null before the first worker started it. */
export async function readRunState(kv: ClusterKv): Promise<{ state: RunState; revision: number } | null> {
  const e = await kv.get(STATE_KEY);
  return e ? { state: parse<RunState>(e.value), revision: e.revision } : null;
}

/** Starts the run (round 0 from `initial`) unless another worker did; returns the run state. */
export async function startRun(transport: ClusterTransport, kv: ClusterKv, pipeline: string, fresh: RunState, initial: () => Checkpoint): Promise<RunState> {
  const names = clusterNames(pipeline);
  await transport.ensureStream(names.roundStream, names.roundSubjects, 3600, { lastOnly: true });
  const existing = await readRunState(kv);
  if (existing) return existing.state;
  // The weights first: whoever sees the state can read them (a race publishes the same seeded bytes twice).
  await publishSplit(transport, (p) => names.weightsSubject(0, p), encodeCheckpoint(initial()), {}, '0');
  await kv.create(STATE_KEY, json(fresh));
  return (await readRunState(kv))!.state;
}

/** Round r's starting state, or null when the run has moved past it. */
export async function roundWeights(transport: ClusterTransport, pipeline: string, round: number): Promise<Checkpoint | null> {
  const names = clusterNames(pipeline);
  const m = await readSplit(transport, names.roundStream, (p) => names.weightsSubject(round, p));
  return m ? decodeCheckpoint(m.bytes, `round ${round}'s weights`) : null;
}

/** Publishes worker `w`'s state after round `round` (message ids make a repeat a no-op). */
export async function publishUpdate(transport: ClusterTransport, pipeline: string, round: number, w: number, update: Update): Promise<void> {
  const names = clusterNames(pipeline);
  const headers = { [ROWS_HEADER]: String(update.rows), [CORRECT_HEADER]: update.correct === null ? '' : String(update.correct) };
  await publishSplit(transport, (p) => names.updateSubject(round, w, p), encodeCheckpoint(update.state), headers, `${round}.${w}`);
}

/** Worker `w`'s update of round `round`, or null while it is not (completely) there. */
async function readUpdate(transport: ClusterTransport, pipeline: string, round: number, w: number): Promise<Update | null> {
  const names = clusterNames(pipeline);
  const m = await readSplit(transport, names.roundStream, (p) => names.updateSubject(round, w, p));
  if (!m) return null;
  const correct = m.headers[CORRECT_HEADER];
  return { state: decodeCheckpoint(m.bytes, `worker ${w}'s update of round ${round}`), rows: Number(m.headers[ROWS_HEADER]), correct: correct === '' ? null : Number(correct) };
}

/** Publishes `bytes` in parts that fit the server's message limit, to `subject(0)`, `subject(1)`, … */
async function publishSplit(transport: ClusterTransport, subject: (part: number) => string, bytes: Uint8Array, headers: Record<string, string>, id: string): Promise<void> {
  const max = Math.floor(transport.maxPayload * 0.95) - 1024;
  const parts = Math.max(1, Math.ceil(bytes.length / max));
  const all = { ...headers, [PARTS_HEADER]: String(parts) };
  await Promise.all(
    Array.from({ length: parts }, (_, p) => transport.publish(subject(p), bytes.subarray(p * max, Math.min(bytes.length, (p + 1) * max)), { id: `${id}.${p}.${bytes.length}`, headers: all })),
  );
}

/** The bytes `publishSplit` sent (with the first part's headers), or null while a part is missing. */
async function readSplit(transport: ClusterTransport, stream: string, subject: (part: number) => string): Promise<{ bytes: Uint8Array; headers: Record<string, string> } | null> {
  const first = await transport.lastMessage(stream, subject(0));
  if (!first) return null;
  const parts = Number(first.headers[PARTS_HEADER]);
  if (parts === 1) return { bytes: first.data, headers: first.headers };
  const chunks = [first.data];
  for (let p = 1; p < parts; p++) {
    const m = await transport.lastMessage(stream, subject(p));
    if (!m) return null;
    chunks.push(m.data);
  }
  const bytes = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
  chunks.reduce((at, c) => (bytes.set(c, at), at + c.length), 0);
  return { bytes, headers: first.headers };
}

/** What a worker already has of the current round: its own update, the updates it read, and the weights it combined. */
export class RoundCache {
  round = -1;
  weights: Checkpoint | undefined;
  readonly updates = new Map<number, Update>();

  /** Forgets the last round; `weights`: the new round's, when this worker combined them. */
  start(round: number, weights?: Checkpoint): void {
    this.round = round;
    this.weights = weights;
    this.updates.clear();
  }
}

/** The coordinator's lease: held by one worker at a time, taken over once its holder stops renewing it. */
export class CoordinatorLease {
  readonly owner = randomUUID();
  private until = 0;

  constructor(
    private readonly kv: ClusterKv,
    private readonly ttlMs: number,
  ) {}

  /** True when this worker holds the lease now (renewing it when half its time is gone, taking it when free or expired). */
  async hold(): Promise<boolean> {
    const now = Date.now();
    if (this.until - now > this.ttlMs / 2) return true;
    const value = json({ owner: this.owner, until: now + this.ttlMs });
    const e = await this.kv.get(LEASE_KEY);
    const lease = e ? parse<{ owner: string; until: number }>(e.value) : undefined;
    if (lease && lease.owner !== this.owner && lease.until > now) return false;
    const revision = e ? await this.kv.update(LEASE_KEY, value, e.revision) : await this.kv.create(LEASE_KEY, value);
    if (revision === null) return false;
    this.until = now + this.ttlMs;
    return true;
  }
}

/**
 * Combines round `round` when every worker's update is there: stores the next round's weights,
 * advances the run state, then drops the round's updates and weights. Returns false while
 * updates are missing (or another coordinator advanced the round first).
 */
export async function combineRound(transport: ClusterTransport, kv: ClusterKv, pipeline: string, dp: DataParallelTraining, round: number, cache: RoundCache): Promise<boolean> {
  const names = clusterNames(pipeline);
  const read = await readRunState(kv);
  if (!read || read.state.round !== round) return false;
  const { state, revision } = read;
  if (cache.round !== round) cache.start(round);
  // Each update is fetched once per round (600 KB at K = 100): a retry asks only for the missing ones.
  for (let w = 0; w < state.plan.workers; w++) {
    if (cache.updates.has(w)) continue;
    const u = await readUpdate(transport, pipeline, round, w);
    if (!u) return false;
    cache.updates.set(w, u);
  }
  const updates = Array.from({ length: state.plan.workers }, (_, w) => cache.updates.get(w)!);
  const rows = updates.reduce((n, u) => n + u.rows, 0);
  if (rows === 0) throw new DataError(`round ${round}: no worker trained a row; this is a bug, please report it`);
  const next = roundPlace(state.plan, round + 1);
  const place = roundPlace(state.plan, round);
  const combined = dp.combine(
    updates.map((u) => u.state),
    updates.map((u) => u.rows / rows),
    next.epoch,
  );
  await publishSplit(transport, (p) => names.weightsSubject(round + 1, p), encodeCheckpoint(combined), {}, String(round + 1));
  const scored = updates.every((u) => u.correct !== null);
  const current = { rows: state.current.rows + rows, correct: state.current.correct + updates.reduce((n, u) => n + (u.correct ?? 0), 0), scored, started: state.current.started };
  const history = [...state.history];
  let nextCurrent = current;
  if (next.epoch > place.epoch) {
    history.push({
      epoch: place.epoch + 1,
      rows: current.rows,
      ...(scored ? { train_error: 1 - current.correct / current.rows } : {}),
      seconds: Math.round(Date.now() - current.started) / 1000,
    });
    nextCurrent = { rows: 0, correct: 0, scored: true, started: Date.now() };
  }
  if ((await kv.update(STATE_KEY, json({ ...state, round: round + 1, history, current: nextCurrent }), revision)) === null) return false;
  cache.start(round + 1, combined);
  await Promise.all([transport.purge(names.roundStream, names.updateSubject(round, '*', '*')), transport.purge(names.roundStream, names.weightsSubject(round, '*'))]);
  return true;
}
