/**
 * Which nodes may not talk to which: the manifest's partition groups (a node in one group is cut off
 * from every node of the other groups; a node in no group, such as a late joiner, keeps talking to
 * everyone) plus nodes isolated from everyone (the in-process stand-in for a paused node). The
 * relation is symmetric, and each driver turns it into its own mechanism: the connection gater
 * in-process, blackhole routes between network namespaces.
 */
export class PartitionPlan {
  #groups: number[][] = []
  readonly #isolated = new Set<number>()

  get partitioned (): boolean {
    return this.#groups.length > 0
  }

  setGroups (groups: readonly (readonly number[])[]): void {
    this.#groups = groups.map((g) => [...g])
  }

  clearGroups (): void {
    this.#groups = []
  }

  isolate (node: number): void {
    this.#isolated.add(node)
  }

  release (node: number): void {
    this.#isolated.delete(node)
  }

  /** The nodes among `all` that `node` must not exchange a packet with. */
  blockedFrom (node: number, all: readonly number[]): Set<number> {
    const blocked = new Set<number>()
    const own = this.#groups.find((g) => g.includes(node))
    if (own !== undefined) {
      for (const group of this.#groups) if (group !== own) for (const other of group) blocked.add(other)
    }
    for (const other of all) {
      if (other === node) continue
      if (this.#isolated.has(node) || this.#isolated.has(other)) blocked.add(other)
    }
    blocked.delete(node)
    return blocked
  }
}
