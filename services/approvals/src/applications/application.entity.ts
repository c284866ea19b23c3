import { personRecordPolicy } from '@ansinh/common';
import { defineEntity, p, type InferEntity } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { APPLICATION_ACTIONS, APPLICATION_STATES, STEP_ROLES, STEP_UNIT_LEVELS } from './workflow.rule.ts';

export const APPLICATION_SOURCES = ['commune', 'integration'] as const;
export type ApplicationSource = (typeof APPLICATION_SOURCES)[number];

/** What a dossier holds of a document: its metadata, never the file (bounded: 20 at most). */
export type ApplicationDocument = {
  kind: string;
  name: string;
  number: string | null;
  issuedOn: string | null;
};

/** A workflow of an era (national, or a province's own): its steps are `WorkflowStepRow`s. */
export const WorkflowRow = defineEntity({
  name: 'WorkflowRow',
  tableName: 'workflows',
  properties: {
    id: p.string().primary(),
    name: p.text(),
    provinceCode: p.string().length(2).nullable(),
    validFrom: p.string().columnType('date'),
    validTo: p.string().columnType('date').nullable(),
  },
});
export type WorkflowRow = InferEntity<typeof WorkflowRow>;

export const WorkflowStepRow = defineEntity({
  name: 'WorkflowStepRow',
  tableName: 'workflow_steps',
  properties: {
    workflowId: p.string().primary(),
    position: p.smallint().primary(),
    code: p.string().length(40),
    name: p.text(),
    role: p.enum(STEP_ROLES),
    unitLevel: p.enum(STEP_UNIT_LEVELS),
    limitWorkingDays: p.smallint(),
    isDecision: p.boolean().default(false),
  },
  uniques: [{ properties: ['workflowId', 'code'] }],
});
export type WorkflowStepRow = InferEntity<typeof WorkflowStepRow>;

/** Public holidays that working-day limits skip besides weekends. */
export const PublicHoliday = defineEntity({
  name: 'PublicHoliday',
  tableName: 'public_holidays',
  properties: {
    day: p.string().columnType('date').primary(),
    name: p.text(),
  },
});
export type PublicHoliday = InferEntity<typeof PublicHoliday>;

/** Hồ sơ: a person's application for a category, at one step of its era's workflow. */
export const Application = defineEntity({
  name: 'Application',
  tableName: 'applications',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    personId: p.uuid(),
    /** The receiving commune's version (registry.administrative_units.id). */
    unitId: p.uuid(),
    categoryId: p.uuid(),
    /** The era: the workflow in force on `filedOn`. */
    workflowId: p.string(),
    filedOn: p.string().columnType('date'),
    source: p.enum(APPLICATION_SOURCES),
    /** The provincial system (OAuth client) that filed it; with `externalDossierCode`, unique. */
    sourceSystem: p.string().length(100).nullable(),
    externalDossierCode: p.string().length(50).nullable(),
    memberCount: p.smallint().default(1),
    documents: p.json<ApplicationDocument[]>().columnType('jsonb').default('[]'),
    state: p.enum(APPLICATION_STATES).default('in_progress'),
    currentStep: p.string().length(40).nullable(),
    stepStartedOn: p.string().columnType('date').nullable(),
    stepDueOn: p.string().columnType('date').nullable(),
    createdById: p.text(),
    createdByName: p.text(),
    createdAt: p.datetime().onCreate(() => new Date()),
    updatedAt: p
      .datetime()
      .onCreate(() => new Date())
      .onUpdate(() => new Date()),
  },
  indexes: [
    { properties: ['personId'] },
    { properties: ['unitId', 'state', 'currentStep'] },
    { properties: ['state', 'stepDueOn'] },
  ],
  policies: [personRecordPolicy<{ unitId: string; personId: string }>('unitId', 'personId')],
});
export type Application = InferEntity<typeof Application>;

/** One step taken on a dossier: who, for which unit, when, and why (append-only). */
export const ApplicationEvent = defineEntity({
  name: 'ApplicationEvent',
  tableName: 'application_events',
  properties: {
    id: p
      .uuid()
      .primary()
      .onCreate(() => randomUUID()),
    applicationId: p.uuid(),
    step: p.string().length(40),
    action: p.enum(APPLICATION_ACTIONS),
    actorId: p.text(),
    actorName: p.text(),
    /** The acting unit's version. */
    unitId: p.uuid(),
    at: p.datetime().onCreate(() => new Date()),
    reason: p.text().nullable(),
  },
  indexes: [{ properties: ['applicationId', 'at'] }],
});
export type ApplicationEvent = InferEntity<typeof ApplicationEvent>;
