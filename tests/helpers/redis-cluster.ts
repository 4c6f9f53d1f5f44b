/**
 * A real local Redis Cluster for tests: six `redis-server --cluster-enabled yes` processes (three
 * masters, one replica each), joined by `redis-cli --cluster create`, nothing kept on disk beyond
 * the nodes' cluster files in a temporary directory. `kill9` kills one process as a crash would,
 * for the failover test.
 */
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface ClusterNode {
  port: number;
  process: ChildProcess;
}

async function cli(port: number, ...args: string[]): Promise<string> {
  const { stdout } = await run('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], {
    timeout: 10_000,
  });
  return stdout;
}

export class RedisClusterProcesses {
  readonly nodes: ClusterNode[] = [];
  private dir = '';

  /** `ports`: six ports, the first three become masters. */
  constructor(
    readonly ports: number[],
    /** How long a master may be unreachable before its replica is promoted. */
    private readonly nodeTimeoutMs = 1_000,
  ) {}

  get seeds(): string[] {
    return this.ports.map((p) => `127.0.0.1:${p}`);
  }

  async start(): Promise<void> {
    this.dir = await mkdtemp(join(tmpdir(), 'warroom-redis-cluster-'));
    for (const port of this.ports) this.nodes.push({ port, process: this.spawnNode(port) });
    for (const port of this.ports) await this.until(async () => (await cli(port, 'ping')).trim() === 'PONG');
    await run(
      'redis-cli',
      ['--cluster', 'create', ...this.seeds, '--cluster-replicas', '1', '--cluster-yes'],
      { timeout: 30_000 },
    );
    await this.ready();
  }

  private spawnNode(port: number): ChildProcess {
    return spawn(
      'redis-server',
      [
        '--port',
        String(port),
        '--bind',
        '127.0.0.1',
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        join(this.dir, `nodes-${port}.conf`),
        '--cluster-node-timeout',
        String(this.nodeTimeoutMs),
        '--dir',
        this.dir,
        '--save',
        '',
        '--appendonly',
        'no',
      ],
      { stdio: 'ignore' },
    );
  }

  /**
   * Starts a killed node again with its cluster file: it rejoins, as the replica of whichever
   * node took its slots over, and copies the data from it.
   */
  async restart(port: number): Promise<void> {
    const node = this.nodes.find((n) => n.port === port);
    if (!node) throw new Error(`no node on ${port}`);
    node.process = this.spawnNode(port);
    await this.until(async () => (await cli(port, 'ping')).trim() === 'PONG');
  }

  /** Every live node reports the cluster ok and every slot served (and, unless told not to, every master's replica in sync). */
  async ready(replicas = true): Promise<void> {
    await this.until(async () => {
      for (const n of this.nodes) {
        if (n.process.exitCode !== null || n.process.signalCode !== null) continue;
        const info = await cli(n.port, 'cluster', 'info');
        if (!info.includes('cluster_state:ok') || !info.includes('cluster_slots_ok:16384')) return false;
        // A master's replica must be in sync, or WAIT (REDIS_WAIT_REPLICAS) cannot be answered.
        const replication = await cli(n.port, 'info', 'replication');
        if (replicas && replication.includes('role:master') && !/slave0:.*state=online/.test(replication))
          return false;
      }
      return true;
    }, 30_000);
  }

  /** The port of the master serving `key`'s slot. */
  async masterOf(key: string): Promise<number> {
    const slot = Number((await cli(this.ports[0]!, 'cluster', 'keyslot', key)).trim());
    const nodes = await cli(this.ports[0]!, 'cluster', 'nodes');
    for (const line of nodes.trim().split('\n')) {
      const [, address, flags, , , , , , ...ranges] = line.split(' ');
      if (!flags?.includes('master') || flags.includes('fail')) continue;
      for (const r of ranges) {
        const [from, to = from] = r.split('-').map(Number);
        if (slot >= from! && slot <= to!) return Number(address!.split(':')[1]!.split('@')[0]);
      }
    }
    throw new Error(`no master serves slot ${slot}`);
  }

  /** Kills a node as a crash would (no shutdown, nothing flushed). */
  async kill9(port: number): Promise<void> {
    const node = this.nodes.find((n) => n.port === port);
    if (!node) throw new Error(`no node on ${port}`);
    node.process.kill('SIGKILL');
    await new Promise((r) => (node.process.exitCode !== null ? r(null) : node.process.once('exit', r)));
  }

  async stop(): Promise<void> {
    for (const n of this.nodes) n.process.kill('SIGKILL');
    await Promise.all(
      this.nodes.map(
        (n) =>
          new Promise((r) =>
            n.process.exitCode !== null || n.process.signalCode !== null
              ? r(null)
              : n.process.once('exit', r),
          ),
      ),
    );
    if (this.dir) await rm(this.dir, { recursive: true, force: true });
  }

  private async until(check: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (await check().catch(() => false)) return;
      if (Date.now() > deadline) throw new Error('the Redis Cluster did not come up');
      await sleep(50);
    }
  }
}
