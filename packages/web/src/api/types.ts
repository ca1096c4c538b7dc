/** The shapes of the server's answers the app reads (see GET /api/openapi.json). */

export type Role = 'manager' | 'marketing' | 'data_scientist' | 'support';
export const ROLES: readonly Role[] = ['manager', 'marketing', 'data_scientist', 'support'];

export type Action =
  | 'upload_data'
  | 'run_models'
  | 'rename_segments'
  | 'send_campaigns'
  | 'manage_members'
  | 'look_up_customers';

export interface Me {
  user: { id: string; email: string; name: string };
  organisation: { id: string; name: string };
  memberships: { teamId: string; team: string; role: Role }[];
  permissions: Action[];
  csrfToken: string | null;
}

export interface Dataset {
  id: string;
  name: string;
  kind: 'snapshot' | 'transactions';
  rows: number;
  bytes: number;
  columns: { name: string; type: string; role: string }[];
  customers: number;
  createdAt: string;
  createdBy: string | null;
}

export interface Run {
  id: string;
  datasetId: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed' | 'cancelled';
  progress: number;
  step: string | null;
  error: string | null;
  attempts: number;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  log?: string;
}

export const RISK_TIERS = ['Low', 'Moderate', 'High', 'Critical'] as const;
export type RiskTier = (typeof RISK_TIERS)[number];

export interface Segment {
  id: number;
  name: string;
  description: string;
  suggested: { name: string; description: string };
  names: { teamId: string; team: string; name: string; description: string }[];
  size: number;
  share: number;
  revenueShare: number | null;
  churn: { meanProbability: number; tiers: Record<string, number> } | null;
  drivers: { feature: string; importance: number; direction: string }[];
}

export interface CustomerHit {
  customerId: string;
  datasetId: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  location: string | null;
  store: string | null;
}

export interface CustomerView {
  customer: {
    id: string;
    datasetId: string;
    datasetName: string;
    name: string | null;
    phone: string | null;
    email: string | null;
    location: string | null;
    store: string | null;
    attributes: Record<string, unknown>;
  };
  analysis: {
    runId: string;
    version: number;
    segment: {
      id: number;
      name: string;
      description: string;
      namedBy: 'team' | 'suggested';
      /** The segmentation the team works with ('main' unless it chose another), and its name. */
      segmentation?: string;
      segmentationName?: string;
    };
    churn: { probability: number; retention: number; tier: string } | null;
    reasons: { feature: string; value: string; contribution: number; text: string }[];
    insider: boolean;
    recommendation: string;
  } | null;
  /** What this dataset's campaigns sent the customer, newest first. */
  messages: {
    campaignId: string;
    campaign: string;
    channel: 'email' | 'whatsapp' | 'sms';
    subject: string | null;
    body: string;
    status: 'sent' | 'delivered' | 'failed';
    at: string;
  }[];
  datasets: { id: string; name: string }[];
}

export interface Member {
  userId: string;
  email: string;
  name: string;
  teamId: string;
  team: string;
  role: Role;
  /** Campaigns this person created, in any team (from the campaign history). */
  posts?: number;
}

export interface InvitationCreated {
  id: string;
  email: string;
  teamId: string;
  team: string;
  role: Role;
  token: string;
  expiresAt: string;
}

/** One segmentation of a dataset's published run (GET /api/datasets/:id/segmentations); "main" first. */
export interface SegmentationSummary {
  id: string;
  name: string;
  space: 'features' | 'pca' | 'umap';
  components: number | null;
  features: string[];
  algorithm: string;
  k: number;
  chosenBy: string;
  /** In the segmentation's own space. */
  silhouette: number | null;
  /** On the main segmentation's scaled features and sample: comparable across segmentations. */
  silhouetteOnFeatures: number | null;
  segments: { id: number; name: string; size: number; share: number }[];
}

/** What a team stored as the segmentation it works with. */
export interface SegmentationChoice {
  teamId: string;
  team: string;
  segmentation: string;
}

export interface Segmentations {
  runId: string;
  version: number;
  /** The team's choice when the published run has it, else "main". */
  chosen: string;
  choice: SegmentationChoice | null;
  segmentations: SegmentationSummary[];
}

/** GET /api/datasets/:id/segmentations/:a/cross/:b: how customers spread between two segmentations. */
export interface SegmentationCross {
  runId: string;
  a: { id: string; name: string; segments: { id: number; name: string }[] };
  b: { id: string; name: string; segments: { id: number; name: string }[] };
  /** from = segment in a, to = segment in b. */
  cells: { from: number; to: number; customers: number }[];
  /** Adjusted Rand index of a vs b (null with fewer than two customers in both). */
  ari: number | null;
}
