import {
  Application,
  ApplicationEvent,
  PublicHoliday,
  WorkflowRow,
  WorkflowStepRow,
} from './application.entity.ts';
import { applicationResolvers } from './application.resolvers.ts';

/**
 * Applications (hồ sơ) and their workflow (issue 11, point 2). SDL: applications.graphql; tables:
 * Migration20261202140000.
 *
 * - Workflows are data (`approvals.workflows`, `approvals.workflow_steps`): per era (valid_from ..
 *   valid_to) the steps in order, the Keycloak role (officer / approver) and unit level that act at
 *   each, the limit in working days and the deciding step. National eras: until 30 June 2025 commune
 *   review with the chairman's forwarding approval (7), public posting (2), forwarding to the district
 *   (3), district appraisal (7), district chairman's decision (3); from 1 July 2025 commune verification
 *   (7) and commune chairman's decision (3): the law's 10 working days split as the district's
 *   appraisal and decision were. A province's own workflow of an era (`province_code`) overrides the
 *   national one. Working days are Monday–Friday without `approvals.public_holidays` (data).
 * - A dossier is filed by an officer of the commune where the person lives, or by the provincial
 *   one-stop system (role `integration`) with its own dossier code, idempotent on (system, code). Its
 *   era is the workflow in force on its filing day; the first step starts that day. Each step is done
 *   only by the role and unit level the era gives, by a unit in force covering the dossier's commune,
 *   with `expectedStep` (else CONFLICT); it records who, which unit and when (`application_events`),
 *   and the next step starts that day with its own due date (`step_due_on`: the overdue queue is one
 *   index lookup). Return for completion (reason required) stops the clock; resubmission by the filer
 *   restarts the step that returned it. Rejection (reason required) is done by whoever may act on the
 *   current step. The deciding step records the decision and grants the entitlement
 *   (`grantEntitlement`, src/decisions) in the dossier's transaction.
 * - A dossier of the former era still open after 30 June 2025: its receiving commune (the pre-reform
 *   version) and its district steps belong to units that have ended, so no one can advance, return or
 *   reject it (FORBIDDEN, and row-level security writes nothing for an ended unit). It stays readable
 *   (by the province, the former district, and the commune that holds the person now) and shows in the
 *   overdue queue. The commune of today files the dossier again under the current workflow: the open
 *   former one does not block that (only an open dossier at a unit in force does).
 * - Confidential categories (HIV): `category`, `documents` and the reasons of the events are null with
 *   a FORBIDDEN error for roles without entitlement:read-confidential, through queues, `Person.applications`
 *   and `_entities` alike.
 */
export const applicationsModule = {
  resolvers: applicationResolvers,
  entities: [WorkflowRow, WorkflowStepRow, PublicHoliday, Application, ApplicationEvent],
};

export { seedDemoApplications, type DemoApplicationsOptions, type SqlClient } from './application.seed.ts';
export { Application, ApplicationEvent } from './application.entity.ts';
