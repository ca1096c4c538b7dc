/**
 * The campaigns API (packages/server/src/campaigns/README.md, "The HTTP API"): audiences, copy,
 * campaigns, deliveries, outcomes and results, the outbox, the Home page's contributions and the
 * channel settings. Every call goes through `api` (the session cookie, CSRF, ApiError).
 */
import { api } from './client.ts';
import type { RiskTier } from './types.ts';

export const CHANNELS = ['email', 'whatsapp', 'sms'] as const;
export type ChannelKind = (typeof CHANNELS)[number];

export const FIELD_OPS = ['eq', 'ne', 'lt', 'le', 'gt', 'ge', 'in'] as const;
export type FieldOp = (typeof FIELD_OPS)[number];

export interface FieldFilter {
  field: string;
  op: FieldOp;
  value: string | number | (string | number)[];
}

/** Who a campaign addresses; an empty filter is every customer of the published run. */
export interface AudienceFilter {
  /** The segmentation `segments` are in ('main' or another of the run's); default: the team's choice. */
  segmentation?: string;
  segments?: number[];
  riskTiers?: RiskTier[];
  stores?: string[];
  locations?: string[];
  insiders?: boolean;
  fields?: FieldFilter[];
}

export interface AudienceRow {
  customerId: string;
  name: string | null;
  segment: number;
  segmentName: string;
  riskTier: string | null;
  churnProbability: number | null;
  insider: boolean;
  store: string | null;
  location: string | null;
}

export interface AudiencePreview {
  count: number;
  optedOut: number;
  missingContact: number;
  preview: AudienceRow[];
}

export interface CopyProblem {
  code: string;
  message: string;
}

export interface CopyDraft {
  subject?: string;
  body: string;
  writer: 'llm' | 'template';
  model?: string;
}

export type CampaignStatus = 'draft' | 'queued' | 'sending' | 'sent' | 'failed' | 'cancelled';

export interface CampaignCounts {
  audience: number;
  heldOut: number;
  queued: number;
  sent: number;
  delivered: number;
  failed: number;
  uncertain: number;
}

export interface Campaign {
  id: string;
  name: string;
  datasetId: string;
  runId: string;
  channel: ChannelKind;
  status: CampaignStatus;
  filter: AudienceFilter;
  subject: string | null;
  body: string;
  language: string;
  author: { id: string; name: string };
  team: { id: string; name: string } | null;
  createdAt: string;
  queuedAt: string | null;
  sentAt: string | null;
  holdoutShare: number;
  seed: number;
  outcomeWindowDays: number;
  outcomeDueAt: string | null;
  /** Chosen at send: the outbox when the channel is not configured. */
  provider: 'smtp' | 'twilio' | 'outbox' | null;
  /** What the send said, e.g. that the channel is not configured so the messages went to the outbox. */
  notice: string | null;
  /** Left out at send: opted out, and without an address for the channel. */
  optedOut: number;
  missingContact: number;
  counts: CampaignCounts;
  /** The image or PDF it carries (e-mail attaches it, WhatsApp sends it as media, SMS goes without). */
  attachment?: CampaignAttachment | null;
}

/** What may be attached to a campaign: one image (PNG, JPEG, GIF) or PDF, at most 5 MiB. */
export const ATTACHMENT_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'application/pdf'] as const;
export const ATTACHMENT_LIMIT = 5 * 1024 * 1024;

export interface CampaignAttachment {
  name: string;
  type: (typeof ATTACHMENT_TYPES)[number];
  bytes: number;
}

export interface NewCampaign {
  name: string;
  datasetId: string;
  channel: ChannelKind;
  filter: AudienceFilter;
  subject?: string;
  body: string;
  language?: string;
  holdoutShare?: number;
  seed?: number;
  outcomeWindowDays?: number;
}

/** A delivery's status; `held_out`: in the control group, sent nothing. */
export const DELIVERY_STATUSES = ['pending', 'sending', 'sent', 'delivered', 'failed', 'held_out'] as const;

export interface Delivery {
  customerId: string;
  to: string;
  status: string;
  attempts: number;
  error: string | null;
  providerId: string | null;
  providerStatus?: string | null;
  /** Resent after a crash through a provider that cannot tell whether the first went out (SMTP). */
  uncertain?: boolean;
  sentAt: string | null;
}

/** One arm of a comparison: the contacted ("treated") or the held out ("control"). */
export interface ArmFigures {
  customers: number;
  /** Of them, with an outcome: the n of the churn comparison. */
  withOutcome: number;
  churned: number;
  churnRate: number | null;
  withRevenue: number;
  meanRevenue: number | null;
}

/** The campaign's effect on one group of customers (all, a risk tier or a segment). */
export interface CampaignEffect {
  treated: ArmFigures;
  control: ArmFigures;
  /** Churn prevented: control's churn rate minus the contacted's; positive means fewer left. */
  churn: {
    uplift: number | null;
    confidenceInterval: [number, number] | null;
    pValue: number | null;
    probabilityHelped: number | null;
    reason: string | null;
  };
  /** Revenue gained per customer: the contacted's mean minus control's. */
  revenue: {
    difference: number | null;
    confidenceInterval: [number, number] | null;
    pValue: number | null;
    reason: string | null;
  };
}

/** GET /api/campaigns/:id/results (packages/server/src/campaigns/campaignResults.ts). */
export interface CampaignResults {
  overall: CampaignEffect;
  /** Per risk tier (Low, Moderate, High, Critical, then others; `none` for unscored customers). */
  byTier: Record<string, CampaignEffect>;
  /** Per segment id; `none` for customers without a segment. */
  bySegment: Record<string, CampaignEffect>;
  missingOutcomes: { treated: number; control: number };
  unmatchedOutcomes: number;
  /** Level of every interval (0.95). */
  confidence: number;
}

export interface OutboxMessage {
  campaignId: string;
  customerId: string;
  channel: ChannelKind;
  to: string;
  subject: string | null;
  body: string;
  at: string;
  /** The name of the attachment that went with it. */
  attachment?: string | null;
}

export interface Contribution {
  id: string;
  segment: string | null;
  date: string;
  author: string;
  type: string;
  text: string;
}

export interface ChannelState {
  configured: boolean;
  provider: string | null;
  from: string | null;
}

export interface ChannelSettings {
  email: ChannelState;
  whatsapp: ChannelState;
  sms: ChannelState;
  llm: { configured: boolean; baseUrl: string | null; model: string | null };
  /** What is set, without its secrets (a form starts from these). */
  smtp?: { host: string; port: number; secure: boolean; user: string | null; hasPassword: boolean } | null;
  twilio?: { accountSid: string; baseUrl: string | null; hasAuthToken: boolean } | null;
  /** Messages per second, per channel. */
  rateLimits?: Partial<Record<ChannelKind, number>>;
  /** Secrets stored under another key than the server's (which parts), and what to do. */
  unreadableSecrets?: string[];
  secretsError?: string | null;
}

export interface SmtpSettings {
  host: string;
  port: number;
  secure: boolean;
  user?: string;
  pass?: string;
  from: string;
}

export interface TwilioSettings {
  accountSid: string;
  /** Required the first time; left out, the stored one is kept. */
  authToken?: string;
  whatsappFrom?: string;
  smsFrom?: string;
  baseUrl?: string;
}

export interface LlmSettings {
  baseUrl: string;
  model: string;
  apiKey?: string;
}

/** A part left out is kept; `null` removes it; a secret left out is kept. */
export interface ChannelSettingsUpdate {
  smtp?: SmtpSettings | null;
  twilio?: TwilioSettings | null;
  llm?: LlmSettings | null;
  rateLimits?: Partial<Record<ChannelKind, number>>;
}

const id = encodeURIComponent;

function query(params: Record<string, string | number | boolean | null | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v === null || v === undefined || v === '' || v === false) continue;
    q.set(k, v === true ? '1' : String(v));
  }
  const s = q.toString();
  return s ? `?${s}` : '';
}

export function previewAudience(
  body: { datasetId: string; channel: ChannelKind; filter: AudienceFilter },
  signal?: AbortSignal,
): Promise<AudiencePreview> {
  return api('/api/audiences/preview', { method: 'POST', body, signal });
}

export function draftCopy(body: {
  datasetId: string;
  segmentId?: number;
  /** The segmentation segmentId is in. */
  segmentation?: string;
  channel: ChannelKind;
  language: string;
  instruction: string;
}): Promise<{ draft: CopyDraft; problems: CopyProblem[] }> {
  return api('/api/campaigns/copy', { method: 'POST', body });
}

export function checkCopy(
  body: { channel: ChannelKind; subject?: string; body: string; language?: string },
  signal?: AbortSignal,
): Promise<{ problems: CopyProblem[]; variables: string[] }> {
  return api('/api/campaigns/check', { method: 'POST', body, signal });
}

export function createCampaign(body: NewCampaign): Promise<Campaign> {
  return api('/api/campaigns', { method: 'POST', body });
}

export function sendCampaign(campaignId: string): Promise<Campaign | null> {
  return api(`/api/campaigns/${id(campaignId)}/send`, { method: 'POST' });
}

/**
 * Attaches a file to a draft (replacing the one it had). A type the server does not take by name
 * goes as application/octet-stream: the server reads the type from the file's first bytes.
 */
export function uploadAttachment(campaignId: string, file: File): Promise<Campaign> {
  const type = (ATTACHMENT_TYPES as readonly string[]).includes(file.type)
    ? file.type
    : 'application/octet-stream';
  return api(`/api/campaigns/${id(campaignId)}/attachment${query({ name: file.name })}`, {
    method: 'POST',
    body: file,
    contentType: type,
  });
}

export function removeAttachment(campaignId: string): Promise<Campaign> {
  return api(`/api/campaigns/${id(campaignId)}/attachment`, { method: 'DELETE' });
}

export function listCampaigns(
  options: { page: number; mine?: boolean },
  signal?: AbortSignal,
): Promise<{ campaigns: Campaign[]; total: number; pageSize?: number }> {
  return api(`/api/campaigns${query({ page: options.page, mine: options.mine })}`, { signal });
}

export function getCampaign(campaignId: string, signal?: AbortSignal): Promise<Campaign> {
  return api(`/api/campaigns/${id(campaignId)}`, { signal });
}

export function listDeliveries(
  campaignId: string,
  options: { page: number; status?: string | null },
  signal?: AbortSignal,
): Promise<{ deliveries: Delivery[]; total: number; pageSize?: number }> {
  return api(`/api/campaigns/${id(campaignId)}/deliveries${query(options)}`, { signal });
}

/** Outcomes as the CSV a person exports from their billing system: customer_id,churned,revenue. */
export function importOutcomes(
  campaignId: string,
  csv: Blob,
): Promise<{ received: number; ignored?: number }> {
  return api(`/api/campaigns/${id(campaignId)}/outcomes`, {
    method: 'POST',
    body: csv,
    contentType: 'text/csv',
  });
}

export function getResults(campaignId: string, signal?: AbortSignal): Promise<CampaignResults> {
  return api(`/api/campaigns/${id(campaignId)}/results`, { signal });
}

export function listOutbox(
  options: { page: number; channel?: ChannelKind | null },
  signal?: AbortSignal,
): Promise<{ messages: OutboxMessage[]; total: number; pageSize?: number }> {
  return api(`/api/outbox${query(options)}`, { signal });
}

export function listContributions(
  options: { page: number; mine?: boolean },
  signal?: AbortSignal,
): Promise<{ contributions: Contribution[]; total: number; pageSize?: number }> {
  return api(`/api/contributions${query(options)}`, { signal });
}

export function getChannelSettings(signal?: AbortSignal): Promise<ChannelSettings> {
  return api('/api/settings/channels', { signal });
}

export function putChannelSettings(body: ChannelSettingsUpdate): Promise<ChannelSettings> {
  return api('/api/settings/channels', { method: 'PUT', body });
}
