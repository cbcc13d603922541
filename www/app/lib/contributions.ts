import { restGet, type Page } from './supabase';

/** A row of data_contributions as "my contributions" shows it (RLS returns the user's rows only). */
export type Contribution = {
  id: string;
  dataset_id: string;
  content_sha256: string;
  byte_size: number;
  detected_type: string;
  quality_score: number;
  sub_scores: Record<string, number | null>;
  created_at: string;
};

export const CONTRIBUTIONS_PER_PAGE = 10;
const COLUMNS = 'id,dataset_id,content_sha256,byte_size,detected_type,quality_score,sub_scores,created_at';

/** Page `page` (0-based) of the user's contributions, newest first, with the total count
 * (served by data_contributions_contributor_created_idx). */
export function listMyContributions(page: number): Promise<Page<Contribution>> {
  const query = new URLSearchParams({
    select: COLUMNS,
    order: 'created_at.desc,id',
    limit: String(CONTRIBUTIONS_PER_PAGE),
    offset: String(page * CONTRIBUTIONS_PER_PAGE),
  });
  return restGet<Contribution>('data_contributions', query, { count: true });
}
