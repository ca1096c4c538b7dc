export type { AuthOptions } from './auth/options.ts';
export { CSRF_HEADER, type Principal, SESSION_COOKIE } from './auth/principal.ts';
export { hashPassword, verifyPassword } from './auth/secrets.ts';
export {
  type App,
  type AppOptions,
  buildApp,
  DEFAULT_BODY_LIMIT,
  DEFAULT_UPLOAD_LIMIT,
  type RouteAccess,
  routeAccess,
  runJobs,
  sendJobs,
} from './buildApp.ts';
export {
  describeHttpError,
  ERROR_STATUS,
  type ErrorBody,
  type ErrorCode,
  errorBody,
  errorBodySchema,
  HttpError,
} from './errors.ts';
export { ACTIONS, type Access, type Action, allowedActions, allows, PERMISSIONS } from './permissions.ts';
export { SERVER_VERSION } from './version.ts';
