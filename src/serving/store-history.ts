/** @module Entity-history features for serving, read from the decision store (see src/feedback/entity-history.ts). */
import { historyAt } from '../feedback/entity-history.ts';
import type { DecisionStore } from '../store/decision-store.ts';
import type { HistorySource } from './score-alerts.ts';

/** A HistorySource over the store; `positive` must match what export uses, or training and serving disagree. */
export function storeHistory(store: Pick<DecisionStore, 'priorActivity'>, positive?: readonly string[]): HistorySource {
  return async (entityIds, t) => {
    const { decisions, feedback } = await store.priorActivity(entityIds, t);
    const byEntity = new Map<string, typeof decisions>();
    for (const d of decisions) {
      const list = byEntity.get(d.entityId);
      if (list) list.push(d);
      else byEntity.set(d.entityId, [d]);
    }
    return new Map(entityIds.map((id) => [id, historyAt(byEntity.get(id) ?? [], feedback, positive)]));
  };
}
