import type { Role } from '../store/index.ts';

/** What a signed-in person may do; every protected route names one. */
export const ACTIONS = [
  'upload_data',
  'run_models',
  'rename_segments',
  'send_campaigns',
  'manage_members',
  'look_up_customers',
] as const;
export type Action = (typeof ACTIONS)[number];

/** The permission matrix: the roles allowed each action. The one place it is written. */
export const PERMISSIONS: Record<Action, readonly Role[]> = {
  upload_data: ['manager', 'data_scientist'],
  run_models: ['manager', 'data_scientist'],
  rename_segments: ['manager', 'data_scientist', 'marketing'],
  send_campaigns: ['manager', 'marketing'],
  manage_members: ['manager'],
  look_up_customers: ['manager', 'data_scientist', 'marketing', 'support'],
};

/**
 * Who may call a route: anyone (`public`), anyone signed in (`signed_in`: their own session,
 * tokens and profile), or holders of a role allowed an action.
 */
export type Access = 'public' | 'signed_in' | Action;

/** Whether someone with these roles (one per team they belong to) may do the action. */
export function allows(roles: readonly Role[], action: Action): boolean {
  return roles.some((role) => PERMISSIONS[action].includes(role));
}

/** The actions these roles allow, in matrix order. */
export function allowedActions(roles: readonly Role[]): Action[] {
  return ACTIONS.filter((action) => allows(roles, action));
}
