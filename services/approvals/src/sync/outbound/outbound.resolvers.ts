import { idArgument, lower, upper } from '@ansinh/common';
import type {
  ConnectionStatus,
  Resolvers,
  SyncEvent,
  Webhook,
  WebhookDelivery,
  WebhookDeliveryState,
} from '../../generated/resolvers-types.ts';
import type { SyncEventBody } from './feed-event.rules.ts';
import { syncModeOfValue, syncModeValue } from './sync-mode.rule.ts';
import type { ConnectionStatusRecord, DeliveryRecord, WebhookRecord } from './sync.repository.ts';
import {
  connectionStatuses,
  connectionStatusOf,
  listDeliveries,
  listWebhooks,
  readChanges,
  registerWebhook,
  removeWebhook,
  replayDeadLetters,
  setSyncMode,
  type DeliveryState,
} from './sync.service.ts';

const iso = (value: Date | null) => value?.toISOString() ?? null;

const syncEvent = (event: SyncEventBody): SyncEvent => ({
  id: event.id,
  sequence: event.sequence,
  type: event.type,
  occurredAt: event.occurredAt,
  province: event.province,
  dossier: event.dossier,
  dataJson: JSON.stringify(event.data),
});

const webhook = (record: WebhookRecord): Webhook => ({
  id: record.id,
  clientId: record.clientId,
  url: record.url,
  active: record.active,
  createdAt: record.createdAt.toISOString(),
  createdBy: record.createdBy,
  lastDeliveryAt: iso(record.lastDeliveryAt),
  pendingDeliveries: record.pendingDeliveries,
  deadLetters: record.deadLetters,
});

const delivery = (record: DeliveryRecord): WebhookDelivery => ({
  webhookId: record.webhookId,
  sequence: record.sequence,
  eventId: record.eventId,
  eventType: record.eventType,
  state: upper(record.state) as WebhookDeliveryState,
  attempts: record.attempts,
  nextAttemptAt: iso(record.nextAttemptAt),
  lastStatus: record.lastStatus,
  lastError: record.lastError,
  deliveredAt: iso(record.deliveredAt),
});

const connectionStatus = (record: ConnectionStatusRecord): ConnectionStatus => ({
  provinceCode: record.provinceCode,
  provinceName: record.provinceName,
  mode: syncModeValue(record.mode),
  modeChangedAt: iso(record.modeChangedAt),
  lastIntakeAt: iso(record.lastIntakeAt),
  lastDeliveryAt: iso(record.lastDeliveryAt),
  lastFeedReadAt: iso(record.lastFeedReadAt),
  backlog: record.backlog,
  failingDeliveries: record.failingDeliveries,
  deadLetters: record.deadLetters,
  webhooks: record.webhooks,
});

/**
 * The outbound half of the two-way sync (sync.service.ts holds the rules and the permission checks):
 * the change feed, webhooks and their dead letters, sync modes and connection status.
 */
export const outboundResolvers = {
  Query: {
    changes: async (_parent, args, context) => {
      const page = await readChanges(context.em, context.session, args.after, args.first);
      return { events: page.events.map(syncEvent), endCursor: page.endCursor, hasMore: page.hasMore };
    },
    webhooks: async (_parent, _args, context) =>
      (await listWebhooks(context.em, context.session)).map(webhook),
    webhookDeliveries: async (_parent, args, context) =>
      (
        await listDeliveries(context.em, context.session, {
          state: args.state == null ? null : (lower(args.state) as DeliveryState),
          webhookId: args.webhookId == null ? null : idArgument(args.webhookId, 'webhookId'),
          first: args.first,
        })
      ).map(delivery),
    connectionStatus: async (_parent, args, context) =>
      connectionStatus(await connectionStatusOf(context.em, context.session, args.provinceCode)),
    connectionStatuses: async (_parent, _args, context) =>
      (await connectionStatuses(context.em, context.session)).map(connectionStatus),
  },
  Mutation: {
    registerWebhook: async (_parent, args, context) => {
      const registered = await registerWebhook(
        context.em,
        context.session,
        args.url,
        args.clientId,
        context.env,
      );
      return { webhook: webhook(registered.webhook), secret: registered.secret };
    },
    removeWebhook: (_parent, args, context) =>
      removeWebhook(context.em, context.session, idArgument(args.id, 'id')),
    replayDeadLetters: (_parent, args, context) =>
      replayDeadLetters(context.em, context.session, idArgument(args.webhookId, 'webhookId'), args.sequences),
    setSyncMode: async (_parent, args, context) =>
      connectionStatus(
        await setSyncMode(context.em, context.session, args.provinceCode, syncModeOfValue(args.mode)),
      ),
  },
} satisfies Pick<Resolvers, 'Query' | 'Mutation'>;
