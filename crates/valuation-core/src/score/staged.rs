//! A file valued in steps: the whole-file pass, then the model one batch at a time, then the
//! report. Hosts that must stay responsive (a Web Worker reporting progress and honouring
//! cancellation between batches) drive these steps; [`super::score`] runs them in one go, so
//! both paths give the same report.

#[cfg(feature = "model")]
use super::ModelRef;
use super::{Analysis, Embedded, Report, ScoreError, ScoreOptions};
use crate::dataset_ref::DatasetRef;
#[cfg(feature = "model")]
use crate::embed::{EmbedJob, Embedder};

pub struct Staged {
    analysis: Analysis,
    #[cfg_attr(not(feature = "model"), allow(dead_code))]
    options: ScoreOptions,
    #[cfg(feature = "model")]
    model: Option<Model>,
}

#[cfg(feature = "model")]
struct Model {
    reference: ModelRef,
    domain: Vec<Vec<f32>>,
    job: EmbedJob,
}

impl Staged {
    /// The whole-file pass: cost linear in the file size, no model.
    pub fn new(bytes: &[u8], options: &ScoreOptions) -> Result<Self, ScoreError> {
        Staged::new_hashed(bytes, options, None)
    }

    /// [`Staged::new`] with the file's SHA-256 already computed by the host
    /// (see [`super::analyze_hashed`]).
    pub fn new_hashed(
        bytes: &[u8],
        options: &ScoreOptions,
        sha256: Option<&str>,
    ) -> Result<Self, ScoreError> {
        Ok(Staged {
            analysis: super::analyze_hashed(bytes, options, sha256)?,
            options: options.clone(),
            #[cfg(feature = "model")]
            model: None,
        })
    }

    pub fn analysis(&self) -> &Analysis {
        &self.analysis
    }

    /// Units the model embeds: the content-defined sample.
    pub fn units_to_embed(&self) -> usize {
        self.analysis.sample.len()
    }

    pub fn units_embedded(&self) -> usize {
        #[cfg(feature = "model")]
        if let Some(m) = &self.model {
            return m.job.done();
        }
        0
    }

    /// Embeds the next batch of the sample (the domain targets with the first); false when done.
    #[cfg(feature = "model")]
    pub fn embed_step(&mut self, embedder: &Embedder) -> Result<bool, ScoreError> {
        if self.model.is_none() {
            self.model = Some(Model {
                reference: ModelRef {
                    id: self.options.model_id.clone(),
                    weights_sha256: embedder.info().weights_sha256.clone(),
                    precision: embedder.info().precision,
                },
                domain: embedder.embed(&super::domain_targets(&self.options))?,
                job: embedder.start(&self.analysis.sample_texts())?,
            });
        }
        let model = self.model.as_mut().expect("set above");
        Ok(embedder.step(&mut model.job)?)
    }

    /// Every text the model embeds for this file, for a host that embeds them elsewhere (other
    /// workers): the domain targets first, then the sample. Give their vectors back, in this
    /// order, to [`Staged::set_vectors`].
    pub fn texts_to_embed(&self) -> Vec<String> {
        let mut texts = super::domain_targets(&self.options);
        texts.extend(self.analysis.sample_texts().into_iter().map(str::to_owned));
        texts
    }

    /// The vectors of [`Staged::texts_to_embed`], embedded by any [`Embedder`] with these
    /// weights, in any batches: vectors do not depend on how texts are batched, so the report
    /// is the same as with [`Staged::embed_step`]. `model` names the embedder that made them.
    #[cfg(feature = "model")]
    pub fn set_vectors(
        &mut self,
        model: &crate::embed::ModelInfo,
        vectors: Vec<Vec<f32>>,
    ) -> Result<(), ScoreError> {
        let domain = super::domain_targets(&self.options).len();
        let wanted = domain + self.analysis.sample.len();
        if vectors.len() != wanted || vectors.iter().any(|v| v.len() != model.dim) {
            return Err(ScoreError::InvalidOption(format!(
                "expected {wanted} vectors of {} numbers, in the order of texts_to_embed",
                model.dim
            )));
        }
        let mut vectors = vectors;
        let units = vectors.split_off(domain);
        self.model = Some(Model {
            reference: ModelRef {
                id: self.options.model_id.clone(),
                weights_sha256: model.weights_sha256.clone(),
                precision: model.precision,
            },
            domain: vectors,
            job: crate::embed::EmbedJob::finished(units),
        });
        Ok(())
    }

    /// The report. With no embedding step it is the model-free report (`model: null`, no
    /// diversity or relevance); a half-embedded sample is refused rather than scored on part.
    pub fn finish(self, dataset: Option<&DatasetRef>) -> Result<Report, ScoreError> {
        #[cfg(feature = "model")]
        let embedded = match self.model {
            None => None,
            Some(m) if m.job.done() < m.job.total() => {
                return Err(ScoreError::InvalidOption(
                    "the sample is not fully embedded yet".into(),
                ))
            }
            Some(m) => Some(Embedded {
                model: m.reference,
                units: m.job.into_vectors(),
                domain: m.domain,
            }),
        };
        #[cfg(not(feature = "model"))]
        let embedded: Option<Embedded> = None;
        if let (Some(d), Some(e)) = (dataset, &embedded) {
            d.check_space(&e.model.id, e.units.first().map(Vec::len))?;
        }
        Ok(self.analysis.finish(embedded.as_ref(), dataset))
    }
}
