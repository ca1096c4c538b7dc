import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { InputError } from '../errors.ts';

const ALGORITHMS = ['kmeans', 'minibatch-kmeans', 'gmm', 'ward', 'average', 'complete'] as const;

/**
 * The parameters of an analyze run: everything has a default, a config file (`--config run.json`)
 * overrides any part. Unknown keys are refused, so a typo does not pass silently.
 */
export const runConfigSchema = z
  .object({
    seed: z.number().int().min(0).default(0),
    /** Report language. */
    lang: z.enum(['en', 'es', 'pt']).default('en'),
    segmentation: z
      .object({
        algorithms: z.array(z.enum(ALGORITHMS)).min(1).default(['kmeans', 'gmm', 'ward']),
        kMin: z.number().int().min(2).default(2),
        kMax: z.number().int().min(2).default(8),
        /** Rows the model-selection table is computed on (a seeded sample). */
        selectionRows: z.number().int().min(100).default(5_000),
        /** Silhouettes of the selection table on this many of the sample's rows (the same for every model). */
        silhouetteRows: z.number().int().min(100).default(2_000),
        /**
         * 'log' applies sign(x) log(1 + |x|) to every feature before scaling: money, counts and
         * traffic are heavy-tailed, and without it one segment holds nearly everyone (on the
         * synthetic telco, k-means at k = 4 recovers the planted segments with ARI 0.94 after the
         * log and 0.83 without). 'auto' is 'log'.
         */
        transform: z.enum(['auto', 'log', 'none']).default('auto'),
        /**
         * 'auto' is standard. Logs: on the synthetic log the Insiders found are 149 of the 149
         * planted high-value customers plus 1, against 149 plus 24 with robust scaling. Snapshots:
         * behaviour columns are zero-inflated (most customers send no international message), their
         * interquartile range is near 0, and robust scaling lets such a column outweigh the rest:
         * k-means at k = 4 on the synthetic telco (1,500 rows, seed 42) recovers the planted
         * segments with ARI 0.92 after standard scaling and 0.55 after robust scaling (7 seeds and
         * sizes: standard 0.92-0.94, robust 0.55-0.95).
         */
        scale: z.enum(['auto', 'minmax', 'robust', 'standard']).default('auto'),
        /**
         * How k is chosen when it is not fixed: 'silhouette' takes the best silhouette over every
         * algorithm and k; 'elbow' takes the elbow of the k-means inertia curve (Kneedle over
         * k = 1..kMax), then the algorithm with the best silhouette at that k. Both curves are in
         * the report. Neither finds the synthetic telco's 4 planted segments by itself: the
         * silhouette takes k = 3 (two segments merged), the elbow k = 3 for kMax <= 9 and 3 or 4
         * at kMax = 10, depending on the seed (see the README).
         */
        choose: z.enum(['silhouette', 'elbow']).default('silhouette'),
        /** Fix the algorithm and k instead of choosing them. */
        algorithm: z.enum(ALGORITHMS).optional(),
        k: z.number().int().min(2).optional(),
      })
      .strict()
      .default({
        algorithms: ['kmeans', 'gmm', 'ward'],
        kMin: 2,
        kMax: 8,
        selectionRows: 5_000,
        silhouetteRows: 2_000,
        transform: 'auto',
        scale: 'auto',
        choose: 'silhouette',
      }),
    /**
     * Other segmentations found beside the main one (B6): other algorithms, other feature sets,
     * other spaces. What one leaves out is taken from `segmentation`. Each keeps its own
     * model-selection table, profiles and names; a team chooses which one it works with.
     */
    segmentations: z
      .array(
        z
          .object({
            /** Its key in files, the API and a team's choice: lower case, digits and hyphens. */
            id: z
              .string()
              .regex(
                /^[a-z][a-z0-9-]{0,39}$/,
                'use lower-case letters, digits and hyphens, starting with a letter',
              )
              .refine((v) => v !== 'main', '"main" is the main segmentation\'s id; choose another'),
            name: z.string().trim().min(1).max(80).optional(),
            /** Where the segments are found: the scaled features, their principal components, or a UMAP embedding. */
            space: z.enum(['features', 'pca', 'umap']).default('features'),
            /** Dimensions of the PCA or UMAP space (PCA: 5 or fewer features; UMAP: 2). */
            components: z.number().int().min(2).max(20).optional(),
            /** A subset of the main segmentation's features, by name; default all of them. */
            features: z.array(z.string().min(1)).min(1).optional(),
            algorithms: z.array(z.enum(ALGORITHMS)).min(1).optional(),
            kMin: z.number().int().min(2).optional(),
            kMax: z.number().int().min(2).optional(),
            choose: z.enum(['silhouette', 'elbow']).optional(),
            algorithm: z.enum(ALGORITHMS).optional(),
            k: z.number().int().min(2).optional(),
          })
          .strict(),
      )
      .max(8)
      .default([]),
    views: z
      .object({
        methods: z.array(z.enum(['pca', 'umap', 'tsne', 'tree'])).default(['pca', 'umap']),
        sample: z.number().int().min(50).default(3_000),
      })
      .strict()
      .default({ methods: ['pca', 'umap'], sample: 3_000 }),
    churn: z
      .object({
        trees: z.number().int().min(1).default(100),
        leaves: z.number().int().min(2).default(31),
        learningRate: z.number().positive().default(0.1),
        /** Top reasons are computed (exact TreeSHAP) for the riskiest customers, this many at most. */
        reasonsFor: z.number().int().min(0).default(5_000),
        reasons: z.number().int().min(0).max(10).default(3),
        /** Columns to count risk by (store, region); default: columns named like store, region, city, state. */
        groupBy: z.array(z.string()).optional(),
      })
      .strict()
      .default({ trees: 100, leaves: 31, learningRate: 0.1, reasonsFor: 5_000, reasons: 3 }),
    value: z
      .object({
        horizonMonths: z.number().int().min(1).default(12),
        discountRate: z.number().min(0).max(1).default(0.01),
        forecastMonths: z.number().int().min(1).default(3),
        /** The Insiders: 'top-segment' (highest revenue per customer) or a share of customers by CLV. */
        insiders: z
          .union([z.literal('top-segment'), z.object({ topShareByClv: z.number().gt(0).lt(1) }).strict()])
          .default('top-segment'),
      })
      .strict()
      .default({ horizonMonths: 12, discountRate: 0.01, forecastMonths: 3, insiders: 'top-segment' }),
  })
  .strict();

export type RunConfig = z.infer<typeof runConfigSchema>;

/** The defaults, as a run with no config file uses them. */
export function defaultRunConfig(): RunConfig {
  return runConfigSchema.parse({});
}

/** Reads and checks a config file; errors name the file and the key. */
export function readRunConfig(path: string): RunConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'));
  } catch (err) {
    throw new InputError(
      'BAD_OPTION',
      `--config ${path}: not a readable JSON file (${(err as Error).message})`,
    );
  }
  return parseRunConfig(raw, `--config ${path}`);
}

/** Checks a config given as a value (a request body, a stored run); errors start with `where` and name the key. */
export function parseRunConfig(raw: unknown, where: string): RunConfig {
  const parsed = runConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new InputError(
      'BAD_OPTION',
      `${where}: ${issue.path.join('.') || '(top level)'}: ${issue.message}`,
      {
        path: issue.path,
      },
    );
  }
  const c = parsed.data;
  if (c.segmentation.kMax < c.segmentation.kMin) {
    throw new InputError('BAD_OPTION', `${where}: segmentation.kMax must be at least kMin`);
  }
  const seen = new Set<string>();
  c.segmentations.forEach((alt, q) => {
    if (seen.has(alt.id)) {
      throw new InputError(
        'BAD_OPTION',
        `${where}: segmentations.${q}.id: "${alt.id}" is used twice; give each segmentation its own id`,
      );
    }
    seen.add(alt.id);
    if ((alt.kMax ?? c.segmentation.kMax) < (alt.kMin ?? c.segmentation.kMin)) {
      throw new InputError('BAD_OPTION', `${where}: segmentations.${q}.kMax must be at least kMin`);
    }
  });
  return c;
}
