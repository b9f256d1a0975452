import { Injectable } from '@nestjs/common';

/** What a part that hangs off a graph does around its deletion: prepare before, then finish or undo. */
export interface GraphDeletionStep {
  /** The graph has been deleted: remove what belonged to it. */
  removed(): Promise<void>;
  /** The deletion was refused: put back what `prepare` changed. */
  kept(): Promise<void>;
}

export type GraphDeletionParticipant = (graphId: string, graphName: string) => Promise<GraphDeletionStep>;

/**
 * Parts that depend on graphs (triggers) take part in a graph's deletion through this registry, so the graphs module
 * needs no import of them: each prepares before the graph goes (a trigger pauses) and finishes or undoes after.
 */
@Injectable()
export class GraphDeletion {
  private readonly participants: GraphDeletionParticipant[] = [];

  register(participant: GraphDeletionParticipant): void {
    this.participants.push(participant);
  }

  /** Runs `remove` between every participant's prepare and its `removed` (or, when `remove` throws, `kept`). */
  async around(graphId: string, graphName: string, remove: () => Promise<void>): Promise<void> {
    const steps: GraphDeletionStep[] = [];
    try {
      for (const p of this.participants) steps.push(await p(graphId, graphName));
      await remove();
    } catch (err) {
      for (const s of steps) await s.kept();
      throw err;
    }
    for (const s of steps) await s.removed();
  }
}
