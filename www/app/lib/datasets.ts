import { restGet } from './supabase';

/** A row of the contributable_datasets view (supabase/migrations/…_dataset_references.sql). */
export type Dataset = {
  id: string;
  domain: string;
  name: string;
  quality_score: string | null; // numeric(5,2): PostgREST sends it as a JSON number; null before any contribution
  contributor_count: number;
  contribution_count: number;
  reference_sha256: string | null;
  reference_byte_size: number | null;
};

const COLUMNS = 'id,domain,name,quality_score,contributor_count,contribution_count,reference_sha256,reference_byte_size';

/** The datasets the signed-in user may contribute to (RLS + the view's rule), by domain then
 * listed quality: the order datasets_domain_quality_idx serves. */
export async function listContributableDatasets(): Promise<Dataset[]> {
  const query = new URLSearchParams({ select: COLUMNS, order: 'domain,quality_score.desc.nullslast', limit: '200' });
  return (await restGet<Dataset>('contributable_datasets', query)).rows;
}
