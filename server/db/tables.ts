/**
 * The typed schema kysely checks every query against. Mirrors the migrations in ./migrations.
 * Table interfaces live only here; code uses the Selectable/Insertable aliases below.
 */
import type { ColumnType, Generated, Insertable, JSONColumnType, Selectable, Updateable } from 'kysely';

type Timestamp = ColumnType<Date, Date | string, Date | string>;
type DefaultTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Json<T extends object | null> = JSONColumnType<T, string, string>;
type JsonDefault<T> = ColumnType<T, string | undefined, string>;

export interface Database {
  subjects: {
    id: Generated<number>;
    kind: 'company' | 'supplier' | 'product';
    name: string;
    query: string;
    aliases: JsonDefault<string[]>;
    handles: JsonDefault<string[]>;
    attributes: JsonDefault<Record<string, string>>;
    sensitivity: ColumnType<'low' | 'normal' | 'high', 'low' | 'normal' | 'high' | undefined>;
    archived: Generated<boolean>;
    created_at: DefaultTimestamp;
    updated_at: DefaultTimestamp;
  };
  posts: {
    id: Generated<number>;
    source: string;
    native_id: string;
    url: string | null;
    author_id: string;
    author_handle: string | null;
    author_name: string | null;
    author_followers: number | null;
    created_at: Timestamp;
    ingested_at: DefaultTimestamp;
    text: string;
    lang: string | null;
    kind: 'original' | 'reply' | 'quote' | 'repost';
    parent_native_id: string | null;
    repost_of_native_id: string | null;
    metrics: Json<Record<string, number>> | null;
    dedupe_key: string | null;
    sentiment_score: number | null;
    sentiment_label: string | null;
    sentiment_confidence: number | null;
    aspects: JsonDefault<Array<{ aspect: string; polarity: number }>>;
    intent: string | null;
    rationale: JsonDefault<Array<{ feature: string; weight: number }>>;
    refs: JsonDefault<Array<{ type: string; value: string }>>;
    deleted_at: Timestamp | null;
    /** The network's time of the stored version's edit; null for a post never edited. */
    edited_at: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  };
  post_subjects: { subject_id: number; post_id: number; created_at: Timestamp };
  label_corrections: {
    id: Generated<number>;
    post_id: number;
    label: 'positive' | 'neutral' | 'negative';
    previous_label: string | null;
    user_id: number | null;
    created_at: DefaultTimestamp;
  };
  rollups: {
    subject_id: number;
    bucket: Timestamp;
    posts: Generated<number>;
    reposts: Generated<number>;
    authors: Generated<number>;
    positive: Generated<number>;
    negative: Generated<number>;
    neutral: Generated<number>;
    unscored: Generated<number>;
    score_sum: Generated<number>;
  };
  rollup_authors: { subject_id: number; bucket: Timestamp; author_key: string };
  rollup_author_days: { subject_id: number; day: Timestamp; sketch: Uint8Array };
  rollup_aspects: { subject_id: number; bucket: Timestamp; aspect: string; mentions: number; negative: number };
  issues: {
    id: Generated<number>;
    subject_id: number | null;
    label: string;
    label_locked: Generated<boolean>;
    key_terms: JsonDefault<string[]>;
    refs: JsonDefault<Array<{ type: string; value: string }>>;
    representative_post_ids: JsonDefault<number[]>;
    first_seen: Timestamp;
    last_seen: Timestamp;
    posts: Generated<number>;
    distinct_texts: Generated<number>;
    distinct_authors: Generated<number>;
    status: ColumnType<IssueStatus, IssueStatus | undefined, IssueStatus>;
    severity: Generated<number>;
    merged_into: number | null;
    created_at: DefaultTimestamp;
    updated_at: DefaultTimestamp;
  };
  post_issues: { issue_id: number; post_id: number };
  alerts: {
    id: Generated<number>;
    kind: AlertKind;
    subject_id: number | null;
    issue_id: number | null;
    source: string | null;
    condition_key: string;
    window_start: Timestamp;
    window_end: Timestamp;
    expected: number;
    observed: number;
    severity: 'info' | 'warning' | 'critical';
    why: JsonDefault<Record<string, unknown>>;
    status: ColumnType<'open' | 'acknowledged' | 'resolved', 'open' | 'acknowledged' | 'resolved' | undefined>;
    opened_at: Timestamp;
    updated_at: Timestamp;
    resolved_at: Timestamp | null;
  };
  alert_deliveries: {
    id: Generated<number>;
    alert_id: number;
    target: string;
    status: 'pending' | 'sent' | 'failed';
    attempts: Generated<number>;
    next_attempt_at: Timestamp | null;
    last_error: string | null;
    updated_at: DefaultTimestamp;
  };
  users: {
    id: Generated<number>;
    email: string;
    name: string;
    role: Role;
    password_hash: string;
    supplier_subject_id: number | null;
    disabled_at: Timestamp | null;
    created_at: DefaultTimestamp;
    updated_at: DefaultTimestamp;
  };
  sessions: {
    id_hash: string;
    user_id: number;
    csrf_token: string;
    created_at: Timestamp;
    last_seen_at: Timestamp;
    expires_at: Timestamp;
    ip: string | null;
    user_agent: string | null;
  };
  api_tokens: {
    id: Generated<number>;
    user_id: number;
    name: string;
    scope: string;
    token_hash: string;
    created_at: DefaultTimestamp;
    last_used_at: Timestamp | null;
    revoked_at: Timestamp | null;
  };
  audit_log: {
    id: Generated<number>;
    at: DefaultTimestamp;
    actor_id: number | null;
    action: string;
    target_type: string | null;
    target_id: string | null;
    details: JsonDefault<Record<string, unknown>>;
    ip: string | null;
  };
  records: {
    id: Generated<number>;
    type: string;
    external_id: string;
    status: string | null;
    party: string | null;
    occurred_at: Timestamp | null;
    fields: JsonDefault<Record<string, unknown>>;
    imported_at: DefaultTimestamp;
  };
  cases: {
    id: Generated<number>;
    kind: ColumnType<'customer' | 'supplier', 'customer' | 'supplier' | undefined>;
    title: string;
    subject_id: number | null;
    issue_id: number | null;
    status: ColumnType<CaseStatus, CaseStatus | undefined>;
    priority: ColumnType<CasePriority, CasePriority | undefined>;
    assignee_id: number | null;
    queue: string | null;
    tags: JsonDefault<string[]>;
    first_response_due: Timestamp | null;
    resolution_due: Timestamp | null;
    first_responded_at: Timestamp | null;
    resolved_at: Timestamp | null;
    due_at: Timestamp | null;
    created_by: number | null;
    created_at: DefaultTimestamp;
    updated_at: DefaultTimestamp;
  };
  case_links: { case_id: number; post_id: number | null; record_id: number | null; created_at: DefaultTimestamp };
  case_rule_matches: { rule_id: string; target: string; case_id: number | null; created_at: DefaultTimestamp };
  case_events: {
    id: Generated<number>;
    case_id: number;
    at: DefaultTimestamp;
    actor_id: number | null;
    type: string;
    details: JsonDefault<Record<string, unknown>>;
  };
  replies: {
    id: Generated<number>;
    case_id: number | null;
    post_id: number | null;
    network: string;
    body: string;
    status: ColumnType<ReplyStatus, ReplyStatus | undefined>;
    author_id: number | null;
    approver_id: number | null;
    review_note: string | null;
    idempotency_key: string | null;
    sent_native_id: string | null;
    sent_url: string | null;
    last_error: string | null;
    created_at: DefaultTimestamp;
    updated_at: DefaultTimestamp;
    needs_approval: Generated<boolean>;
    in_reply_to: string | null;
    attempts: Generated<number>;
    sending_at: Timestamp | null;
    sent_at: Timestamp | null;
  };
  reply_accounts: {
    network: 'x' | 'bluesky' | 'mastodon';
    handle: string;
    base_url: string | null;
    max_characters: number | null;
    secrets: string;
    updated_by: number | null;
    updated_at: DefaultTimestamp;
  };
  source_state: {
    id: string;
    kind: string;
    config: JsonDefault<Record<string, unknown>>;
    secrets: string | null;
    cursor: ColumnType<Record<string, unknown> | null, string | null, string | null>;
    paused: Generated<boolean>;
    health: JsonDefault<Record<string, unknown>>;
    posts_ingested: Generated<number>;
    created_at: DefaultTimestamp;
    updated_at: DefaultTimestamp;
  };
  settings: { key: string; value: ColumnType<unknown, string, string>; updated_at: DefaultTimestamp };
  derive_queue: { post_id: number; enqueued_at: DefaultTimestamp };
  incidents: {
    id: Generated<number>;
    name: string;
    query: string;
    started_at: Timestamp;
    closed_at: Timestamp | null;
    status: ColumnType<IncidentStatus, IncidentStatus | undefined, IncidentStatus>;
    created_by: number | null;
    closed_by: number | null;
    created_at: DefaultTimestamp;
  };
  incident_notes: {
    id: Generated<number>;
    incident_id: number;
    author_id: number | null;
    text: string;
    created_at: DefaultTimestamp;
  };
}

export type IssueStatus = 'new' | 'watching' | 'acknowledged' | 'resolved';
export type AlertKind = 'volume_spike' | 'negative_share' | 'issue_emerging' | 'issue_accelerating' | 'source_silent' | 'sla_breach';
export type Role = 'admin' | 'analyst' | 'responder' | 'approver' | 'viewer' | 'supplier';
export type CaseStatus = 'new' | 'open' | 'waiting_customer' | 'waiting_supplier' | 'resolved' | 'closed';
export type CasePriority = 'low' | 'normal' | 'high' | 'urgent';
export type ReplyStatus = 'draft' | 'submitted' | 'approved' | 'rejected' | 'sending' | 'sent' | 'failed' | 'unconfirmed';
export type IncidentStatus = 'open' | 'closed';

export type SubjectRow = Selectable<Database['subjects']>;
export type NewSubject = Insertable<Database['subjects']>;
export type SubjectUpdate = Updateable<Database['subjects']>;
export type PostRow = Selectable<Database['posts']>;
export type NewPostRow = Insertable<Database['posts']>;
export type IssueRow = Selectable<Database['issues']>;
export type AlertRow = Selectable<Database['alerts']>;
export type UserRow = Selectable<Database['users']>;
export type SourceStateRow = Selectable<Database['source_state']>;
export type ReplyRow = Selectable<Database['replies']>;
export type ReplyAccountRow = Selectable<Database['reply_accounts']>;
export type IncidentRow = Selectable<Database['incidents']>;
export type IncidentNoteRow = Selectable<Database['incident_notes']>;
