import { intakeResolvers } from './intake.resolvers.ts';

/**
 * Sync intake (issue 14, point 2): a province's one-stop system submits dossiers, one
 * (`submitApplication`) or up to 1,000 (`submitApplications`) per call. SDL: intake.graphql; table:
 * `approvals.intake_submissions` (Migration20261204110000).
 *
 * - Who: an integration client (role integration, `intake:write`) acting for its province in force,
 *   whose sync mode (`approvals.sync_provinces`; none without a row) is two-way or inbound, with
 *   `source` = its client id. Anything else is refused whole (FORBIDDEN / BAD_USER_INPUT).
 * - Each dossier is read and checked without the database (intake-input.rule.ts), then against the
 *   codes the system filed before (idempotency, resubmission, conflicts listing the differing fields),
 *   then its commune of either era (commune-code.rule.ts over registry.v_units), category
 *   (category-code.rule.ts) and filing day; only then is the registry asked, in one call for the
 *   batch, to find each applicant by CCCD in the caller's scope or register them by its own person
 *   rules (the registry's internal `intakePersons`, over HTTP with the caller's token, REGISTRY_URL),
 *   and the dossier is filed through the application service (fileDossier) with what was submitted
 *   recorded in its transaction. A refused dossier writes nothing in either subgraph; a failure of
 *   the registry or the database after an applicant was registered leaves the person in the register
 *   (a correct record), and the system's retry files the dossier.
 */
export const intakeModule = {
  resolvers: intakeResolvers,
  entities: [],
};
