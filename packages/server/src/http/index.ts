export { type App, type AppOptions, buildApp, DEFAULT_BODY_LIMIT } from './buildApp.ts';
export {
  describeHttpError,
  ERROR_STATUS,
  type ErrorBody,
  type ErrorCode,
  errorBody,
  errorBodySchema,
  HttpError,
} from './errors.ts';
export { SERVER_VERSION } from './version.ts';
