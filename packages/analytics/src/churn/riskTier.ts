/** Risk tiers by retention probability (1 - churn probability), MISSION C2. */
export const RISK_TIERS = ['Low', 'Moderate', 'High', 'Critical'] as const;
export type RiskTier = (typeof RISK_TIERS)[number];

/** Lower bounds of retention for Low, Moderate and High; below `high` is Critical. */
export interface TierThresholds {
  low: number;
  moderate: number;
  high: number;
}

/** Low >= 85% retention, Moderate 70-85%, High 50-70%, Critical < 50%. */
export const DEFAULT_TIERS: TierThresholds = { low: 0.85, moderate: 0.7, high: 0.5 };

export function riskTier(retention: number, t: TierThresholds = DEFAULT_TIERS): RiskTier {
  if (retention >= t.low) return 'Low';
  if (retention >= t.moderate) return 'Moderate';
  if (retention >= t.high) return 'High';
  return 'Critical';
}

/** Parses "0.85,0.7,0.5" (retention bounds of Low, Moderate, High), checking they fall. */
export function parseTierThresholds(text: string): TierThresholds {
  const parts = text.split(',').map((s) => Number(s.trim()));
  const [low, moderate, high] = parts;
  const ok =
    parts.length === 3 &&
    parts.every((v) => Number.isFinite(v) && v > 0 && v < 1) &&
    low! > moderate! &&
    moderate! > high!;
  if (!ok) {
    throw new RangeError(
      `tiers must be three retention bounds falling between 0 and 1, like 0.85,0.7,0.5 (Low, Moderate, High); got "${text}"`,
    );
  }
  return { low: low!, moderate: moderate!, high: high! };
}
