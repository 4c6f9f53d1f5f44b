/**
 * globalSetup of the `redis-cluster` vitest project: a local three-master Redis Cluster (one
 * replica each) on the ports REDIS_CLUSTER_NODES names, for the whole run, torn down after it.
 */
import type { TestProject } from 'vitest/node';
import { RedisClusterProcesses } from './helpers/redis-cluster';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const nodes = String(project.config.env?.REDIS_CLUSTER_NODES ?? '')
    .split(',')
    .filter(Boolean);
  if (nodes.length !== 6) throw new Error('REDIS_CLUSTER_NODES must name six nodes');
  const cluster = new RedisClusterProcesses(nodes.map((n) => Number(n.split(':')[1])));
  try {
    await cluster.start();
  } catch (e) {
    await cluster.stop();
    throw e;
  }
  return () => cluster.stop();
}
