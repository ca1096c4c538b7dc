import { MlError } from '../errors.ts';
import { IdentityScaler, type IdentityScalerJSON } from './identityScaler.ts';
import { MinMaxScaler, type MinMaxScalerJSON } from './minMaxScaler.ts';
import { RobustScaler, type RobustScalerJSON } from './robustScaler.ts';
import type { Scaler, ScalerKind } from './scaler.ts';
import { StandardScaler, type StandardScalerJSON } from './standardScaler.ts';

/** Any serialised scaler, told apart by `kind`. */
export type ScalerJSON = IdentityScalerJSON | MinMaxScalerJSON | RobustScalerJSON | StandardScalerJSON;

/**
 * An unfitted scaler of the given kind with default options: 'none' (copy), 'minmax' ([0, 1]),
 * 'robust' (median / IQR) or 'standard' (mean / population std).
 *
 * @example
 * const scaled = makeScaler('robust').fitTransform(x);
 */
export function makeScaler(kind: ScalerKind): Scaler {
  switch (kind) {
    case 'none':
      return new IdentityScaler();
    case 'minmax':
      return new MinMaxScaler();
    case 'robust':
      return new RobustScaler();
    case 'standard':
      return new StandardScaler();
    default:
      throw new MlError(
        'BAD_OPTION',
        `makeScaler: unknown kind '${String(kind)}'; use 'none', 'minmax', 'robust' or 'standard'`,
      );
  }
}

/**
 * Restores any scaler saved with `toJSON()`, dispatching on `kind`.
 *
 * @example
 * const again = scalerFromJSON(JSON.parse(JSON.stringify(scaler.toJSON())));
 */
export function scalerFromJSON(json: ScalerJSON): Scaler {
  switch (json?.kind) {
    case 'none':
      return IdentityScaler.fromJSON(json);
    case 'minmax':
      return MinMaxScaler.fromJSON(json);
    case 'robust':
      return RobustScaler.fromJSON(json);
    case 'standard':
      return StandardScaler.fromJSON(json);
    default:
      throw new MlError(
        'BAD_OPTION',
        `scalerFromJSON: unknown kind '${String((json as { kind?: unknown })?.kind)}'; expected a scaler's toJSON() output`,
      );
  }
}
