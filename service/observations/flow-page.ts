/**
 * One page of observed connections in a chosen order, for GET /v1/flows and
 * the web page's table. Pure: rows in (most recently seen first, as the flow
 * store answers), the page and the number of rows that matched out.
 */
import type { FlowRecord } from '../model/observation';
import { serviceOf } from './rule-view';

export const SORT_KEYS = [
  'last_seen',
  'first_seen',
  'count',
  'source',
  'destination',
  'service',
  'verdict',
  'rule',
] as const;
export type SortKey = (typeof SORT_KEYS)[number];
export interface PageOptions {
  sort: SortKey;
  order: 'asc' | 'desc';
  offset: number;
  limit: number;
}

/** Times and counts read best newest/largest first, names A to Z. */
export const defaultOrder = (sort: SortKey): 'asc' | 'desc' =>
  sort === 'last_seen' || sort === 'first_seen' || sort === 'count' ? 'desc' : 'asc';

const value = (r: FlowRecord, key: SortKey): string | number =>
  key === 'count' ? r.count : key === 'service' ? serviceOf(r) : key === 'rule' ? (r.rule ?? '') : r[key];

export function pageFlows(rows: FlowRecord[], o: PageOptions): { total: number; items: FlowRecord[] } {
  const sign = o.order === 'asc' ? 1 : -1;
  // The store's order (most recent first) breaks ties, so paging is stable between requests.
  const sorted =
    o.sort === 'last_seen' && o.order === 'desc'
      ? rows
      : rows
          .map((r, i) => ({ r, i, v: value(r, o.sort) }))
          .sort((a, b) => (a.v < b.v ? -sign : a.v > b.v ? sign : a.i - b.i))
          .map((x) => x.r);
  return { total: rows.length, items: sorted.slice(o.offset, o.offset + o.limit) };
}
